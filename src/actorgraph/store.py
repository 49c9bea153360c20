"""Persistent store for documents, actors, mentions and relations (SQLAlchemy 2).

SQLite by default; only portable column types and ON CONFLICT DO NOTHING (which SQLite and
PostgreSQL both support) are used, so the same code can later run on PostgreSQL by URL alone.
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Actor, Document, Evidence, Mention, Relation, TimeSpan
from .names import normalize
from .schema import ActorRow, AliasRow, Base, DocumentRow, MentionRow, RelationRow

DEFAULT_DB = "actorgraph.sqlite"


def database_url(db: str | None) -> str:
    """A SQLAlchemy URL from --db: a URL as given, a file path as an absolute SQLite URL."""
    db = db or os.environ.get("ACTORGRAPH_DB") or DEFAULT_DB
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers (ask, the web app) work while an ingest writes; SQLite leaves FKs off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _mention_columns(prefix: str, m: Mention | None) -> dict:
    return {f"{prefix}_id": m and m.actor.id, f"{prefix}_mention": m and m.text, f"{prefix}_start": m and m.start,
            f"{prefix}_end": m and m.end, f"{prefix}_via": m and m.via}


class Store:
    """One database. Caches which actors and aliases exist so ingest inserts only what is new."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._known: dict[str, set[str]] | None = None

    @classmethod
    def open(cls, db: str | None = None) -> "Store":
        engine = create_engine(database_url(db))
        if engine.dialect.name == "sqlite":
            if engine.url.database not in (None, "", ":memory:"):
                Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
            event.listen(engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def _insert_new(self, table):
        """An INSERT that skips rows another writer added since the cache was filled."""
        dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(self.engine.dialect.name)
        return dialect.insert(table).on_conflict_do_nothing() if dialect else insert(table)

    def _known_aliases(self, session: Session) -> dict[str, set[str]]:
        if self._known is None:
            known: dict[str, set[str]] = {a: set() for a in session.scalars(select(ActorRow.id))}
            for actor_id, norm in session.execute(select(AliasRow.actor_id, AliasRow.alias_norm)):
                known[actor_id].add(norm)
            self._known = known
        return self._known

    def has_document(self, doc_id: str) -> bool:
        with Session(self.engine) as session:
            return session.get(DocumentRow, doc_id) is not None

    def add_document(self, document: Document, mentions: list[Mention], relations: list[Relation]) -> bool:
        """Store one document with everything found in it, all or nothing; False if already stored."""
        try:
            with Session(self.engine) as session, session.begin():
                if session.get(DocumentRow, document.id) is not None:
                    return False
                new = self._write(session, document, mentions, relations)
        except IntegrityError:
            if self.has_document(document.id):
                return False
            raise
        for actor_id, norms in new.items():
            self._known.setdefault(actor_id, set()).update(norms)
        return True

    def _write(self, session: Session, document: Document, mentions: list[Mention],
               relations: list[Relation]) -> dict[str, set[str]]:
        """Insert the rows in bulk; returns the actors and aliases added, for the cache after commit."""
        known = self._known_aliases(session)
        actors: dict[str, Actor] = {}
        for m in [*mentions, *(x for r in relations for x in (r.subject, r.object, r.object2) if x)]:
            actors.setdefault(m.actor.id, m.actor)
        new_actors = [{"id": a.id, "name": a.name, "type": a.type} for a in actors.values() if a.id not in known]
        new: dict[str, set[str]] = {}
        aliases = []
        for actor in actors.values():
            seen, added = known.get(actor.id, set()), new.setdefault(actor.id, set())
            for alias in (actor.name, *actor.aliases):
                norm = normalize(alias)
                if norm and norm not in seen and norm not in added:
                    added.add(norm)
                    aliases.append({"actor_id": actor.id, "alias": alias, "alias_norm": norm})
        session.execute(insert(DocumentRow.__table__).values(
            id=document.id, name=document.name, title=document.title, url=document.url, source=document.source,
            author=document.author, published=document.published, language=document.language,
            path=document.path, text=document.text, added_at=datetime.now(timezone.utc).isoformat()))
        if new_actors:
            session.execute(self._insert_new(ActorRow.__table__), new_actors)
        if aliases:
            session.execute(self._insert_new(AliasRow.__table__), aliases)
        if mentions:
            session.execute(insert(MentionRow.__table__), [
                {"document_id": document.id, "actor_id": m.actor.id, "text": m.text, "start_char": m.start,
                 "end_char": m.end, "via": m.via} for m in mentions])
        if relations:
            session.execute(insert(RelationRow.__table__), [self._relation_row(document.id, r) for r in relations])
        return new

    @staticmethod
    def _relation_row(document_id: str, r: Relation) -> dict:
        time = r.time or TimeSpan()
        return {"document_id": document_id, "predicate": r.predicate, "kind": r.kind, "modality": r.modality,
                "attributed_to": r.attributed_to, "time_start": time.start, "time_end": time.end,
                "time_text": time.text, "time_value": time.value, "evidence_text": r.evidence.text,
                "evidence_start": r.evidence.start, "evidence_end": r.evidence.end, "extractor": r.extractor,
                "confidence": r.confidence, **_mention_columns("subject", r.subject),
                **_mention_columns("object", r.object), **_mention_columns("object2", r.object2)}

    def _actors_by_id(self, session: Session, ids: set[str] | None = None) -> dict[str, Actor]:
        """Actors with their aliases (the canonical name is stored as an alias for lookup, not listed)."""
        query, alias_query = select(ActorRow), select(AliasRow).order_by(AliasRow.id)
        if ids is not None:
            query, alias_query = query.where(ActorRow.id.in_(ids)), alias_query.where(AliasRow.actor_id.in_(ids))
        rows = {a.id: a for a in session.scalars(query)}
        aliases: dict[str, list[str]] = {}
        for alias in session.scalars(alias_query):
            if alias.actor_id in rows and alias.alias_norm != normalize(rows[alias.actor_id].name):
                aliases.setdefault(alias.actor_id, []).append(alias.alias)
        return {a.id: Actor(a.id, a.name, a.type, tuple(aliases.get(a.id, ()))) for a in rows.values()}

    def actor(self, actor_id: str) -> Actor | None:
        with Session(self.engine) as session:
            return self._actors_by_id(session, {actor_id}).get(actor_id)

    @staticmethod
    def _counts(session: Session, ids: set[str] | None = None) -> tuple[Counter, Counter]:
        """Relations (as subject, object or second object) and mentions per actor id."""
        relations, mentions = Counter(), Counter()
        for counter, column in ((relations, RelationRow.subject_id), (relations, RelationRow.object_id),
                                (relations, RelationRow.object2_id), (mentions, MentionRow.actor_id)):
            query = select(column, func.count()).where(column.is_not(None)).group_by(column)
            if ids is not None:
                query = query.where(column.in_(ids))
            counter.update(dict(session.execute(query).all()))
        return relations, mentions

    def find_actors(self, name: str) -> list[Actor]:
        """Actors a user's name refers to: by alias, else by canonical name; the best connected first."""
        norm = normalize(name)
        if not norm:
            return []
        with Session(self.engine) as session:
            ids = set(session.scalars(select(AliasRow.actor_id).where(AliasRow.alias_norm == norm)))
            if not ids:
                ids = {a.id for a in session.scalars(select(ActorRow)) if normalize(a.name) == norm}
            if not ids:
                return []
            found = self._actors_by_id(session, ids)
            relations, mentions = self._counts(session, ids)
        return sorted(found.values(), key=lambda a: (normalize(a.name) != norm, -relations[a.id],
                                                     -mentions[a.id], a.id))

    def actors(self) -> list[dict]:
        with Session(self.engine) as session:
            relations, mentions = self._counts(session)
            rows = session.execute(select(ActorRow.id, ActorRow.name, ActorRow.type)).all()
        result = [{"id": i, "name": n, "type": t, "mentions": mentions[i], "relations": relations[i]}
                  for i, n, t in rows]
        return sorted(result, key=lambda a: (-a["relations"], -a["mentions"], a["name"], a["id"]))

    def relations(self, actor_ids: list[str] | None = None) -> list[Relation]:
        """Stored relations rebuilt as `Relation` values, in document then evidence order."""
        query = (select(RelationRow, DocumentRow.name, DocumentRow.source, DocumentRow.published)
                 .join(DocumentRow, DocumentRow.id == RelationRow.document_id)
                 .order_by(DocumentRow.name, DocumentRow.id, RelationRow.evidence_start, RelationRow.id))
        if actor_ids is not None:
            ids = list(actor_ids)
            query = query.where(or_(RelationRow.subject_id.in_(ids), RelationRow.object_id.in_(ids),
                                    RelationRow.object2_id.in_(ids)))
        with Session(self.engine) as session:
            rows = session.execute(query).all()
            wanted = {i for row, *_ in rows for i in (row.subject_id, row.object_id, row.object2_id) if i}
            actors = self._actors_by_id(session, wanted if actor_ids is not None else None)
        return [self._relation(row, name, source, published, actors) for row, name, source, published in rows]

    @staticmethod
    def _relation(row: RelationRow, name: str, source, published, actors: dict[str, Actor]) -> Relation:
        def mention(prefix: str) -> Mention | None:
            actor_id = getattr(row, f"{prefix}_id")
            if actor_id is None:
                return None
            return Mention(actors[actor_id], getattr(row, f"{prefix}_mention"), getattr(row, f"{prefix}_start"),
                           getattr(row, f"{prefix}_end"), getattr(row, f"{prefix}_via"))

        time = TimeSpan(row.time_start, row.time_end, row.time_text, row.time_value)
        return Relation(
            doc=name, subject=mention("subject"), predicate=row.predicate, object=mention("object"),
            modality=row.modality, evidence=Evidence(row.evidence_text, row.evidence_start, row.evidence_end),
            object2=mention("object2"), kind=row.kind, attributed_to=row.attributed_to,
            time=None if time == TimeSpan() else time, extractor=row.extractor, confidence=row.confidence,
            doc_id=row.document_id, source=source, published=published)

    def documents(self) -> list[dict]:
        query = (select(DocumentRow.id, DocumentRow.name, DocumentRow.title, DocumentRow.source,
                        DocumentRow.published, func.count(RelationRow.id))
                 .outerjoin(RelationRow, RelationRow.document_id == DocumentRow.id)
                 .group_by(DocumentRow.id)
                 .order_by(DocumentRow.name, DocumentRow.id))
        with Session(self.engine) as session:
            rows = session.execute(query).all()
        keys = ("id", "name", "title", "source", "published", "relations")
        return [dict(zip(keys, row)) for row in rows]

    def stats(self) -> dict:
        with Session(self.engine) as session:
            result = {key: session.scalar(select(func.count()).select_from(model)) for key, model in (
                ("documents", DocumentRow), ("actors", ActorRow), ("mentions", MentionRow),
                ("relations", RelationRow))}
            result["predicates"] = dict(session.execute(
                select(RelationRow.predicate, func.count()).group_by(RelationRow.predicate)).all())
        return result
