"""paths.py: the SQL summaries `ask` ranks paths on agree with the relations they sum up, and the
relations an answer loads include every claim linking the two actors."""
from collections import defaultdict

from actorgraph.answer import paths
from actorgraph.answer.answer import ask, claimed
from actorgraph.answer.paths import around, relevant
from actorgraph.graph.fuse import MODALITY_WEIGHT, claim_key, claims_of
from actorgraph.graph.store import Store


def _ends(relation) -> set[str]:
    return {m.actor.id for m in (relation.object, relation.object2) if m is not None}


def test_link_weights_sum_up_the_relations_of_an_actor(demo_db):
    store = Store.open(str(demo_db))
    everything = store.relations()
    actor = max({r.subject.actor.id for r in everything}, key=lambda i: sum(r.subject.actor.id == i for r in everything))
    expected = defaultdict(lambda: [0.0, 0, set(), 0])
    for r in everything:
        if actor == r.subject.actor.id or actor in _ends(r):
            key = (r.subject.actor.id, r.object.actor.id, r.object2 and r.object2.actor.id, r.predicate)
            expected[key][0] = max(expected[key][0], MODALITY_WEIGHT[r.modality] * r.confidence)
            expected[key][1] |= r.modality in {"asserted", "reported", "hedged"}
            expected[key][2].add(r.doc_id)
            expected[key][3] += 1
    got = {(s, o, o2, p): (round(f, 6), bool(c), n, total) for s, o, o2, p, f, c, n, total in store.link_weights([actor])}
    assert got == {k: (round(f, 6), bool(c), len(docs), total) for k, (f, c, docs, total) in expected.items()}
    assert len(got) > 3


def _links_of(row: tuple) -> list[tuple[str, str]]:
    """The links a `link_weights` row makes: its subject to its object and to any second object."""
    s, o, o2 = row[:3]
    return [(s, other) for other in (o, o2) if other is not None and other != s]


def test_links_around_fold_what_link_weights_says_of_an_actor_across_a_merge(demo_db, tmp_path):
    path = tmp_path / "merged.sqlite"
    path.write_bytes(demo_db.read_bytes())
    store = Store.open(str(path))
    hub = _hub(store.relations())
    partners = sorted({other for row in store.link_weights([hub]) for s, other in _links_of(row) if s == hub})
    store.merge(partners[0], partners[1])
    expected: dict[tuple, list] = {}
    for row in store.link_weights([hub]):
        for s, other in _links_of(row):
            if hub in (s, other):
                partner = other if s == hub else s
                known = expected.setdefault((partner, row[3]), [0.0, 0, False])
                known[0], known[1], known[2] = max(known[0], row[4]), known[1] + row[6], known[2] or bool(row[5])
    got = {(other, p): [f, n, c] for other, p, f, n, c in store.links_around(hub)}
    assert got == expected and len(got) > 3
    assert partners[1] not in {other for other, _ in got}, "a merged-away actor is named by its head"


def test_link_rows_are_the_link_weights_rows_that_make_those_links(demo_db):
    store = Store.open(str(demo_db))
    hub = _hub(store.relations())
    rows = store.link_weights([hub])
    links = sorted({tuple(sorted(link)) for row in rows for link in _links_of(row) if hub in link})[:8]
    expected = {row for row in rows if any(tuple(sorted(link)) in links for link in _links_of(row))}
    assert set(store.link_rows(links)) == expected and len(store.link_rows(links)) == len(expected) > 3


def test_a_link_quotes_the_claim_many_documents_repeat_before_a_firmer_single_one():
    claims = {("peru", "shabaab", None, "hosts"): (0.7, 5, 5), ("peru", "shabaab", "houthis", "mediates"): (1.0, 1, 1),
              ("shabaab", "peru", None, "cooperates_with"): (0.5, 1, 1), ("peru", "shabaab", None, "cooperates_with"): (0.6, 2, 2)}
    chosen = paths._link_claims(claims, 2)
    assert [keys[0][0][3] for keys in chosen] == ["hosts", "mediates"]
    assert set(paths._link_claims(claims, 3)[2]) == {(("peru", "shabaab", None, "cooperates_with"), 2),
                                                     (("shabaab", "peru", None, "cooperates_with"), 1)}


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
    assert direct <= set(relevant(store, a, b).ids)


def _hub(relations) -> str:
    return max({r.subject.actor.id for r in relations},
               key=lambda i: sum(i == r.subject.actor.id or i in _ends(r) for r in relations))


def test_around_an_actor_is_its_whole_neighbourhood_when_it_fits(demo_db):
    store = Store.open(str(demo_db))
    everything = store.relations()
    center = _hub(everything)
    near = {center} | {e for r in everything if center == r.subject.actor.id or center in _ends(r)
                       for e in {r.subject.actor.id} | _ends(r)}
    among = {r.row_id for r in everything if {r.subject.actor.id} | _ends(r) <= near}
    ids, totals, cut = around(store, center, 1, actors=1000, claims=10_000, instances=10_000)
    assert set(ids) == among and not cut
    assert sum(totals.values()) == len(among)


def test_around_a_hub_keeps_to_its_budget_and_says_so(demo_db):
    store = Store.open(str(demo_db))
    everything = store.relations()
    center = _hub(everything)
    ids, totals, cut = around(store, center, 2, actors=4, claims=3, instances=1)
    shown = [r for r in store.relations(ids=ids)]
    assert cut
    assert len({a for r in shown for a in {r.subject.actor.id} | _ends(r)}) <= 4
    assert 0 < len(shown) <= 3


def test_claim_samples_are_the_firmest_instances_across_a_merge(demo_db, tmp_path):
    path = tmp_path / "merged.sqlite"
    path.write_bytes(demo_db.read_bytes())
    store = Store.open(str(path))
    everything = store.relations()
    hub = _hub(everything)
    partners = sorted({e for r in everything if r.subject.actor.id == hub for e in _ends(r)} - {hub})
    store.merge(partners[0], partners[1])
    merged = store.relations()
    claims = sorted({(r.subject.actor.id, r.object.actor.id, r.object2 and r.object2.actor.id, r.predicate)
                     for r in merged if r.subject.actor.id == hub and partners[0] in _ends(r)}, key=str)
    sample = store.claim_sample(claims, 2)
    def claim_of(r):
        return r.subject.actor.id, r.object.actor.id, r.object2 and r.object2.actor.id, r.predicate

    for claim in claims:
        instances = sorted((-MODALITY_WEIGHT[r.modality] * r.confidence, r.row_id) for r in merged if claim_of(r) == claim)
        assert {i for _, i in instances[:2]} <= set(sample), claim
    assert len(sample) == sum(min(2, sum(claim_of(r) == c for r in merged)) for c in claims)
    assert {r.object.actor.id for r in store.relations(ids=sample)} >= {partners[0]}
    stored = {r.row_id: r for r in everything}
    assert any(stored[i].object.actor.id == partners[1] for i in sample if stored[i].object), \
        "the merged-away actor's instances are sampled too"


def _fused_from_every_instance(store) -> dict:
    everything = [r for r in store.relations() if claimed(r)]
    return {(c.subject.id, c.predicate, c.object.id, c.object2 and c.object2.id): c for c in claims_of(everything)}


def _graded_claims(result: dict) -> list[dict]:
    return result["direct"] + [edge for path in result["paths"] for edge in path["edges"]]


def test_an_answer_grades_each_claim_on_every_instance_while_quoting_a_few(demo_db, monkeypatch):
    store = Store.open(str(demo_db))
    full = _fused_from_every_instance(store)
    monkeypatch.setattr(paths, "PATH_INSTANCES", 1)
    monkeypatch.setattr(paths, "PATH_DENIALS", 1)
    pairs = sorted({(c.subject.name, c.object.name) for c in full.values() if c.object2 is None}, key=str)
    checked = sampled = 0
    for a, b in pairs[::7]:
        result = ask(store, a, other=b)
        for claim in _graded_claims(result):
            whole = full[claim_key(claim["subject_id"], claim["predicate"], claim["object_id"], claim["object2_id"])]
            assert (claim["grade"], claim["sources"], claim["corroboration"], claim["credibility"],
                    claim["contradicted"], claim["evidence_total"]) == (
                whole.grade, whole.count(*MODALITY_WEIGHT), whole.corroboration, whole.credibility,
                whole.contradicted, len(whole.instances)), (a, b, claim["clause"])
            checked += 1
            sampled += len(claim["evidence"]) < claim["evidence_total"]
    assert checked > 20 and sampled > 0, (checked, sampled)


def test_each_link_of_a_path_brings_its_strongest_claims_only(demo_db, monkeypatch):
    store = Store.open(str(demo_db))
    full = _fused_from_every_instance(store)
    monkeypatch.setattr(paths, "PATH_CLAIMS", 1)
    claims = list(full.values())
    hubs = sorted({c.subject.name for c in claims}, key=lambda n: (-sum(c.subject.name == n for c in claims), n))
    links = 0
    for a, b in zip(hubs[:6], hubs[6:12]):
        result = ask(store, a, other=b)
        for path in result["paths"]:
            for x, y in zip(path["ids"], path["ids"][1:]):
                if {x, y} == set(result["pair_ids"]):
                    continue
                on_link = [e for e in path["edges"] if {e["subject_id"], e["object_id"]} == {x, y}
                           and e["predicate"] != "mediates"]
                assert len(on_link) <= 1, (x, y, [e["clause"] for e in on_link])
                links += bool(on_link)
    assert links > 5
