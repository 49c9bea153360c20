"""The read side of the HTTP API: documents, actors, relations, the graph around an actor, claims
with every quote, questions, profiles, attention and exports. Each route is a thin shell over the
same library functions the CLI calls; `serve.py` mounts it with the write routes and the page."""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response

from . import answer as answering
from . import export as exporting
from .fuse import (DAY, MODALITY_WEIGHT, as_of, claims_of, confirmed_by_others, earliest_day, latest_day, timeline,
                   validity)
from .lexicon import ontology
from .models import relation_json
from .nlp import parse
from .pipeline import profile_of
from .profile import attention as source_attention
from .rhetoric import rhetoric

GRADE = re.compile(r"(?P<letter>[A-F])?(?P<number>[1-6])?")
MAX_GRAPH_EDGES = 400

router = APIRouter(prefix="/api")
Dates = Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")]
Names = Annotated[list[str] | None, Query()]


def store_of(request: Request):
    return request.app.state.store


def _date(value: str | None, field: str) -> str | None:
    if value and not DAY.fullmatch(value):
        raise HTTPException(422, f"{field} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return value or None


def _one_of(values: list[str] | None, allowed, field: str) -> set[str] | None:
    if not values:
        return None
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise HTTPException(422, f"unknown {field} {unknown}; allowed: {', '.join(allowed)}")
    return set(values)


def grade_test(value: str | None):
    """'C3' keeps claims whose reliability is C or better and credibility 3 or better; 'C' or '3'
    constrains one half. None keeps everything."""
    if not value:
        return lambda grade: True
    found = GRADE.fullmatch(value.upper())
    if not found or not value.strip():
        raise HTTPException(422, f"min_grade must look like C3, C or 3 (A-F, 1-6), not {value!r}")
    letter, number = found["letter"], found["number"]
    return lambda grade: (letter is None or grade[0] <= letter) and (number is None or int(grade[1:]) <= int(number))


def find_actor(store, key: str):
    """An actor by id, name or alias, or a 404 naming what was asked for."""
    found = answering.actor_by_key(store, key)
    if found is None:
        raise HTTPException(404, f"no actor called {key!r} in the database")
    return found


def find_document(store, key: str):
    """A stored document by id, id prefix, name or title, or a 404 naming what was asked for."""
    found = store.document(key)
    if found is None:
        raise HTTPException(404, f"no stored document {key!r}")
    return found


def actor_json(actor, counts: dict | None = None) -> dict:
    item = {"id": actor.id, "name": actor.name, "type": actor.type, "aliases": list(actor.aliases)}
    return {**item, **(counts or {})}


def relation_item(relation, grade: str | None = None) -> dict:
    valid_from, valid_to = validity(relation)
    return {**relation_json(relation), "doc_id": relation.doc_id, "source": relation.source,
            "published": relation.published, "url": relation.url, "grade": grade,
            "valid_from": valid_from, "valid_to": valid_to}


def _graded(relations) -> list[tuple]:
    grades = {id(r): c.grade for c in claims_of(relations) for r in c.instances}
    return [(r, grades[id(r)]) for r in relations]


@router.get("/health")
def health(request: Request) -> dict:
    state = request.app.state
    return {"version": state.version, "writes": state.writes, "token_required": state.token is not None,
            "cytoscape": state.cytoscape is not None}


@router.get("/stats")
def stats(request: Request) -> dict:
    return store_of(request).stats()


@router.get("/documents")
def documents(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
              offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    rows = store_of(request).documents()
    return {"documents": rows[offset:offset + limit], "total": len(rows)}


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: str) -> dict:
    store = store_of(request)
    found = find_document(store, doc_id)
    techniques = rhetoric().techniques
    relations = store.relations(document_id=found.id)
    return {"id": found.id, "name": found.name, "title": found.title, "source": found.source,
            "author": found.author, "published": found.published, "url": found.url, "text": found.text,
            "relations": [{"id": i, "subject": r.subject.actor.name, "predicate": r.predicate,
                           "object": r.object.actor.name, "modality": r.modality, "start": r.evidence.start,
                           "end": r.evidence.end, "rhetoric": r.rhetoric} for i, r in enumerate(relations)],
            "rhetoric": [{"technique": s.technique, "label": techniques[s.technique].label, "start": s.start,
                          "end": s.end, "text": s.text, "confidence": s.confidence}
                         for s in store.rhetoric_spans(found.id)]}


@router.get("/actors")
def actors(request: Request, q: str = "", limit: Annotated[int, Query(ge=1, le=500)] = 20) -> dict:
    """Actors by any alias (exact, then by prefix and substring of the name), or the most connected."""
    store = store_of(request)
    rows = store.actors()
    counts = {row["id"]: {"relations": row["relations"], "mentions": row["mentions"]} for row in rows}
    needle = q.strip().lower()
    chosen = [a.id for a in store.find_actors(q)] if needle else []
    if needle:
        chosen += [row["id"] for row in rows if needle in row["name"].lower() and row["id"] not in chosen]
    else:
        chosen = [row["id"] for row in rows]
    found = [store.actor(i) for i in chosen[:limit]]
    return {"actors": [actor_json(a, counts.get(a.id)) for a in found if a is not None]}


@router.get("/actors/{actor_id}")
def actor(request: Request, actor_id: str) -> dict:
    store = store_of(request)
    found = find_actor(store, actor_id)
    graded = _graded(store.relations([found.id]))
    grades = {id(r): g for r, g in graded}
    return {"actor": actor_json(found, store.actor_counts(found.id)), "relations": [relation_item(r, g) for r, g in graded],
            "timeline": [relation_item(r, grades[id(r)]) for r in timeline([r for r, _ in graded])]}


@router.get("/relations")
def relations(request: Request, actor: str | None = None, other: str | None = None,
              predicate: Names = None, modality: Names = None, min_grade: str | None = None,
              date_from: Dates = None, date_to: Dates = None,
              limit: Annotated[int, Query(ge=1, le=5000)] = 500, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    """Relation instances filtered by actor (and a second actor), predicate, modality, the grade of
    their claim, and dates: a relation is kept when the time it held overlaps [date_from, date_to]."""
    store = store_of(request)
    predicates = _one_of(predicate, ontology().predicates, "predicate")
    modalities = _one_of(modality, MODALITY_WEIGHT, "modality")
    passes, start, end = grade_test(min_grade), _date(date_from, "date_from"), _date(date_to, "date_to")
    ids = [find_actor(store, actor).id] if actor else None
    pair = {ids[0], find_actor(store, other).id} if actor and other else None
    kept = []
    for r, grade in _graded(store.relations(ids)):
        valid_from, valid_to = validity(r)
        if ((predicates and r.predicate not in predicates) or (modalities and r.modality not in modalities)
                or not passes(grade) or (pair and not pair <= {m.actor.id for m in (r.subject, r.object, r.object2) if m})
                or (start and valid_to and valid_to < start) or (end and valid_from and valid_from[:len(end)] > end)):
            continue
        kept.append(relation_item(r, grade))
    return {"relations": kept[offset:offset + limit], "total": len(kept)}


@router.get("/graph")
def graph(request: Request, actor: str | None = None, hops: Annotated[int, Query(ge=1, le=3)] = 1,
          as_of_date: Annotated[str | None, Query(alias="as_of")] = None, predicate: Names = None,
          modality: Names = None, min_grade: str | None = None) -> dict:
    """The network around an actor (the most connected one by default) as claims: one edge per
    (subject, predicate, object), styled by the page from modality, grade and corroboration."""
    store = store_of(request)
    predicates = _one_of(predicate, ontology().predicates, "predicate")
    modalities = _one_of(modality, MODALITY_WEIGHT, "modality")
    passes, day = grade_test(min_grade), _date(as_of_date, "as_of")
    if actor:
        center = find_actor(store, actor)
    else:
        top = store.actors()[:1]
        center = store.actor(top[0]["id"]) if top else None
    if center is None:
        return {"center": None, "nodes": [], "edges": [], "dates": {"min": None, "max": None},
                "predicates": list(ontology().predicates), "modalities": list(MODALITY_WEIGHT)}
    around = exporting.neighbourhood_relations(store, center.id, hops)
    dates = sorted(d for r in around for d in validity(r) if d)
    edges, nodes = [], {center.id: center}
    claims = sorted(claims_of(as_of(around, day)), key=lambda c: -c.strength)
    for claim in claims:
        if ((predicates and claim.predicate not in predicates) or (modalities and claim.modality not in modalities)
                or not passes(claim.grade)):
            continue
        for target in filter(None, (claim.object, claim.object2)):
            if len(edges) >= MAX_GRAPH_EDGES:
                break
            nodes.update({claim.subject.id: claim.subject, target.id: target})
            edges.append({"id": f"{claim.subject.id}|{claim.predicate}|{target.id}", "source": claim.subject.id,
                          "target": target.id, "predicate": claim.predicate, "modality": claim.modality,
                          "grade": claim.grade, "credibility": claim.credibility,
                          "sources": claim.count(*MODALITY_WEIGHT), "contradicted": claim.contradicted,
                          "rhetoric": claim.rhetoric, "evidence_total": len(claim.instances),
                          "claim": {"subject": claim.subject.id, "predicate": claim.predicate,
                                    "object": claim.object.id}})
    return {"center": center.id,
            "nodes": [{"id": a.id, "name": a.name, "type": a.type, "center": a.id == center.id} for a in nodes.values()],
            "edges": edges, "truncated": len(edges) >= MAX_GRAPH_EDGES,
            "dates": {"min": earliest_day(dates[0]) if dates else None, "max": latest_day(dates[-1])[:10] if dates else None},
            "predicates": list(ontology().predicates), "modalities": list(MODALITY_WEIGHT)}


@router.get("/claim")
def claim(request: Request, subject: str, predicate: str, object: str,
          as_of_date: Annotated[str | None, Query(alias="as_of")] = None) -> dict:
    """One claim with every quote behind it (the evidence panel)."""
    store = store_of(request)
    _one_of([predicate], ontology().predicates, "predicate")
    day = _date(as_of_date, "as_of")
    a, b = find_actor(store, subject), find_actor(store, object)
    for found in claims_of(as_of(store.relations([a.id]), day)):
        if found.predicate == predicate and found.subject.id in {a.id, b.id} and {a.id, b.id} <= set(found.ends):
            return {"claim": answering.claim_json(found, limit=None)}
    raise HTTPException(404, f"no claim {a.name} {predicate} {b.name} in the database")


@router.get("/ask")
def ask(request: Request, q: str, as_of_date: Annotated[str | None, Query(alias="as_of")] = None,
        b: Annotated[str | None, Query(description="A second actor: then `q` is the first one's name")] = None) -> dict:
    day = _date(as_of_date, "as_of")
    try:
        return answering.ask(store_of(request), q, day, b)
    except answering.UnknownActor as exc:
        raise HTTPException(404, str(exc))
    except ValueError as exc:
        raise HTTPException(400, str(exc))


@router.get("/profile/{doc_id}")
def profile(request: Request, doc_id: str) -> dict:
    store = store_of(request)
    found = find_document(store, doc_id)
    parsed = next(parse([found.text]))
    return profile_of(found, parsed, lambda r: confirmed_by_others(store.relations([r.subject.actor.id]), r))


@router.get("/attention")
def attention(request: Request, source: str, by: str = "week") -> dict:
    if by not in {"day", "week", "month", "all"}:
        raise HTTPException(422, f"by must be day, week, month or all, not {by!r}")
    rows = store_of(request).mentions_by_document(source)
    if not rows:
        raise HTTPException(404, f"no stored documents from the source {source!r}")
    return {"source": source, "by": by, "windows": source_attention(rows, by)}


@router.get("/merges")
def merges(request: Request) -> dict:
    return {"merges": [{"actor_id": link.actor_id, "into_id": link.into_id, "origin": link.origin,
                        "reason": link.reason} for link in store_of(request).links()]}


@router.get("/export")
def export(request: Request, format: str = "json", actor: str | None = None,
           hops: Annotated[int, Query(ge=1, le=4)] = 2) -> Response:
    if format not in exporting.FORMATS:
        raise HTTPException(422, f"format must be one of {', '.join(exporting.FORMATS)}, not {format!r}")
    store = store_of(request)
    selection = exporting.select(store, find_actor(store, actor).id if actor else None, hops)
    data, media_type, filename = exporting.to_bytes(selection, format)
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
