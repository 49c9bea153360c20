"""Ingest benchmarks: throughput against bare spaCy, scaling in fresh processes, and a profile.

Bare `nlp.pipe` of the pipeline as spaCy installs it, at the project's batch size, is the yardstick:
c/a says how much of spaCy's own speed an ingest keeps. The project's parse (a') differs from it only
in speed (the attribute ruler and lemmatizer as tables, matrix products through numpy's BLAS), so c/a' says
what extraction and storage cost on top; (a'') is bare spaCy on numpy's BLAS alone, so the gain of that
choice is measured apart from the rest.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from actorgraph.extract import nlp
from actorgraph.pipeline import extract_all, ingest, read_all
from actorgraph.graph.store import Store

from .profiling import profile_to

Advance = Callable[[int], None]
PROGRESS_EVERY = 50
ROUNDS = 2


def _noop(_: int) -> None:
    return None


def _documents(corpus: Path) -> list:
    documents, errors = read_all([str(corpus)])
    if errors:
        raise RuntimeError(f"corpus {corpus} has unreadable lines: {errors[:3]}")
    return documents


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call (CPU time is what a busy neighbour on the host does not steal)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def throughput(corpus: Path, workdir: Path, advance: Advance = _noop, rounds: int = ROUNDS) -> dict:
    """Characters per second of (a) bare `nlp.pipe` of the pipeline as spaCy installs it, (a') the
    project's own parse (the same model, its attribute ruler and lemmatizer as tables: `tag_rules`,
    `lemma_table`, its layers on numpy's BLAS), (a'') bare `nlp.pipe` on numpy's BLAS,
    (b) extract_all and (c) ingest into a fresh SQLite file, on the same texts in this process;
    `advance` is called once per document of each pass. a, a' and c are timed `rounds` times,
    alternating (a'' and b as well), and the fastest of each kept (a slow moment of the host then hits neither side
    alone). The store's own share is timed directly (b's extractions written to another file)."""
    documents = _documents(corpus)
    texts = [d.text for d in documents]
    chars = sum(map(len, texts))
    bare, on_numpy, project = spacy.load(nlp.PIPELINE), spacy.load(nlp.PIPELINE), nlp.load()
    nlp.multiply_through_numpy(on_numpy)
    for pipeline in (bare, on_numpy, project):
        list(pipeline.pipe(texts[:nlp.BATCH_SIZE], batch_size=nlp.BATCH_SIZE))

    def parse_with(pipeline) -> Callable[[], None]:
        def run() -> None:
            for _ in pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE):
                advance(1)
        return run

    stored: dict[str, int] = {}

    def ingest_fresh(round_: int) -> Callable[[], None]:
        def run() -> None:
            store = Store.open(str(workdir / f"throughput-{round_}.sqlite"))
            report = ingest([str(corpus)], store, on_progress=lambda _: advance(1))
            store.close()
            stored["relations"] = report.relations
            if not report.ok or report.added != len(documents):
                raise RuntimeError(f"ingest stored {report.added} of {len(documents)} documents: {report.errors[:3]}")
        return run

    extracted: list = []

    def extract_everything() -> None:
        extracted.clear()
        for document, extraction in extract_all(documents):
            extracted.append((document, extraction))
            advance(1)

    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for round_ in range(rounds):
        for name, work in (("a_nlp_pipe", parse_with(bare)), ("a_numpy_blas", parse_with(on_numpy)),
                           ("a_project_parse", parse_with(project)), ("b_extract", extract_everything),
                           ("c_ingest", ingest_fresh(round_))):
            w, c = _timed(work)
            wall.setdefault(name, []).append(w)
            cpu.setdefault(name, []).append(c)

    store = Store.open(str(workdir / "store-only.sqlite"))
    store_only, _ = _timed(lambda: [store.add_document(d, e.mentions, e.relations) for d, e in extracted])
    store.close()

    seconds = {k: min(v) for k, v in wall.items()}
    cpu_seconds = {k: min(v) for k, v in cpu.items()}
    rate = {k: chars / v for k, v in seconds.items()}
    return {"docs": len(documents), "chars": chars, "rounds": rounds,
            "relations_extracted": sum(len(e.relations) for _, e in extracted),
            "relations_stored": stored["relations"], "seconds": seconds, "cpu_seconds": cpu_seconds, "all_seconds": wall, "chars_per_second": rate,
            "b_over_a": rate["b_extract"] / rate["a_nlp_pipe"], "c_over_a": rate["c_ingest"] / rate["a_nlp_pipe"],
            "c_over_a_cpu": cpu_seconds["a_nlp_pipe"] / cpu_seconds["c_ingest"],
            "c_over_project_parse": rate["c_ingest"] / rate["a_project_parse"],
            "c_over_numpy_blas": rate["c_ingest"] / rate["a_numpy_blas"],
            "stage_seconds": {"nlp": seconds["a_project_parse"],
                              "extract": seconds["b_extract"] - seconds["a_project_parse"], "store": store_only}}


def _peak_rss_mb() -> float:
    """This process's high-water resident set (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _child(corpus: Path, db: Path) -> None:
    """Run one ingest in this (fresh) process, print progress lines, then the result as JSON."""
    start = time.perf_counter()
    nlp.load()
    load = time.perf_counter() - start
    store, done = Store.open(str(db)), 0

    def tick(_: str) -> None:
        nonlocal done
        done += 1
        if done % PROGRESS_EVERY == 0:
            print(f"progress {PROGRESS_EVERY}", flush=True)

    start = time.perf_counter()
    report = ingest([str(corpus)], store, on_progress=tick)
    seconds = time.perf_counter() - start
    store.close()
    print("result " + json.dumps({"docs": report.added, "relations": report.relations, "errors": len(report.errors),
                                  "seconds": seconds, "load_seconds": load, "peak_rss_mb": _peak_rss_mb(),
                                  "db_mb": db.stat().st_size / 2**20}), flush=True)


def scaling_point(corpus: Path, workdir: Path, advance: Advance = _noop) -> dict:
    """Ingest `corpus` in a fresh interpreter so its peak RSS is this size's alone."""
    db = workdir / f"scaling-{corpus.stem}.sqlite"
    command = [sys.executable, "-m", "benchmarks.ingest", "--child", str(corpus), str(db)]
    result = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent) as child:
        for line in child.stdout:
            kind, _, payload = line.strip().partition(" ")
            if kind == "progress":
                advance(int(payload))
            elif kind == "result":
                result = json.loads(payload)
    if child.returncode or result is None:
        raise RuntimeError(f"scaling child for {corpus} failed (exit {child.returncode})")
    db.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with open(corpus, encoding="utf-8") as handle:
        result["chars"] = sum(len(json.loads(line)["text"]) for line in handle if line.strip())
    result["chars_per_second"] = result["chars"] / result["seconds"]
    result["docs_per_second"] = result["docs"] / result["seconds"]
    return result


def profile_ingest(corpus: Path, workdir: Path, out: Path, slowest: str, top: int = 25) -> None:
    """cProfile one ingest (the slowest stage, `slowest`, runs inside it) and write the top functions."""
    nlp.load()
    store = Store.open(str(workdir / "profile.sqlite"))
    header = (f"cProfile of actorgraph.pipeline.ingest on {corpus.name} (slowest stage: {slowest}).\n"
              f"First: top {top} functions by cumulative time; then top 15 by own (tot) time.\n\n")
    profile_to(out, header, lambda: ingest([str(corpus)], store), top)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="One ingest in a fresh process (used by benchmarks.run).")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "DB"), required=True)
    args = parser.parse_args()
    _child(Path(args.child[0]), Path(args.child[1]))


if __name__ == "__main__":
    main()
