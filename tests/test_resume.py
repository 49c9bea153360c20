"""Resuming an ingest killed halfway, on both backends: `actorgraph ingest` is SIGKILLed after it
stored some documents but not all, then run again; the database ends as one clean run makes it,
each document once and no relation lost or doubled. It holds because each document is one
transaction (a killed one leaves nothing) and the ingest skips documents already stored."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from postgres import wait_for
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from actorgraph.pipeline import ingest
from actorgraph.graph.schema import DocumentRow, RelationRow
from actorgraph.graph.store import Store, database_url

PLACES = ["Kivu", "Ituri", "Sahel", "Darfur", "Tigray", "Idlib", "Marib", "Sinai", "Cabo", "Rakhine"]
COUNT = 40


def _write_corpus(folder) -> None:
    """Short reports, each with its own group, year and backers, so each is a new document."""
    folder.mkdir()
    for i in range(COUNT):
        group = f"{PLACES[i % 10]} Liberation Front"
        backer, rival = ("Rwanda", "Uganda") if i % 2 else ("Uganda", "Rwanda")
        (folder / f"report-{i:02d}.txt").write_text(
            f"The {group} is backed by {backer}. {rival} armed the {group} in {1980 + i}. "
            f"The {group} attacked the army of Congo near Goma. Sudan condemned {backer}.\n")


def _count(url: str, column=DocumentRow.id) -> int:
    """Rows stored so far, as another process sees them (0 while the tables do not exist yet)."""
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count(column)))
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _rows(url: str) -> tuple[list[str], list[tuple]]:
    store = Store.open(url)
    with store.engine.connect() as connection:
        documents = sorted(connection.execute(select(DocumentRow.id)).scalars())
        relations = sorted(tuple(r) for r in connection.execute(select(
            RelationRow.document_id, RelationRow.predicate, RelationRow.subject_id, RelationRow.object_id,
            RelationRow.evidence_start)))
    store.close()
    return documents, relations


def _ingest_command(folder, url: str) -> list[str]:
    return [sys.executable, "-m", "actorgraph", "ingest", str(folder), "--db", url]


def test_ingest_killed_halfway_resumes_without_duplicates_or_losses(tmp_path, db_urls):
    folder, url, clean = tmp_path / "corpus", db_urls(), db_urls()
    _write_corpus(folder)
    Store.open(url).close()
    log = (tmp_path / "killed.log").open("w")
    process = subprocess.Popen(_ingest_command(folder, url), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: process.poll() is not None or _count(url), timeout=120, step=0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
        log.close()
    stored = _count(url)
    assert 0 < stored < COUNT, f"the kill came too late to test resuming ({stored} of {COUNT} stored)"
    assert process.returncode == -signal.SIGKILL, (tmp_path / "killed.log").read_text()

    again = subprocess.run(_ingest_command(folder, url), capture_output=True, text=True, timeout=300,
                           check=False)
    assert again.returncode == 0, again.stdout + again.stderr

    store = Store.open(clean)
    report = ingest([str(folder)], store)
    store.close()
    assert report.ok and report.added == COUNT
    documents, relations = _rows(url)
    assert len(documents) == len(set(documents)) == COUNT
    assert len(relations) == report.relations > 0
    assert (documents, relations) == _rows(clean)
