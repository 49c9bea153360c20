"""grades.py on the demo corpus in a real SQLite file: the page's claims ranked in SQL from
`claim_grades` are those ranked in Python from the same claims (order, cut, dates, filters), and
the SQL ranking steps aside wherever a stored row cannot stand for its claim (a merge, another
source registry)."""
from __future__ import annotations

import pytest

from actorgraph.answer.paths import neighbourhood
from actorgraph.graph.fuse import boost, span
from actorgraph.graph.grades import GradedClaim, folded, stored_forms
from actorgraph.graph.schema import NO_OBJECT2
from actorgraph.graph.sources import registry
from actorgraph.graph.store import Store

FILTERS = {
    "all": lambda c: True,
    "no support": lambda c: c.predicate != "supports",
    "asserted, grade 3 or better": lambda c: c.modality == "asserted" and int(c.grade[1:]) <= 3,
}


@pytest.fixture()
def store(demo_db, tmp_path):
    path = tmp_path / "demo.sqlite"
    path.write_bytes(demo_db.read_bytes())
    store = Store.open(str(path))
    yield store
    store.close()


def ranked_in_python(store: Store, kept: set[str], shown, limit: int) -> tuple[list, tuple, bool]:
    found = [c for c in store.graded_claims(sorted(kept), sorted(kept)) if set(c.ends) <= kept]
    candidates = sorted((c for c in found if shown(c)), key=lambda c: (
        -c.firmest * boost(c.parts), c.subject.id, c.object.id, c.predicate, c.object2.id if c.object2 else ""))
    return candidates[:limit], span(found), len(candidates) > limit


def centers(store: Store, n: int = 5) -> list[str]:
    return [a["id"] for a in store.actors()[:n]]


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("limit", [3, 400])
def test_claims_ranked_in_sql_are_those_ranked_in_python(store: Store, name: str, limit: int):
    shown, compared = FILTERS[name], 0
    for center in centers(store):
        kept, _ = neighbourhood(store, center, 1)
        drawn = store.drawn_claims(sorted(kept), shown, limit)
        assert drawn is not None, center
        expected = ranked_in_python(store, kept, shown, limit)
        assert drawn == expected, center
        assert all(isinstance(c, GradedClaim) for c in drawn[0])
        compared += len(drawn[0])
    assert compared >= (5 if limit == 3 and name == "all" else 1)


def test_a_merge_or_another_registry_sends_the_view_back_to_python(store: Store, tmp_path, monkeypatch):
    center = centers(store, 1)[0]
    kept, _ = neighbourhood(store, center, 1)
    partner = sorted(kept - {center})[0]
    user = tmp_path / "sources.yaml"
    user.write_text("credibility: {confirmed: 9}\n")
    monkeypatch.setenv("ACTORGRAPH_SOURCES", str(user))
    registry.cache_clear()
    try:
        assert store.drawn_claims(sorted(kept), FILTERS["all"], 400) is None
    finally:
        monkeypatch.delenv("ACTORGRAPH_SOURCES")
        registry.cache_clear()
    assert store.drawn_claims(sorted(kept), FILTERS["all"], 400) is not None
    store.merge(center, partner)
    kept, _ = neighbourhood(store, center, 1)
    assert store.drawn_claims(sorted(kept), FILTERS["all"], 400) is None


def test_a_claim_is_graded_under_one_key_whichever_way_it_was_stored():
    assert folded(("taliban", "pakistan", NO_OBJECT2, "cooperates_with")) == (
        "pakistan", "taliban", NO_OBJECT2, "cooperates_with")
    assert folded(("taliban", "pakistan", NO_OBJECT2, "supports")) == ("taliban", "pakistan", NO_OBJECT2, "supports")
    assert folded(("qatar", "usa", "taliban", "mediates")) == ("qatar", "taliban", "usa", "mediates")
    assert sorted(stored_forms(("pakistan", "taliban", NO_OBJECT2, "cooperates_with"))) == [
        ("pakistan", "taliban", NO_OBJECT2, "cooperates_with"), ("taliban", "pakistan", NO_OBJECT2, "cooperates_with")]
    assert stored_forms(("taliban", "pakistan", NO_OBJECT2, "supports")) == [
        ("taliban", "pakistan", NO_OBJECT2, "supports")]
