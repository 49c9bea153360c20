"""Reading the store: relations rebuilt as values, actors under their canonical ids (merges
applied), light rows for ranking paths, and the lookups the CLI and `ask` need. `Store` inherits
these; they need only `self.engine` and the merge cache `self._canonical`."""
from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter, defaultdict

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session, aliased

from ..extract.rhetoric import RhetoricSpan
from ..models import Actor, Document, Evidence, Mention, Relation, TimeSpan
from ..names import normalize
from .claims import VISIBLE
from .resolve import Link, canonical_map
from .schema import (HIDDEN, NO_OBJECT2, ActorLinkRow, ActorRow, AliasRow, ClaimLinkRow,
                     DocumentProfileRow, DocumentRow, MentionRow, RelationRow, RhetoricSpanRow)
from .sources import independent_key


ROOT = aliased(DocumentRow)
# Built once: building it cost an answer about 1 ms.
RELATIONS = (select(*RelationRow.__table__.columns, DocumentRow.name.label("doc_name"),
                    DocumentRow.source.label("doc_source"), DocumentRow.published.label("doc_published"),
                    DocumentRow.url.label("doc_url"), DocumentRow.root_id.label("root_id"),
                    ROOT.source.label("root_source"))
             .join(DocumentRow, DocumentRow.id == RelationRow.document_id)
             .outerjoin(ROOT, ROOT.id == DocumentRow.root_id)
             .order_by(DocumentRow.name, DocumentRow.id, RelationRow.evidence_start, RelationRow.id))
VISIBLE_RELATIONS = RELATIONS.where(VISIBLE)


def _chunks(items: list, size: int = 900) -> list[list]:
    """Lists short enough for one SQL IN clause on every backend."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


class StoreReads:
    """The read side of `Store`."""

    engine = None
    _canonical: dict[str, str] | None = None
    _kept_reads: dict[str, dict] | None = None
    _kept_version: int | None = None
    _watch: sqlite3.Connection | None = None

    def _canonical_ids(self, session: Session) -> dict[str, str]:
        """Merged-away actor id -> the actor it names."""
        if self._canonical is None:
            self._canonical = canonical_map([Link(*row) for row in session.execute(select(
                ActorLinkRow.actor_id, ActorLinkRow.into_id, ActorLinkRow.reason, ActorLinkRow.origin))])
        return self._canonical

    def _actors_by_id(self, session: Session, ids: set[str] | None = None) -> dict[str, Actor]:
        """Canonical actors by every id that names them, with the aliases of all merged ids (the
        canonical name is stored as an alias for lookup, not listed). Those of given ids are kept
        until the database next changes (`_kept`): every answer and view asks for them."""
        known = self._kept("actors") if ids is not None else None
        if known is None:
            return self._read_actors(session, ids)
        missing = {i for i in ids if i not in known}
        if missing:
            known.update(self._read_actors(session, missing))
        return {i: known[i] for i in ids if i in known}

    def _kept(self, kind: str) -> dict | None:
        """Reads of one `kind` kept since the database last changed (SQLite's `PRAGMA data_version`,
        read on a connection of its own, which sees every commit: this process's, another's); None
        where there is no such counter (PostgreSQL, an in-memory database). Only immutable values
        are kept: callers share them."""
        if self._watch is None:
            path = self.engine.url.database if self.engine.url.get_backend_name() == "sqlite" else None
            if path in (None, "", ":memory:"):
                return None
            self._watch = sqlite3.connect(path, check_same_thread=False)
            self._watch_lock = threading.Lock()
        with self._watch_lock:
            version = self._watch.execute("PRAGMA data_version").fetchone()[0]
            if version != self._kept_version or self._kept_reads is None:
                self._kept_reads, self._kept_version = {}, version
            return self._kept_reads.setdefault(kind, {})

    def _read_actors(self, session: Session, ids: set[str] | None) -> dict[str, Actor]:
        canonical = self._canonical_ids(session)
        wanted = None
        if ids is not None:
            heads = {canonical.get(i, i) for i in ids}
            wanted = heads | {raw for raw, head in canonical.items() if head in heads}
        query = select(ActorRow.id, ActorRow.name, ActorRow.type)
        alias_query = select(AliasRow.actor_id, AliasRow.alias, AliasRow.alias_norm).order_by(AliasRow.id)
        if wanted is not None:
            query, alias_query = query.where(ActorRow.id.in_(wanted)), alias_query.where(AliasRow.actor_id.in_(wanted))
        connection = session.connection()  # Core rows: the ORM's identity map is not needed for reading
        rows = {a.id: a for a in connection.execute(query)}
        aliases: dict[str, list[str]] = defaultdict(list)
        for alias in connection.execute(alias_query):
            head = rows.get(canonical.get(alias.actor_id, alias.actor_id))
            if head is not None and alias.alias_norm != normalize(head.name) and alias.alias not in aliases[head.id]:
                aliases[head.id].append(alias.alias)
        heads = {i: Actor(a.id, a.name, a.type, tuple(aliases[a.id])) for i, a in rows.items() if i not in canonical}
        return {i: heads[canonical.get(i, i)] for i in rows if canonical.get(i, i) in heads}

    def actor(self, actor_id: str) -> Actor | None:
        with Session(self.engine) as session:
            return self._actors_by_id(session, {actor_id}).get(actor_id)

    def forget_merges(self) -> None:
        """Read the merges afresh next time: another program may have merged or split actors."""
        self._canonical = self._kept_reads = None

    def close_watch(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def _members(self, session: Session, ids) -> set[str]:
        """Every stored id that names the same actors as `ids`."""
        canonical = self._canonical_ids(session)
        heads = {canonical.get(i, i) for i in ids}
        return heads | {raw for raw, head in canonical.items() if head in heads}

    def _counts(self, session: Session, ids: set[str] | None = None) -> tuple[Counter, Counter]:
        """Relations (as subject, object or second object) and mentions per canonical actor id.
        Visible relations are all of them less the hidden ones: counting all reads the actor
        indexes alone, and hidden rows are found through the index of judged rows (a filter on
        `judgement` itself reads every row: 2 s instead of 0.1 s on 940k relations)."""
        canonical = self._canonical_ids(session)
        members = self._members(session, ids) if ids is not None else None
        relations, mentions = Counter(), Counter()
        hidden = (RelationRow.judgement_id > 0) & RelationRow.judgement.in_(HIDDEN)
        for counter, column in ((relations, RelationRow.subject_id), (relations, RelationRow.object_id),
                                (relations, RelationRow.object2_id), (mentions, MentionRow.actor_id)):
            queries = [(1, select(column, func.count()).where(column.is_not(None)).group_by(column))]
            if column is not MentionRow.actor_id:
                key = column + ""  # grouped on an expression, SQLite reads the judged rows' index, not the actor's
                queries.append((-1, select(key, func.count()).where(column.is_not(None), hidden).group_by(key)))
            for sign, query in queries:
                if members is not None:
                    query = query.where(column.in_(members))
                for actor_id, count in session.execute(query).all():
                    counter[canonical.get(actor_id, actor_id)] += sign * count
        return relations, mentions

    def actor_counts(self, actor_id: str) -> dict[str, int]:
        """One canonical actor's relations and mentions, counted as `actors` counts them."""
        with Session(self.engine) as session:
            relations, mentions = self._counts(session, {actor_id})
        return {"relations": relations[actor_id], "mentions": mentions[actor_id]}

    def find_actors(self, name: str) -> list[Actor]:
        """Actors a user's name refers to: by alias, else by canonical name; the best connected first
        (kept until the database changes: a question names the same few actors again and again)."""
        norm = normalize(name)
        if not norm:
            return []
        known = self._kept("names")
        if known is None:
            return self._find_actors(norm)
        if norm not in known:
            known[norm] = tuple(self._find_actors(norm))
        return list(known[norm])

    def _find_actors(self, norm: str) -> list[Actor]:
        with Session(self.engine) as session:
            ids = set(session.scalars(select(AliasRow.actor_id).where(AliasRow.alias_norm == norm)))
            if not ids:
                ids = {a.id for a in session.scalars(select(ActorRow)) if normalize(a.name) == norm}
            if not ids:
                return []
            found = {a.id: a for a in self._actors_by_id(session, ids).values()}
            if len(found) == 1:
                return list(found.values())  # nothing to rank: counting a hub's relations costs 10 ms
            relations, mentions = self._counts(session, ids)
        return sorted(found.values(), key=lambda a: (normalize(a.name) != norm, -relations[a.id],
                                                     -mentions[a.id], a.id))

    def actors(self) -> list[dict]:
        with Session(self.engine) as session:
            relations, mentions = self._counts(session)
            merged = self._canonical_ids(session)
            rows = session.execute(select(ActorRow.id, ActorRow.name, ActorRow.type)).all()
        result = [{"id": i, "name": n, "type": t, "mentions": mentions[i], "relations": relations[i]}
                  for i, n, t in rows if i not in merged]
        return sorted(result, key=lambda a: (-a["relations"], -a["mentions"], a["name"], a["id"]))

    def relations(self, actor_ids: list[str] | None = None, ids: list[int] | None = None,
                  document_id: str | None = None, *, hidden: bool = False) -> list[Relation]:
        """Stored relations rebuilt as `Relation` values, in document then evidence order: all,
        those touching `actor_ids`, those with the given relation `ids`, or one document's. Those an
        analyst rejected (or relabelled into another) are left out unless `hidden`."""
        query = RELATIONS if hidden else VISIBLE_RELATIONS
        with Session(self.engine) as session:
            if actor_ids is not None:
                members = sorted(self._members(session, actor_ids))
                query = query.where(or_(RelationRow.subject_id.in_(members), RelationRow.object_id.in_(members),
                                        RelationRow.object2_id.in_(members)))
            if document_id is not None:
                query = query.where(RelationRow.document_id == document_id)
            if ids is not None:
                rows = [row for chunk in _chunks(sorted(ids)) for row in session.connection().execute(
                    query.where(RelationRow.id.in_(chunk))).all()]
            else:
                rows = session.connection().execute(query).all()
            wanted = {i for row in rows for i in (row.subject_id, row.object_id, row.object2_id) if i}
            narrow = actor_ids is not None or ids is not None or document_id is not None
            actors = self._actors_by_id(session, wanted if narrow else None)
        return [self._relation(row, actors) for row in rows]

    def _touching(self, session: Session, actor_ids, others=None, table=RelationRow):
        """WHERE clauses, one per IN-sized chunk, for the visible relations (or the claims, with
        `table=ClaimLinkRow` or `ClaimSourceRow`, whose second objects are indexed for mediations) touching
        `actor_ids`, or with `others` those linking the two sets (merged ids included)."""
        ids = sorted(self._members(session, actor_ids))
        visible, second = (VISIBLE, true()) if table is RelationRow else (true(), table.object2_id != NO_OBJECT2)
        if others is None:
            for chunk in _chunks(ids):
                yield visible & or_(table.subject_id.in_(chunk), table.object_id.in_(chunk),
                                    second & table.object2_id.in_(chunk))
            return
        other_ids = sorted(self._members(session, others))
        for one in _chunks(ids):
            for two in _chunks(other_ids):
                there, back = (table.subject_id.in_(a) & table.object_id.in_(b) for a, b in ((one, two), (two, one)))
                yield visible & (there if other_ids == ids else or_(there, back))  # one set: one key probe, not two

    def _canonical_rows(self, session: Session, rows) -> list[tuple]:
        """Rows whose first three columns are actor ids (subject, object, object2), made canonical."""
        canonical = self._canonical_ids(session)
        if not canonical:  # nothing merged: thousands of rows for a hub's question need no lookups
            return [tuple(row) for row in rows]
        return [(canonical.get(s, s), canonical.get(o, o), o2 and canonical.get(o2, o2), *rest)
                for s, o, o2, *rest in rows]

    def edges(self, actor_ids, others=None) -> list[tuple]:
        """Light rows (id, subject, object, object2, predicate, modality, confidence, document) for
        the relations touching `actor_ids`, or with `others` those linking the two sets; ids are
        canonical. Exports walk neighbourhoods on these before they load any evidence."""
        columns = (RelationRow.subject_id, RelationRow.object_id, RelationRow.object2_id, RelationRow.id,
                   RelationRow.predicate, RelationRow.modality, RelationRow.confidence, RelationRow.document_id)
        with Session(self.engine) as session:
            unique = {row[3]: row for where in self._touching(session, actor_ids, others)
                      for row in session.connection().execute(select(*columns).where(where)).all()}
            rows = self._canonical_rows(session, unique.values())
        return [(i, s, o, o2, *rest) for s, o, o2, i, *rest in rows]

    def link_weights(self, actor_ids, others=None) -> list[tuple]:
        """The claims of `edges` as summed up when written (`claim_links`, see claims.py): per
        (subject, object, object2, predicate), the firmest modality weight times confidence, whether
        an instance claims it (`claims.CLAIMED`), in how many documents, and how many instances;
        ids canonical, in key order. `ask` ranks paths on these, one row per linked pair and
        predicate however many documents repeat it, read rather than summed at every question."""
        t = ClaimLinkRow
        query = select(t.subject_id, t.object_id, func.nullif(t.object2_id, NO_OBJECT2), t.predicate, t.firmness,
                       t.claimed, t.documents, t.instances).order_by(*t.__table__.primary_key)
        with Session(self.engine) as session:
            rows = [row for where in self._touching(session, actor_ids, others, t)
                    for row in session.connection().execute(query.where(where)).all()]
            return self._canonical_rows(session, rows)

    def actor_types(self, actor_ids) -> dict[str, str]:
        """Each actor's type by canonical id, from the actors kept since the database last changed
        (`_actors_by_id`): a hub's question asks it of a thousand neighbours."""
        with Session(self.engine) as session:
            actors = self._actors_by_id(session, set(actor_ids))
        return {actor.id: actor.type for actor in actors.values()}

    @staticmethod
    def _relation(row, actors: dict[str, Actor]) -> Relation:
        """A relation from a row of the relations table joined to its document and that one's root
        (read through the row's mapping: attribute access by built names cost twice the time)."""
        m = row._mapping

        def mention(prefix: str) -> Mention | None:
            actor_id = m[prefix + "_id"]
            if actor_id is None:
                return None
            return Mention(actors[actor_id], *(m[prefix + key] for key in ("_mention", "_start", "_end", "_via")))

        time = TimeSpan(m["time_start"], m["time_end"], m["time_text"], m["time_value"])
        doc_id = m["document_id"]
        return Relation(
            doc=m["doc_name"], subject=mention("subject"), predicate=m["predicate"], object=mention("object"),
            modality=m["modality"], evidence=Evidence(m["evidence_text"], m["evidence_start"], m["evidence_end"]),
            object2=mention("object2"), kind=m["kind"], attributed_to=m["attributed_to"],
            time=None if time == TimeSpan() else time, extractor=m["extractor"], confidence=m["confidence"],
            rhetoric=m["rhetoric"], row_id=m["id"], judgement=m["judgement"],
            doc_id=doc_id, source=m["doc_source"], published=m["doc_published"], url=m["doc_url"],
            independent=independent_key(m["doc_source"], doc_id, m["root_id"] or doc_id, m["root_source"]))

    def document(self, key: str) -> Document | None:
        """A stored document by id, id prefix (8+ characters), name or title."""
        with Session(self.engine) as session:
            row = session.get(DocumentRow, key) or session.scalars(select(DocumentRow).where(or_(
                DocumentRow.name == key, DocumentRow.title == key,
                DocumentRow.id.startswith(key.lower()) if len(key) >= 8 else False)).order_by(DocumentRow.added_at)).first()
            if row is None:
                return None
            return Document(text=row.text, name=row.name, title=row.title, url=row.url, source=row.source,
                            author=row.author, published=row.published, language=row.language, path=row.path)

    def rhetoric_spans(self, document_id: str) -> list[RhetoricSpan]:
        """A stored document's rhetoric spans, in text order."""
        with Session(self.engine) as session:
            rows = session.scalars(select(RhetoricSpanRow).where(RhetoricSpanRow.document_id == document_id)
                                   .order_by(RhetoricSpanRow.start_char, RhetoricSpanRow.id)).all()
            return [RhetoricSpan(r.technique, r.start_char, r.end_char, r.text, r.confidence, r.cue) for r in rows]

    def profiles(self, ids) -> dict[str, dict]:
        """Stored document profiles by document id; documents stored before profiles were kept have none."""
        found: dict[str, dict] = {}
        query = select(DocumentProfileRow.document_id, DocumentProfileRow.profile)
        with Session(self.engine) as session:
            for chunk in _chunks(sorted(ids)):
                for document_id, profile in session.connection().execute(
                        query.where(DocumentProfileRow.document_id.in_(chunk))):
                    found[document_id] = json.loads(profile)
        return found

    def spans_of(self, ids) -> dict[str, list[RhetoricSpan]]:
        """Rhetoric spans of several documents, by document id, in text order."""
        found: dict[str, list[RhetoricSpan]] = defaultdict(list)
        t = RhetoricSpanRow
        query = select(t.document_id, t.technique, t.start_char, t.end_char, t.text, t.confidence, t.cue)
        with Session(self.engine) as session:
            for chunk in _chunks(sorted(ids)):
                for document_id, *span in session.connection().execute(
                        query.where(t.document_id.in_(chunk)).order_by(t.document_id, t.start_char, t.id)):
                    found[document_id].append(RhetoricSpan(*span))
        return dict(found)

    def alias_names(self) -> list[tuple[str, str]]:
        """Every stored alias with its canonical actor's name (for suggesting a misspelt name)."""
        with Session(self.engine) as session:
            rows = session.execute(select(AliasRow.alias, AliasRow.actor_id)).all()
            actors = self._actors_by_id(session, {actor_id for _, actor_id in rows})
        return [(alias, actors[actor_id].name) for alias, actor_id in rows if actor_id in actors]

    def mentions_by_document(self, source: str | None = None) -> list[dict]:
        """For source attention: each document's outlet, date and the canonical actor names it
        mentions (one per mention); only the outlet `source` (any case) when given."""
        query = (select(DocumentRow.id, DocumentRow.source, DocumentRow.published, MentionRow.actor_id)
                 .outerjoin(MentionRow, MentionRow.document_id == DocumentRow.id))
        if source is not None:
            query = query.where(func.lower(DocumentRow.source) == source.lower())
        with Session(self.engine) as session:
            rows = session.execute(query.order_by(DocumentRow.published.nulls_first(), DocumentRow.id,
                                                  MentionRow.id)).all()
            actors = self._actors_by_id(session, {a for *_, a in rows if a})
        found: dict[str, dict] = {}
        for doc_id, outlet, published, actor_id in rows:
            item = found.setdefault(doc_id, {"source": outlet, "published": published, "mentions": []})
            if actor_id in actors:
                item["mentions"].append(actors[actor_id].name)
        return list(found.values())

    def documents(self) -> list[dict]:
        query = (select(DocumentRow.id, DocumentRow.name, DocumentRow.title, DocumentRow.source,
                        DocumentRow.published, func.count(RelationRow.id))
                 .outerjoin(RelationRow, (RelationRow.document_id == DocumentRow.id) & VISIBLE)
                 .group_by(DocumentRow.id)
                 .order_by(DocumentRow.name, DocumentRow.id))
        with Session(self.engine) as session:
            rows = session.execute(query).all()
        keys = ("id", "name", "title", "source", "published", "relations")
        return [dict(zip(keys, row)) for row in rows]

    def document_metadata(self, ids) -> dict[str, dict]:
        """Documents' metadata without their text, by id, in one query per 900 ids."""
        columns = (DocumentRow.id, DocumentRow.name, DocumentRow.title, DocumentRow.source, DocumentRow.author,
                   DocumentRow.published, DocumentRow.url)
        keys = [column.key for column in columns]
        with Session(self.engine) as session:
            return {row[0]: dict(zip(keys, row)) for chunk in _chunks(sorted(ids))
                    for row in session.connection().execute(select(*columns).where(DocumentRow.id.in_(chunk)))}

    def stats(self) -> dict:
        with Session(self.engine) as session:
            result = {key: session.scalar(select(func.count()).select_from(model)) for key, model in (
                ("documents", DocumentRow), ("actors", ActorRow), ("mentions", MentionRow),
                ("relations", RelationRow))}
            result["relations"] = session.scalar(select(func.count()).select_from(RelationRow).where(VISIBLE))
            result["actors"] -= len(self._canonical_ids(session))
            result["predicates"] = dict(session.execute(
                select(RelationRow.predicate, func.count()).where(VISIBLE).group_by(RelationRow.predicate)).all())
        return result
