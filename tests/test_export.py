"""Exports round-trip: real SQLite stores built from texts written here (and the dev corpus when it
is beside the repository), read back with networkx, csv, json and followthemoney."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest
from followthemoney import model
from followthemoney.types.entity import EntityType

from actorgraph import export
from actorgraph.models import Actor, Evidence, Mention, Relation
from actorgraph.pipeline import ingest
from actorgraph.graph.store import Store

REUTERS = """---
title: "Kivu rebels, old and new"
source: Reuters
url: https://www.reuters.com/world/africa/kivu-rebels
author: A. Writer
published: 2024-03-01
---
The Kivu Liberation Front (KLF) is backed by Rwanda, according to UN experts. The KLF split from the M23 in 2019.
"""
REPORT = 'Rwanda "armed and trained" the KLF, a UN report said. Goma stayed quiet.\n'


@pytest.fixture(scope="module")
def small(tmp_path_factory, nlp) -> Store:
    """Two short texts: one claim from two sources, a quote and commas in evidence, an actor
    (Goma) with no relation."""
    folder = tmp_path_factory.mktemp("export")
    (folder / "texts").mkdir()
    (folder / "texts" / "a.md").write_text(REUTERS, encoding="utf-8")
    (folder / "texts" / "b.txt").write_text(REPORT, encoding="utf-8")
    store = Store.open(str(folder / "small.sqlite"))
    report = ingest([str(folder / "texts")], store)
    assert report.ok and report.added == 2
    yield store
    store.close()


def validate_ftm(lines: list[str]) -> list[dict]:
    """Every line one valid FtM entity: known concrete schema, legal id, required properties, values
    FtM's own cleaning keeps unchanged, and entity references that resolve within the file."""
    entities = [json.loads(line) for line in lines]
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for data in entities:
        proxy = model.get_proxy(data, cleaned=False)
        assert not proxy.schema.abstract
        assert EntityType.REGEX.match(data["id"]) and len(data["id"]) <= 200
        proxy.schema.validate(data)
        assert proxy.to_dict()["properties"] == data["properties"]
        assert all(proxy.has(name) for name in proxy.schema.required)
        for prop, value in proxy.itervalues():
            assert prop.type.validate(value), (data["id"], prop.name, value)
            if prop.type.name == "entity":
                assert value in ids, (data["id"], prop.name, value)
    return entities


def assert_round_trip(store: Store, tmp_path) -> None:
    """Every format read back holds one node per actor and one edge per relation of the store."""
    stats = store.stats()
    selection = export.select(store)
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"out.{fmt}"
        export.write(selection, fmt, path)
        graph = reader(path)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (stats["actors"], stats["relations"]), fmt
    export.write(selection, "json", tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["edges"])) == (stats["actors"], stats["relations"])
    export.write(selection, "csv", tmp_path / "csv")
    with open(tmp_path / "csv" / "nodes.csv", newline="", encoding="utf-8") as nodes, \
            open(tmp_path / "csv" / "edges.csv", newline="", encoding="utf-8") as edges:
        assert (len(list(csv.DictReader(nodes))), len(list(csv.DictReader(edges)))) == (
            stats["actors"], stats["relations"])
    export.write(selection, "ftm", tmp_path / "out.ftm.json")
    entities = validate_ftm((tmp_path / "out.ftm.json").read_text(encoding="utf-8").splitlines())
    documents = {r.doc_id for r in selection.relations}
    assert len(entities) == stats["actors"] + len(documents) + stats["relations"]


def test_full_export_round_trips(small, tmp_path):
    assert_round_trip(small, tmp_path)


def test_graph_edges_keep_evidence_and_grade(small, tmp_path):
    selection = export.select(small)
    assert "goma" in {a.id for a in selection.actors}
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        export.write(selection, fmt, tmp_path / f"g.{fmt}")
        graph = reader(tmp_path / f"g.{fmt}")
        edges = [d for u, v, d in graph.edges(data=True) if (u, v) == ("rwanda", "x-kivu-liberation-front")]
        assert len(edges) == 2, fmt
        quoted = next(d for d in edges if d["evidence"].startswith("Rwanda"))
        assert quoted["evidence"] == 'Rwanda "armed and trained" the KLF, a UN report said.'
        assert (quoted["predicate"], quoted["modality"], quoted["sources"]) == ("supports", "reported", 2)
        assert quoted["grade"] == edges[0]["grade"] != ""
        assert graph.nodes["x-kivu-liberation-front"]["type"] == "armed_group"
        assert "KLF" in graph.nodes["x-kivu-liberation-front"]["aliases"].split("; ")


def test_ftm_entities_validate_and_link(small):
    content, media_type, filename = export.to_bytes(export.select(small), "ftm")
    assert (media_type, filename) == ("application/x-ndjson", "actorgraph.ftm.json")
    entities = {e["id"]: e for e in validate_ftm(content.decode("utf-8").splitlines())}
    assert entities["ag-actor-rwanda"]["schema"] == "PublicBody"
    assert entities["ag-actor-goma"]["schema"] == "Address"
    article = next(e for e in entities.values() if e["schema"] == "Article" and "author" in e["properties"])
    assert article["properties"]["title"] == ["Kivu rebels, old and new"]
    assert article["properties"]["publisher"] == ["Reuters"]
    links = [e for e in entities.values() if e["schema"] == "UnknownLink"]
    split = next(e for e in links if e["properties"]["role"] == ["derived_from"])
    assert split["properties"]["subject"] == ["ag-actor-x-kivu-liberation-front"]
    assert split["properties"]["proof"] == [article["id"]]
    assert split["properties"]["startDate"] == ["2019"]
    assert "grade" in split["properties"]["summary"][0]


def test_csv_files_read_back(small, tmp_path):
    export.write(export.select(small), "csv", tmp_path / "new" / "csv")
    with open(tmp_path / "new" / "csv" / "edges.csv", newline="", encoding="utf-8") as handle:
        edges = list(csv.DictReader(handle))
    assert 'Rwanda "armed and trained" the KLF, a UN report said.' in {e["evidence"] for e in edges}
    reuters = next(e for e in edges if e["source_outlet"] == "Reuters" and e["predicate"] == "supports")
    assert (reuters["published"], reuters["valid_from"], reuters["sources"]) == ("2024-03-01", "2024-03-01", "2")
    assert reuters["evidence"].startswith("The Kivu Liberation Front (KLF) is backed by Rwanda,")


def test_csv_survives_quotes_commas_and_newlines():
    klf, rwanda = Actor("klf", 'The "Front", Kivu', "armed_group", ("KLF",)), Actor("rwanda", "Rwanda", "state")
    text = 'Rwanda, it is said,\n"armed" the KLF'
    relation = Relation(doc="d", subject=Mention(rwanda, "Rwanda", 0, 6), predicate="supports",
                        object=Mention(klf, "KLF", 30, 33), modality="reported", evidence=Evidence(text, 0, 33),
                        doc_id="abc", source="Outlet, Inc.")
    selection = export.Selection((klf, rwanda), (relation,))
    content, media_type, filename = export.to_bytes(selection, "csv")
    assert (media_type, filename) == ("application/zip", "actorgraph-csv.zip")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8"), newline="")))
        edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8"), newline="")))
    assert [n["name"] for n in nodes] == ['The "Front", Kivu', "Rwanda"]
    assert len(edges) == 1 and edges[0]["evidence"] == text and edges[0]["source_outlet"] == "Outlet, Inc."
    assert (edges[0]["source"], edges[0]["target"], edges[0]["object2"]) == ("rwanda", "klf", "")


def test_json_and_media_types(small):
    selection = export.select(small)
    expected = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml", "json": "application/json"}
    for fmt, media_type in expected.items():
        content, found, filename = export.to_bytes(selection, fmt)
        assert found == media_type and filename.startswith("actorgraph") and content
    data = json.loads(export.to_bytes(selection, "json")[0])
    assert {n["id"] for n in data["nodes"]} == {a.id for a in selection.actors}
    edge = next(e for e in data["edges"] if e["predicate"] == "derived_from")
    assert (edge["source"], edge["target"], edge["object2"], edge["kind"]) == (
        "x-kivu-liberation-front", "m23", None, "splinter")
    assert edge["valid_from"] == "2019" and edge["grade"]


def test_select_neighbourhood(small):
    one = export.select(small, "m23", hops=1)
    ids = {a.id for a in one.actors}
    assert ids == {"m23", "x-kivu-liberation-front"}
    assert [r.predicate for r in one.relations] == ["derived_from"]
    two = export.select(small, "M23", hops=2)
    ids = {a.id for a in two.actors}
    assert ids == {"m23", "x-kivu-liberation-front", "rwanda"}
    assert all({m.actor.id for m in (r.subject, r.object, r.object2) if m} <= ids for r in two.relations)
    assert len(two.relations) == 3


def test_bad_inputs_are_clear(small, tmp_path):
    selection = export.select(small)
    with pytest.raises(ValueError, match="unknown export format 'xml'; choose one of: ftm, graphml"):
        export.to_bytes(selection, "xml")
    with pytest.raises(ValueError, match="unknown export format"):
        export.write(selection, "pdf", tmp_path / "x.pdf")
    for hops in (0, 5):
        with pytest.raises(ValueError, match=f"hops must be between 1 and 4, got {hops}"):
            export.select(small, "m23", hops=hops)
    with pytest.raises(ValueError, match="no actor 'nobody'"):
        export.select(small, "nobody", hops=1)


def test_ftm_ids_are_safe_and_distinct():
    assert export.ftm_id("actor", "m23") == "ag-actor-m23"
    odd = [export.ftm_id("actor", raw) for raw in ("x-al-qa'ida", "x-al-qa-ida", "x-al qa ida", "", "é" * 300)]
    assert len(set(odd)) == len(odd)
    assert all(EntityType.REGEX.match(i) and len(i) <= 200 for i in odd)


def test_dev_corpus_round_trips(shared, tmp_path, nlp):
    store = Store.open(str(tmp_path / "dev.sqlite"))
    try:
        assert ingest([str(shared / "dev")], store).ok
        assert store.stats()["relations"]
        assert_round_trip(store, tmp_path)
        graph = nx.read_graphml(tmp_path / "out.graphml")
        mediated = [d for *_, d in graph.edges(data=True) if d["predicate"] == "mediates"]
        assert len(mediated) == store.stats()["predicates"].get("mediates", 0)
        assert all(d["object2"] for d in mediated)
    finally:
        store.close()
