"""The analyst's corrections over HTTP: judge a relation instance, add one the extractor missed,
take a judgement back, list judgements, and the review queue. Writes follow the server's rules for
every write (loopback or token, same origin); the author is the server's user (the token's name
when the token is NAME:SECRET, else `--user`, else the account running the server)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from .api import answered, workspace


def _text(body: dict, name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise HTTPException(422, f"the JSON body needs a non-empty string field {name!r}")
    return value


def _number(body: dict, name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise HTTPException(422, f"the JSON body needs an integer field {name!r}")
    return value


def _names(body: dict, name: str) -> dict[str, str]:
    value = body.get(name) or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise HTTPException(422, f"the JSON field {name!r} maps names to actor types (strings)")
    return value


def judgement_router(require_write) -> APIRouter:
    router = APIRouter(prefix="/api")

    @router.get("/judgements")
    def judgements(request: Request, document: str | None = None) -> dict:
        return {"judgements": answered(workspace(request).judgements, document)}

    @router.get("/review")
    def review(request: Request, q: str | None = None, limit: int = 50) -> dict:
        """Unjudged relations, least confident first; with `q`, those behind the answer to that question."""
        return {"relations": answered(workspace(request).review, max(1, min(limit, 500)), q)}

    @router.post("/relations/{relation_id}/judgement", dependencies=[Depends(require_write)])
    def judge(request: Request, relation_id: int, body: dict) -> dict:
        """`{"verdict": "confirm" | "reject" | "relabel", "predicate", "subject", "object", "modality", "note"}`
        (the last five optional; a relabel gives at least one of the first four)."""
        fields = {k: _text(body, k) for k in ("subject", "predicate", "object", "modality", "note")}
        return answered(workspace(request).judge, relation_id, _text(body, "verdict", True),
                        author=request.app.state.user, **fields)

    @router.post("/documents/{doc_id}/relations", dependencies=[Depends(require_write)])
    def add(request: Request, doc_id: str, body: dict) -> dict:
        """`{"start", "end", "subject", "predicate", "object", "object2", "modality", "note", "new_actors"}`:
        a relation the extractor missed, stated by the characters [start, end) of the document; a party
        not yet in the database is added when `new_actors` gives its type (`{"Sokoto cell": "armed_group"}`)."""
        span = (_number(body, "start"), _number(body, "end"))
        return answered(workspace(request).add_relation, doc_id, span, _text(body, "subject", True),
                        _text(body, "predicate", True), _text(body, "object", True), object2=_text(body, "object2"),
                        modality=_text(body, "modality") or "asserted", note=_text(body, "note"),
                        author=request.app.state.user, new_actors=_names(body, "new_actors"))

    @router.delete("/judgements/{judgement_id}", dependencies=[Depends(require_write)])
    def unjudge(request: Request, judgement_id: int) -> dict:
        return answered(workspace(request).unjudge, judgement_id)

    return router
