"""The database schema: one table per kind of record, portable column types only (String, Text,
Integer, Float), so the same tables work on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..models import Actor
from ..names import normalize

HIDDEN = ("rejected", "replaced")  # values of `relations.judgement` whose rows every read leaves out
NO_OBJECT2 = ""  # `claim_links.object2_id` of a claim without a second object: a key column cannot be NULL


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    """A document; `root_id` is the earliest stored document it near-duplicates (itself if none),
    `signature` its MinHash as JSON, so the duplicate index can be rebuilt."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String)
    title: Mapped[str | None] = mapped_column(String)
    url: Mapped[str | None] = mapped_column(String)
    source: Mapped[str | None] = mapped_column(String)
    author: Mapped[str | None] = mapped_column(String)
    published: Mapped[str | None] = mapped_column(String)
    language: Mapped[str | None] = mapped_column(String)
    path: Mapped[str | None] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(String)
    root_id: Mapped[str | None] = mapped_column(String, index=True)
    signature: Mapped[str | None] = mapped_column(Text)


class ActorRow(Base):
    __tablename__ = "actors"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    type: Mapped[str] = mapped_column(String)


class AliasRow(Base):
    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias_norm"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    alias: Mapped[str] = mapped_column(String)
    alias_norm: Mapped[str] = mapped_column(String, index=True)


class MentionRow(Base):
    __tablename__ = "mentions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    text: Mapped[str] = mapped_column(String)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    via: Mapped[str] = mapped_column(String)


class RelationRow(Base):
    """One relation instance; the three argument mentions are kept inline (words, offsets, how linked)
    because extraction may build argument mentions that are not in the document's mention list."""

    __tablename__ = "relations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))  # indexed first in (document, evidence)
    subject_id: Mapped[str] = mapped_column(ForeignKey("actors.id"))  # indexed first in (subject, object)
    object_id: Mapped[str] = mapped_column(ForeignKey("actors.id"))  # indexed first in (object, subject)
    object2_id: Mapped[str | None] = mapped_column(ForeignKey("actors.id"), index=True)
    predicate: Mapped[str] = mapped_column(String, index=True)
    kind: Mapped[str | None] = mapped_column(String)
    modality: Mapped[str] = mapped_column(String)
    attributed_to: Mapped[str | None] = mapped_column(String)
    time_start: Mapped[str | None] = mapped_column(String)
    time_end: Mapped[str | None] = mapped_column(String)
    time_text: Mapped[str | None] = mapped_column(String)
    time_value: Mapped[str | None] = mapped_column(String)
    evidence_text: Mapped[str] = mapped_column(Text)
    evidence_start: Mapped[int] = mapped_column(Integer)
    evidence_end: Mapped[int] = mapped_column(Integer)
    extractor: Mapped[str] = mapped_column(String)
    confidence: Mapped[float] = mapped_column(Float)
    rhetoric: Mapped[str | None] = mapped_column(String)
    subject_mention: Mapped[str] = mapped_column(String)
    subject_start: Mapped[int] = mapped_column(Integer)
    subject_end: Mapped[int] = mapped_column(Integer)
    subject_via: Mapped[str] = mapped_column(String)
    object_mention: Mapped[str] = mapped_column(String)
    object_start: Mapped[int] = mapped_column(Integer)
    object_end: Mapped[int] = mapped_column(Integer)
    object_via: Mapped[str] = mapped_column(String)
    object2_mention: Mapped[str | None] = mapped_column(String)
    object2_start: Mapped[int | None] = mapped_column(Integer)
    object2_end: Mapped[int | None] = mapped_column(Integer)
    object2_via: Mapped[str | None] = mapped_column(String)
    judgement: Mapped[str | None] = mapped_column(String)
    judgement_id: Mapped[int | None] = mapped_column(Integer, index=True)


Index("ix_relations_document_evidence", RelationRow.document_id, RelationRow.evidence_start)
Index("ix_relations_subject_object_predicate", RelationRow.subject_id, RelationRow.object_id, RelationRow.predicate)
Index("ix_relations_object_subject", RelationRow.object_id, RelationRow.subject_id)


class ClaimKey:
    """The key columns of a claim table, first in each (stored subject, object, second object or
    NO_OBJECT2, predicate)."""

    subject_id: Mapped[str] = mapped_column(String, sort_order=-4)
    object_id: Mapped[str] = mapped_column(String, sort_order=-3)
    object2_id: Mapped[str] = mapped_column(String, sort_order=-2)
    predicate: Mapped[str] = mapped_column(String, sort_order=-1)


def claim_indexes(table: type[ClaimKey], name: str) -> None:
    """A claim table's indexes beside its key: by object then subject, and by second object for
    the claims that have one (a mediation): the rest would make it as large as the table."""
    Index(f"ix_{name}_object_subject", table.object_id, table.subject_id)
    second_object = table.object2_id != NO_OBJECT2
    Index(f"ix_{name}_object2_id", table.object2_id, sqlite_where=second_object, postgresql_where=second_object)


class ClaimLinkRow(ClaimKey, Base):
    """One claim (stored subject, object, second object, predicate) summed up from its visible
    instances, kept by every write to `relations` (see claims.py): its firmest instance (modality
    weight times confidence), whether any instance claims it (1/0), in how many documents and how
    many instances. Clustered on its key in SQLite, so the links between two sets of actors are
    read as contiguous rows."""

    __tablename__ = "claim_links"
    __table_args__ = (PrimaryKeyConstraint("subject_id", "object_id", "object2_id", "predicate"),
                      {"sqlite_with_rowid": False})
    firmness: Mapped[float] = mapped_column(Float)
    claimed: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    instances: Mapped[int] = mapped_column(Integer)


claim_indexes(ClaimLinkRow, "claim_links")


class ClaimSourceRow(ClaimKey, Base):
    """The instances of one claim (stored key, as in `claim_links`) that one origin states in one
    modality, kept by every write to `relations` (see claims.py): enough to fuse the claim (count its
    independent sources, grade it, weigh it) without reading them. `origin` is what
    `sources.independent_key` folds ("source:<outlet as written>" of the cluster root, else
    "doc:<root id>"), `outlet` and `host` what the reliability of the document's outlet is read from,
    so a changed source registry applies when reading; '' stands for none in these key columns."""

    __tablename__ = "claim_sources"
    __table_args__ = (PrimaryKeyConstraint("subject_id", "object_id", "object2_id", "predicate", "modality",
                                           "rhetoric", "origin", "outlet", "host"), {"sqlite_with_rowid": False})
    modality: Mapped[str] = mapped_column(String)
    rhetoric: Mapped[str] = mapped_column(String)
    origin: Mapped[str] = mapped_column(String)
    outlet: Mapped[str] = mapped_column(String)
    host: Mapped[str] = mapped_column(String)
    firmness: Mapped[float] = mapped_column(Float)
    instances: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[str | None] = mapped_column(String)
    last_day: Mapped[str | None] = mapped_column(String)


claim_indexes(ClaimSourceRow, "claim_sources")


class ClaimGradeRow(ClaimKey, Base):
    """One claim (stored key, as in `claim_links`) fused from its `claim_sources` rows when written
    (see grades.py): its firmest modality, Admiralty grade and credibility, whether it is
    contradicted, its rhetoric ('|'-joined), strength, firmest counted instance, independent
    sources, parts (its `claim_sources` rows), instances and days; `graded_under` is the fingerprint of
    the source registry it was graded under."""

    __tablename__ = "claim_grades"
    __table_args__ = (PrimaryKeyConstraint("subject_id", "object_id", "object2_id", "predicate"),
                      {"sqlite_with_rowid": False})
    graded_under: Mapped[str] = mapped_column(String)
    modality: Mapped[str] = mapped_column(String)
    grade: Mapped[str] = mapped_column(String)
    credibility: Mapped[int] = mapped_column(Integer)
    contradicted: Mapped[int] = mapped_column(Integer)
    rhetoric: Mapped[str] = mapped_column(String)
    strength: Mapped[float] = mapped_column(Float)
    firmest: Mapped[float] = mapped_column(Float)
    sources: Mapped[int] = mapped_column(Integer)
    parts: Mapped[int] = mapped_column(Integer)
    instances: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[str | None] = mapped_column(String)
    last_day: Mapped[str | None] = mapped_column(String)


claim_indexes(ClaimGradeRow, "claim_grades")


class ActorLinkRow(Base):
    """Cross-document resolution: `actor_id` is the same actor as `into_id`, and why."""

    __tablename__ = "actor_links"
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), primary_key=True)
    into_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    reason: Mapped[str] = mapped_column(String)
    origin: Mapped[str] = mapped_column(String)
    created_at: Mapped[str] = mapped_column(String)


class ActorBlockRow(Base):
    """A user's split: these two actors must never be merged again, whatever later documents say."""

    __tablename__ = "actor_blocks"
    __table_args__ = (UniqueConstraint("actor_id", "other_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    other_id: Mapped[str] = mapped_column(ForeignKey("actors.id"))


class RhetoricSpanRow(Base):
    """A persuasion or rhetoric technique found in a document, with character offsets."""

    __tablename__ = "rhetoric_spans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    technique: Mapped[str] = mapped_column(String, index=True)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    cue: Mapped[str] = mapped_column(String)


class DocumentProfileRow(Base):
    """What a critical reader needs about a document to weigh an answer that rests on it (genre,
    rhetoric counts, loaded labels per actor, named and unnamed sources), as JSON, computed at
    ingest from the parse so `ask` never parses again."""

    __tablename__ = "document_profiles"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    profile: Mapped[str] = mapped_column(Text)


class JudgementRow(Base):
    """An analyst's verdict on one relation instance (confirm, reject, relabel) or a relation the
    extractor missed (add). It is keyed by document, evidence span, actor pair and predicate, not by
    the relation's row id, so it applies again when the document is extracted anew (a re-ingest, a
    new model); `new_*` hold the relabelled or added relation."""

    __tablename__ = "judgements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    verdict: Mapped[str] = mapped_column(String)
    subject_id: Mapped[str | None] = mapped_column(String)
    predicate: Mapped[str | None] = mapped_column(String)
    object_id: Mapped[str | None] = mapped_column(String)
    evidence_start: Mapped[int] = mapped_column(Integer)
    evidence_end: Mapped[int] = mapped_column(Integer)
    new_subject_id: Mapped[str | None] = mapped_column(String)
    new_predicate: Mapped[str | None] = mapped_column(String)
    new_object_id: Mapped[str | None] = mapped_column(String)
    new_object2_id: Mapped[str | None] = mapped_column(String)
    new_modality: Mapped[str | None] = mapped_column(String)
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String)
    created_at: Mapped[str] = mapped_column(String)


def alias_rows(actor: Actor, seen: set[str] = frozenset()) -> list[dict]:
    """An actor's name and aliases as rows of `aliases`, one per normalised form not in `seen`
    (the first spelling of each kept, in order): what ingest and an analyst's new actor both store."""
    rows, added = [], set()
    for alias in (actor.name, *actor.aliases):
        norm = normalize(alias)
        if norm and norm not in seen and norm not in added:
            added.add(norm)
            rows.append({"actor_id": actor.id, "alias": alias, "alias_norm": norm})
    return rows
