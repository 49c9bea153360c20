"""A prepared statement gives the rows SQLAlchemy gives for it, on SQLite and PostgreSQL."""
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from test_store import PAKISTAN, QATAR, TALIBAN, relation

from actorgraph.graph.claims import FIRMNESS, VISIBLE
from actorgraph.graph.prepared import Prepared
from actorgraph.graph.schema import RelationRow
from actorgraph.graph.store import Store
from actorgraph.models import Document

# Required binds (s, p, n) beside the literal ones SQLAlchemy binds itself (VISIBLE's verdicts,
# FIRMNESS's modality weights), and LIMIT bound.
FIRMEST = select(RelationRow.id, FIRMNESS).where(
    VISIBLE, RelationRow.subject_id == bindparam("s"), RelationRow.predicate == bindparam("p")
).order_by(FIRMNESS.desc(), RelationRow.id).limit(bindparam("n"))


def _store(db_url: str) -> Store:
    store = Store.open(db_url)
    doc = Document(text="The Taliban supports Pakistan. Qatar pressures the Taliban. The Taliban supports Qatar.",
                   name="d.txt")
    store.add_document(doc, [], [relation(doc, TALIBAN, "supports", PAKISTAN, 0),
                                 relation(doc, QATAR, "pressures", TALIBAN, 31, modality="hedged"),
                                 relation(doc, TALIBAN, "supports", QATAR, 60, modality="hedged")])
    return store


def test_prepared_rows_are_sqlalchemys_rows_for_every_value(db_url):
    store = _store(db_url)
    prepared = Prepared(FIRMEST)
    with Session(store.engine) as session:
        run = prepared.cursor(session.connection())
        for values in ({"s": "taliban", "p": "supports", "n": 5}, {"s": "taliban", "p": "supports", "n": 1},
                       {"s": "qatar", "p": "pressures", "n": 5}, {"s": "qatar", "p": "supports", "n": 5}):
            expected = [tuple(row) for row in session.execute(FIRMEST, values)]
            assert [tuple(row) for row in run.rows(**values, unused="left out")] == expected, values
        assert len(run.rows(s="taliban", p="supports", n=5)) == 2
    store.close()
