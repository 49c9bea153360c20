"""`ingest --jobs`: a real pool of worker processes gives the same extractions in the same order as
one process, and the same graph through the command line."""
from __future__ import annotations

from pathlib import Path

from conftest import cli

from actorgraph.models import Document, relation_json
from actorgraph.pipeline import extract_each
from actorgraph.processes import default_jobs, extract_in_processes

TEXTS = ["Rwanda armed the M23 in {year}, UN experts said.", "The M23 captured Goma in {year}.",
         "Uganda hosts the ADF, a report claimed in {year}.", "Burundi condemned the M23 attacks of {year}."]


def documents(n: int) -> list[Document]:
    return [Document(text=TEXTS[i % 4].format(year=2000 + i), name=f"d{i}") for i in range(n)]


def plain(outcomes) -> list[tuple[str, list[dict]]]:
    return [(d.name, [relation_json(r) for r in o.relations]) for d, o in outcomes]


def test_worker_processes_give_what_one_process_gives_in_input_order():
    docs = documents(24)
    alone = plain(extract_each(docs, batch_size=4))
    pooled = plain(extract_in_processes(docs, 2, batch_size=4))
    assert pooled == alone and [name for name, _ in pooled] == [d.name for d in docs]
    assert any(relations for _, relations in pooled)


def test_one_batch_stays_in_this_process():
    assert plain(extract_in_processes(documents(3), 4)) == plain(extract_each(documents(3)))
    assert default_jobs() >= 1


def test_cli_jobs_builds_the_same_graph(tmp_path: Path):
    folder = tmp_path / "texts"
    folder.mkdir()
    for document in documents(40):
        (folder / f"{document.name}.txt").write_text(document.text + "\n")
    answers = []
    for jobs in ("1", "2"):
        db = str(tmp_path / f"g{jobs}.sqlite")
        done = cli("ingest", str(folder), "--jobs", jobs, "--db", db, cwd=tmp_path)
        assert done.returncode == 0 and "40 added" in done.stdout, done.stderr
        answers.append(cli("export", "--format", "json", "--db", db, cwd=tmp_path).stdout)
    assert answers[0] == answers[1] and '"predicate"' in answers[0]
    refused = cli("ingest", str(folder), "--jobs", "0", "--db", str(tmp_path / "x.sqlite"), cwd=tmp_path)
    assert refused.returncode == 2 and "--jobs must be at least 1" in refused.stderr
