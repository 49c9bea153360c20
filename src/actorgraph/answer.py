"""Answer "What is the relationship between A and B?" from stored relations.

Relation instances are grouped into claims (subject, predicate, object[, object2]); the claims
form an undirected graph in which paths of two or three hops through an intermediate actor (a
parent organisation, a common backer, shared fighters, a common enemy) are ranked by the
strength of their weakest link. Every claim keeps its evidence, and the summary words each claim
by what backs it, so a hedged or single-source claim is never stated as fact.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import islice

from .fuse import MODALITY_WEIGHT, Claim, Contradiction, as_of, claims_of, contradictions, source_key, validity
from .lexicon import gazetteer, package_yaml
from .rhetoric import rhetoric
from .sources import registry
from .models import Actor, Relation

HOP_PENALTY = 0.8
MAX_PATHS = 10
NEIGHBOURS = 500
MAX_EVIDENCE = 25
INSTANCES = 50
PATH_INSTANCES, PATH_PREDICATES = 20, 3
QUESTION_FORMS = (
    re.compile(r"^\s*what(?:'s| is| are)? (?:the )?(?:relationships?|relations?|links?|connections?|ties) "
               r"(?:between|of) (?P<a>.+?) (?:and|with|to) (?P<b>.+?)\s*\??\s*$", re.I),
    re.compile(r"^\s*how (?:is|are|was|were) (?P<a>.+?) (?:linked|related|connected|tied) (?:to|with) "
               r"(?P<b>.+?)\s*\??\s*$", re.I),
    re.compile(r"^\s*how (?:is|are|were|was) (?P<a>.+?) and (?P<b>.+?) (?:linked|related|connected|tied)"
               r"(?: to each other| together)?\s*\??\s*$", re.I),
    re.compile(r"^\s*(?P<a>[^?]+?)\s+(?:and|vs\.?|versus|<->|-)\s+(?P<b>[^?]+?)\s*\??\s*$", re.I),
)


@dataclass(frozen=True)
class Phrases:
    clauses: dict[str, str]
    kinds: dict[str, dict[str, str]]
    roles: tuple[dict, ...]
    shared_roles: dict[str, str]
    evidence: dict[str, str]


@cache
def phrases() -> Phrases:
    raw = package_yaml("phrases.yaml")
    return Phrases(clauses={p: v["clause"] for p, v in raw["predicates"].items()},
                   kinds={p: v.get("kinds") or {} for p, v in raw["predicates"].items()},
                   roles=tuple(raw["roles"]), shared_roles=raw["shared_roles"], evidence=raw["evidence"])


def clause(claim: Claim) -> str:
    """The claim in words ('Turkey arms the SNA'), by predicate and sub-kind."""
    template = phrases().kinds[claim.predicate].get(claim.kind or "") or phrases().clauses[claim.predicate]
    return template.format(s=claim.subject.name, o=claim.object.name,
                           o2=claim.object2.name if claim.object2 else "another party")


def parse_question(question: str) -> tuple[str, str] | None:
    """The two actor names a relationship question asks about, or None."""
    for form in QUESTION_FORMS:
        match = form.match(question.strip())
        if match:
            return match["a"].strip(" \"'"), match["b"].strip(" \"'")
    return None


def find_paths(weight, neighbours: dict[str, set[str]], is_via, a: str, b: str,
               limit: int = MAX_PATHS) -> list[tuple[float, list[str]]]:
    """Simple paths of two and three hops from a to b, strongest first: `weight(x, y)` scores a
    link, `is_via(x)` says whether x may stand in the middle of a path."""
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


class Graph:
    """Claims indexed by the pairs of actors they link (a mediator links itself to both parties)."""

    def __init__(self, claims: list[Claim]):
        self.actors: dict[str, Actor] = {}
        self.by_pair: dict[frozenset, list[Claim]] = defaultdict(list)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for claim in claims:
            for actor in (claim.subject, claim.object, claim.object2):
                if actor is not None:
                    self.actors.setdefault(actor.id, actor)
            s = claim.subject.id
            for other in claim.ends[1:]:
                if other != s:
                    self.by_pair[frozenset((s, other))].append(claim)
                    if claim.strength > 0:
                        self.neighbours[s].add(other)
                        self.neighbours[other].add(s)

    def link(self, a: str, b: str) -> list[Claim]:
        return sorted(self.by_pair.get(frozenset((a, b)), []), key=lambda c: -c.strength)

    def weight(self, a: str, b: str) -> float:
        return max((c.strength for c in self.by_pair.get(frozenset((a, b)), [])), default=0.0)

    def paths(self, a: str, b: str, limit: int = MAX_PATHS) -> list[tuple[float, list[str]]]:
        return find_paths(self.weight, self.neighbours, lambda n: self.actors[n].type != "place", a, b, limit)


def _role(graph: Graph, end: str, x: str) -> str | None:
    """What intermediate x is to path end `end` (parent, backer, shared fighters, enemy ...)."""
    claims = graph.link(end, x)
    for rule in phrases().roles:
        if rule.get("types") and graph.actors[x].type not in rule["types"]:
            continue
        for claim in claims:
            if claim.predicate not in rule["predicates"]:
                continue
            direction = rule["direction"]
            if direction == "any" or (direction == "from_end") == (claim.subject.id == end):
                return rule["role"]
    return None


def _reason(graph: Graph, nodes: list[str]) -> str:
    names = [graph.actors[n].name for n in nodes]
    if len(nodes) == 3:
        left, right = _role(graph, nodes[0], nodes[1]), _role(graph, nodes[2], nodes[1])
        if left and left == right:
            return _sentence_case(phrases().shared_roles[left].format(x=names[1]))
    steps = [clause(graph.link(a, b)[0]) for a, b in zip(nodes, nodes[1:])]
    return _sentence_case("; ".join(steps))


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def evidence_json(relation: Relation, claim_grade: str | None = None) -> dict:
    time = relation.time
    valid_from, valid_to = validity(relation)
    return {"doc": relation.doc, "doc_id": relation.doc_id, "text": relation.evidence.text, "start": relation.evidence.start,
            "end": relation.evidence.end, "modality": relation.modality, "source": relation.source,
            "published": relation.published, "attributed_to": relation.attributed_to,
            "reliability": registry().reliability(relation.source, relation.url), "grade": claim_grade,
            "rhetoric": relation.rhetoric,
            "time": None if time is None else {"start": time.start, "end": time.end, "text": time.text},
            "valid_from": valid_from, "valid_to": valid_to}


def claim_json(claim: Claim, limit: int | None = MAX_EVIDENCE) -> dict:
    """A claim with its grades and its firmest evidence (all of it with `limit=None`)."""
    return {"subject": claim.subject.name, "predicate": claim.predicate, "object": claim.object.name,
            "object2": claim.object2.name if claim.object2 else None, "kind": claim.kind,
            "subject_id": claim.subject.id, "object_id": claim.object.id,
            "object2_id": claim.object2.id if claim.object2 else None,
            "modality": claim.modality, "sources": claim.count(*MODALITY_WEIGHT),
            "corroboration": claim.corroboration, "credibility": claim.credibility, "grade": claim.grade,
            "contradicted": claim.contradicted, "rhetoric": claim.rhetoric, "clause": clause(claim),
            "evidence_total": len(claim.instances),
            "evidence": [evidence_json(r, claim.grade) for r in _firmest(claim.instances)[:limit]]}


def _firmest(instances: tuple[Relation, ...]) -> list[Relation]:
    """Evidence in the order an analyst reads it: firmest modality first."""
    return sorted(instances, key=lambda r: -MODALITY_WEIGHT[r.modality])


def _flags(claims: list[Claim]) -> list[dict]:
    flags, seen = [], set()
    for claim in claims:
        kinds = []
        if claim.contradicted:
            kinds.append(("contradicted", f"contradicted: {clause(claim)} is asserted by "
                                          f"{claim.count('asserted', 'reported')} source(s) and denied by "
                                          f"{claim.count('negated')}"))
        for modality in ("hedged", "reported", "negated", "question", "conditional"):
            if claim.modality == modality:
                kinds.append((modality, f"{modality}: {clause(claim)}"))
        if claim.count(*MODALITY_WEIGHT) == 1:
            kinds.append(("uncorroborated", f"uncorroborated: {clause(claim)} rests on a single source"))
        for technique in claim.rhetoric:
            label = rhetoric().techniques[technique].label.lower()
            kinds.append((technique, f"{label}: {clause(claim)} is said only inside a {label}, "
                                     "not counted as evidence"))
        for kind, text in kinds:
            if (kind, text) not in seen:
                seen.add((kind, text))
                flags.append({"type": kind, "text": text, "subject": claim.subject.name,
                              "predicate": claim.predicate, "object": claim.object.name})
    return flags


def _say(claim: Claim) -> str:
    """One sentence for one claim, worded by its evidence."""
    words = phrases().evidence
    said_as = clause(claim)
    asserted, denied = claim.count("asserted"), claim.count("negated")
    total = claim.count(*MODALITY_WEIGHT)
    n_text = "one source" if total == 1 else f"{total} sources"
    if claim.contradicted:
        return words["contradicted"].format(claim=said_as, asserted=claim.count("asserted", "reported"), denied=denied)
    if claim.modality == "asserted":
        key = "corroborated" if asserted >= 2 else "single"
        said = words[key].format(n=asserted, claim=said_as)
        weaker = total - asserted
        return said + (words["weaker"].format(n=weaker) if weaker else "")
    if claim.modality == "reported":
        who = sorted({r.attributed_to for r in claim.instances if r.attributed_to}) or ["others"]
        return words["reported"].format(who=", ".join(who), n_text=n_text, claim=said_as)
    return words[claim.modality].format(n_text=_sentence_case(n_text), claim=said_as)


def _summary(a: Actor, b: Actor, direct: list[Claim], paths: list[dict], documents: int) -> str:
    sentences = []
    if direct:
        sentences.append(f"{len(direct)} direct relation(s) link {a.name} and {b.name}.")
        sentences.extend(_say(c) for c in direct[:5])
    else:
        sentences.append(f"No direct relation between {a.name} and {b.name} was found.")
    if paths:
        reasons = "; ".join(p["reason"] for p in paths[:3])
        sentences.append(f"Indirect links ({len(paths)}): {reasons}.")
    if documents == 1:
        sentences.append("Everything here rests on one document: treat it as a single source.")
    elif documents:
        sentences.append(f"The answer draws on {documents} documents.")
    return " ".join(sentences)


def answer(question: str, a: Actor, b: Actor, relations: list[Relation], day: str | None = None) -> dict:
    """The `ask --format json` contract, built from relation instances (any superset of those
    within three hops of a and b); with `day`, only what held on that date."""
    graph = Graph(claims_of(as_of(relations, day)))
    direct = sorted({id(c): c for c in graph.by_pair.get(frozenset((a.id, b.id)), [])}.values(),
                    key=lambda c: -c.strength)
    direct += [c for c in _mediated(graph, a.id, b.id) if all(c is not d for d in direct)]
    path_items, path_claims = [], []
    for strength, nodes in graph.paths(a.id, b.id):
        edges = list({id(claim): claim for x, y in zip(nodes, nodes[1:]) for claim in graph.link(x, y)}.values())
        path_claims.extend(edges)
        path_items.append({"nodes": [graph.actors[n].name for n in nodes], "ids": list(nodes),
                           "strength": round(strength, 3),
                           "reason": _reason(graph, nodes), "edges": [claim_json(c) for c in edges]})
    used = direct + path_claims
    documents = {r.doc_id or r.doc for c in used for r in c.instances}
    disputes = [_contradiction_json(x) for x in contradictions(list({id(c): c for c in used}.values()))]
    return {"question": question, "pair": [a.name, b.name], "pair_ids": [a.id, b.id], "as_of": day, "direct": [claim_json(c) for c in direct],
            "paths": path_items, "sources": len(documents),
            "independent_sources": len({source_key(r) for c in used for r in c.instances}),
            "contradictions": disputes, "flags": _flags(used),
            "summary": _summary(a, b, direct, path_items, len(documents))}


def _contradiction_json(item: Contradiction) -> dict:
    return {"type": item.kind, "text": item.text, "one": [evidence_json(r) for r in item.one],
            "other": [evidence_json(r) for r in item.other]}


def _mediated(graph: Graph, a: str, b: str) -> list[Claim]:
    """'X mediates between A and B' is about A and B directly, though neither is its subject."""
    return [c for pair in (graph.by_pair.get(frozenset((a, x)), []) for x in graph.neighbours.get(a, ()))
            for c in pair if c.predicate == "mediates" and {a, b} <= set(c.ends[1:])]


def render_text(result: dict) -> str:
    """The answer for a terminal: summary, direct relations, paths, flags."""
    lines = [result["summary"], ""]
    if result["direct"]:
        lines.append("Direct relations:")
        for claim in result["direct"]:
            lines.extend(_claim_lines(claim, "  "))
    for i, path in enumerate(islice(result["paths"], 5), start=1):
        lines.append(f"Path {i}: {' -> '.join(path['nodes'])}  ({path['reason']})")
        for claim in path["edges"]:
            lines.extend(_claim_lines(claim, "    "))
    for dispute in result["contradictions"]:
        lines.append(f"Contradiction ({dispute['type']}): {dispute['text']}")
    if result["flags"]:
        lines.append("Flags:")
        lines.extend(f"  [{f['type']}] {f['text']}" for f in result["flags"])
    lines.append(f"Documents behind this answer: {result['sources']}")
    return "\n".join(lines)


def _claim_lines(claim: dict, indent: str) -> list[str]:
    lines = [f"{indent}{claim['clause']}  [{claim['modality']}, {claim['sources']} source(s), grade {claim['grade']}]"]
    for item in claim["evidence"][:3]:
        quote = item["text"] if len(item["text"]) <= 160 else item["text"][:157] + "..."
        lines.append(f"{indent}  \"{quote}\" ({item['doc']}, {item['modality']})")
    return lines


class UnknownActor(ValueError):
    """A name in a question that matches no actor in the store."""


def resolve_actor(store, name: str) -> Actor | None:
    """A stored actor by alias or canonical name, else through the gazetteer's aliases."""
    found = store.find_actors(name)
    if found:
        return found[0]
    known = gazetteer().lookup(name)
    return store.actor(known.id) if known else None


def actor_by_key(store, key: str) -> Actor | None:
    """A stored actor by id (a merged id names its canonical actor), else as `resolve_actor` finds it:
    how the web app and exports take an actor, where ids and names both come in."""
    return store.actor(key) or resolve_actor(store, key)


def ask(store, question: str, day: str | None = None) -> dict:
    """Answer a relationship question from a store: paths are ranked on light rows (`_relevant`),
    and evidence is loaded only for the direct relations and the strongest paths."""
    pair = parse_question(question)
    if pair is None:
        raise ValueError('ask understands "What is the relationship between A and B?" and '
                         '"How is A linked to B?"')
    actors = []
    for name in pair:
        actor = resolve_actor(store, name)
        if actor is None:
            raise UnknownActor(f"no actor called {name!r} in the database")
        actors.append(actor)
    a, b = actors
    if a.id == b.id:
        raise ValueError(f"{pair[0]!r} and {pair[1]!r} are the same actor ({a.name})")
    return answer(question, a, b, store.relations(ids=_relevant(store, a.id, b.id)), day)


def _sample(rows: list[tuple[int, str, str]], limit: int = INSTANCES, predicates: int | None = None) -> list[int]:
    """At most `limit` instances of each of the `predicates` firmest relations between two actors,
    firmest first but always with some denials, so a pair named in thousands of documents costs no
    more than a rare one and its contradictions still show; grades saturate long before that."""
    by_predicate: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for row in rows:
        by_predicate[row[1]].append(row)
    firmest = sorted(by_predicate.values(), key=lambda items: -max(MODALITY_WEIGHT[r[2]] for r in items))
    chosen = []
    for items in firmest[:predicates]:
        denials = [rid for rid, _, modality in items if modality == "negated"][:limit // 5]
        others = sorted((r for r in items if r[2] != "negated"), key=lambda r: -MODALITY_WEIGHT[r[2]])
        chosen += denials + [rid for rid, *_ in others[:limit - len(denials)]]
    return chosen


def _relevant(store, a: str, b: str) -> list[int]:
    """The relations an answer can use, found on light rows before any evidence is loaded: those
    linking a and b, and those on the strongest paths through their neighbours (the 3-hop search
    looks at each side's NEIGHBOURS strongest neighbours, so a hub costs no more than a few)."""
    near = store.edges([a, b])
    weights: dict[frozenset, float] = defaultdict(float)
    rows_of: dict[frozenset, list[tuple[int, str, str]]] = defaultdict(list)
    docs: dict[tuple, set[str]] = defaultdict(set)
    neighbours: dict[str, set[str]] = defaultdict(set)

    def take(rows):
        for rid, s, o, o2, predicate, modality, confidence, document in rows:
            for other in (o, o2):
                if other is None or other == s:
                    continue
                pair = frozenset((s, other))
                key = (pair, predicate)
                docs[key].add(document)
                boost = min(1 + 0.2 * (len(docs[key]) - 1), 2.0)
                weights[pair] = max(weights[pair], MODALITY_WEIGHT[modality] * confidence * boost)
                rows_of[pair].append((rid, predicate, modality))
                if MODALITY_WEIGHT[modality] > 0:
                    neighbours[s].add(other)
                    neighbours[other].add(s)

    take(near)
    strongest = {end: set(sorted(neighbours[end] - {a, b}, key=lambda n: -weights[frozenset((end, n))])[:NEIGHBOURS])
                 for end in (a, b)}
    if strongest[a] and strongest[b]:
        take(store.edges(sorted(strongest[a]), sorted(strongest[b])))
    types = store.actor_types(set(neighbours) | {a, b})
    paths = find_paths(lambda x, y: weights[frozenset((x, y))], neighbours,
                       lambda n: types.get(n) != "place", a, b, MAX_PATHS)
    wanted = set(_sample(rows_of[frozenset((a, b))]))
    for _, nodes in paths:
        for x, y in zip(nodes, nodes[1:]):
            wanted.update(_sample(rows_of[frozenset((x, y))], PATH_INSTANCES, PATH_PREDICATES))
    wanted.update(rid for rid, s, o, o2, predicate, *_ in near
                  if predicate == "mediates" and {a, b} <= {o, o2})
    return sorted(wanted)
