"""Analysts' judgements on relation instances, the write side: confirm, reject, relabel, add a
missed relation, undo. A judgement is stored apart from the relations it judges, keyed by document,
evidence span, actors and predicate, and applied to the relation rows of its document: when it is
made, and again whenever the document is extracted anew (a re-ingest with a new model), so it
outlives the rows. Applying it marks rows (`relations.judgement`) rather than deleting them: a
rejected relation stays for audit, and every read leaves out the HIDDEN ones.

`Store` inherits these; they need `self.engine`, `self.document` and `self._forget`."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import delete, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from ..models import VERDICTS, Actor, Judgement
from ..names import normalize, slug
from .claims import kept
from .schema import HIDDEN  # noqa: F401 (the verdicts' hidden states, looked for here by their readers)
from .schema import (ActorBlockRow, ActorLinkRow, ActorRow, AliasRow, DocumentRow, JudgementRow, MentionRow,
                     RelationRow, alias_rows)

ANALYST = "analyst"
STATE = {"confirm": "confirmed", "relabel": "relabelled", "add": "added"}
ANALYST_BACKED = tuple(STATE.values())
KEY = ("subject_id", "predicate", "object_id", "evidence_start", "evidence_end")


class UnknownRelation(LookupError):
    """No stored relation (or judgement) has the id given."""


def new_actor(name: str, kind: str, taken: Callable[[str], object]) -> Actor:
    """An actor an analyst names that the database lacks, with an id as one found in text has
    ('x-' and its words), numbered when `taken` says that id is in use."""
    if not normalize(name):
        raise ValueError(f"{name!r} is not a name")
    base = slug(name)
    number = 1
    while taken(candidate := base if number == 1 else f"{base}-{number}"):
        number += 1
    return Actor(candidate, name.strip(), kind)


def judgement_of(row: JudgementRow) -> Judgement:
    return Judgement(**{name: getattr(row, name) for name in Judgement.__dataclass_fields__})


def _matching(session: Session, j: JudgementRow) -> list[RelationRow]:
    """The extracted rows a judgement is about: same document, actors and predicate, evidence overlapping."""
    return list(session.scalars(select(RelationRow).where(
        RelationRow.document_id == j.document_id, RelationRow.subject_id == j.subject_id,
        RelationRow.object_id == j.object_id, RelationRow.predicate == j.predicate,
        RelationRow.extractor != ANALYST, RelationRow.evidence_start < j.evidence_end,
        RelationRow.evidence_end > j.evidence_start).order_by(RelationRow.id)))


def _mention(role: str, actor_id: str | None, like: RelationRow | None, j: JudgementRow, text: str) -> dict:
    """Mention columns for an analyst's relation: the extracted mention of the same actor when the
    judged row had one, else the evidence span itself."""
    for prefix in ("subject", "object", "object2"):
        if like is not None and actor_id and getattr(like, f"{prefix}_id") == actor_id:
            return {f"{role}_{k}": getattr(like, f"{prefix}_{k}") for k in ("id", "mention", "start", "end", "via")}
    if actor_id is None:
        return {f"{role}_{k}": None for k in ("id", "mention", "start", "end", "via")}
    return {f"{role}_id": actor_id, f"{role}_mention": text[j.evidence_start:j.evidence_end],
            f"{role}_start": j.evidence_start, f"{role}_end": j.evidence_end, f"{role}_via": ANALYST}


def _analyst_row(j: JudgementRow, like: RelationRow | None, text: str) -> dict:
    """The relation a confirm, relabel or add says holds, as a row marked with its judgement."""
    kept = {c.name: getattr(like, c.name) for c in RelationRow.__table__.columns if c.name != "id"} if like else {
        "kind": None, "attributed_to": None, "time_start": None, "time_end": None, "time_text": None,
        "time_value": None, "rhetoric": None}
    return {**kept, "document_id": j.document_id, "predicate": j.new_predicate, "modality": j.new_modality,
            "evidence_text": like.evidence_text if like else text[j.evidence_start:j.evidence_end],
            "evidence_start": like.evidence_start if like else j.evidence_start,
            "evidence_end": like.evidence_end if like else j.evidence_end,
            "extractor": ANALYST, "confidence": 1.0, "judgement": STATE[j.verdict], "judgement_id": j.id,
            **_mention("subject", j.new_subject_id, like, j, text), **_mention("object", j.new_object_id, like, j, text),
            **_mention("object2", j.new_object2_id, like, j, text)}


def apply_judgement(session: Session, j: JudgementRow, text: str) -> None:
    """Mark the rows `j` is about and insert the relation it says holds (see the module docstring)."""
    rows = [] if j.verdict == "add" else _matching(session, j)
    marks = {"reject": "rejected", "relabel": "replaced", "confirm": "confirmed"}
    if rows and j.verdict in marks:
        session.execute(update(RelationRow).where(RelationRow.id.in_([r.id for r in rows]))
                        .values(judgement=marks[j.verdict], judgement_id=j.id))
    if j.verdict in {"relabel", "add"} or (j.verdict == "confirm" and not rows):
        session.execute(insert(RelationRow.__table__).values(**_analyst_row(j, rows[0] if rows else None, text)))


def apply_document_judgements(session: Session, document_id: str, text: str) -> None:
    """Every judgement on a document, in the order they were made (after its relations were written)."""
    for j in session.scalars(select(JudgementRow).where(JudgementRow.document_id == document_id)
                             .order_by(JudgementRow.id)):
        apply_judgement(session, j, text)


def _undo(session: Session, judgement_id: int) -> None:
    session.execute(delete(RelationRow).where(RelationRow.judgement_id == judgement_id,
                                              RelationRow.extractor == ANALYST))
    session.execute(update(RelationRow).where(RelationRow.judgement_id == judgement_id)
                    .values(judgement=None, judgement_id=None))
    session.execute(delete(JudgementRow).where(JudgementRow.id == judgement_id))


def _drop_unnamed(session: Session, judgement: Judgement) -> None:
    """After an addition is taken back, the actors it named that nothing else names any more (no
    relation, mention, merge, block or other judgement: an actor the analyst created with it) go too."""
    uses = [(RelationRow.subject_id, RelationRow.object_id, RelationRow.object2_id), (MentionRow.actor_id,),
            (ActorLinkRow.actor_id, ActorLinkRow.into_id), (ActorBlockRow.actor_id, ActorBlockRow.other_id),
            (JudgementRow.subject_id, JudgementRow.object_id, JudgementRow.new_subject_id,
             JudgementRow.new_object_id, JudgementRow.new_object2_id)]
    for actor_id in {judgement.new_subject_id, judgement.new_object_id, judgement.new_object2_id} - {None}:
        if not any(session.scalar(select(exists().where(or_(*(c == actor_id for c in columns)))))
                   for columns in uses):
            session.execute(delete(AliasRow).where(AliasRow.actor_id == actor_id))
            session.execute(delete(ActorRow).where(ActorRow.id == actor_id))


class StoreJudgements:
    """The judgement side of `Store`."""

    engine = None

    def judge(self, relation_id: int, verdict: str, *, subject_id: str | None = None, predicate: str | None = None,
              object_id: str | None = None, modality: str | None = None, note: str | None = None,
              author: str = "") -> Judgement:
        """Confirm, reject or relabel one stored relation instance (a relabel gives any of the new
        subject, predicate, object and modality). Judging an instance again replaces its judgement;
        rejecting a relation an analyst added takes the addition back."""
        if verdict not in VERDICTS[:3]:
            raise ValueError(f"verdict must be confirm, reject or relabel, not {verdict!r}")
        with Session(self.engine) as session, session.begin():
            row = session.get(RelationRow, relation_id)
            if row is None:
                raise UnknownRelation(f"no relation {relation_id} in the database")
            with kept(session.connection(), row.document_id):
                now = {c.name: getattr(row, c.name) for c in RelationRow.__table__.columns}
                old = session.get(JudgementRow, row.judgement_id) if row.judgement_id else None
                old = old and judgement_of(old)
                if old is not None:
                    _undo(session, old.id)
                if old is not None and old.verdict == "add":
                    if verdict == "reject":
                        _drop_unnamed(session, old)
                        self._forget()
                        return old
                    verdict, key = "add", {k: getattr(old, k) for k in KEY}
                else:
                    key = {k: getattr(old, k) for k in KEY} if old else {k: now[k] for k in KEY}
                new = {} if verdict == "reject" else dict(
                    new_subject_id=subject_id or now["subject_id"], new_predicate=predicate or now["predicate"],
                    new_object_id=object_id or now["object_id"], new_object2_id=now["object2_id"],
                    new_modality=modality or now["modality"])
                found = self._record(session, now["document_id"], verdict, key, new, note, author)
        self._forget()
        return found

    def add_relation(self, document_id: str, start: int, end: int, subject_id: str, predicate: str, object_id: str,
                     *, object2_id: str | None = None, modality: str = "asserted", note: str | None = None,
                     author: str = "", new_actors: tuple[Actor, ...] = ()) -> Judgement:
        """A relation the extractor missed, stated by the words [start, end) of a stored document;
        `new_actors` (named by an analyst, not yet in the database) are stored with it, in one transaction."""
        with Session(self.engine) as session, session.begin():
            for actor in new_actors:
                if session.get(ActorRow, actor.id) is not None:
                    raise ValueError(f"an actor with id {actor.id!r} is already in the database")
                session.add(ActorRow(id=actor.id, name=actor.name, type=actor.type))
                session.add_all(AliasRow(**row) for row in alias_rows(actor))
            session.flush()
            document = session.get(DocumentRow, document_id)
            if document is None:
                raise UnknownRelation(f"no stored document {document_id!r}")
            if not 0 <= start < end <= len(document.text):
                raise ValueError(f"span {start}:{end} is not inside the document (0:{len(document.text)})")
            base = dict(subject_id=None, predicate=None, object_id=None, evidence_start=start, evidence_end=end)
            new = dict(new_subject_id=subject_id, new_predicate=predicate, new_object_id=object_id,
                       new_object2_id=object2_id, new_modality=modality)
            with kept(session.connection(), document_id):
                found = self._record(session, document_id, "add", base, new, note, author)
        self._forget()
        return found

    @staticmethod
    def _record(session: Session, document_id: str, verdict: str, base: dict, new: dict, note: str | None,
                author: str) -> Judgement:
        row = JudgementRow(document_id=document_id, verdict=verdict, note=note or None, author=author or "unknown",
                           created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), **base, **new)
        session.add(row)
        session.flush()
        apply_judgement(session, row, session.get(DocumentRow, document_id).text)
        return judgement_of(row)

    def unjudge(self, judgement_id: int) -> Judgement:
        """Take a judgement back: its relations are as the extractor left them."""
        with Session(self.engine) as session, session.begin():
            row = session.get(JudgementRow, judgement_id)
            if row is None:
                raise UnknownRelation(f"no judgement {judgement_id} in the database")
            found = judgement_of(row)
            with kept(session.connection(), row.document_id):
                _undo(session, judgement_id)
                if found.verdict == "add":
                    _drop_unnamed(session, found)
        self._forget()
        return found

    def judgements(self, document_id: str | None = None) -> list[Judgement]:
        query = select(JudgementRow).order_by(JudgementRow.id)
        if document_id is not None:
            query = query.where(JudgementRow.document_id == document_id)
        with Session(self.engine) as session:
            return [judgement_of(row) for row in session.scalars(query)]
