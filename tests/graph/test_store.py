"""The store against real databases, each test on both backends (a SQLite file and a PostgreSQL
database, see tests/postgres.py): round trips, all-or-nothing ingest, lookup and counts."""
from __future__ import annotations

import multiprocessing
import sqlite3
from dataclasses import replace

import pytest
from sqlalchemy import event, select

from actorgraph.models import Actor, Document, Evidence, Mention, Relation, TimeSpan
from actorgraph.graph.schema import DocumentRow, RelationRow
from actorgraph.graph.sources import independent_key
from actorgraph.graph.store import DEFAULT_DB, Store, database_url


def _plain(relations: list[Relation]) -> list[Relation]:
    """Stored relations without the independence key the store adds on reading."""
    return [replace(r, independent=None) for r in relations]

TALIBAN = Actor("taliban", "Taliban", "organisation", ("Taliban movement", "Islamic Emirate"))
PAKISTAN = Actor("pakistan", "Pakistan", "state", ("Islamic Republic of Pakistan",))
QATAR = Actor("qatar", "Qatar", "state")
USA = Actor("usa", "United States", "state", ("US", "Washington"))


def relation(doc: Document, subject: Actor, predicate: str, obj: Actor, start: int, **kw) -> Relation:
    words = f"{subject.name} {predicate} {obj.name}"
    return Relation(doc=doc.name, subject=Mention(subject, subject.name, start, start + len(subject.name)),
                    predicate=predicate, object=Mention(obj, obj.name, start + 20, start + 20 + len(obj.name)),
                    modality=kw.pop("modality", "asserted"), evidence=Evidence(words, start, start + len(words)),
                    doc_id=doc.id, source=doc.source, published=doc.published, **kw)


@pytest.fixture
def store(db_url):
    opened = Store.open(db_url)
    yield opened
    opened.close()


@pytest.fixture
def doc1() -> Document:
    return Document(text="The Taliban met Pakistan. Later, talks in Qatar with the US.", name="one.txt",
                    title="One", source="Wire", published="2021-08-15", path="/tmp/one.txt")


def full_relations(doc: Document) -> list[Relation]:
    """Every optional field set at least once: object2, time, kind, attributed_to, coref mention."""
    mediated = Relation(
        doc=doc.name, subject=Mention(QATAR, "Doha", 40, 44, "capital"), predicate="mediates",
        object=Mention(TALIBAN, "the group", 50, 59, "coref"), modality="reported",
        evidence=Evidence("Doha hosted talks between the group and the US", 38, 84),
        object2=Mention(USA, "the US", 78, 84), kind="diplomatic", attributed_to="Reuters",
        time=TimeSpan("2020-02", "2020-03-01", "in February 2020", "span"), extractor="rules",
        confidence=0.75, doc_id=doc.id, source=doc.source, published=doc.published)
    return [relation(doc, TALIBAN, "meets", PAKISTAN, 0, time=TimeSpan(start="2021", value="past")), mediated]


def test_open_creates_file_and_schema(tmp_path):
    """SQLite only: the file, its directory and WAL mode."""
    path = tmp_path / "new" / "fresh.sqlite"
    Store.open(str(path)).close()
    assert path.exists()
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"documents", "actors", "aliases", "mentions", "relations"} <= tables
    assert mode == "wal"


def test_round_trip_every_field(store, doc1):
    relations = full_relations(doc1)
    mentions = [r.subject for r in relations] + [r.object for r in relations]
    assert store.add_document(doc1, mentions, relations)
    assert store.has_document(doc1.id)
    stored = store.relations()
    assert _plain(stored) == relations
    assert {r.independent for r in stored} == {independent_key(doc1.source, doc1.id, doc1.id, doc1.source)}
    back = store.relations()[1]
    assert (back.doc, back.doc_id, back.source, back.published) == ("one.txt", doc1.id, "Wire", "2021-08-15")
    assert back.object2.actor == USA and back.object.via == "coref" and back.time.text == "in February 2020"
    assert store.relations()[0].time == TimeSpan(start="2021", value="past")
    assert store.actor("taliban") == TALIBAN
    assert store.actor("nobody") is None
    assert store.documents() == [{"id": doc1.id, "name": "one.txt", "title": "One", "source": "Wire",
                                  "published": "2021-08-15", "relations": 2}]


def test_relation_without_time_comes_back_without_time(store, doc1):
    plain = relation(doc1, USA, "sanctions", TALIBAN, 5)
    store.add_document(doc1, [], [plain])
    assert _plain(store.relations()) == [plain]
    assert store.relations()[0].time is None and store.relations()[0].object2 is None


def test_re_adding_a_document_is_a_no_op(store, doc1):
    assert store.add_document(doc1, [], full_relations(doc1))
    before = store.stats()
    assert store.add_document(doc1, [], full_relations(doc1)) is False
    assert store.stats() == before


def test_failed_add_leaves_no_partial_rows(store, doc1):
    store.add_document(doc1, [], full_relations(doc1))
    before = store.stats()
    bad_doc = Document(text="Another text entirely.", name="bad.txt")
    newcomer = Actor("x-newcomer", "Newcomer", "organisation", ("New Group",))
    good = relation(bad_doc, newcomer, "attacks", QATAR, 0)
    broken = replace(good, predicate=None)
    with pytest.raises(Exception):
        store.add_document(bad_doc, [good.subject], [good, broken])
    assert not store.has_document(bad_doc.id)
    assert store.stats() == before
    assert store.actor("x-newcomer") is None and store.find_actors("New Group") == []
    assert store.has_document(doc1.id)
    assert store.add_document(bad_doc, [good.subject], [good])
    assert store.actor("x-newcomer") == newcomer


def test_find_actors_by_alias_case_article_and_name(store, doc1):
    store.add_document(doc1, [], full_relations(doc1))
    for name in ("Taliban", "the Taliban", "TALIBAN", "taliban movement", "The Islamic Emirate's"):
        assert [a.id for a in store.find_actors(name)] == ["taliban"], name
    assert store.find_actors("Washington") == [USA]
    assert store.find_actors("Atlantis") == []
    assert store.find_actors("") == []


def test_find_actors_best_connected_first(store, doc1):
    store.add_document(doc1, [], full_relations(doc1))
    doc2 = Document(text="Second text.", name="two.txt")
    sudan = Actor("sudan", "Sudan", "state", ("Khartoum",))
    government = Actor("gov-sudan", "Government of Sudan", "organisation", ("Khartoum",))
    store.add_document(doc2, [], [relation(doc2, government, "attacks", QATAR, 0),
                                  relation(doc2, government, "attacks", USA, 30),
                                  relation(doc2, sudan, "hosts", QATAR, 60)])
    assert [a.id for a in store.find_actors("Khartoum")] == ["gov-sudan", "sudan"]
    assert [a.id for a in store.find_actors("Sudan")] == ["sudan"]


def test_aliases_accumulate_and_keep_first_canonical_name(store, doc1):
    store.add_document(doc1, [], full_relations(doc1))
    doc2 = Document(text="Third text.", name="three.txt")
    renamed = Actor("taliban", "The Taliban Movement", "group", ("Talibs", "taliban movement"))
    store.add_document(doc2, [], [relation(doc2, renamed, "attacks", PAKISTAN, 0)])
    assert store.actor("taliban") == replace(TALIBAN, aliases=(*TALIBAN.aliases, "Talibs"))
    assert store.relations(["taliban"])[-1].subject.actor.name == "Taliban"


def test_actors_are_read_once_until_any_program_writes(db_url, doc1):
    """An actor (or a name) asked for again comes from memory (on SQLite, which counts changes)
    until the database changes, whoever changes it: another program's new alias shows on the next read."""
    first, other = Store.open(db_url), Store.open(db_url)
    try:
        first.add_document(doc1, [], full_relations(doc1))
        assert first.actor("taliban") == TALIBAN and first.find_actors("Talibs") == []
        statements: list[str] = []
        event.listen(first.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert first.actor("taliban") == TALIBAN
        assert not any("FROM actors" in sql for sql in statements) or not db_url.startswith("sqlite")
        doc2 = Document(text="Third text.", name="three.txt")
        other.add_document(doc2, [], [relation(doc2, replace(TALIBAN, aliases=("Talibs",)), "attacks", PAKISTAN, 0)])
        assert first.actor("taliban") == replace(TALIBAN, aliases=(*TALIBAN.aliases, "Talibs"))
        assert [a.id for a in first.find_actors("Talibs")] == ["taliban"]
    finally:
        first.close()
        other.close()


def test_actor_types_by_canonical_id_and_from_memory(store, doc1):
    """`actor_types` names each actor under its canonical id (a merged-away id gives its head's
    type), leaves unknown ids out, and on SQLite reads no actor row a second time."""
    store.add_document(doc1, [], full_relations(doc1))
    store.merge("taliban", "pakistan")
    assert store.actor_types({"pakistan", "qatar", "nobody"}) == {"taliban": "organisation", "qatar": "state"}
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert store.actor_types({"taliban", "usa"}) == {"taliban": "organisation", "usa": "state"}
    assert store.actor_types({"taliban"}) == {"taliban": "organisation"}
    reads = sum("FROM actors" in sql for sql in statements)
    assert reads <= 1 if store.engine.url.get_backend_name() == "sqlite" else reads >= 2


def test_actors_ordering_and_counts(store, doc1):
    relations = full_relations(doc1)
    mentions = [Mention(PAKISTAN, "Pakistan", 16, 24)] * 3 + [Mention(QATAR, "Qatar", 42, 47)]
    store.add_document(doc1, mentions, relations)
    rows = store.actors()
    assert [r["id"] for r in rows] == ["taliban", "pakistan", "qatar", "usa"]
    assert rows[0] == {"id": "taliban", "name": "Taliban", "type": "organisation", "mentions": 0, "relations": 2}
    assert rows[1]["mentions"] == 3 and rows[1]["relations"] == 1
    assert rows[3]["relations"] == 1 and rows[3]["mentions"] == 0


def test_relations_filtered_by_actor_including_object2(store, doc1):
    store.add_document(doc1, [], full_relations(doc1))
    assert [r.predicate for r in store.relations(["usa"])] == ["mediates"]
    assert [r.predicate for r in store.relations(["pakistan"])] == ["meets"]
    assert [r.predicate for r in store.relations(["taliban"])] == ["meets", "mediates"]
    assert store.relations(["nobody"]) == []
    assert store.relations([]) == []


def test_relations_ordered_by_document_then_evidence(store, doc1):
    doc0 = Document(text="Zero.", name="zero.txt")
    store.add_document(doc0, [], [relation(doc0, USA, "sanctions", QATAR, 90),
                                  relation(doc0, USA, "supports", PAKISTAN, 10)])
    store.add_document(doc1, [], full_relations(doc1))
    order = [(r.doc, r.evidence.start) for r in store.relations()]
    assert order == [("one.txt", 0), ("one.txt", 38), ("zero.txt", 10), ("zero.txt", 90)]


def test_stats_counts_predicates(store, doc1):
    relations = full_relations(doc1) + [relation(doc1, USA, "meets", QATAR, 70)]
    store.add_document(doc1, [relations[0].subject], relations)
    assert store.stats() == {"documents": 1, "actors": 4, "mentions": 1, "relations": 3,
                             "predicates": {"meets": 2, "mediates": 1}}


def test_persists_across_close_and_reopen(db_url, doc1):
    first = Store.open(db_url)
    first.add_document(doc1, [], full_relations(doc1))
    first.close()
    second = Store.open(db_url)
    assert second.has_document(doc1.id)
    assert _plain(second.relations()) == full_relations(doc1)
    assert second.add_document(doc1, [], []) is False
    doc2 = Document(text="Fourth text.", name="four.txt")
    assert second.add_document(doc2, [], [relation(doc2, TALIBAN, "attacks", USA, 0)])
    assert second.actor("taliban") == TALIBAN
    second.close()


def test_database_url(tmp_path, monkeypatch):
    monkeypatch.delenv("ACTORGRAPH_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url(None) == f"sqlite:///{tmp_path.resolve() / DEFAULT_DB}"
    monkeypatch.setenv("ACTORGRAPH_DB", str(tmp_path / "env.sqlite"))
    assert database_url(None) == f"sqlite:///{tmp_path.resolve() / 'env.sqlite'}"
    assert database_url("rel/x.sqlite") == f"sqlite:///{tmp_path.resolve() / 'rel' / 'x.sqlite'}"
    url = "postgresql+psycopg://user@localhost/actorgraph"
    assert database_url(url) == url
    assert database_url("postgresql://user@localhost/actorgraph") == url
    assert database_url("postgres://user@localhost/actorgraph") == url
    monkeypatch.setenv("ACTORGRAPH_DB", url)
    assert database_url(None) == url


def test_open_uses_environment_database(db_url, monkeypatch, doc1):
    monkeypatch.setenv("ACTORGRAPH_DB", db_url)
    opened = Store.open()
    opened.add_document(doc1, [], [])
    opened.close()
    again = Store.open(db_url)
    assert again.has_document(doc1.id)
    again.close()


KLF = Actor("kivu-front", "Kivu Liberation Front", "armed_group", ("KLF",))
FRONTS = [Actor(f"x-front-{k}", f"Front {k}", "armed_group", (f"F{k}",)) for k in range(5)]
CAST = [TALIBAN, PAKISTAN, QATAR, USA, KLF, Actor("x-klf", "KLF", "armed_group"), *FRONTS]
PREDICATES = ("attacks", "supports", "meets", "sanctions")


def _corpus(size: int = 24) -> list[tuple[Document, list[Mention], list[Relation]]]:
    """Documents with extractions already made: many share actors (and aliases, and links), so
    writers race for the same rows."""
    items = []
    for i in range(size):
        doc = Document(text=f"Report {i}: who did what to whom.", name=f"report-{i:02d}.txt", source="Wire")
        relations = [relation(doc, CAST[(i + j) % len(CAST)], PREDICATES[(i + j) % 4],
                              CAST[(i + 2 * j + 1) % len(CAST)], 40 * j) for j in range(3)]
        items.append((doc, [r.subject for r in relations], relations))
    return items


def _write_all(db_url: str, items, barrier=None, results=None) -> int:
    """One worker: its own Store on the shared database, every document in its own transaction;
    with a barrier, all workers start writing at the same moment."""
    store = Store.open(db_url)
    try:
        if barrier is not None:
            barrier.wait(120)
        added = sum(store.add_document(*item) for item in items)
    finally:
        store.close()
    if results is not None:
        results.put(added)
    return added


def _rows(db_url: str) -> tuple[list[str], list[tuple]]:
    """Stored document ids, and every relation as (document, predicate, subject, object, evidence start)."""
    store = Store.open(db_url)
    with store.engine.connect() as connection:
        documents = sorted(connection.execute(select(DocumentRow.id)).scalars())
        relations = sorted(connection.execute(select(
            RelationRow.document_id, RelationRow.predicate, RelationRow.subject_id, RelationRow.object_id,
            RelationRow.evidence_start)).all())
    store.close()
    return documents, [tuple(r) for r in relations]


def test_concurrent_writers_of_overlapping_inputs_store_each_document_once(db_urls):
    """Four processes open a new database at once and write overlapping shares (in opposite orders);
    the result is what one process writing each document once makes."""
    url, reference = db_urls(), db_urls()
    corpus = _corpus()
    shares = [[corpus[(start + k) % len(corpus)] for k in range(12)] for start in (0, 6, 12, 18)]
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(len(shares)), spawn.Queue()
    workers = [spawn.Process(target=_write_all, args=(url, share[::step], barrier, results))
               for share, step in zip(shares, (1, -1, 1, -1))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(180)
    assert [worker.exitcode for worker in workers] == [0] * len(workers)
    added = [results.get(timeout=10) for _ in workers]
    assert sum(added) == len(corpus)
    assert _write_all(reference, corpus) == len(corpus)
    documents, relations = _rows(url)
    assert documents == sorted(doc.id for doc, _, _ in corpus)
    assert len(relations) == sum(len(r) for _, _, r in corpus)
    assert (documents, relations) == _rows(reference)
