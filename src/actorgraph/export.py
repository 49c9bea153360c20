"""Export the graph to the tools analysts already use: FollowTheMoney entities (Aleph, OpenSanctions
tooling), GraphML and GEXF (Gephi, yEd), two CSV files (spreadsheets) and plain JSON.

Every format carries the same thing: one node per canonical actor and one edge per stored relation
instance, each edge with its evidence (words, offsets, document, outlet) and the grade of the claim
it belongs to, so nothing an analyst relies on in `ask` is lost on the way out. The CLI and the
HTTP API both go through `select` then `write` or `to_bytes`.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx

from .answer.answer import actor_by_key
from .graph.fuse import Claim, claims_of, validity
from .graph.sources import registry
from .models import Actor, Relation

FORMATS = ("ftm", "graphml", "gexf", "csv", "json")
MAX_HOPS = 4
MEDIA_TYPES = {"ftm": ("application/x-ndjson", "actorgraph.ftm.json"),
               "graphml": ("application/graphml+xml", "actorgraph.graphml"),
               "gexf": ("application/gexf+xml", "actorgraph.gexf"),
               "json": ("application/json", "actorgraph.json"),
               "csv": ("application/zip", "actorgraph-csv.zip")}
NODE_COLUMNS = ("id", "name", "type", "aliases", "mentions", "relations")
EDGE_COLUMNS = ("key", "source", "target", "source_name", "target_name", "predicate", "kind", "modality",
                "object2", "object2_name", "grade", "credibility", "sources", "contradicted", "evidence",
                "evidence_start", "evidence_end", "document", "document_id", "document_title", "source_outlet",
                "reliability", "published", "url", "attributed_to", "valid_from", "valid_to", "time_text",
                "confidence", "extractor", "rhetoric", "judgement")
DOCUMENT_FIELDS = ("name", "title", "source", "author", "published", "url")

# The FtM schema of each ontology entity type. UnknownLink's subject and object range over Thing,
# so every one of these (Address included) can be an end of a relation.
FTM_SCHEMA = {"person": "Person", "armed_group": "Organization", "organisation": "Organization",
              "contingent": "Organization", "state": "PublicBody", "government": "PublicBody",
              "population": "LegalEntity", "place": "Address"}
FTM_FALLBACK = "LegalEntity"


@dataclass(frozen=True)
class Selection:
    """The actors and relation instances to export, with per-document metadata and the mention and
    relation counts of each actor in the whole store. Claims and edge keys are derived once."""

    actors: tuple[Actor, ...]
    relations: tuple[Relation, ...]
    documents: dict[str, dict] = field(default_factory=dict, compare=False)
    counts: dict[str, dict] = field(default_factory=dict, compare=False)

    @cached_property
    def claims(self) -> tuple[Claim, ...]:
        """The claim each relation instance belongs to, aligned with `relations`."""
        found = {id(r): claim for claim in claims_of(list(self.relations)) for r in claim.instances}
        return tuple(found[id(r)] for r in self.relations)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """A stable key per relation instance: a hash of its document, offsets, predicate and ends;
        identical rows get a numbered suffix so none is lost."""
        seen: Counter = Counter()
        result = []
        for r in self.relations:
            parts = (r.doc_id or r.doc, r.evidence.start, r.evidence.end, r.predicate, r.subject.actor.id,
                     r.object.actor.id, r.object2.actor.id if r.object2 else "", r.modality)
            key = "r-" + hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:20]
            seen[key] += 1
            result.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
        return tuple(result)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _check_hops(hops: int) -> None:
    if not 1 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be between 1 and {MAX_HOPS}, got {hops}")


def _neighbourhood(store, key: str, hops: int) -> tuple[set[str], list[Relation]]:
    """Actors within `hops` relation steps of the actor `key` names (id, else name or alias;
    breadth first over light rows, each actor's edges read once) and the relations among them."""
    found = actor_by_key(store, key)
    if found is None:
        raise ValueError(f"no actor {key!r} in the store")
    selected, frontier, rows = {found.id}, {found.id}, {}
    for step in range(hops + 1):
        if not frontier:
            break
        rows.update((row[0], row) for row in store.edges(sorted(frontier)))
        if step == hops:
            break
        frontier = {end for row in rows.values() for end in row[1:4] if end} - selected
        selected |= frontier
    ids = sorted(i for i, row in rows.items() if {e for e in row[1:4] if e} <= selected)
    return selected, store.relations(ids=ids) if ids else []


def select(store, actor_id: str | None = None, hops: int = 2) -> Selection:
    """Everything in the store, or the neighbourhood of one actor (id, or a name as a fallback)
    out to `hops` relation steps (1-4) with the relations among those actors."""
    _check_hops(hops)
    rows = store.actors()
    if actor_id is None:
        relations = store.relations()
        wanted = {row["id"] for row in rows}
    else:
        wanted, relations = _neighbourhood(store, actor_id, hops)
    known = {m.actor.id: m.actor for r in relations for m in (r.subject, r.object, r.object2) if m}
    order = [row["id"] for row in rows if row["id"] in wanted]
    order += sorted((wanted | set(known)) - set(order))
    actors = tuple(known.get(i) or store.actor(i) for i in order)
    counts = {row["id"]: {"mentions": row["mentions"], "relations": row["relations"]} for row in rows}
    cited = store.document_metadata({r.doc_id for r in relations if r.doc_id})
    documents = {doc_id: {name: row[name] for name in DOCUMENT_FIELDS} for doc_id, row in cited.items()}
    return Selection(tuple(a for a in actors if a is not None), tuple(relations), documents, counts)


def _document(selection: Selection, relation: Relation) -> dict:
    """A relation's document metadata: the stored document's, else what the relation carries."""
    found = selection.documents.get(relation.doc_id or "")
    return found or {"name": relation.doc, "title": None, "source": relation.source, "author": None,
                     "published": relation.published, "url": relation.url}


def node_records(selection: Selection) -> list[dict]:
    """One record per actor (aliases as a list; None where unknown)."""
    return [{"id": a.id, "name": a.name, "type": a.type, "aliases": list(a.aliases),
             "mentions": selection.counts.get(a.id, {}).get("mentions"),
             "relations": selection.counts.get(a.id, {}).get("relations")} for a in selection.actors]


def edge_records(selection: Selection) -> list[dict]:
    """One record per relation instance with its evidence and its claim's grade (None where unknown)."""
    records = []
    for key, r, claim in zip(selection.keys, selection.relations, selection.claims):
        valid_from, valid_to = validity(r)
        doc = _document(selection, r)
        records.append({
            "key": key, "source": r.subject.actor.id, "target": r.object.actor.id,
            "source_name": r.subject.actor.name, "target_name": r.object.actor.name,
            "predicate": r.predicate, "kind": r.kind, "modality": r.modality,
            "object2": r.object2.actor.id if r.object2 else None,
            "object2_name": r.object2.actor.name if r.object2 else None,
            "grade": claim.grade, "credibility": claim.credibility, "sources": claim.sources,
            "contradicted": claim.contradicted, "evidence": r.evidence.text, "evidence_start": r.evidence.start,
            "evidence_end": r.evidence.end, "document": r.doc, "document_id": r.doc_id,
            "document_title": doc["title"], "source_outlet": r.source,
            "reliability": registry().reliability(r.source, r.url), "published": r.published, "url": r.url,
            "attributed_to": r.attributed_to, "valid_from": valid_from, "valid_to": valid_to,
            "time_text": r.time.text if r.time else None, "confidence": round(r.confidence, 3),
            "extractor": r.extractor, "rhetoric": r.rhetoric, "judgement": r.judgement})
    return records


def _scalar(value):
    """GraphML and GEXF take no None: an unknown value becomes an empty string."""
    return "" if value is None else value


def to_graph(selection: Selection) -> nx.MultiDiGraph:
    """A MultiDiGraph keyed by the stable edge key; every attribute a scalar."""
    graph = nx.MultiDiGraph(name="actorgraph")
    for node in node_records(selection):
        graph.add_node(node["id"], label=node["name"], name=node["name"], type=node["type"],
                       aliases="; ".join(node["aliases"]),
                       mentions=-1 if node["mentions"] is None else node["mentions"],
                       relations=-1 if node["relations"] is None else node["relations"])
    for edge in edge_records(selection):
        attrs = {k: _scalar(v) for k, v in edge.items() if k not in {"key", "source", "target"}}
        graph.add_edge(edge["source"], edge["target"], key=edge["key"], **attrs)
    return graph


def _graph_bytes(selection: Selection, fmt: str) -> bytes:
    graph, buffer = to_graph(selection), io.BytesIO()
    if fmt == "gexf":
        for *_, key, data in graph.edges(keys=True, data=True):
            data["id"] = key  # the GEXF edge id, so Gephi and read_gexf keep the key
        nx.write_gexf(graph, buffer)
    else:
        nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def _json_bytes(selection: Selection) -> bytes:
    data = {"nodes": node_records(selection), "edges": edge_records(selection)}
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _csv_text(records: list[dict], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "; ".join(v) if isinstance(v, list) else _scalar(v) for k, v in record.items()})
    return buffer.getvalue()


def csv_files(selection: Selection) -> dict[str, str]:
    """The two CSV files by name: nodes.csv and edges.csv."""
    return {"nodes.csv": _csv_text(node_records(selection), NODE_COLUMNS),
            "edges.csv": _csv_text(edge_records(selection), EDGE_COLUMNS)}


def ftm_id(kind: str, raw: str) -> str:
    """A FollowTheMoney entity id: `ag-<kind>-<raw>` when `raw` is already a safe slug, else the
    slug plus a short hash of `raw`, so distinct raw ids never share an entity id."""
    slug = re.sub(r"[^0-9A-Za-z.-]+", "-", raw).strip(".-")[:120]
    if slug != raw or not slug:
        slug = f"{slug}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:10]}".strip("-")
    return f"ag-{kind}-{slug}"


def _entity(schema: str, entity_id: str, values: dict):
    """An FtM entity built through `add`, so FtM cleans every value. An optional value its type
    refuses (a malformed URL or date) is left out, as FtM does; a refused required one is an error."""
    from followthemoney import model

    entity = model.make_entity(schema)
    entity.id = entity_id
    for prop, value in values.items():
        if value not in (None, "", [], ()):
            entity.add(prop, value)
    missing = [p for p in entity.schema.required if not entity.has(p)]
    if missing:
        raise ValueError(f"FtM {schema} {entity_id} lacks {', '.join(sorted(missing))}")
    return entity


def ftm_entities(selection: Selection) -> list:
    """Actors (Person, Organization, PublicBody, LegalEntity, Address), one Article per document
    cited, and one UnknownLink per relation instance whose proof is that Article.

    A population ("Kurds") is a LegalEntity: FtM's most general party, where Organization would claim
    an incorporated body. A place is an Address with `full`: FtM has no general Place schema; Address
    is a Thing, so UnknownLink (subject/object range Thing) accepts it, and unlike Territory it does not
    imply an administrative unit with a reference code (a camp or forest is a place too)."""
    entities, ids = [], {}
    for a in selection.actors:
        ids[a.id] = ftm_id("actor", a.id)
        schema = FTM_SCHEMA.get(a.type, FTM_FALLBACK)
        values = {"name": a.name, "alias": list(a.aliases), "description": f"actorgraph {a.type} {a.id}"}
        if schema == "Address":
            values["full"] = a.name
        entities.append(_entity(schema, ids[a.id], values))
    articles = {}
    for r in selection.relations:
        doc_key = r.doc_id or r.doc
        if doc_key not in articles:
            doc = _document(selection, r)
            articles[doc_key] = ftm_id("doc", doc_key)
            entities.append(_entity("Article", articles[doc_key], {
                "title": doc["title"] or doc["name"], "fileName": doc["name"], "publisher": doc["source"],
                "publishedAt": doc["published"], "sourceUrl": doc["url"], "author": doc["author"]}))
    for edge, r in zip(edge_records(selection), selection.relations):
        summary = [f"{edge['predicate']}" + (f" ({edge['kind']})" if edge["kind"] else ""),
                   f"modality {edge['modality']}", f"grade {edge['grade']}",
                   f"{edge['sources']} independent source(s)"]
        if edge["object2"]:
            summary.append(f"second party {edge['object2_name']} ({edge['object2']})")
        if edge["attributed_to"]:
            summary.append(f"attributed to {edge['attributed_to']}")
        if edge["judgement"]:
            summary.append(f"{edge['judgement']} by an analyst")
        entities.append(_entity("UnknownLink", ftm_id("rel", edge["key"][2:]), {
            "subject": ids[edge["source"]], "object": ids[edge["target"]], "role": edge["predicate"],
            "description": edge["evidence"], "summary": "; ".join(summary), "date": edge["published"],
            "startDate": edge["valid_from"], "endDate": edge["valid_to"], "recordId": edge["key"],
            "publisher": edge["source_outlet"], "sourceUrl": edge["url"],
            "proof": articles[r.doc_id or r.doc]}))
    return entities


def _ftm_bytes(selection: Selection) -> bytes:
    lines = (json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) for e in ftm_entities(selection))
    return "".join(line + "\n" for line in lines).encode("utf-8")


def to_bytes(selection: Selection, fmt: str) -> tuple[bytes, str, str]:
    """One download for the HTTP API: (content, media type, file name); CSV comes as a zip of two files."""
    _check_format(fmt)
    media_type, filename = MEDIA_TYPES[fmt]
    if fmt == "csv":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in csv_files(selection).items():
                archive.writestr(name, text.encode("utf-8"))
        return buffer.getvalue(), media_type, filename
    if fmt == "ftm":
        return _ftm_bytes(selection), media_type, filename
    if fmt == "json":
        return _json_bytes(selection), media_type, filename
    return _graph_bytes(selection, fmt), media_type, filename


def write(selection: Selection, fmt: str, out) -> None:
    """Write an export to `out`: a file, or for CSV a directory that gets nodes.csv and edges.csv."""
    _check_format(fmt)
    out = Path(out)
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for name, text in csv_files(selection).items():
            (out / name).write_text(text, encoding="utf-8", newline="")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(to_bytes(selection, fmt)[0])
