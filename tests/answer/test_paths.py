"""paths.py: the SQL summaries `ask` ranks paths on agree with the relations they sum up, and the
relations an answer loads include every claim linking the two actors."""
from collections import defaultdict

from actorgraph.answer.paths import relevant
from actorgraph.graph.fuse import MODALITY_WEIGHT
from actorgraph.graph.store import Store


def _ends(relation) -> set[str]:
    return {m.actor.id for m in (relation.object, relation.object2) if m is not None}


def test_link_weights_sum_up_the_relations_of_an_actor(demo_db):
    store = Store.open(str(demo_db))
    everything = store.relations()
    actor = max({r.subject.actor.id for r in everything}, key=lambda i: sum(r.subject.actor.id == i for r in everything))
    expected = defaultdict(lambda: [0.0, 0, set()])
    for r in everything:
        if actor == r.subject.actor.id or actor in _ends(r):
            key = (r.subject.actor.id, r.object.actor.id, r.object2 and r.object2.actor.id, r.predicate)
            expected[key][0] = max(expected[key][0], MODALITY_WEIGHT[r.modality] * r.confidence)
            expected[key][1] |= r.modality in {"asserted", "reported", "hedged"}
            expected[key][2].add(r.doc_id)
    got = {(s, o, o2, p): (round(f, 6), bool(c), n) for s, o, o2, p, f, c, n in store.link_weights([actor])}
    assert got == {k: (round(f, 6), bool(c), len(docs)) for k, (f, c, docs) in expected.items()}
    assert len(got) > 3


def test_between_finds_every_relation_linking_two_actors_either_way(demo_db):
    store = Store.open(str(demo_db))
    everything = store.relations()
    pairs = sorted({tuple(sorted((r.subject.actor.id, end))) for r in everything for end in _ends(r)
                    if end != r.subject.actor.id})[:12]
    found = store.between(pairs)
    for x, y in pairs:
        linking = {r.row_id for r in everything if (r.subject.actor.id == x and y in _ends(r))
                   or (r.subject.actor.id == y and x in _ends(r))}
        assert {row[0] for row in found[x, y]} == linking, (x, y)
    assert all(found[p] for p in pairs)


def test_an_answer_loads_every_claim_linking_the_two_actors(demo_db):
    store = Store.open(str(demo_db))
    everything = store.relations()
    r = max(everything, key=lambda r: sum(q.subject.actor.id == r.subject.actor.id and _ends(q) == _ends(r)
                                          for q in everything))
    a, b = r.subject.actor.id, r.object.actor.id
    direct = {q.row_id for q in everything if {q.subject.actor.id} | _ends(q) >= {a, b}}
    assert direct <= set(relevant(store, a, b))
