"""Finding what an answer or the page's network needs before loading any evidence: simple paths of
two and three hops between two actors, and the strongest claims around one, ranked on links summed
up in SQL (`Store.link_weights`), then a bounded sample of the instances behind each, so a pair
named in thousands of documents, or a hub of a dense archive, costs no more than a rare one."""
from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from ..graph.fuse import MODALITY_WEIGHT, boost, claim_key, span

HOP_PENALTY = 0.8
MAX_PATHS = 10
NEIGHBOURS = 500
CROWDED_NEIGHBOURS = 10
INSTANCES = 50
PATH_INSTANCES, DATED_PATH_INSTANCES, PATH_DENIALS, PATH_CLAIMS = 3, 20, 2, 3
SHOWN_ACTORS, SHOWN_CLAIMS, SHOWN_INSTANCES = 50, 400, 10


def find_paths(weight, neighbours: dict[str, set[str]], is_via, a: str, b: str,
               limit: int = MAX_PATHS) -> list[tuple[float, list[str]]]:
    """Simple paths of two and three hops from a to b, strongest first: `weight(x, y)` scores a
    link, `is_via(x)` says whether x may stand in the middle of a path (asked of a's neighbours and
    b's only)."""
    found = []
    near_b = neighbours.get(b, set())
    for u in neighbours.get(a, set()) - {a, b}:
        if not is_via(u):
            continue
        if u in near_b:
            found.append((weight(a, u) * weight(u, b) * HOP_PENALTY, [a, u, b]))
        for v in (neighbours.get(u, set()) & near_b) - {a, b, u}:
            if is_via(v):
                found.append((weight(a, u) * weight(u, v) * weight(v, b) * HOP_PENALTY ** 2, [a, u, v, b]))
    found.sort(key=lambda item: (-item[0], len(item[1]), item[1]))
    return found[:limit]


def link_strengths(links) -> tuple[dict[frozenset, float], dict[str, set[str]]]:
    """From `Store.link_weights` rows: each linked pair's weight (its firmest instance, boosted by
    the documents that repeat a predicate) and, per actor, the others a claim links it to. A hub's
    question passes thousands of rows through here: pairs are keyed as sorted tuples, not sets,
    until the end."""
    firmest: dict[tuple, float] = {}
    documents: dict[tuple, int] = {}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for s, o, o2, predicate, firmness, claimed, count, _ in links:
        firmness = max(firmness or 0.0, 0.0)
        for other in (o,) if o2 is None else (o, o2):
            if other == s:
                continue
            key = (s, other, predicate) if s < other else (other, s, predicate)
            known = firmest.get(key)
            if known is None:
                firmest[key], documents[key] = firmness, count
            else:
                if firmness > known:
                    firmest[key] = firmness
                documents[key] += count
            if claimed:
                neighbours[s].add(other)
                neighbours[other].add(s)
    weights: dict[frozenset, float] = defaultdict(float)
    for (x, y, predicate), firmness in firmest.items():
        pair = frozenset((x, y))
        weights[pair] = max(weights[pair], firmness * boost(documents[x, y, predicate]))
    return weights, neighbours


def neighbourhood(store, center: str, hops: int, actors: int = SHOWN_ACTORS) -> tuple[set[str], bool]:
    """The actors within `hops` steps of `center` that the page draws (at most `actors`, those most
    strongly linked to the ones kept so far first), chosen on links summed up in SQL before any
    evidence is loaded; and whether any were left out."""
    kept, frontier, cut = {center}, {center}, False
    for _ in range(hops):
        room = max(actors - len(kept), 0)
        if not room:
            cut = True
            break
        weights, _ = link_strengths(store.link_weights(sorted(frontier)))
        reach: dict[str, float] = defaultdict(float)
        for pair, weight in weights.items():
            if pair & frontier:
                for other in pair - kept:
                    reach[other] = max(reach[other], weight)
        ranked = sorted(reach, key=lambda n: (-reach[n], n))
        cut |= len(ranked) > room
        frontier = set(ranked[:room])
        if not frontier:
            break
        kept |= frontier
    return kept, cut


def summed_around(store, center: str, hops: int, shown, claims: int = SHOWN_CLAIMS) -> tuple[list, tuple, bool]:
    """The page's network around `center` from the claims as the store grades them when written
    (`Store.drawn_claims`, else `Store.graded_claims`), no instance read: of the claims among the
    actors `neighbourhood` keeps, the `claims` firmest that `shown` keeps (firmest instance,
    boosted by its stored parts), the first and last day of all of them, and whether anything was
    left out."""
    kept, cut = neighbourhood(store, center, hops)
    if len(kept) < 2:
        return [], (None, None), cut
    drawn = store.drawn_claims(sorted(kept), shown, claims)
    if drawn is not None:
        return drawn[0], drawn[1], cut or drawn[2]
    found = [c for c in store.graded_claims(sorted(kept), sorted(kept)) if set(c.ends) <= kept]
    candidates = [c for c in found if shown(c)]
    ranked = sorted(candidates, key=lambda c: (-c.firmest * boost(c.parts), c.subject.id, c.object.id,
                                               c.predicate, c.object2.id if c.object2 else ""))
    return ranked[:claims], span(found), cut or len(candidates) > claims


def around(store, center: str, hops: int, actors: int = SHOWN_ACTORS, claims: int = SHOWN_CLAIMS,
           instances: int = SHOWN_INSTANCES) -> tuple[list[int], dict[tuple, int], bool]:
    """The instances behind the page's network around `center` when it must be built from them (a
    view as of a day): of the actors `neighbourhood` keeps, the `claims` strongest claims among
    them, and at most `instances` of each (firmest first), so the view of a hub in a dense archive
    costs no more than that of a rare actor. Returns the relation ids, each claim's full count of
    instances by (subject, predicate, object), and whether anything was left out."""
    kept, cut = neighbourhood(store, center, hops, actors)
    if len(kept) < 2:
        return [], {}, cut
    links = [row for row in store.link_weights(sorted(kept), sorted(kept))
             if row[2] is None or row[2] in kept]
    ranked = sorted(links, key=lambda r: (-(r[4] or 0.0) * boost(r[6]), r[:3], r[3]))
    cut |= len(ranked) > claims or any(r[7] > instances for r in ranked[:claims])
    totals: dict[tuple, int] = defaultdict(int)
    for s, o, o2, predicate, *_, count in links:
        totals[s, predicate, o] += count
    return sorted(store.claim_sample([r[:4] for r in ranked[:claims]], instances)), dict(totals), cut


def sample(rows: list[tuple[int, str, str]], limit: int = INSTANCES) -> list[int]:
    """At most `limit` instances of each relation between two actors, firmest first but always
    with some denials, so a pair named in thousands of documents costs no more than a rare one and
    its contradictions still show (its grades are read from the store's sums, `Store.claim_sums`)."""
    by_predicate: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for row in rows:
        by_predicate[row[1]].append(row)
    chosen = []
    for predicate in sorted(by_predicate):
        items = by_predicate[predicate]
        denials = [rid for rid, _, modality in items if modality == "negated"][:limit // 5]
        others = sorted((r for r in items if r[2] != "negated"), key=lambda r: -MODALITY_WEIGHT[r[2]])
        chosen += denials + [rid for rid, *_ in others[:limit - len(denials)]]
    return chosen


class Relevant(NamedTuple):
    """What an answer loads: the instances it quotes, and the store's sums of the claims it draws
    (`Store.claim_sums`), so each is graded on every document behind it, not on those quoted."""

    ids: list[int]
    sums: dict[tuple, list[tuple]]


def _rows_by_link(rows: list[tuple], links: set[tuple[str, str]]) -> dict[tuple, dict[tuple, tuple]]:
    """Of `Store.link_weights` rows, those making the links (sorted pairs of actor ids) among
    `links`: per link, each claim's (subject, object, object2, predicate) firmness, number of
    instances and of documents (a mediation makes two links; the stored ids of a merged actor, one claim)."""
    found: dict[tuple, dict[tuple, tuple]] = defaultdict(dict)
    for row in rows:
        s, o, o2 = row[0], row[1], row[2]
        for other in (o,) if o2 is None else (o, o2):
            key = (s, other) if s < other else (other, s)
            if key in links:
                firmness, instances, documents = found[key].get(row[:4], (0.0, 0, 0))
                found[key][row[:4]] = (max(firmness, row[4] or 0.0), instances + row[7], documents + row[6])
    return found


def _link_claims(claims: dict[tuple, tuple], limit: int) -> list[list[tuple]]:
    """One link's `limit` strongest claims (see `_rows_by_link`), weighed as links are (firmest
    instance, boosted by the documents that repeat it: a claim five outlets report outweighs a
    mediation one mentions), each as the stored keys (subject, object, object2, predicate) that
    name it with their numbers of instances: both directions of a symmetric claim, both orders
    of a mediation's parties."""
    grouped: dict[tuple, list[tuple]] = defaultdict(list)
    firmest: dict[tuple, float] = defaultdict(float)
    documents: dict[tuple, int] = defaultdict(int)
    for (s, o, o2, predicate), (firmness, instances, repeats) in claims.items():
        key = claim_key(s, predicate, o, o2)
        grouped[key].append(((s, o, o2, predicate), instances))
        firmest[key] = max(firmest[key], firmness)
        documents[key] += repeats
    weight = {key: firmest[key] * boost(documents[key]) for key in firmest}
    chosen = sorted(weight, key=lambda k: (-weight[k], k[1], k[0], k[2], k[3] or ""))[:limit]
    return [grouped[key] for key in chosen]


def relevant(store, a: str, b: str, day: str | None = None) -> Relevant:
    """The relations an answer can use, found on links summed up in SQL before any evidence is
    loaded: those linking a and b, and those on the strongest paths through their neighbours (the
    3-hop search looks at each side's NEIGHBOURS strongest neighbours, so a hub costs no more than
    a few, and at CROWDED_NEIGHBOURS when the two share enough neighbours to fill the answer with
    two-hop paths, as in a dense archive). A link weighs its firmest instance, boosted by the
    documents that repeat it. Of the PATH_CLAIMS firmest claims of each link on a path it quotes
    the PATH_INSTANCES firmest instances and some denials, and reads the sums that grade each one
    these are not all of; for an answer as of a `day`, graded on what held then, it loads more."""
    weights: dict[frozenset, float] = defaultdict(float)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for end in (a, b):
        for other, _, firmness, documents, claimed in store.links_around(end):
            pair = frozenset((end, other))
            weights[pair] = max(weights[pair], max(firmness, 0.0) * boost(documents))
            if claimed:
                neighbours[end].add(other)
                neighbours[other].add(end)
    crowded = len(neighbours[a] & neighbours[b] - {a, b}) >= MAX_PATHS
    width = CROWDED_NEIGHBOURS if crowded else NEIGHBOURS
    strongest = {end: sorted(neighbours[end] - {a, b}, key=lambda n: (-weights[frozenset((end, n))], n))[:width]
                 for end in (a, b)}
    if strongest[a] and strongest[b]:
        strength, near = link_strengths(store.link_weights(sorted(strongest[a]), sorted(strongest[b])))
        for pair, weight in strength.items():
            weights[pair] = max(weights[pair], weight)
        for actor, others in near.items():
            neighbours[actor] |= others
    types = store.actor_types(neighbours[a] | neighbours[b])
    paths = find_paths(lambda x, y: weights[frozenset((x, y))], neighbours, lambda n: types.get(n) != "place",
                       a, b, MAX_PATHS)
    direct = (min(a, b), max(a, b))
    links = {(min(x, y), max(x, y)) for _, nodes in paths for x, y in zip(nodes, nodes[1:])} - {direct}
    by_link = _rows_by_link(store.link_rows(sorted(links | {direct})), links | {direct})
    limit = PATH_INSTANCES if day is None else DATED_PATH_INSTANCES
    on_paths: dict[tuple, None] = {}  # stored keys, once each though a mediation lies on two links
    sampled: dict[tuple, None] = {}  # those of claims that `limit` quotes a key would not wholly load
    for link in sorted(links):
        for keys in _link_claims(by_link[link], PATH_CLAIMS):
            on_paths.update(dict.fromkeys(key for key, _ in keys))
            if any(instances > limit for _, instances in keys):
                sampled.update(dict.fromkeys(key for key, _ in keys))
    sums = store.claim_sums([*by_link[direct], *sampled])
    denied = [(s, o, o2, p) for s, o, o2, p in on_paths
              if any(row[2] == "negated" for row in sums.get(claim_key(s, p, o, o2), ()))]
    wanted = set(sample(store.between([direct])[direct]))
    wanted.update(store.claim_sample(on_paths, limit))
    wanted.update(store.claim_sample(denied, PATH_DENIALS, denials=True))
    wanted.update(store.mediated(a, b))
    return Relevant(sorted(wanted), sums)
