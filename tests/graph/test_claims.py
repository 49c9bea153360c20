"""claims.py against real databases (SQLite file and PostgreSQL): after every kind of write to the
relations (ingest, a document extracted anew, each verdict and its undoing, writers racing on one
claim) the summed claims are what summing the visible relations from scratch gives."""
from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import select
from test_store import PAKISTAN, QATAR, TALIBAN, USA, relation, store  # noqa: F401 (store: both backends)

from actorgraph.graph.claims import CLAIMED, rebuild
from actorgraph.graph.fuse import MODALITY_WEIGHT, ClaimSummary, boost, claims_of, span
from actorgraph.graph.grades import GradedClaim
from actorgraph.graph.schema import NO_OBJECT2, ClaimGradeRow, ClaimLinkRow, ClaimSourceRow
from actorgraph.graph.sources import registry
from actorgraph.graph.store import Store
from actorgraph.models import Document, Mention, TimeSpan

TEXT = "The Taliban supports Pakistan, a wire said. Qatar pressures the Taliban. The United States hosts talks."


def stored_claims(store: Store) -> dict[tuple, tuple]:
    with store.engine.connect() as connection:
        return {tuple(row[:4]): tuple(row[4:]) for row in connection.execute(select(*ClaimLinkRow.__table__.columns))}


def summed(store: Store) -> dict[tuple, tuple]:
    """The claims summed in Python from the relations every read sees (no merges in these tests)."""
    found: dict[tuple, list] = {}
    for r in store.relations():
        key = (r.subject.actor.id, r.object.actor.id, r.object2.actor.id if r.object2 else NO_OBJECT2, r.predicate)
        firmness = MODALITY_WEIGHT[r.modality] * r.confidence
        item = found.setdefault(key, [firmness, 0, set(), 0])
        item[0], item[1] = max(item[0], firmness), max(item[1], int(r.modality in CLAIMED))
        item[2].add(r.doc_id)
        item[3] += 1
    return {key: (firmness, claimed, len(docs), n) for key, (firmness, claimed, docs, n) in found.items()}


def stored_sources(store: Store) -> list[tuple]:
    with store.engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(select(*ClaimSourceRow.__table__.columns)))


def stored_grades(store: Store) -> list[tuple]:
    with store.engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(select(*ClaimGradeRow.__table__.columns)))


def fused(claims) -> dict[tuple, tuple]:
    """What the page shows of each claim, by its key."""
    return {(c.subject.id, c.predicate, c.object.id, c.object2.id if c.object2 else None): (
        c.modality, c.grade, c.sources, c.contradicted, c.rhetoric, c.evidence_total,
        round(c.strength, 9), c.days) for c in claims}


def assert_kept(store: Store) -> dict[tuple, tuple]:
    """The stored claims are the relations summed, the claims as graded when written (or fused
    again from `claim_sources`) are those fused from the visible instances and rank in SQL as in
    Python, and summing and grading them all again changes nothing."""
    claims, sources, grades = stored_claims(store), stored_sources(store), stored_grades(store)
    assert claims == summed(store)
    actors = sorted({i for key in claims for i in key[:3] if i != NO_OBJECT2})
    graded = store.graded_claims(actors)
    assert fused(graded) == fused(claims_of(store.relations()))
    ranked = sorted(graded, key=lambda c: (-c.firmest * boost(c.parts), c.subject.id, c.object.id, c.predicate,
                                           c.object2.id if c.object2 else ""))
    assert store.drawn_claims(actors, lambda c: True, 2) == (ranked[:2], span(ranked), len(ranked) > 2)
    with store.engine.begin() as connection:
        rebuild(connection)
    assert stored_claims(store) == claims
    assert stored_sources(store) == sources
    assert stored_grades(store) == grades
    return claims


def wire(number: int, source: str = "Wire") -> Document:
    return Document(text=f"{TEXT} ({number})", name=f"wire-{number}.txt", source=source, published="2021-08-15")


def test_new_documents_add_to_their_claims(store: Store):
    one, two = wire(1), wire(2)
    assert store.add_document(one, [], [relation(one, TALIBAN, "supports", PAKISTAN, 0, confidence=0.4),
                                        relation(one, TALIBAN, "supports", PAKISTAN, 30, confidence=0.7,
                                                 modality="hedged"),
                                        relation(one, QATAR, "pressures", TALIBAN, 44, modality="question")])
    assert store.add_document(two, [], [relation(two, TALIBAN, "supports", PAKISTAN, 0, confidence=0.9,
                                                 modality="reported")])
    claims = assert_kept(store)
    assert claims[TALIBAN.id, PAKISTAN.id, NO_OBJECT2, "supports"] == (pytest.approx(0.7 * 0.9), 1, 2, 3)
    assert claims[QATAR.id, TALIBAN.id, NO_OBJECT2, "pressures"][1:] == (0, 1, 1)  # a question claims nothing


def test_a_mediation_is_one_claim_with_its_second_object(store: Store):
    doc = wire(1)
    mediated = replace(relation(doc, QATAR, "mediates", USA, 0), object2=Mention(TALIBAN, "the Taliban", 60, 71))
    assert store.add_document(doc, [], [mediated])
    assert list(assert_kept(store)) == [(QATAR.id, USA.id, TALIBAN.id, "mediates")]
    assert [row[:4] for row in store.link_weights([TALIBAN.id])] == [(QATAR.id, USA.id, TALIBAN.id, "mediates")]


def test_a_document_extracted_anew_takes_its_old_claims_away(store: Store):
    doc, other = wire(1), wire(2)
    store.add_document(other, [], [relation(other, USA, "hosts", TALIBAN, 0)])
    store.add_document(doc, [], [relation(doc, TALIBAN, "supports", PAKISTAN, 0),
                                 relation(doc, USA, "hosts", TALIBAN, 70)])
    assert store.add_document(doc, [], [relation(doc, QATAR, "pressures", TALIBAN, 44)], replace=True)
    claims = assert_kept(store)
    assert (TALIBAN.id, PAKISTAN.id, NO_OBJECT2, "supports") not in claims
    assert claims[USA.id, TALIBAN.id, NO_OBJECT2, "hosts"][2:] == (1, 1)


def test_every_verdict_and_its_undoing_keep_the_claims(store: Store):
    doc = wire(1)
    store.add_document(doc, [], [relation(doc, TALIBAN, "supports", PAKISTAN, 0, confidence=0.4),
                                 relation(doc, QATAR, "pressures", TALIBAN, 44, confidence=0.6),
                                 relation(doc, USA, "hosts", TALIBAN, 74, confidence=0.9)])
    ids = {r.predicate: r.row_id for r in store.relations()}
    rejected = store.judge(ids["supports"], "reject")
    assert (TALIBAN.id, PAKISTAN.id, NO_OBJECT2, "supports") not in assert_kept(store)
    relabelled = store.judge(ids["pressures"], "relabel", predicate="threatens", modality="hedged")
    claims = assert_kept(store)
    assert (QATAR.id, TALIBAN.id, NO_OBJECT2, "pressures") not in claims
    assert claims[QATAR.id, TALIBAN.id, NO_OBJECT2, "threatens"] == (0.5, 1, 1, 1)  # an analyst's: confidence 1
    store.judge(ids["hosts"], "confirm")
    assert assert_kept(store)[USA.id, TALIBAN.id, NO_OBJECT2, "hosts"] == (0.9, 1, 1, 1)
    added = store.add_relation(doc.id, 0, 11, PAKISTAN.id, "attacks", USA.id, modality="reported")
    assert assert_kept(store)[PAKISTAN.id, USA.id, NO_OBJECT2, "attacks"] == (0.7, 1, 1, 1)
    for judgement in (added, relabelled, rejected):
        store.unjudge(judgement.id)
        assert_kept(store)
    assert set(stored_claims(store)) == {(TALIBAN.id, PAKISTAN.id, NO_OBJECT2, "supports"),
                                         (QATAR.id, TALIBAN.id, NO_OBJECT2, "pressures"),
                                         (USA.id, TALIBAN.id, NO_OBJECT2, "hosts")}


def test_writers_racing_on_one_claim_lose_no_document(store: Store, db_url):
    """Two stores (as two workers) add documents that all repeat one claim, at the same time."""
    other = Store.open(db_url)
    docs = [wire(n) for n in range(12)]

    def write(target: Store, mine: list[Document]) -> None:
        for doc in mine:
            assert target.add_document(doc, [], [relation(doc, TALIBAN, "supports", PAKISTAN, 0)])

    threads = [threading.Thread(target=write, args=(target, docs[i::2])) for i, target in enumerate((store, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert assert_kept(store)[TALIBAN.id, PAKISTAN.id, NO_OBJECT2, "supports"][2:] == (12, 12)


def test_summed_sources_fuse_as_the_instances_do_and_read_the_registry_of_now(store: Store, tmp_path, monkeypatch):
    """A claim stated both ways (symmetric) is one, fused from both stored keys' sums; a hedged
    source and an asserting one count apart; a rhetorical question counts for nothing; the days run
    from the text's "since 2019" to the last publication; each is read as graded when written; and
    an outlet graded anew in the user's registry regrades the stored
    claims when read, with nothing written again."""
    story = wire(1)
    dawn = Document(text="Pakistan and the Taliban work together, a Gazette analysis says.", name="dawn.txt",
                    source="Nile Valley Gazette", published="2022-01-01", url="https://www.nilevalley.example/a")
    store.add_document(story, [], [relation(story, TALIBAN, "cooperates_with", PAKISTAN, 0,
                                            time=TimeSpan("2019", None, "since 2019", "ongoing_since"))])
    store.add_document(dawn, [], [relation(dawn, PAKISTAN, "cooperates_with", TALIBAN, 0, modality="hedged"),
                                  relation(dawn, QATAR, "hosts", TALIBAN, 30, rhetoric="rhetorical_question")])
    assert_kept(store)
    claims = {c.predicate: c for c in store.graded_claims([TALIBAN.id])}
    together, hosting = claims["cooperates_with"], claims["hosts"]
    assert isinstance(together, GradedClaim) and isinstance(hosting, GradedClaim)  # both directions: one row
    assert (together.modality, together.sources, together.evidence_total, together.days) == (
        "asserted", 2, 2, ("2019", "2022-01-01"))
    assert hosting.rhetoric == ["rhetorical_question"] and hosting.sources == 0
    assert together.grade[0] == hosting.grade[0] == "F"  # neither outlet is in the packaged registry
    grades = stored_grades(store)
    user = tmp_path / "sources.yaml"
    user.write_text("sources:\n  - {name: Wire, reliability: b}\n  - {name: Nile Valley Gazette, reliability: c}\n")
    monkeypatch.setenv("ACTORGRAPH_SOURCES", str(user))
    registry.cache_clear()
    try:
        regraded = {c.predicate: c for c in store.graded_claims([TALIBAN.id])}
        assert all(isinstance(c, ClaimSummary) for c in regraded.values())  # fused again, not rewritten
        assert regraded["cooperates_with"].grade[0] == "B" and regraded["hosts"].grade[0] == "C"
        assert fused(regraded.values()) == fused(claims_of(store.relations()))
        assert stored_grades(store) == grades
    finally:
        monkeypatch.delenv("ACTORGRAPH_SOURCES")
        registry.cache_clear()
