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
from collections.abc import Callable
from dataclasses import replace
from itertools import islice

from rapidfuzz import fuzz, process

from .caveats import caveats as caveats_of, short as short_caveat
from ..graph.fuse import (MODALITY_WEIGHT, Claim, Contradiction, as_of, claims_of, contradictions,
                          validity)
from ..extract.lexicon import gazetteer
from ..extract.regimes import country_named, governing
from ..extract.rhetoric import rhetoric
from ..graph.sources import registry
from ..models import Actor, Relation
from ..names import normalize
from ..graph.judgements import ANALYST_BACKED
from ..graph.claims import NOT_CLAIMED_MODALITIES
from .paths import MAX_PATHS, find_paths, relevant
from .wording import clause, phrases, sentence_case, summarise

MAX_EVIDENCE = 25
QUESTION_FORMS = (
    re.compile(r"^\s*what(?:'s| is| are)? (?:the )?(?:relationships?|relations?|links?|connections?|ties) "
               r"(?:between|of) (?P<a>.+?) (?:and|with|to) (?P<b>.+?)\s*\??\s*$", re.I),
    re.compile(r"^\s*how (?:is|are|was|were) (?P<a>.+?) (?:linked|related|connected|tied) (?:to|with) "
               r"(?P<b>.+?)\s*\??\s*$", re.I),
    re.compile(r"^\s*how (?:is|are|were|was) (?P<a>.+?) and (?P<b>.+?) (?:linked|related|connected|tied)"
               r"(?: to each other| together)?\s*\??\s*$", re.I),
    re.compile(r"^\s*(?:is|are|was|were) (?P<a>.+?) (?:linked|related|connected|tied|allied|close) (?:to|with) "
               r"(?P<b>.+?)\s*\??\s*$", re.I),
    re.compile(r"^\s*(?P<a>[^?]+?)\s+(?:and|vs\.?|versus|<->|-)\s+(?P<b>[^?]+?)\s*\??\s*$", re.I),
)
SUGGESTIONS, SUGGESTION_SCORE = 3, 85


def parse_question(question: str) -> tuple[str, str] | None:
    """The two actor names a relationship question asks about, or None."""
    for form in QUESTION_FORMS:
        match = form.match(question.strip())
        if match:
            return match["a"].strip(" \"'"), match["b"].strip(" \"'")
    return None


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
            return sentence_case(phrases().shared_roles[left].format(x=names[1]))
    steps = [clause(graph.link(a, b)[0]) for a, b in zip(nodes, nodes[1:])]
    return sentence_case("; ".join(steps))


def evidence_json(relation: Relation, claim_grade: str | None = None) -> dict:
    time = relation.time
    valid_from, valid_to = validity(relation)
    return {"doc": relation.doc, "doc_id": relation.doc_id, "text": relation.evidence.text, "start": relation.evidence.start,
            "end": relation.evidence.end, "modality": relation.modality, "source": relation.source,
            "published": relation.published, "attributed_to": relation.attributed_to,
            "reliability": registry().reliability(relation.source, relation.url), "grade": claim_grade,
            "rhetoric": relation.rhetoric,
            "time": None if time is None else {"start": time.start, "end": time.end, "text": time.text},
            "valid_from": valid_from, "valid_to": valid_to, "relation_id": relation.row_id,
            "judgement": relation.judgement, "extractor": relation.extractor,
            "confidence": round(relation.confidence, 3)}


def claim_json(claim: Claim, limit: int | None = MAX_EVIDENCE) -> dict:
    """A claim with its grades and its firmest evidence (all of it with `limit=None`)."""
    return {"subject": claim.subject.name, "predicate": claim.predicate, "object": claim.object.name,
            "object2": claim.object2.name if claim.object2 else None, "kind": claim.kind,
            "subject_id": claim.subject.id, "object_id": claim.object.id,
            "object2_id": claim.object2.id if claim.object2 else None,
            "modality": claim.modality, "sources": claim.sources,
            "corroboration": claim.corroboration, "credibility": claim.credibility, "grade": claim.grade,
            "contradicted": claim.contradicted, "rhetoric": claim.rhetoric, "clause": clause(claim),
            "evidence_total": claim.evidence_total,
            "confirmed_by_analyst": sum(r.judgement in ANALYST_BACKED for r in claim.instances),
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
        if claim.sources == 1:
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


def claimed(relation: Relation) -> bool:
    """Whether an instance claims its relation: not a question, a conditional, an imagined ability,
    a demand or a wish, nor a claim made only inside a rhetorical question or a demand that the
    accused disprove it. The others are listed apart and never counted."""
    return relation.modality not in NOT_CLAIMED_MODALITIES and not relation.rhetoric


def _why(relation: Relation) -> str:
    if relation.rhetoric:
        return rhetoric().techniques[relation.rhetoric].label.lower()
    return {"question": "question", "conditional": "conditional"}[relation.modality]


def not_claimed_json(relations: list[Relation], ends: set[frozenset]) -> list[dict]:
    """The instances between the answer's actors that ask or imagine a relation without claiming it,
    with their words: the section 'asked or imagined, not claimed'."""
    found = []
    for r in sorted(relations, key=lambda r: (r.doc, r.evidence.start)):
        pair = frozenset((r.subject.actor.id, r.object.actor.id))
        if pair not in ends:
            continue
        claim = Claim(r.subject.actor, r.predicate, r.object.actor, r.object2.actor if r.object2 else None, (r,))
        found.append({"subject": claim.subject.name, "predicate": r.predicate, "object": claim.object.name,
                      "object2": claim.object2.name if claim.object2 else None, "subject_id": claim.subject.id,
                      "object_id": claim.object.id, "object2_id": claim.object2.id if claim.object2 else None,
                      "clause": clause(claim),
                      "why": _why(r), "modality": r.modality, "text": r.evidence.text, "doc": r.doc,
                      "doc_id": r.doc_id, "start": r.evidence.start, "end": r.evidence.end, "source": r.source,
                      "published": r.published})
    return found


Describe = Callable[[set[str]], tuple[dict, dict, dict]]


def graded(claims: list[Claim], sums: dict[tuple, list[tuple]]) -> list[Claim]:
    """Claims graded on the store's sums of all their instances (`Store.claim_sums`, by claim key)
    where it has them, counting only the rows that claim their relation, as the claims do."""
    found = []
    for claim in claims:
        rows = sums.get((claim.subject.id, claim.predicate, claim.object.id, claim.object2 and claim.object2.id))
        kept = tuple(row for row in rows or () if row[2] not in NOT_CLAIMED_MODALITIES and not row[3])
        found.append(replace(claim, stored=kept) if kept else claim)
    return found


def answer(question: str, a: Actor, b: Actor, relations: list[Relation], day: str | None = None,
           describe: Describe | None = None, sums: dict[tuple, list[tuple]] | None = None) -> dict:
    """The `ask --format json` contract, built from relation instances (any superset of those
    within three hops of a and b); with `day`, only what held on that date. Only instances that
    claim their relation (`claimed`) make claims and paths; the others are listed apart.
    `describe(document ids)` gives the documents' metadata, stored profiles and rhetoric spans,
    for the caveats (none without it). `sums` grades each claim on all its instances, of which
    `relations` may hold a sample (not with `day`: what held on a day is known instance by instance)."""
    held = as_of(relations, day)
    claims = claims_of([r for r in held if claimed(r)])
    graph = Graph(graded(claims, sums) if sums and not day else claims)
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
    ends = {frozenset((a.id, b.id))} | {frozenset((x, y)) for p in path_items for x, y in zip(p["ids"], p["ids"][1:])}
    ends |= {frozenset((c.subject.id, other)) for c in direct for other in c.ends[1:]}
    not_claimed = not_claimed_json([r for r in held if not claimed(r)], ends)
    cautions = caveats_of(used, *describe(documents)) if describe and documents else None
    direct_unclaimed = sum({a.id, b.id} <= {i["subject_id"], i["object_id"], i["object2_id"]} for i in not_claimed)
    summary = summarise(a, b, direct, path_items, len(documents), direct_unclaimed,
                        short_caveat(cautions["documents"]) if cautions else None)
    return {"question": question, "pair": [a.name, b.name], "pair_ids": [a.id, b.id], "as_of": day,
            "direct": [claim_json(c) for c in direct], "paths": path_items, "sources": len(documents),
            "independent_sources": len({f.source for c in used for f in c.facts}),
            "contradictions": disputes, "flags": _flags(used), "not_claimed": not_claimed,
            "caveats": cautions, "summary": summary}


def _contradiction_json(item: Contradiction) -> dict:
    return {"type": item.kind, "text": item.text, "one": [evidence_json(r) for r in item.one],
            "other": [evidence_json(r) for r in item.other]}


def _mediated(graph: Graph, a: str, b: str) -> list[Claim]:
    """'X mediates between A and B' is about A and B directly, though neither is its subject (in the
    order of the mediators' ids, not of a set: the same question gets the same answer)."""
    return [c for pair in (graph.by_pair.get(frozenset((a, x)), []) for x in sorted(graph.neighbours.get(a, ())))
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
    if result.get("not_claimed"):
        lines.append("Asked or imagined, not claimed:")
        for item in result["not_claimed"]:
            lines.append(f"  {item['clause']} ({item['why']}): \"{_quote(item['text'])}\" ({item['doc']})")
    if result.get("caveats"):
        lines.append("Read with care:")
        lines.extend(f"  {line}" for line in result["caveats"]["lines"])
    if result["flags"]:
        lines.append("Flags:")
        lines.extend(f"  [{f['type']}] {f['text']}" for f in result["flags"])
    lines.append(f"Documents behind this answer: {result['sources']}")
    return "\n".join(lines)


def _quote(text: str) -> str:
    return text if len(text) <= 160 else text[:157] + "..."


def _claim_lines(claim: dict, indent: str) -> list[str]:
    sources = "1 source" if claim["sources"] == 1 else f"{claim['sources']} sources"
    lines = [f"{indent}{claim['clause']}  [{claim['modality']}, {sources}, grade {claim['grade']}]"]
    for item in claim["evidence"][:3]:
        judged = f", {item['judgement']} by analyst" if item.get("judgement") in ANALYST_BACKED else ""
        lines.append(f"{indent}  \"{_quote(item['text'])}\" ({item['doc']}, {item['modality']}{judged})")
    return lines


class UnknownActor(ValueError):
    """A name in a question that matches no actor in the store."""


def resolve_actor(store, name: str, day: str | None = None) -> Actor | None:
    """A stored actor by alias or canonical name, else through the gazetteer's aliases. A regime name
    ('the Afghan government', 'Kabul') means whoever governed on `day` (default: today's government)."""
    country = country_named(name)
    if country is not None:
        governing_actor = governing(country, day)
        if governing_actor is not None:
            return store.actor(governing_actor.id) or governing_actor
    found = store.find_actors(name)
    if found:
        return found[0]
    known = gazetteer().lookup(name)
    return store.actor(known.id) if known else None


def actor_by_key(store, key: str) -> Actor | None:
    """A stored actor by id (a merged id names its canonical actor), else as `resolve_actor` finds it:
    how the web app and exports take an actor, where ids and names both come in."""
    return store.actor(key) or resolve_actor(store, key)


def suggest(store, name: str) -> list[str]:
    """The stored actors whose names or aliases are closest to a name that matched none."""
    aliases = store.alias_names()
    found = process.extract(name, [alias for alias, _ in aliases], scorer=fuzz.WRatio, limit=20,
                            processor=lambda text: normalize(text))
    names = [aliases[index][1] for _, score, index in found if score >= SUGGESTION_SCORE]
    return list(dict.fromkeys(names))[:SUGGESTIONS]


def _unknown(store, name: str) -> UnknownActor:
    close = suggest(store, name)
    hint = "" if not close else "; did you mean " + (
        close[0] if len(close) == 1 else ", ".join(close[:-1]) + " or " + close[-1]) + "?"
    return UnknownActor(f"no actor called {name!r} in the database{hint}")


def question_actors(store, question: str, day: str | None = None, other: str | None = None):
    """The question as asked (a full question when given two names) and the two actors it names."""
    pair = (question, other) if other is not None else parse_question(question)
    if pair is None:
        raise ValueError('ask understands "What is the relationship between A and B?", "How are A and B '
                         'connected?", "Is A linked to B?", "A and B" or two names')
    if other is not None:
        question = f"What is the relationship between {question} and {other}?"
    actors = []
    for name in pair:
        actor = resolve_actor(store, name, day)
        if actor is None:
            raise _unknown(store, name)
        actors.append(actor)
    a, b = actors
    if a.id == b.id:
        raise ValueError(f"{pair[0]!r} and {pair[1]!r} are the same actor ({a.name})")
    return question, a, b


def ask(store, question: str, day: str | None = None, other: str | None = None) -> dict:
    """Answer a relationship question from a store ("What is the relationship between A and B?",
    "How are A and B connected?", "Is A linked to B?", "A and B"), or about two names (`question`
    and `other`). Paths are ranked on light rows (`_relevant`), and evidence is loaded only for
    the direct relations and the strongest paths."""
    question, a, b = question_actors(store, question, day, other)
    found = relevant(store, a.id, b.id, day)
    return answer(question, a, b, store.relations(ids=found.ids), day,
                  lambda ids: (store.document_metadata(ids), store.profiles(ids), store.spans_of(ids)), found.sums)
