"""Alembic migrations on both backends: a new database is created by the migrations alone and then
matches schema.py exactly (what `alembic check` verifies); databases made before Alembic are
adopted or refused in one clear line; workers opening a new database at once all succeed."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, inspect, text
from test_claims import fused, stored_claims, summed
from test_store import PAKISTAN, QATAR, TALIBAN, relation

from actorgraph.graph.claims import rebuild_links, rebuild_sources
from actorgraph.graph.grades import GradedClaim
from actorgraph.graph.migrations import config
from actorgraph.graph.fuse import claims_of
from actorgraph.models import Document
from actorgraph.graph.schema import ActorRow, Base, DocumentRow, RelationRow
from actorgraph.graph.store import SchemaMismatch, Store, database_url


def _engine(db_url: str):
    """An engine without the store's migrations; a SQLite file's folder is made as Store.open would."""
    if "://" not in db_url:
        Path(db_url).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(database_url(db_url))


def _state(db_url: str) -> tuple[str | None, list]:
    """The database's revision and its differences from schema.py (empty when they agree)."""
    engine = _engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            return context.get_current_revision(), compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _head() -> str:
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        return ScriptDirectory.from_config(config(connection)).get_current_head()


def _pre_alembic(db_url: str, *statements: str) -> None:
    """A database as earlier versions made it (create_all, no alembic_version), then changed."""
    engine = _engine(db_url)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def test_one_head_and_it_is_the_claim_grades_revision():
    assert _head() == "0008"


def test_a_database_at_the_initial_revision_is_upgraded_and_keeps_its_documents(db_url):
    engine = _engine(db_url)
    with engine.begin() as connection:
        command.upgrade(config(connection), "0001")
        connection.execute(text("INSERT INTO documents (id, name, text, added_at) VALUES ('d', 'd.txt', 'x', 'now')"))
    engine.dispose()
    store = Store.open(db_url)
    assert store.stats()["documents"] == 1 and store.profiles(["d"]) == {}
    store.close()
    assert _state(db_url) == (_head(), [])


def test_new_database_is_migrated_to_head_and_matches_the_schema(db_url):
    Store.open(db_url).close()
    assert _state(db_url) == (_head(), [])


def test_opening_again_changes_nothing(db_url):
    store = Store.open(db_url)
    store.add_document(Document(text="Kept across opens.", name="keep.txt"), [], [])
    store.close()
    again = Store.open(db_url)
    assert again.stats()["documents"] == 1
    again.close()
    assert _state(db_url) == (_head(), [])


def test_database_from_before_alembic_is_stamped(db_url):
    _pre_alembic(db_url, "INSERT INTO actors (id, name, type) VALUES ('x', 'X', 'state')")
    store = Store.open(db_url)
    assert store.actor("x").name == "X"
    store.close()
    assert _state(db_url) == (_head(), [])


def test_database_from_before_alembic_gets_missing_tables_and_indexes(db_url):
    _pre_alembic(db_url, "DROP TABLE rhetoric_spans", "DROP INDEX ix_relations_subject_object_predicate")
    Store.open(db_url).close()
    assert _state(db_url) == (_head(), [])


def _migrated_to(db_url: str, revision: str) -> None:
    """A database made by the migrations up to `revision` only, as that version of actorgraph left it."""
    engine = _engine(db_url)
    with engine.begin() as connection:
        command.upgrade(config(connection), revision)
    engine.dispose()


def _relations_written(db_url: str) -> None:
    """Three relations of one document written straight into the tables, as an earlier version did."""
    doc = Document(text="The Taliban supports Pakistan. Qatar pressures the Taliban.", name="d.txt")
    engine = _engine(db_url)
    with engine.begin() as connection:
        connection.execute(insert(DocumentRow.__table__), {"id": doc.id, "name": doc.name, "text": doc.text,
                                                           "added_at": "now"})
        connection.execute(insert(ActorRow.__table__), [{"id": a.id, "name": a.name, "type": a.type}
                                                        for a in (TALIBAN, PAKISTAN, QATAR)])
        connection.execute(insert(RelationRow.__table__), [Store._relation_row(doc.id, r) for r in (
            relation(doc, TALIBAN, "supports", PAKISTAN, 0), relation(doc, TALIBAN, "supports", PAKISTAN, 5),
            relation(doc, QATAR, "pressures", TALIBAN, 31, modality="hedged"))])
    engine.dispose()


def _claims_summed(db_url: str) -> None:
    store = Store.open(db_url)
    assert len(stored_claims(store)) == 2 and stored_claims(store) == summed(store)
    store.close()
    assert _state(db_url) == (_head(), [])


def test_relations_stored_before_the_claim_links_revision_are_summed_on_upgrade(db_url):
    _migrated_to(db_url, "0003")
    _relations_written(db_url)
    _claims_summed(db_url)


RELATION_INDEXES = {"ix_relations_document_evidence", "ix_relations_subject_object_predicate",
                    "ix_relations_object_subject", "ix_relations_object2_id", "ix_relations_predicate",
                    "ix_relations_judgement_id"}


def _relation_indexes(db_url: str) -> set[str]:
    engine = _engine(db_url)
    try:
        return {index["name"] for index in inspect(engine).get_indexes("relations")}
    finally:
        engine.dispose()


def test_indexes_that_a_two_column_index_serves_are_dropped_and_the_relations_kept(db_url):
    _migrated_to(db_url, "0004")
    _relations_written(db_url)
    assert {"ix_relations_subject_id", "ix_relations_object_id", "ix_relations_document_id"} <= _relation_indexes(db_url)
    store = Store.open(db_url)
    assert len(store.relations([TALIBAN.id])) == 3
    store.close()
    assert _relation_indexes(db_url) == RELATION_INDEXES
    assert _state(db_url) == (_head(), [])


def test_relations_are_indexed_by_claim_after_the_upgrade_and_a_claim_sample_searches_it(db_url):
    _migrated_to(db_url, "0006")
    _relations_written(db_url)
    assert "ix_relations_subject_object" in _relation_indexes(db_url)
    store = Store.open(db_url)
    try:
        assert sorted(store.claim_sample([(TALIBAN.id, PAKISTAN.id, None, "supports")], 5)) == [1, 2]
    finally:
        store.close()
    assert _relation_indexes(db_url) == RELATION_INDEXES
    assert _state(db_url) == (_head(), [])


def test_relations_stored_before_the_claim_sources_revision_are_summed_per_source_on_upgrade(db_url):
    _migrated_to(db_url, "0005")
    _relations_written(db_url)
    store = Store.open(db_url)
    try:
        summaries = store.graded_claims([TALIBAN.id])
        assert len(summaries) == 2 and fused(summaries) == fused(claims_of(store.relations()))
    finally:
        store.close()
    assert _state(db_url) == (_head(), [])


def test_claims_stored_before_the_claim_grades_revision_are_graded_on_upgrade(db_url):
    _migrated_to(db_url, "0007")
    _relations_written(db_url)
    engine = _engine(db_url)
    with engine.begin() as connection:  # what a store of revision 0007 kept beside its relations
        rebuild_links(connection)
        rebuild_sources(connection)
    engine.dispose()
    store = Store.open(db_url)
    try:
        graded = store.graded_claims([TALIBAN.id])
        assert len(graded) == 2 and all(isinstance(c, GradedClaim) for c in graded)
        assert fused(graded) == fused(claims_of(store.relations()))
    finally:
        store.close()
    assert _state(db_url) == (_head(), [])


def test_relations_of_a_database_from_before_alembic_are_summed_when_adopted(db_url):
    _pre_alembic(db_url, "DROP TABLE claim_links")
    _relations_written(db_url)
    _claims_summed(db_url)


def test_database_missing_a_column_is_refused_in_one_line(db_url):
    _pre_alembic(db_url, "ALTER TABLE relations DROP COLUMN rhetoric")
    with pytest.raises(SchemaMismatch, match=r"made by another version of actorgraph \(table relations lacks "
                                             r"rhetoric\); ingest into a new database"):
        Store.open(db_url)
    engine = _engine(db_url)
    assert "alembic_version" not in inspect(engine).get_table_names()
    engine.dispose()


def test_database_from_a_newer_version_is_refused(db_url):
    Store.open(db_url).close()
    engine = _engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(SchemaMismatch, match="newer version of actorgraph"):
        Store.open(db_url)


def _open_and_count(db_url: str) -> int:
    store = Store.open(db_url)
    try:
        return store.stats()["documents"]
    finally:
        store.close()


def test_workers_opening_a_new_database_at_once_all_succeed(db_url):
    _engine(db_url).dispose()
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_open_and_count, [db_url] * 4) == [0] * 4
    assert _state(db_url) == (_head(), [])


@pytest.mark.parametrize("where", ["subject_id = 'a'", "object_id = 'a'", "document_id = 'd'",
                                   "subject_id = 'a' AND object_id = 'b' AND predicate = 'supports'",
                                   "subject_id = 'a' AND object_id = 'b'"])
def test_relation_lookups_still_search_an_index_on_sqlite(tmp_path, where):
    path = tmp_path / "plan.sqlite"
    Store.open(str(path)).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        plan = " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN SELECT id FROM relations "
                                                                   f"WHERE {where}")))
    engine.dispose()
    assert plan.startswith("SEARCH relations USING") and "INDEX" in plan, plan
