"""Persistent store for documents, actors, mentions and relations (SQLAlchemy 2), on SQLite (a
file path) or PostgreSQL (a postgresql:// URL), with the same schema, kept by Alembic migrations.

Many workers may write at once: each document is one transaction; rows that several documents
share (actors, aliases, links) go in with ON CONFLICT DO NOTHING in a fixed order, so racing
writers neither fail on each other's rows nor deadlock; a document another worker stored first
is reported as already stored, and a transaction that lost a race is retried once.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import bindparam, create_engine, delete, event, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ..models import Actor, Document, Mention, Relation, TimeSpan
from . import claims
from .judgements import StoreJudgements, apply_document_judgements
from .grades import GradeReads
from .keyed import KeyedReads
from .migrations import SchemaMismatch, upgrade
from .queries import StoreReads
from .resolve import ActorIndex, Link, link_for, links_for_new_alias
from .schema import (ActorBlockRow, ActorLinkRow, ActorRow, AliasRow, DocumentProfileRow, DocumentRow, MentionRow,
                     RelationRow, RhetoricSpanRow, alias_rows)
from .sources import DuplicateIndex, signature

__all__ = ["DEFAULT_DB", "NoDatabase", "SchemaMismatch", "Store", "database_url"]

DEFAULT_DB = "actorgraph.sqlite"
WAL_WAIT_SECONDS = 30
_STORED_DOCUMENT = select(DocumentRow.signature, DocumentRow.root_id).where(DocumentRow.id == bindparam("id"))
_INSERT = {row: insert(row.__table__) for row in (DocumentRow, MentionRow, RelationRow, RhetoricSpanRow,
                                                  DocumentProfileRow)}


class NoDatabase(Exception):
    """A command that only reads was pointed at a SQLite file that does not exist: opening it would
    create an empty database and answer "no actor called ..." instead of naming the real mistake."""


def database_url(db: str | None) -> str:
    """A SQLAlchemy URL from --db: a URL as given, a file path as an absolute SQLite URL; a plain
    postgresql:// (or postgres://) URL, as users and libpq write it, gets the psycopg 3 driver,
    the one actorgraph installs (SQLAlchemy would otherwise look for psycopg2)."""
    db = db or os.environ.get("ACTORGRAPH_DB") or DEFAULT_DB
    for plain in ("postgresql://", "postgres://"):
        if db.startswith(plain):
            return "postgresql+psycopg://" + db[len(plain):]
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers (ask, the web app) work while an ingest writes; SQLite leaves FKs off by default.
    WAL is a property of the file: switching a new file to it waits while another process that
    opened it at the same moment holds the write lock (SQLite does not apply its busy timeout here).
    Commits do not wait for the disk (synchronous=NORMAL, SQLite's advice for WAL): a power cut can
    undo the last few documents' commits, never corrupt the file, and a resumed ingest stores them
    again; a crash of the process loses nothing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    deadline = time.monotonic() + WAL_WAIT_SECONDS
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cursor.close()


def _mention_columns(prefix: str, m: Mention | None) -> dict:
    return {f"{prefix}_id": m and m.actor.id, f"{prefix}_mention": m and m.text, f"{prefix}_start": m and m.start,
            f"{prefix}_end": m and m.end, f"{prefix}_via": m and m.via}


def _actors_of(mentions: list[Mention], relations: list[Relation]) -> dict[str, Actor]:
    """Every actor a document names, once, by id."""
    actors: dict[str, Actor] = {}
    for m in [*mentions, *(x for r in relations for x in (r.subject, r.object, r.object2) if x)]:
        actors.setdefault(m.actor.id, m.actor)
    return actors


def _lost_race(exc: DBAPIError) -> bool:
    """A conflict with another writer that a second try resolves: PostgreSQL's unique violation,
    serialization failure or deadlock; SQLite's unique violation or a lock held past the timeout."""
    code = getattr(exc.orig, "sqlstate", None)
    return code in {"23505", "40001", "40P01"} or any(
        words in str(exc.orig) for words in ("UNIQUE constraint failed", "database is locked"))


class Store(StoreReads, KeyedReads, GradeReads, StoreJudgements):
    """One database. Caches which actors and aliases exist so ingest inserts only what is new."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._known: dict[str, set[str]] | None = None
        self._index: ActorIndex | None = None
        self._canonical: dict[str, str] | None = None
        self._copies: DuplicateIndex | None = None
        self._inserts: dict[str, object] = {}

    def _forget(self) -> None:
        """Drop the caches: after a failed write they may hold what was rolled back."""
        self._known = self._index = self._canonical = self._copies = self._kept_reads = None

    def _duplicates(self, session: Session) -> DuplicateIndex:
        """Near-duplicate index over every stored document, rebuilt in ingest order when first needed."""
        if self._copies is None:
            rows = session.execute(select(DocumentRow.id, DocumentRow.signature, DocumentRow.root_id)
                                   .where(DocumentRow.signature.is_not(None))
                                   .order_by(DocumentRow.added_at, DocumentRow.id))
            self._copies = DuplicateIndex.from_signatures((i, json.loads(sig), root) for i, sig, root in rows)
        return self._copies

    @classmethod
    def open(cls, db: str | None = None, *, create: bool = True) -> "Store":
        """Connect and migrate to the current schema. SQLite waits up to 30 s for another
        writer's lock (one writer at a time) rather than failing at once. With `create=False` a
        SQLite file that does not exist raises NoDatabase and nothing is created."""
        url = database_url(db)
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})
            path = engine.url.database
            if path not in (None, "", ":memory:"):
                if not create and not Path(path).is_file():
                    engine.dispose()
                    raise NoDatabase(f"no database at {path} (build one with: actorgraph ingest FILES --db {path})")
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        try:
            upgrade(engine)
        except Exception:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.close_watch()
        self.engine.dispose()

    def _insert_new(self, table):
        """An INSERT that skips rows another writer added since the cache was filled (built once per table)."""
        found = self._inserts.get(table.name)
        if found is None:
            dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(self.engine.dialect.name)
            found = self._inserts[table.name] = dialect.insert(table).on_conflict_do_nothing() if dialect \
                else insert(table)
        return found

    def _known_aliases(self, session: Session) -> dict[str, set[str]]:
        """Stored actor ids and their aliases. Read in two statements, which another writer's
        commit may fall between: an alias's actor is stored (foreign key) even if not yet listed."""
        if self._known is None:
            known: dict[str, set[str]] = {a: set() for a in session.scalars(select(ActorRow.id))}
            for actor_id, norm in session.execute(select(AliasRow.actor_id, AliasRow.alias_norm)):
                known.setdefault(actor_id, set()).add(norm)
            self._known = known
        return self._known

    def has_document(self, doc_id: str) -> bool:
        """Whether a document is stored (one Core query: ingest asks this of every document it reads)."""
        with self.engine.connect() as connection:
            return connection.execute(_STORED_DOCUMENT, {"id": doc_id}).first() is not None

    def add_document(self, document: Document, mentions: list[Mention], relations: list[Relation],
                     spans: list = (), profile: dict | None = None, *, replace: bool = False) -> bool:
        """Store one document with everything found in it (and its profile, for the caveats of
        answers), all or nothing; False if already stored (also when another worker stored it while
        this one was writing). With `replace`, a stored document's extraction is replaced by this one
        (a new model's), and the analysts' judgements on it are applied again."""
        try:
            return self._try_add(document, mentions, relations, spans, profile, replace)
        except DBAPIError as exc:
            if not _lost_race(exc):
                raise
        return self._try_add(document, mentions, relations, spans, profile, replace)

    def _try_add(self, document: Document, mentions: list[Mention], relations: list[Relation], spans,
                 profile: dict | None, replace: bool) -> bool:
        try:
            return self._add(document, mentions, relations, spans, profile, replace)
        except Exception as exc:
            self._forget()
            if isinstance(exc, IntegrityError) and self.has_document(document.id):
                return False
            raise

    def _add(self, document: Document, mentions: list[Mention], relations: list[Relation], spans,
             profile: dict | None, replace: bool) -> bool:
        """One try of `add_document`, in one transaction (a document extracted anew has its old and
        new claims summed again); the caches are updated only after commit.
        Rows go through the session's Core connection in prepared statements: the ORM's own
        bookkeeping per statement cost more than the writes themselves."""
        doc_id = document.id  # a hash of the whole text, computed on every access
        with Session(self.engine) as session, session.begin():
            connection = session.connection()
            stored = connection.execute(_STORED_DOCUMENT, {"id": doc_id}).first()
            if stored is not None and not replace:
                return False
            if stored is not None:
                before = claims.of_document(connection, doc_id)
                for table in (MentionRow, RelationRow, RhetoricSpanRow, DocumentProfileRow):
                    connection.execute(delete(table).where(table.document_id == doc_id))
                sig, root = json.loads(stored.signature or "[]"), stored.root_id
            else:
                sig = signature(document.text)
                root = self._duplicates(session).match(sig) or doc_id
            actors = _actors_of(mentions, relations)
            new = self._write(session, document, doc_id, mentions, relations, actors, root, sig, stored is None)
            if spans:
                connection.execute(_INSERT[RhetoricSpanRow], [
                    {"document_id": doc_id, "technique": x.technique, "start_char": x.start,
                     "end_char": x.end, "text": x.text, "confidence": x.confidence, "cue": x.cue}
                    for x in spans])
            if profile:
                connection.execute(_INSERT[DocumentProfileRow], {
                    "document_id": doc_id, "profile": json.dumps(profile, ensure_ascii=False, sort_keys=True)})
            self._resolve(session, actors)
            if stored is not None:
                apply_document_judgements(session, doc_id, document.text)
                claims.refresh(connection, before | claims.of_document(connection, doc_id))
        for actor_id, norms in new.items():
            self._known.setdefault(actor_id, set()).update(norms)
        if self._copies is not None and stored is None:
            self._copies.add(doc_id, sig, root)
        return True

    def _write(self, session: Session, document: Document, doc_id: str, mentions: list[Mention],
               relations: list[Relation], actors: dict[str, Actor], root: str, sig: list[int],
               fresh: bool = True) -> dict[str, set[str]]:
        """Insert the rows in bulk (a new document's relations added to their claims, claims.py);
        returns the actors and aliases added, for the cache after commit.
        Shared rows go in sorted by actor: PostgreSQL locks each row it inserts until commit, and two
        documents inserting the same actors in opposite orders would deadlock. (An actor's aliases
        keep their order, which is the order reads list them in.)"""
        known = self._known_aliases(session)
        connection = session.connection()
        new_actors = [{"id": a.id, "name": a.name, "type": a.type}
                      for a in sorted(actors.values(), key=lambda a: a.id) if a.id not in known]
        new: dict[str, set[str]] = {}
        aliases = []
        for actor in actors.values():
            rows = alias_rows(actor, known.get(actor.id, set()))
            new.setdefault(actor.id, set()).update(row["alias_norm"] for row in rows)
            aliases += rows
        if fresh:
            connection.execute(_INSERT[DocumentRow], {
                "id": doc_id, "name": document.name, "title": document.title, "url": document.url,
                "source": document.source, "author": document.author, "published": document.published,
                "language": document.language, "path": document.path, "text": document.text,
                "added_at": datetime.now(timezone.utc).isoformat(), "root_id": root, "signature": json.dumps(sig)})
        if new_actors:
            connection.execute(self._insert_new(ActorRow.__table__), new_actors)
        if aliases:
            aliases.sort(key=lambda row: row["actor_id"])
            connection.execute(self._insert_new(AliasRow.__table__), aliases)
        if mentions:
            connection.execute(_INSERT[MentionRow], [
                {"document_id": doc_id, "actor_id": m.actor.id, "text": m.text, "start_char": m.start,
                 "end_char": m.end, "via": m.via} for m in mentions])
        if relations:
            rows = [self._relation_row(doc_id, r) for r in relations]
            connection.execute(_INSERT[RelationRow], rows)
            if fresh:
                claims.added(connection, rows)
        return new

    def _actor_index(self, session: Session) -> ActorIndex:
        if self._index is None:
            aliases: dict[str, list[str]] = defaultdict(list)
            for actor_id, alias in session.execute(select(AliasRow.actor_id, AliasRow.alias)):
                aliases[actor_id].append(alias)
            index = ActorIndex()
            for row in session.scalars(select(ActorRow)):
                index.add(Actor(row.id, row.name, row.type), tuple(aliases[row.id]))
            index.blocked = {(a, b) for a, b in session.execute(select(ActorBlockRow.actor_id, ActorBlockRow.other_id))}
            self._index = index
        return self._index

    def _resolve(self, session: Session, actors: dict[str, Actor]) -> None:
        """Link the document's actors to those stored before (see `resolve`), in its transaction."""
        index = self._actor_index(session)
        fresh = [a for a in actors.values() if a.id not in index.actors]
        for actor in actors.values():
            index.add(actor, actor.aliases)
        found: dict[str, Link] = {}
        for actor in fresh:
            link = link_for(actor, index)
            if link and link.into_id not in found:
                found.setdefault(link.actor_id, link)
        for actor in actors.values():
            for alias in actor.aliases:
                for link in links_for_new_alias(actor.id, alias, index):
                    if link.into_id not in found:
                        found.setdefault(link.actor_id, link)
        canonical = self._canonical_ids(session)
        rows = [self._link_row(link) for link in sorted(found.values(), key=lambda link: link.actor_id)
                if link.actor_id not in canonical and canonical.get(link.into_id) != link.actor_id]
        if rows:
            session.execute(self._insert_new(ActorLinkRow.__table__), rows)
            self._canonical = None

    @staticmethod
    def _link_row(link: Link) -> dict:
        return {"actor_id": link.actor_id, "into_id": link.into_id, "reason": link.reason, "origin": link.origin,
                "created_at": datetime.now(timezone.utc).isoformat()}

    def links(self) -> list[Link]:
        """Every merge, automatic or a user's, with its reason."""
        with Session(self.engine) as session:
            return [Link(*row) for row in session.execute(select(
                ActorLinkRow.actor_id, ActorLinkRow.into_id, ActorLinkRow.reason, ActorLinkRow.origin
            ).order_by(ActorLinkRow.into_id, ActorLinkRow.actor_id))]

    def merge(self, into_id: str, actor_id: str, reason: str = "merged by a user") -> Link:
        """A user's correction: `actor_id` is the same actor as `into_id` (lifts an earlier split)."""
        with Session(self.engine) as session, session.begin():
            target = self._canonical_ids(session).get(into_id, into_id)
            if target == actor_id or self._canonical_ids(session).get(actor_id) == target:
                raise ValueError(f"{actor_id!r} and {into_id!r} are already one actor")
            link = Link(actor_id, target, reason, "user")
            session.execute(delete(ActorLinkRow).where(ActorLinkRow.actor_id == actor_id))
            session.execute(delete(ActorBlockRow).where(or_(
                (ActorBlockRow.actor_id == actor_id) & (ActorBlockRow.other_id == target),
                (ActorBlockRow.actor_id == target) & (ActorBlockRow.other_id == actor_id))))
            session.execute(insert(ActorLinkRow.__table__).values(**self._link_row(link)))
        self._forget()
        return link

    def split(self, actor_id: str) -> Link:
        """A user's correction: undo the merge of `actor_id` and keep it apart from then on."""
        with Session(self.engine) as session, session.begin():
            row = session.get(ActorLinkRow, actor_id)
            if row is None:
                raise ValueError(f"{actor_id!r} is not merged into another actor")
            link = Link(row.actor_id, row.into_id, row.reason, row.origin)
            session.delete(row)
            session.execute(self._insert_new(ActorBlockRow.__table__).values(actor_id=actor_id, other_id=row.into_id))
        self._forget()
        return link

    @staticmethod
    def _relation_row(document_id: str, r: Relation) -> dict:
        time = r.time or TimeSpan()
        return {"document_id": document_id, "predicate": r.predicate, "kind": r.kind, "modality": r.modality,
                "attributed_to": r.attributed_to, "time_start": time.start, "time_end": time.end,
                "time_text": time.text, "time_value": time.value, "evidence_text": r.evidence.text,
                "evidence_start": r.evidence.start, "evidence_end": r.evidence.end, "extractor": r.extractor,
                "confidence": r.confidence, "rhetoric": r.rhetoric, **_mention_columns("subject", r.subject),
                **_mention_columns("object", r.object), **_mention_columns("object2", r.object2)}
