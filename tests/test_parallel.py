"""Parallel ingest (`--engine ray`): the same graph as the single-process path, bad input reported
the same way, and no Ray import unless asked for. The Ray tests start one local cluster through
the real CLI (~20 s); the rest run in-process without Ray."""
from __future__ import annotations

import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actorgraph import pipeline
from actorgraph.extract import document as extraction  # where ExtractOptions finds `extract`
from actorgraph.cli import app
from actorgraph.models import Document
from actorgraph.parallel import _Extractor, _in_order
from actorgraph.graph.store import Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the synthetic corpus and the table hash live in benchmarks/

from benchmarks.corpus import generate  # noqa: E402
from benchmarks.parallel import counts, link_table_hash, relation_table_hash  # noqa: E402

needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                               reason="Ray is not installed (pip install -e '.[ray]')")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """30 synthetic articles as JSONL, plus one file that cannot be read."""
    folder = tmp_path_factory.mktemp("parallel-input")
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as handle:
        for doc in generate(30, seed=7):
            handle.write(json.dumps(doc) + "\n")
    (folder / "broken.txt").write_bytes(b"Rwanda backs\0 the KLF.")
    return folder


@pytest.fixture(scope="module")
def local_db(inputs, tmp_path_factory, nlp) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.sqlite"
    store = Store.open(str(db))
    report = pipeline.ingest([str(inputs)], store)
    store.close()
    assert report.added == 30 and len(report.errors) == 1
    return db


@pytest.fixture(scope="module")
def ray_run(inputs, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    db = tmp_path_factory.mktemp("ray") / "ray.sqlite"
    environment = {k: v for k, v in os.environ.items() if k != "ACTORGRAPH_DB"} | {"COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "actorgraph", "ingest", str(inputs), "--db", str(db),
                           "--engine", "ray", "--workers", "2"],
                          cwd=ROOT, capture_output=True, text=True, env=environment, timeout=300)
    return db, done


def _summary(db: Path) -> tuple[str, str, dict]:
    store = Store.open(str(db))
    try:
        return relation_table_hash(store), link_table_hash(store), counts(store)
    finally:
        store.close()


@needs_ray
def test_ray_engine_stores_the_same_graph_as_the_default_engine(ray_run, local_db):
    db, done = ray_run
    assert "30 added" in done.stdout, done.stderr
    ray_hash, ray_links, ray_counts = _summary(db)
    local_hash, local_links, local_counts = _summary(local_db)
    assert ray_counts == local_counts and ray_counts["relations"] > 100
    assert ray_hash == local_hash
    assert ray_links == local_links


@needs_ray
def test_ray_engine_reports_a_bad_file_once_and_stores_the_rest(ray_run):
    _, done = ray_run
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1
    assert len(errors) == 1 and "broken.txt" in errors[0], done.stderr
    assert "30 added, 0 already stored, 1 failed" in done.stdout


@needs_ray
def test_a_ray_failure_is_one_error_line_naming_its_cause(tmp_path):
    (tmp_path / "a.txt").write_text("Rwanda backs the KLF.")
    environment = {k: v for k, v in os.environ.items() if k != "ACTORGRAPH_DB"}
    environment |= {"COLUMNS": "400", "ACTORGRAPH_PIPELINE": "no_such_pipeline"}
    done = subprocess.run([sys.executable, "-m", "actorgraph", "ingest", str(tmp_path / "a.txt"),
                           "--db", str(tmp_path / "g.sqlite"), "--engine", "ray", "--workers", "1"],
                          cwd=ROOT, capture_output=True, text=True, env=environment, timeout=300)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: Ray failed:") and "no_such_pipeline" in last, done.stderr[-2000:]


def test_importing_the_cli_does_not_import_ray():
    code = "import actorgraph.cli, actorgraph.pipeline, actorgraph.parallel, sys; assert 'ray' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.parametrize("options", [["--workers", "2"], ["--address", "auto"], ["--engine", "spark"],
                                     ["--engine", "ray", "--workers", "0"]])
def test_wrong_engine_options_are_one_error_line_and_exit_2(options, tmp_path):
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.sqlite"), *options])
    assert result.exit_code == 2
    assert not (tmp_path / "x.sqlite").exists()


def _documents(*texts: str) -> list[Document]:
    return [Document(text=text, name=f"d{i}") for i, text in enumerate(texts)]


def test_a_worker_reports_a_failed_extraction_for_that_document_only(monkeypatch, nlp):
    documents = _documents("Rwanda backs the KLF.", "Uganda hosts the KLF.", "Burundi condemned the KLF.")
    real = extraction.extract

    def flaky(document, parsed, **options):
        if document.name == "d1":
            raise ValueError("no luck")
        return real(document, parsed, **options)

    monkeypatch.setattr(extraction, "extract", flaky)
    out = _Extractor()({"index": [0, 1, 2], "document": [pickle.dumps(d) for d in documents]})
    outcomes = [pickle.loads(blob) for blob in out["outcome"]]
    assert out["index"] == [0, 1, 2]
    assert isinstance(outcomes[1], RuntimeError) and "no luck" in str(outcomes[1])
    assert outcomes[0].relations and outcomes[2].relations


def test_the_default_engine_reports_a_failed_extraction_and_stores_the_rest(monkeypatch, tmp_path, nlp):
    for name, text in [("a.txt", "Rwanda backs the KLF."), ("b.txt", "Uganda hosts the KLF.")]:
        (tmp_path / name).write_text(text)
    real = extraction.extract

    def flaky(document, parsed, **options):
        if (document.path or "").endswith("a.txt"):
            raise ValueError("bad")
        return real(document, parsed, **options)

    monkeypatch.setattr(extraction, "extract", flaky)
    store = Store.open(str(tmp_path / "g.sqlite"))
    report = pipeline.ingest([str(tmp_path)], store)
    store.close()
    assert report.added == 1 and len(report.errors) == 1
    assert report.errors[0].endswith("a.txt: not extracted: bad")


def test_a_spacy_failure_is_isolated_to_its_document(monkeypatch, nlp):
    documents = _documents(*(f"Rwanda backs group {i}." for i in range(5)))
    real = pipeline.parse

    def parse(texts, batch_size=16):
        texts = list(texts)
        if any(text.endswith("2.") for text in texts):
            if len(texts) > 1:
                yield from real(texts[:1])
            raise RuntimeError("spaCy broke")
        yield from real(texts, batch_size=batch_size)

    monkeypatch.setattr(pipeline, "parse", parse)
    outcomes = [outcome for _, outcome in pipeline.extract_each(documents, batch_size=2)]
    assert [isinstance(o, Exception) for o in outcomes] == [False, False, True, False, False]


def test_results_are_written_in_input_order_whatever_order_they_come_back_in():
    documents = _documents("a", "b", "c", "d")
    arrived = [(2, "C"), (0, "A"), (3, "D"), (1, "B")]
    assert [(d.name, o) for d, o in _in_order(documents, arrived)] == [("d0", "A"), ("d1", "B"), ("d2", "C"),
                                                                       ("d3", "D")]
    with pytest.raises(RuntimeError, match="3 of 4"):
        list(_in_order(documents, arrived[1:]))
