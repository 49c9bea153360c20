"""Analysts' judgements against real databases (SQLite file and PostgreSQL): what each verdict does
to the relations every read sees, undo, judging twice, and surviving a new extraction."""
from __future__ import annotations

import pytest
from test_store import PAKISTAN, QATAR, TALIBAN, USA, relation, store  # noqa: F401 (store: both backends)

from actorgraph.graph.judgements import UnknownRelation, new_actor
from actorgraph.graph.store import Store
from actorgraph.models import Actor, Document

TEXT = ("The Taliban supports Pakistan, a wire said. Qatar pressures the Taliban to talk. "
        "The United States hosts talks in Doha with the Taliban.")


@pytest.fixture
def document() -> Document:
    return Document(text=TEXT, name="wire.txt", source="Wire", published="2021-08-15")


def extraction(document: Document):
    return [relation(document, TALIBAN, "supports", PAKISTAN, 0, confidence=0.4),
            relation(document, QATAR, "pressures", TALIBAN, 44, confidence=0.6),
            relation(document, USA, "hosts", TALIBAN, 82, confidence=0.9)]


def visible(store: Store) -> set[tuple[str, str, str, str, str | None]]:
    return {(r.subject.actor.id, r.predicate, r.object.actor.id, r.modality, r.judgement) for r in store.relations()}


def by_predicate(store: Store, predicate: str):
    return next(r for r in store.relations(hidden=True) if r.predicate == predicate)


@pytest.fixture
def stored(store: Store, document: Document) -> Store:
    assert store.add_document(document, [], extraction(document))
    return store


def test_reject_hides_the_relation_from_every_read_and_unjudge_brings_it_back(stored: Store):
    target = by_predicate(stored, "supports")
    made = stored.judge(target.row_id, "reject", note="the wire says the opposite", author="ana")
    assert (made.verdict, made.author, made.note, made.predicate) == ("reject", "ana", "the wire says the opposite",
                                                                       "supports")
    assert "supports" not in {r.predicate for r in stored.relations()}
    assert "supports" not in {row[4] for row in stored.edges(["taliban"])}
    assert stored.stats()["relations"] == 2 and stored.actor_counts("pakistan")["relations"] == 0
    assert {a["id"]: a["relations"] for a in stored.actors()}.get("pakistan", 0) == 0
    assert "supports" not in {row[3] for row in stored.link_weights(["taliban"])}
    assert stored.documents()[0]["relations"] == 2
    kept = by_predicate(stored, "supports")
    assert kept.judgement == "rejected" and kept.row_id == target.row_id
    stored.unjudge(made.id)
    assert ("taliban", "supports", "pakistan", "asserted", None) in visible(stored)
    assert stored.judgements() == [] and stored.stats()["relations"] == 3


def test_relabel_replaces_the_instance_and_a_second_judgement_replaces_the_first(stored: Store):
    target = by_predicate(stored, "supports")
    stored.judge(target.row_id, "relabel", predicate="hostile_to", modality="hedged", author="ana")
    assert ("taliban", "hostile_to", "pakistan", "hedged", "relabelled") in visible(stored)
    assert "supports" not in {r.predicate for r in stored.relations()}
    relabelled = by_predicate(stored, "hostile_to")
    assert relabelled.extractor == "analyst" and relabelled.evidence == target.evidence
    assert relabelled.subject.text == target.subject.text
    stored.judge(relabelled.row_id, "reject", author="ben")
    assert [j.verdict for j in stored.judgements()] == ["reject"]
    assert {r.predicate for r in stored.relations()} == {"pressures", "hosts"}
    assert by_predicate(stored, "supports").judgement == "rejected"


def test_relabel_can_swap_subject_and_object(stored: Store):
    target = by_predicate(stored, "pressures")
    stored.judge(target.row_id, "relabel", subject_id="taliban", object_id="qatar", author="ana")
    swapped = next(r for r in stored.relations() if r.predicate == "pressures")
    assert (swapped.subject.actor.id, swapped.object.actor.id) == ("taliban", "qatar")
    assert (swapped.subject.text, swapped.object.text) == (target.object.text, target.subject.text)


def test_confirm_marks_and_add_inserts_and_rejecting_an_addition_takes_it_back(stored: Store, document: Document):
    stored.judge(by_predicate(stored, "hosts").row_id, "confirm", author="ana")
    assert ("usa", "hosts", "taliban", "asserted", "confirmed") in visible(stored)
    at = TEXT.index("Qatar")
    added = stored.add_relation(document.id, at, at + 30, "qatar", "mediates", "taliban", object2_id="usa",
                                modality="hedged", author="ana")
    new = by_predicate(stored, "mediates")
    assert (new.judgement, new.extractor, new.confidence, new.modality) == ("added", "analyst", 1.0, "hedged")
    assert new.evidence.text == TEXT[at:at + 30] and new.object2.actor.id == "usa"
    stored.judge(new.row_id, "reject", author="ana")
    assert "mediates" not in {r.predicate for r in stored.relations(hidden=True)}
    assert added.id not in {j.id for j in stored.judgements()}


def test_judgements_survive_a_new_extraction_of_the_document(stored: Store, document: Document):
    """A model upgrade re-extracts (`add_document(replace=True)`): rows get new ids, judgements hold."""
    stored.judge(by_predicate(stored, "supports").row_id, "reject", author="ana")
    stored.judge(by_predicate(stored, "pressures").row_id, "relabel", predicate="hostile_to", author="ana")
    stored.judge(by_predicate(stored, "hosts").row_id, "confirm", author="ana")
    before = visible(stored)
    assert stored.add_document(document, [], extraction(document), replace=True)
    assert visible(stored) == before
    assert len(stored.relations(hidden=True)) == 4, "three extracted rows and the relabelled one, no copies"
    newer = [r for r in extraction(document) if r.predicate != "hosts"]
    stored.add_document(document, [], newer, replace=True)
    assert visible(stored) == before, "a confirmed relation the new model misses stays, as the analyst's"
    assert len(stored.judgements()) == 3


def test_judging_what_is_not_there_is_refused(stored: Store, document: Document):
    with pytest.raises(UnknownRelation):
        stored.judge(10_000, "reject")
    with pytest.raises(UnknownRelation):
        stored.unjudge(10_000)
    with pytest.raises(ValueError, match="not inside the document"):
        stored.add_relation(document.id, 5, len(TEXT) + 5, "qatar", "supports", "taliban")
    with pytest.raises(ValueError, match="verdict"):
        stored.judge(by_predicate(stored, "hosts").row_id, "maybe")


def test_an_addition_may_name_an_actor_the_database_lacks(stored: Store, document: Document):
    cell = new_actor("the Doha channel", "organisation", lambda i: stored.actor(i) is not None)
    at = TEXT.index("The United States")
    stored.add_relation(document.id, at, at + 40, cell.id, "mediates", "taliban", object2_id="usa",
                        author="ana", new_actors=(cell,))
    assert stored.actor(cell.id) == Actor(cell.id, "the Doha channel", "organisation")
    assert [a.id for a in stored.find_actors("Doha channel")] == [cell.id]
    assert by_predicate(stored, "mediates").subject.actor.id == cell.id
    again = new_actor("The Doha Channel", "organisation", lambda i: stored.actor(i) is not None)
    assert again.id == f"{cell.id}-2"
    with pytest.raises(ValueError, match="already in the database"):
        stored.add_relation(document.id, at, at + 40, cell.id, "hosts", "taliban", new_actors=(cell,))
    assert "hosts" not in {r.predicate for r in stored.relations() if r.subject.actor.id == cell.id}
    with pytest.raises(ValueError, match="not a name"):
        new_actor(" - ", "organisation", lambda i: False)


def test_taking_an_addition_back_removes_the_actor_it_created_and_no_other(stored: Store, document: Document):
    at = TEXT.index("The United States")
    cells = [new_actor(f"cell {n}", "armed_group", lambda i: False) for n in (1, 2)]
    first = stored.add_relation(document.id, at, at + 40, cells[0].id, "supports", "taliban", new_actors=(cells[0],))
    stored.add_relation(document.id, at, at + 40, cells[1].id, "supports", "taliban", new_actors=(cells[1],))
    stored.unjudge(first.id)
    assert stored.actor(cells[0].id) is None and stored.find_actors("cell 1") == []
    stored.judge(next(r.row_id for r in stored.relations() if r.subject.actor.id == cells[1].id), "reject")
    assert stored.actor(cells[1].id) is None
    assert stored.actor("taliban") is not None and stored.judgements() == []
