"""Shared fixtures: the real spaCy pipeline (loaded once) and paths to ../shared when present."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import spacy
from postgres import db_url, db_urls, pg_databases, pg_db_url, postgres_url  # noqa: F401 (fixtures)

from actorgraph.extract.document import extract
from actorgraph.extract.nlp import PIPELINE, load
from actorgraph.models import Document

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def nlp():
    return load()


@pytest.fixture(scope="session")
def run(nlp):
    """Extract relations from a short text written in the test."""
    def _run(text: str, name: str = "t", published: str | None = None):
        document = Document(text=text, name=name, published=published)
        return extract(document, nlp(text))
    return _run


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "ontology.yaml").exists():
        pytest.skip("../shared (dev corpus, examples and reference scorer) is not beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def shared_texts(shared) -> list[str]:
    """The development texts and the examples, for checks that the project's parse equals spaCy's."""
    return [path.read_text(encoding="utf-8") for folder in ("dev", "examples")
            for path in sorted((shared / folder).glob("*.txt"))]


@pytest.fixture(scope="session")
def spacy_as_installed():
    """The pipeline as `spacy.load` gives it (blis, attribute ruler, lemmatizer), with the project's
    line breaks: what the project's own parse must annotate alike."""
    installed = spacy.load(PIPELINE)
    installed.add_pipe("line_breaks", before="parser")
    return installed


def facts(extraction) -> set[tuple[str, str, str]]:
    return {(r.subject.actor.name, r.predicate, r.object.actor.name) for r in extraction.relations}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`actorgraph serve` started as its own process on 127.0.0.1, as a user would run it."""

    def __init__(self, db: Path | str, *extra: str, env: dict | None = None, log_dir: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (log_dir or Path(db).parent) / f"serve-{self.port}.log"
        command = [sys.executable, "-m", "actorgraph", "serve", "--db", str(db), "--port", str(self.port), *extra]
        self.process = subprocess.Popen(command, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"actorgraph serve exited {self.process.returncode}: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"actorgraph serve did not answer within 60 s: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The bundled demo corpus ingested once into a real SQLite file (read-only for tests)."""
    from actorgraph.cli.documents import demo_corpus
    from actorgraph.pipeline import ingest
    from actorgraph.graph.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = Store.open(str(path))
    report = ingest([str(demo_corpus())], store)
    store.close()
    assert report.ok and report.added
    return path


@pytest.fixture(scope="session")
def demo_server(demo_db):
    """A real server over the demo database, shared by the read-only API and page tests."""
    server = LiveServer(demo_db)
    yield server
    server.stop()


EXE = shutil.which("actorgraph") or str(Path(sys.executable).with_name("actorgraph"))


def cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "ACTORGRAPH_DB"}
    environment.update({"COLUMNS": "200", **(env or {})})
    return subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, env=environment, timeout=600)
