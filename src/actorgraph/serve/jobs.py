"""Upload jobs: each upload is ingested in a background thread, one upload at a time per database
(SQLite has one writer, and the store's caches of actors and near-duplicates must be read after the
previous upload committed), with progress the page follows by polling or server-sent events.

With one server process (the default) jobs live in memory. With several (`serve --workers N`) an
upload is posted to one worker and its progress may be asked of another, and a write made through
one worker must be seen by the others, so the workers share a folder (made by `serve`, removed when
it stops) holding:

- `jobs/<id>.json`: each job's state, replaced atomically (temp file, then rename) on every change,
  with the id of the process running it, so a job whose worker died reads as failed instead of
  running for ever;
- `ingest.lock`: an exclusive `flock` held while a job ingests, so uploads posted to different
  workers are still ingested one after another (a job waiting for it stays "queued"); the system
  releases it if its worker dies;
- `writes`: one byte appended for every write (each stored document, merge, split, judgement).
  Appends are atomic and the file only grows, so a worker that counts its own appends knows that a
  longer file means another worker wrote; it then drops its store's caches (the merges, the actor
  index, known aliases, near-duplicates) before answering, and no worker answers from a graph older
  than one another worker has already acknowledged.

Files rather than a table: job states are transient (they end with the server, as they did in
memory), need no migration, and uvicorn's workers always share one machine, whatever the database.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..graph.store import Store
from ..workspace import Workspace

try:
    import fcntl
except ImportError:  # Windows: `serve` refuses --workers > 1 there
    fcntl = None  # type: ignore[assignment]

JOB_ID = re.compile(r"[0-9a-f]{12}")
FINAL = {"done", "failed"}
SHOWN = ("id", "state", "total", "done", "current", "added", "skipped", "relations", "errors")


@dataclass
class Job:
    """One upload's ingest, as the page sees it while it runs. The ingest thread updates it while
    the event stream reads it, so both hold its lock: a reader never sees "done" before the counts.
    With a shared folder every change is also written to `path` for the other workers."""

    id: str
    state: str = "queued"
    total: int | None = None
    done: int = 0
    current: str = ""
    added: int = 0
    skipped: int = 0
    relations: int = 0
    errors: list[str] = field(default_factory=list)
    version: int = 0
    path: Path | None = field(default=None, repr=False, compare=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def update(self, **values) -> None:
        with self.lock:
            for key, value in values.items():
                setattr(self, key, value)
            self.version += 1
            self._save()

    def snapshot(self) -> tuple[int, dict]:
        """The version and the state the page sees, read together."""
        with self.lock:
            return self.version, self._shown()

    def _shown(self) -> dict:
        return {name: getattr(self, name) for name in SHOWN}

    def _save(self) -> None:
        """Replace the job's file in one step (with the lock held), so a reader never sees half of it."""
        if self.path is None:
            return
        partial = self.path.with_name(f".{self.id}.{os.getpid()}.tmp")
        partial.write_text(json.dumps({"version": self.version, "pid": os.getpid(), "job": self._shown()}), "utf-8")
        os.replace(partial, self.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_caches(store: Store, reads_only: bool) -> None:
    """The store drops what it cached when it writes itself; another process's writes are only known
    here. Reads use the merges alone, which may be dropped at any time; the other caches only while
    no ingest of this process uses them."""
    if reads_only:
        store.forget_merges()
    else:
        store._forget()


class Jobs:
    """Uploads of one server process, ingested one at a time in a background thread; with `shared`
    (the folder the workers of `serve --workers N` share), one at a time across workers too."""

    def __init__(self, workspace: Workspace, shared: Path | None = None) -> None:
        if shared is not None and fcntl is None:
            raise RuntimeError("several server workers need POSIX file locks (fcntl)")
        self.workspace = workspace
        self.items: dict[str, Job] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
        self.shared = shared
        self.guard = threading.Lock()  # over `seen`, `behind` and `ingesting`
        self.ingesting = False
        self.behind = False  # merges were dropped while ingesting: drop the rest after the document
        if shared is not None:
            (shared / "jobs").mkdir(exist_ok=True)
            (shared / "writes").touch()
        self.seen = self._writes()

    def submit(self, folder: Path, metadata: dict) -> Job:
        job_id = uuid.uuid4().hex[:12]
        job = Job(job_id, path=self.shared / "jobs" / f"{job_id}.json" if self.shared else None)
        job.update()
        self.items[job.id] = job
        self.pool.submit(self._run, job, folder, metadata)
        return job

    def snapshot(self, job_id: str) -> tuple[int, dict] | None:
        """A job's version and state: this worker's from memory, another worker's from its file."""
        if job_id in self.items:
            return self.items[job_id].snapshot()
        if self.shared is None or not JOB_ID.fullmatch(job_id):
            return None
        try:
            saved = json.loads((self.shared / "jobs" / f"{job_id}.json").read_text("utf-8"))
        except FileNotFoundError:
            return None
        version, state = saved["version"], saved["job"]
        if state["state"] not in FINAL and not _alive(saved["pid"]):
            version += 1
            state |= {"state": "failed", "errors": [*state["errors"], "the server process ingesting it stopped"]}
        return version, state

    def refresh(self) -> None:
        """Before a request: catch up with the writes of other workers (no-op with one worker)."""
        if self.shared is not None:
            with self.guard:
                self._catch_up(reads_only=self.ingesting)

    def wrote(self) -> None:
        """After a write that succeeded: tell the other workers."""
        if self.shared is not None:
            with self.guard:
                self._catch_up(reads_only=self.ingesting)
                self._append()

    def _writes(self) -> int:
        return (self.shared / "writes").stat().st_size if self.shared else 0

    def _append(self) -> None:
        descriptor = os.open(self.shared / "writes", os.O_WRONLY | os.O_APPEND)
        try:
            os.write(descriptor, b".")
        finally:
            os.close(descriptor)
        self.seen += 1

    def _catch_up(self, reads_only: bool) -> None:
        """Drop the store's caches if the file grew by more than this worker's own appends (guard held)."""
        size = self._writes()
        if size != self.seen or (self.behind and not reads_only):
            self.seen = size
            self.behind = reads_only
            _drop_caches(self.workspace.store, reads_only)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This worker's turn to ingest: the other workers' ingests have ended and their writes are read."""
        if self.shared is None:
            yield
            return
        with open(self.shared / "ingest.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with self.guard:
                self.ingesting = True
                self._catch_up(reads_only=False)
            try:
                yield
            finally:
                with self.guard:
                    self.ingesting = False

    def _stored(self, job: Job, name: str) -> None:
        """After each document (its transaction committed), between two uses of the caches."""
        if self.shared is not None:
            with self.guard:
                self._catch_up(reads_only=False)
                self._append()
        job.update(done=job.done + 1, current=name)

    def _run(self, job: Job, folder: Path, metadata: dict) -> None:
        prefix = re.compile(re.escape(str(folder) + os.sep) + r"\d{4}" + re.escape(os.sep))
        try:
            with self._turn():
                job.update(state="running")
                report = self.workspace.ingest([folder], metadata=metadata, on_total=lambda n: job.update(total=n),
                                               on_progress=lambda name: self._stored(job, name))
            job.update(state="done" if report.ok else "failed", added=report.added, skipped=report.skipped,
                       relations=report.relations, errors=[prefix.sub("", e) for e in report.errors])
        except Exception as exc:  # the page must hear of any failure, not wait for ever
            job.update(state="failed", errors=[f"ingest failed: {exc}"])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
