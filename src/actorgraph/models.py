"""The data that flows through actorgraph: plain frozen dataclasses, no behaviour beyond views.

Read produces `Document`; NLP + extract produce `Mention` and `Relation`; the store keeps them;
answer turns stored relations back into `Relation` values to build the graph.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_id(text: str) -> str:
    """A document's identity is the SHA-256 of its text: re-ingesting the same text is a no-op."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """One text with its metadata. `name` is what the extract contract calls "doc"."""

    text: str
    name: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    path: str | None = None

    @property
    def id(self) -> str:
        return content_id(self.text)


@dataclass(frozen=True)
class Actor:
    """A resolved actor: a gazetteer entry or one found in text (id prefixed with 'x-')."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """Words in a document that refer to an actor; `via` says how they were linked to it."""

    actor: Actor
    text: str
    start: int
    end: int
    via: str = "gazetteer"


@dataclass(frozen=True)
class TimeSpan:
    """When a relation holds: ISO-ish `start`/`end` (YYYY, YYYY-MM or YYYY-MM-DD), the ontology
    `value` (past, present, ongoing_since, span) and the words it came from."""

    start: str | None = None
    end: str | None = None
    text: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Evidence:
    """The exact words behind a relation, with character offsets into the stored document text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Relation:
    """One relation instance found in one document. `source`, `published` and `url` are the
    document's; `independent` names the independent source it counts under (a syndicated copy
    counts under the story it copies), filled by the store. `rhetoric` names the technique (a
    rhetorical question, burden shifting) whose span holds the evidence: such a relation is shown,
    flagged, but is not counted as evidence."""

    doc: str
    subject: Mention
    predicate: str
    object: Mention
    modality: str
    evidence: Evidence
    object2: Mention | None = None
    kind: str | None = None
    attributed_to: str | None = None
    time: TimeSpan | None = None
    extractor: str = "rules"
    confidence: float = 0.5
    doc_id: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None
    independent: str | None = None
    rhetoric: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    row_id: int | None = field(default=None, compare=False)
    judgement: str | None = field(default=None, compare=False)


VERDICTS = ("confirm", "reject", "relabel", "add")


@dataclass(frozen=True)
class Judgement:
    """An analyst's verdict on one relation instance, keyed by what survives a new extraction: the
    document, the evidence span, the actors and the predicate. `new_*` is the relation that holds
    after it (for confirm, relabel and add); `reject` has none."""

    id: int
    document_id: str
    verdict: str
    subject_id: str | None
    predicate: str | None
    object_id: str | None
    evidence_start: int
    evidence_end: int
    new_subject_id: str | None = None
    new_predicate: str | None = None
    new_object_id: str | None = None
    new_object2_id: str | None = None
    new_modality: str | None = None
    note: str | None = None
    author: str = ""
    created_at: str = ""


def mention_json(mention: Mention | None, aliases: tuple[str, ...] = ()) -> dict | None:
    if mention is None:
        return None
    return {
        "id": mention.actor.id,
        "name": mention.actor.name,
        "type": mention.actor.type,
        "mention": mention.text,
        "aliases": list(aliases or mention.actor.aliases),
    }


def relation_json(relation: Relation) -> dict:
    """The `extract --format jsonl` contract: one JSON object per relation instance."""
    time = relation.time
    return {
        "doc": relation.doc,
        "subject": mention_json(relation.subject),
        "predicate": relation.predicate,
        "kind": relation.kind,
        "object": mention_json(relation.object),
        "object2": mention_json(relation.object2),
        "modality": relation.modality,
        "attributed_to": relation.attributed_to,
        "time": None if time is None else {
            "start": time.start, "end": time.end, "text": time.text, "value": time.value},
        "evidence": {"text": relation.evidence.text, "start": relation.evidence.start,
                     "end": relation.evidence.end},
        "extractor": relation.extractor,
        "confidence": round(relation.confidence, 3),
        "rhetoric": relation.rhetoric,
    }
