"""actorgraph as a library: a `Workspace` is one database, opened once, with everything an analyst
does in a notebook (ingest, extract, ask, actors, relations, timelines, profiles, exports, networkx)
and everything the CLI and the workbench call. Results are plain dicts and lists (the JSON the CLI
and the API print); `actors()` and `relations()` are pandas DataFrames when pandas is installed
(`pip install actorgraph[notebook]`) unless `frame=False`.

    import actorgraph as ag
    with ag.open("conflict.sqlite") as g:
        g.ingest("reports/", source="Sahel Wire")
        answer = g.ask("Taliban", "TTP")
"""
from __future__ import annotations

import getpass
from contextlib import contextmanager
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .answer import answer as answering
from .answer.attention import attention as source_attention
from .answer.paths import around, summed_around
from .export import FORMATS, select, to_bytes, to_graph, write
from .extract.rhetoric import rhetoric
from .graph.fuse import as_of, claims_of, confirmed_by_others, span, timeline as fused_timeline
from .extract.lexicon import ontology
from .graph.judgements import HIDDEN, UnknownRelation, new_actor
from .graph.store import Store
from .models import Actor, Document
from .names import normalize
from .extract.options import DEFAULT_OPTIONS, ExtractOptions
from .texts import critical_reading, extract_files, extract_text, profile, read_one  # noqa: F401 (the API)
from .views import (Invalid, NotFound, actor_json, checked_date, checked_span, graded, grade_test, judgement_json,
                    kept, modalities, network, predicates, relation_item, review_order)

if TYPE_CHECKING:
    from .pipeline import IngestReport

WINDOWS = ("day", "week", "month", "all")


def open(db: str | None = None, *, create: bool = True) -> "Workspace":  # noqa: A001 (the package's verb)
    """A workspace over a SQLite file, a SQLAlchemy URL or $ACTORGRAPH_DB (default ./actorgraph.sqlite);
    with `create=False` a SQLite file that does not exist is refused (`NoDatabase`)."""
    return Workspace(Store.open(db, create=create))


@contextmanager
def _found():
    """Turns the store's unknown relation or judgement into NotFound."""
    try:
        yield
    except UnknownRelation as exc:
        raise NotFound(str(exc)) from exc


def _ends(relation) -> set[str]:
    return {m.actor.id for m in (relation.subject, relation.object, relation.object2) if m}


def _frame(rows: list[dict], frame: bool):
    """A DataFrame when asked for and pandas is installed, else the rows."""
    if not frame:
        return rows
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)


class Workspace:
    """One database and what can be done with it; `close()` (or a `with` block) releases it."""

    def __init__(self, store: Store):
        self.store = store

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------
    def extract(self, text: str | Path, *, published: str | None = None,
                options: ExtractOptions = DEFAULT_OPTIONS) -> list[dict]:
        """The relations in a text or a file (extract contract), without storing anything."""
        return extract_text(text, published=published, options=options)

    def ingest(self, paths: Iterable[str | Path] | str | Path, *, source: str | None = None,
               published: str | None = None, metadata: dict | None = None, max_bytes: int = 20_000_000,
               options: ExtractOptions = DEFAULT_OPTIONS, engine: str = "local", workers: int | None = None,
               address: str | None = None, on_total: Callable[[int], None] | None = None,
               on_progress: Callable[[str], None] | None = None, again: bool = False,
               jobs: int = 1) -> IngestReport:
        """Read, extract and store files and folders (each document in its own transaction); per-file
        errors are in the report. `source`, `published` and `metadata` (title, author, url,
        language) fill what a file does not say. `engine="ray"` runs extraction on Ray workers.
        `again` extracts stored documents anew (a new model) and applies the judgements on them again.
        `jobs` > 1 parses and extracts in that many worker processes (the graph is the same)."""
        from .pipeline import ingest as run_ingest

        paths = [str(paths)] if isinstance(paths, (str, Path)) else [str(p) for p in paths]
        given = {k: v for k, v in (metadata or {}).items() if v}
        given.update({k: v for k, v in {"source": source, "published": published}.items() if v})
        common = dict(metadata=given, max_bytes=max_bytes, on_total=on_total, on_progress=on_progress,
                      options=options)
        if engine == "ray":
            from .parallel import ingest_ray

            if again:
                raise Invalid("again=True runs on the local engine only")
            return ingest_ray(paths, self.store, workers=workers or 2, address=address, **common)
        if engine != "local":
            raise Invalid(f"engine must be local or ray, not {engine!r}")
        if jobs < 1:
            raise Invalid(f"jobs must be at least 1, not {jobs}")
        extractor = None
        if jobs > 1:
            from .processes import extract_in_processes

            extractor = lambda documents: extract_in_processes(documents, jobs, options)  # noqa: E731
        return run_ingest(paths, self.store, again=again, extractor=extractor, **common)

    def merge(self, keep: str, other: str):
        """Correct the graph: `other` is the same actor as `keep` (survives re-ingest)."""
        return self.store.merge(self.actor(keep).id, self.actor(other).id)

    def split(self, actor_id: str):
        """Undo a merge and keep the two actors apart from then on."""
        return self.store.split(actor_id)

    # -- an analyst's judgements -----------------------------------------------------------------
    def judge(self, relation_id: int, verdict: str, *, subject: str | None = None, predicate: str | None = None,
              object: str | None = None, modality: str | None = None, note: str | None = None,  # noqa: A002
              author: str | None = None) -> dict:
        """Confirm, reject or relabel one relation instance (its `relation_id`). It is kept across
        re-ingests and new models; rejected instances leave every answer, path, grade and export."""
        if verdict not in {"confirm", "reject", "relabel"}:
            raise Invalid(f"verdict must be confirm, reject or relabel, not {verdict!r}")
        if verdict == "relabel" and not any((subject, predicate, object, modality)):
            raise Invalid("relabel needs a new predicate, subject, object or modality")
        if verdict != "relabel" and any((subject, predicate, object, modality)):
            raise Invalid(f"{verdict} takes no new predicate, subject, object or modality (use relabel)")
        predicates([predicate] if predicate else None), modalities([modality] if modality else None)
        with _found():
            made = self.store.judge(int(relation_id), verdict, subject_id=subject and self.actor(subject).id,
                                    predicate=predicate, object_id=object and self.actor(object).id,
                                    modality=modality, note=note, author=author or getpass.getuser())
        return self._judgement_json(made)

    def add_relation(self, document: str, span: str | tuple[int, int], subject: str, predicate: str,
                     object: str, *, object2: str | None = None, modality: str = "asserted",  # noqa: A002
                     note: str | None = None, author: str | None = None,
                     new_actors: dict[str, str] | None = None) -> dict:
        """A relation the extractor missed, stated by the characters `span` ("START:END") of a stored
        document. A party not yet in the database is added when `new_actors` gives its type
        ({"Sokoto cell": "armed_group"}); a name already known means the actor it names."""
        start, end = checked_span(span)
        predicates([predicate]), modalities([modality])
        if (predicate == "mediates") != (object2 is not None):
            raise Invalid("object2 is needed for mediates, and only for it")
        added: dict[str, Actor] = {}
        parties = [self._party(name, new_actors or {}, added) if name else None for name in (subject, object, object2)]
        with _found():
            made = self.store.add_relation(self.document(document).id, start, end, parties[0].id, predicate,
                                           parties[1].id, object2_id=parties[2] and parties[2].id,
                                           modality=modality, note=note, author=author or getpass.getuser(),
                                           new_actors=tuple(added.values()))
        return self._judgement_json(made)

    def _party(self, name: str, new_actors: dict[str, str], added: dict[str, Actor]) -> Actor:
        """The actor `name` names, or a new one of the type `new_actors` gives it (kept in `added`)."""
        try:
            return self.actor(name)
        except NotFound:
            kind, types = new_actors.get(name), ontology().entity_types
            if kind not in types:
                raise (NotFound if kind is None else Invalid)(
                    f"no actor called {name!r} in the database; to add it as a new actor, give its type (one of "
                    f"{', '.join(types)}){'' if kind is None else f', not {kind!r}'}") from None
        if normalize(name) not in added:
            taken = {a.id for a in added.values()}
            added[normalize(name)] = new_actor(name, kind, lambda i: i in taken or self.store.actor(i))
        return added[normalize(name)]

    def unjudge(self, judgement_id: int) -> dict:
        """Take a judgement back."""
        with _found():
            return self._judgement_json(self.store.unjudge(int(judgement_id)))

    def judgements(self, document: str | None = None) -> list[dict]:
        """Every judgement (or one document's), oldest first, with the names of its actors."""
        found = self.store.judgements(self.document(document).id if document else None)
        ids = {i for j in found for i in (j.subject_id, j.object_id, j.new_subject_id, j.new_object_id,
                                          j.new_object2_id) if i}
        return [self._judgement_json(j, ids) for j in found]

    def _judgement_json(self, judgement, ids=None) -> dict:
        ids = ids or {judgement.subject_id, judgement.object_id, judgement.new_subject_id, judgement.new_object_id,
                      judgement.new_object2_id} - {None}
        names = {}
        for actor_id in ids:
            actor = self.store.actor(actor_id)
            names[actor_id] = actor.name if actor else actor_id
        return judgement_json(judgement, names)

    def review(self, limit: int | None = 50, question: str | None = None, other: str | None = None) -> list[dict]:
        """Relations no analyst has judged yet, least confident first: all of them, or those behind
        the answer to `question` ("review what this answer rests on")."""
        if question:
            _, a, b = answering.question_actors(self.store, question, other=other)
            found = self.store.relations(ids=answering.relevant(self.store, a.id, b.id).ids)
        else:
            found = self.store.relations()
        return [relation_item(r) for r in review_order(found)[:limit]]

    # -- actors and documents -------------------------------------------------------------------
    def stats(self) -> dict:
        return self.store.stats()

    def actor(self, key: str) -> Actor:
        """An actor by id, name or alias."""
        found = answering.actor_by_key(self.store, key)
        if found is None:
            raise NotFound(f"no actor called {key!r} in the database")
        return found

    def actors(self, query: str = "", limit: int | None = None, *, frame: bool = True):
        """Actors by any alias (exact, then by substring of the name), or all, most connected first."""
        rows = self.store.actors()
        counts = {row["id"]: {"relations": row["relations"], "mentions": row["mentions"]} for row in rows}
        needle = query.strip().lower()
        chosen = [a.id for a in self.store.find_actors(query)] if needle else [row["id"] for row in rows]
        if needle:
            chosen += [row["id"] for row in rows if needle in row["name"].lower() and row["id"] not in chosen]
        found = [self.store.actor(i) for i in chosen[:limit]]
        return _frame([actor_json(a, counts.get(a.id)) for a in found if a is not None], frame)

    def actor_view(self, key: str) -> dict:
        """An actor with its counts, every relation (graded) and its timeline."""
        found = self.actor(key)
        pairs = graded(self.store.relations([found.id]))
        grades = {id(r): g for r, g in pairs}
        return {"actor": actor_json(found, self.store.actor_counts(found.id)),
                "relations": [relation_item(r, g) for r, g in pairs],
                "timeline": [relation_item(r, grades[id(r)]) for r in fused_timeline([r for r, _ in pairs])]}

    def documents(self) -> list[dict]:
        return self.store.documents()

    def document_view(self, key: str) -> dict:
        """A stored document with its text, its relations and rhetoric spans by offsets (the page's
        document view)."""
        found = self.document(key)
        techniques = rhetoric().techniques
        return {"id": found.id, "name": found.name, "title": found.title, "source": found.source,
                "author": found.author, "published": found.published, "url": found.url, "text": found.text,
                "relations": [{"id": i, "subject": r.subject.actor.name, "predicate": r.predicate,
                               "object": r.object.actor.name, "modality": r.modality, "start": r.evidence.start,
                               "end": r.evidence.end, "rhetoric": r.rhetoric, "relation_id": r.row_id,
                               "judgement": r.judgement, "confidence": round(r.confidence, 3)}
                              for i, r in enumerate(self.store.relations(document_id=found.id, hidden=True))],
                "rhetoric": [{"technique": s.technique, "label": techniques[s.technique].label, "start": s.start,
                              "end": s.end, "text": s.text, "confidence": s.confidence}
                             for s in self.store.rhetoric_spans(found.id)]}

    def document(self, key: str) -> Document:
        """A stored document by id, id prefix, name or title."""
        found = self.store.document(key)
        if found is None:
            raise NotFound(f"no stored document {key!r}")
        return found

    # -- relations ------------------------------------------------------------------------------
    def relations(self, actor: str | None = None, other: str | None = None, predicate=None, modality=None,
                  min_grade: str | None = None, date_from: str | None = None, date_to: str | None = None,
                  *, frame: bool = True):
        """Relation instances filtered by actor (and a second actor), predicate(s), modality(ies), the
        grade of their claim (`"C3"`, `"B"`, `"2"`) and dates: kept when the time a relation held
        overlaps [date_from, date_to]."""
        filters = dict(predicates=predicates(predicate), modalities=modalities(modality),
                       passes=grade_test(min_grade), start=checked_date(date_from, "date_from"),
                       end=checked_date(date_to, "date_to"))
        ids = [self.actor(actor).id] if actor else None
        pair = {ids[0], self.actor(other).id} if actor and other else None
        rows = [relation_item(r, g) for r, g in graded(self.store.relations(ids)) if kept(r, g, pair=pair, **filters)]
        return _frame(rows, frame)

    def timeline(self, actor: str, other: str | None = None) -> list[dict]:
        """An actor's relations (or a pair's) in the order they held, each with its claim's grade."""
        actors = [self.actor(actor)] + ([self.actor(other)] if other else [])
        pairs = graded(self.store.relations([a.id for a in actors]))
        grades = {id(r): g for r, g in pairs}
        return [relation_item(r, grades[id(r)]) for r in fused_timeline([r for r, _ in pairs], {a.id for a in actors})]

    def graph_view(self, actor: str | None = None, hops: int = 1, as_of_day: str | None = None, predicate=None,
                   modality=None, min_grade: str | None = None) -> dict:
        """The network around an actor (the most connected one by default) as claims: one edge per
        (subject, predicate, object) with its modality, grade and corroboration, for the page."""
        wanted, moods = predicates(predicate), modalities(modality)
        passes, day = grade_test(min_grade), checked_date(as_of_day, "as_of")
        top = self.store.actors()[:1] if not actor else []
        center = self.actor(actor) if actor else (self.store.actor(top[0]["id"]) if top else None)
        shown = lambda c: not ((wanted and c.predicate not in wanted) or (moods and c.modality not in moods)  # noqa: E731
                               or (min_grade and not passes(c.grade)))
        if center is None:
            return network(None, [], (None, None), shown)
        if day is None:  # fused from the sums kept per claim and source: no instance is read
            drawn, dates, cut = summed_around(self.store, center.id, hops, shown)
            view = network(center, drawn, dates, shown)
        else:
            ids, totals, cut = around(self.store, center.id, hops)
            instances = self.store.relations(ids=ids) if ids else []
            view = network(center, claims_of(as_of(instances, day)), span(claims_of(instances)), shown, totals)
        return view | {"truncated": view["truncated"] or cut}

    def claim(self, subject: str, predicate: str, obj: str, as_of_day: str | None = None) -> dict:
        """One claim with every quote behind it (the workbench's evidence panel)."""
        predicates([predicate])
        day = checked_date(as_of_day, "as_of")
        a, b = self.actor(subject), self.actor(obj)
        around = self.store.relations([a.id], hidden=True)
        rejected = [relation_item(r) for r in around if r.judgement in HIDDEN and {a.id, b.id} <= _ends(r)
                    and (r.predicate == predicate or r.judgement == "replaced")]
        matching = [c for c in claims_of(as_of([r for r in around if r.judgement not in HIDDEN], day))
                    if c.predicate == predicate and c.subject.id in {a.id, b.id} and {a.id, b.id} <= set(c.ends)]
        for found in sorted(matching, key=lambda c: c.subject.id != a.id):
            return {**answering.claim_json(found, limit=None), "rejected": rejected}
        if rejected:
            return {"subject": a.name, "predicate": predicate, "object": b.name, "subject_id": a.id, "object_id": b.id,
                    "evidence": [], "evidence_total": 0, "rejected": rejected}
        raise NotFound(f"no claim {a.name} {predicate} {b.name} in the database")

    # -- questions and critical reading ---------------------------------------------------------
    def ask(self, question: str, other: str | None = None, *, as_of: str | None = None) -> dict:
        """The answer `actorgraph ask --format json` prints: to a question ("What is the relationship
        between A and B?", "How are A and B connected?", "Is A linked to B?", "A and B") or to two
        names (`ask("Taliban", "TTP")`); `as_of` answers from what held on that date."""
        return answering.ask(self.store, question, checked_date(as_of, "as_of"), other)

    def profile(self, key: str | Path, options: ExtractOptions = DEFAULT_OPTIONS) -> dict:
        """Critical reading of a file or a stored document: genre, commitment, rhetoric, sources,
        loaded labels, misspellings, and territorial claims no other stored source confirms."""
        document = read_one(key) if Path(key).is_file() else self.document(str(key))
        confirmed = lambda r: confirmed_by_others(self.store.relations([r.subject.actor.id]), r)  # noqa: E731
        return critical_reading(document, confirmed, options)

    def attention(self, source: str, by: str = "week") -> list[dict]:
        """What an outlet writes about, per time window: the share of its documents and mentions per actor."""
        if by not in WINDOWS:
            raise Invalid(f"by must be day, week, month or all, not {by!r}")
        rows = self.store.mentions_by_document(source)
        if not rows:
            raise NotFound(f"no stored documents from the source {source!r}")
        return source_attention(rows, by)

    def merges(self) -> list[dict]:
        return [{"actor_id": link.actor_id, "into_id": link.into_id, "origin": link.origin, "reason": link.reason}
                for link in self.store.links()]

    # -- exports --------------------------------------------------------------------------------
    def selection(self, actor: str | None = None, hops: int = 2):
        return select(self.store, self.actor(actor).id if actor else None, hops)

    def export(self, format: str = "json", path: str | Path | None = None, actor: str | None = None,
               hops: int = 2) -> bytes | Path:
        """The graph (or the network around an actor) as ftm, graphml, gexf, csv or json: written to
        `path` (a folder for csv), or returned as bytes (csv as a zip)."""
        if format not in FORMATS:
            raise Invalid(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
        chosen = self.selection(actor, hops)
        if path is None:
            return to_bytes(chosen, format)[0]
        write(chosen, format, path)
        return Path(path)

    def to_networkx(self, actor: str | None = None, hops: int = 2):
        """The graph as a networkx MultiDiGraph: actors as nodes, relation instances as edges with
        every attribute of the exports."""
        return to_graph(self.selection(actor, hops))
