"""How stored actors, relations and claims look to a caller of the `Workspace` (and so to the JSON API
and notebooks): plain dicts with ids, names, grades and validity, and the checks on the filters a
caller passes. Errors say which field is wrong (`Invalid`) or what was not found (`NotFound`)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .extract.lexicon import ontology
from .extract.timex import earliest_day, latest_day
from .graph.fuse import DAY, MODALITY_WEIGHT, Fused, claims_of, validity
from .models import Actor, Judgement, Relation, relation_json

GRADE = re.compile(r"(?P<letter>[A-F])?(?P<number>[1-6])?")
MAX_GRAPH_EDGES = 400


class Invalid(ValueError):
    """A parameter a caller gave is malformed or unknown (the message names it)."""


class NotFound(LookupError):
    """An actor, document, claim or source the caller named is not in the database."""


def checked_date(value: str | None, field: str) -> str | None:
    if value and not DAY.fullmatch(value):
        raise Invalid(f"{field} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return value or None


def checked_span(span: str | tuple[int, int]) -> tuple[int, int]:
    """A span of characters given as "START:END" or (start, end)."""
    try:
        start, end = (int(x) for x in (span.split(":") if isinstance(span, str) else span))
    except (ValueError, TypeError):
        raise Invalid(f"span must be START:END (character offsets), not {span!r}") from None
    if not 0 <= start < end:
        raise Invalid(f"span must be START:END with 0 <= START < END, not {span!r}")
    return start, end


def one_of(values: Iterable[str] | None, allowed, field: str) -> set[str] | None:
    values = [values] if isinstance(values, str) else list(values or [])
    if not values:
        return None
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise Invalid(f"unknown {field} {unknown}; allowed: {', '.join(allowed)}")
    return set(values)


def predicates(values) -> set[str] | None:
    return one_of(values, ontology().predicates, "predicate")


def modalities(values) -> set[str] | None:
    return one_of(values, MODALITY_WEIGHT, "modality")


def grade_test(value: str | None) -> Callable[[str], bool]:
    """'C3' keeps claims whose reliability is C or better and credibility 3 or better; 'C' or '3'
    constrains one half. None keeps everything."""
    if not value:
        return lambda grade: True
    found = GRADE.fullmatch(value.upper())
    if not found or not value.strip():
        raise Invalid(f"min_grade must look like C3, C or 3 (A-F, 1-6), not {value!r}")
    letter, number = found["letter"], found["number"]
    return lambda grade: (letter is None or grade[0] <= letter) and (number is None or int(grade[1:]) <= int(number))


def actor_json(actor: Actor, counts: dict | None = None) -> dict:
    item = {"id": actor.id, "name": actor.name, "type": actor.type, "aliases": list(actor.aliases)}
    return {**item, **(counts or {})}


def relation_item(relation: Relation, grade: str | None = None) -> dict:
    """A relation instance in the extract contract, with its document, grade and validity."""
    valid_from, valid_to = validity(relation)
    return {**relation_json(relation), "doc_id": relation.doc_id, "source": relation.source,
            "published": relation.published, "url": relation.url, "grade": grade,
            "valid_from": valid_from, "valid_to": valid_to, "relation_id": relation.row_id,
            "judgement": relation.judgement}


def judgement_json(judgement: Judgement, names: dict[str, str]) -> dict:
    """A judgement with the names of the actors it speaks of (`names`: actor id -> name)."""
    item = {k: getattr(judgement, k) for k in judgement.__dataclass_fields__}
    for key in ("subject_id", "object_id", "new_subject_id", "new_object_id", "new_object2_id"):
        item[key.removesuffix("_id")] = names.get(item[key]) if item[key] else None
    return item


def review_order(relations: list[Relation]) -> list[Relation]:
    """What an analyst should look at first: unjudged instances, least confident first (the model is
    least sure of them, and a judgement there teaches it most), then by document and position."""
    return sorted((r for r in relations if r.judgement is None),
                  key=lambda r: (r.confidence, r.doc, r.evidence.start, r.row_id or 0))


def graded(relations: list[Relation]) -> list[tuple[Relation, str]]:
    """Each instance with the grade of the claim it belongs to."""
    grades = {id(r): c.grade for c in claims_of(relations) for r in c.instances}
    return [(r, grades[id(r)]) for r in relations]


def kept(relation: Relation, grade: str, *, predicates: set[str] | None, modalities: set[str] | None,
         passes: Callable[[str], bool], pair: set[str] | None, start: str | None, end: str | None) -> bool:
    """Whether one instance passes the filters: predicate, modality, its claim's grade, both actors
    of a pair, and a time it held that overlaps [start, end]."""
    valid_from, valid_to = validity(relation)
    return not ((predicates and relation.predicate not in predicates)
                or (modalities and relation.modality not in modalities) or not passes(grade)
                or (pair and not pair <= {m.actor.id for m in (relation.subject, relation.object, relation.object2) if m})
                or (start and valid_to and valid_to < start) or (end and valid_from and valid_from[:len(end)] > end))


def network(center: Actor | None, claims: list[Fused], dates: tuple[str | None, str | None],
            shown: Callable[[Fused], bool], totals: dict[tuple, int] | None = None) -> dict:
    """The claims around `center` that `shown` keeps, as the page's nodes and edges (at most
    MAX_GRAPH_EDGES, strongest first), with the first and last day the relations span. `totals`
    gives a claim's full number of instances, by (subject, predicate, object) id, when its instances
    are a sample."""
    empty = {"center": None, "nodes": [], "edges": [], "dates": {"min": None, "max": None},
             "predicates": list(ontology().predicates), "modalities": list(MODALITY_WEIGHT),
             "entity_types": list(ontology().entity_types)}
    if center is None:
        return empty
    edges, nodes = [], {center.id: center}
    for claim in sorted(claims, key=lambda c: -c.strength):
        if not shown(claim):
            continue
        for target in filter(None, (claim.object, claim.object2)):
            if len(edges) >= MAX_GRAPH_EDGES:
                break
            nodes.update({claim.subject.id: claim.subject, target.id: target})
            edges.append({"id": f"{claim.subject.id}|{claim.predicate}|{target.id}", "source": claim.subject.id,
                          "target": target.id, "predicate": claim.predicate, "modality": claim.modality,
                          "grade": claim.grade, "credibility": claim.credibility,
                          "sources": claim.sources, "contradicted": claim.contradicted,
                          "rhetoric": claim.rhetoric,
                          "evidence_total": max(claim.evidence_total, (totals or {}).get(
                              (claim.subject.id, claim.predicate, claim.object.id), 0)),
                          "claim": {"subject": claim.subject.id, "predicate": claim.predicate,
                                    "object": claim.object.id}})
    first, last = dates
    return {**empty, "center": center.id, "edges": edges, "truncated": len(edges) >= MAX_GRAPH_EDGES,
            "nodes": [{"id": a.id, "name": a.name, "type": a.type, "center": a.id == center.id} for a in nodes.values()],
            "dates": {"min": earliest_day(first) if first else None, "max": latest_day(last)[:10] if last else None}}
