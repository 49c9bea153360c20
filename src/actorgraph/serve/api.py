"""The read side of the HTTP API: documents, actors, relations, the graph around an actor, claims
with every quote, questions, profiles, attention and exports. Each route is a thin shell over the
`Workspace` the CLI and notebooks use; its errors become HTTP statuses (`Invalid` 422, `NotFound`
404, a question not understood 400). `app.py` mounts it with the write routes and the page."""
from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.encoders import jsonable_encoder

from ..answer.answer import UnknownActor
from ..export import MEDIA_TYPES
from ..views import Invalid, NotFound
from ..workspace import Workspace

router = APIRouter(prefix="/api")
Dates = Annotated[str | None, Query(description="YYYY, YYYY-MM or YYYY-MM-DD")]
Names = Annotated[list[str] | None, Query()]
AsOf = Annotated[str | None, Query(alias="as_of", description="YYYY, YYYY-MM or YYYY-MM-DD")]


def workspace(request: Request) -> Workspace:
    return request.app.state.workspace


def answered(call, *args, **kwargs):
    """Call the workspace; its refusals become the HTTP status that says why."""
    try:
        return call(*args, **kwargs)
    except (NotFound, UnknownActor) as exc:
        raise HTTPException(404, str(exc.args[0] if exc.args else exc))
    except Invalid as exc:
        raise HTTPException(422, str(exc))
    except ValueError as exc:
        raise HTTPException(400, str(exc))


def as_json(value) -> bytes:
    """The body FastAPI would send for `value`: compact UTF-8 JSON, its encoder called only for what
    JSON has no form of (a date, a dataclass). The workspace answers in plain values, and passing a
    whole answer through the encoder cost more than computing it (37 ms for an answer, 15 ms for a
    graph view of the 10k-document graph, against 5 and 1.5 ms to write them)."""
    return json.dumps(value, default=jsonable_encoder, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode()


def remembered(request: Request, response: Response, name: str, *args, **kwargs):
    """`answered` for the workspace's method `name`, from the answers kept since the database last
    changed when it can be (`cache.py`); the X-Cache header says which."""
    call = getattr(workspace(request), name)
    value, hit = request.app.state.answers.get(name, (args, kwargs), lambda: answered(call, *args, **kwargs))
    response.headers["X-Cache"] = "hit" if hit else "miss"
    return value


def remembered_body(request: Request, name: str, *args, under: str | None = None, **kwargs) -> Response:
    """`remembered`, kept as the JSON body itself (`under`: the answer is that key's value): a
    repeat is sent as it is (re-encoding a kept graph view was most of a repeat's cost: 3.8 ms a
    request before, 2.5 ms after). Routes that answer with it keep `-> dict` for the API's docs."""
    call = getattr(workspace(request), name)

    def body() -> bytes:
        value = answered(call, *args, **kwargs)
        return as_json({under: value} if under else value)

    content, hit = request.app.state.answers.get(f"{name}:body", (args, kwargs), body)
    return Response(content, media_type="application/json", headers={"X-Cache": "hit" if hit else "miss"})


@router.get("/health")
def health(request: Request) -> dict:
    state = request.app.state
    return {"version": state.version, "writes": state.writes, "token_required": state.token is not None,
            "cytoscape": state.cytoscape is not None, "cache": state.answers.stats()}


@router.get("/stats")
def stats(request: Request) -> dict:
    return remembered_body(request, "stats")


@router.get("/documents")
def documents(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
              offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    rows = workspace(request).documents()
    return {"documents": rows[offset:offset + limit], "total": len(rows)}


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: str) -> dict:
    return answered(workspace(request).document_view, doc_id)


@router.get("/actors")
def actors(request: Request, q: str = "", limit: Annotated[int, Query(ge=1, le=500)] = 20) -> dict:
    """Actors by any alias (exact, then by prefix and substring of the name), or the most connected."""
    return remembered_body(request, "actors", q, limit, under="actors", frame=False)


@router.get("/actors/{actor_id}")
def actor(request: Request, actor_id: str) -> dict:
    return remembered_body(request, "actor_view", actor_id)


@router.get("/relations")
def relations(request: Request, response: Response, actor: str | None = None, other: str | None = None,
              predicate: Names = None, modality: Names = None, min_grade: str | None = None,
              date_from: Dates = None, date_to: Dates = None,
              limit: Annotated[int, Query(ge=1, le=5000)] = 500, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    """Relation instances filtered by actor (and a second actor), predicate, modality, the grade of
    their claim, and dates: a relation is kept when the time it held overlaps [date_from, date_to]."""
    kept = remembered(request, response, "relations", actor, other, predicate, modality, min_grade, date_from,
                      date_to, frame=False)
    return {"relations": kept[offset:offset + limit], "total": len(kept)}


@router.get("/graph")
def graph(request: Request, actor: str | None = None,
          hops: Annotated[int, Query(ge=1, le=3)] = 1, as_of_date: AsOf = None, predicate: Names = None,
          modality: Names = None, min_grade: str | None = None) -> dict:
    """The network around an actor (the most connected one by default) as claims: one edge per
    (subject, predicate, object), styled by the page from modality, grade and corroboration."""
    return remembered_body(request, "graph_view", actor, hops, as_of_date, predicate, modality, min_grade)


@router.get("/claim")
def claim(request: Request, subject: str, predicate: str, object: str,
          as_of_date: AsOf = None) -> dict:
    """One claim with every quote behind it (the evidence panel)."""
    return remembered_body(request, "claim", subject, predicate, object, as_of_date, under="claim")


@router.get("/ask")
def ask(request: Request, q: str, as_of_date: AsOf = None,
        b: Annotated[str | None, Query(description="A second actor: then `q` is the first one's name")] = None) -> dict:
    return remembered_body(request, "ask", q, b, as_of=as_of_date)


@router.get("/profile/{doc_id}")
def profile(request: Request, doc_id: str) -> dict:
    return answered(workspace(request).profile, doc_id)


@router.get("/attention")
def attention(request: Request, source: str, by: str = "week") -> dict:
    return {"source": source, "by": by, "windows": answered(workspace(request).attention, source, by)}


@router.get("/merges")
def merges(request: Request) -> dict:
    return {"merges": workspace(request).merges()}


@router.get("/export")
def export(request: Request, format: str = "json", actor: str | None = None,
           hops: Annotated[int, Query(ge=1, le=4)] = 2) -> Response:
    data = answered(workspace(request).export, format, None, actor, hops)
    media_type, filename = MEDIA_TYPES[format]
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
