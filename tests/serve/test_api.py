"""The read API against a real `actorgraph serve` on 127.0.0.1 over the demo database: every
endpoint's answer and its refusals (400/404/422) with messages that say what was wrong."""
from __future__ import annotations

import io
import json
import zipfile

import httpx
import networkx as nx
import pytest

SEED = "What is the relationship between the RSF and the United Arab Emirates?"


@pytest.fixture(scope="module")
def api(demo_server):
    with httpx.Client(base_url=demo_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def rsf(api) -> str:
    return api.get("/api/actors", params={"q": "RSF"}).json()["actors"][0]["id"]


def refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    detail = json.dumps(response.json()["detail"])
    for word in words:
        assert word in detail, detail


def test_health_and_stats(api):
    health = api.get("/api/health").json()
    assert health["writes"] is True and health["token_required"] is False and health["cytoscape"] is True
    stats = api.get("/api/stats").json()
    assert stats["documents"] >= 7 and stats["relations"] > 20


def test_every_response_carries_the_security_headers(api):
    for path in ("/", "/api/health", "/api/nowhere", "/static/app.css"):
        response = api.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_a_foreign_host_header_is_refused_on_a_loopback_server(api):
    """DNS rebinding: a page on evil.example resolved to 127.0.0.1 must not read the graph."""
    assert api.get("/api/health", headers={"host": "evil.example"}).status_code == 400


def test_openapi_docs_and_vendored_libraries(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/api/documents", "/api/actors/{actor_id}", "/api/relations", "/api/graph", "/api/claim",
                 "/api/ask", "/api/profile/{doc_id}", "/api/attention", "/api/merge", "/api/split", "/api/export"):
        assert path in paths, path
    docs = api.get("/docs")
    assert docs.status_code == 200 and "/vendor/swagger-ui-bundle.js" in docs.text
    assert api.get("/vendor/swagger-ui-bundle.js").status_code == 200
    cytoscape = api.get("/vendor/cytoscape.min.js")
    assert cytoscape.status_code == 200 and "cytoscape" in cytoscape.text[:2000].lower()
    refused(api.get("/vendor/jquery.js"), 404, "npm ci")
    refused(api.get("/static/..%2Fserve.py"), 404)


def test_documents_list_and_one_document_with_offsets(api):
    listing = api.get("/api/documents", params={"limit": 3}).json()
    assert listing["total"] >= 7 and len(listing["documents"]) == 3
    with_relations = next(d for d in api.get("/api/documents").json()["documents"] if d["relations"])
    doc = api.get(f"/api/documents/{with_relations['id']}").json()
    assert doc["text"] and len(doc["relations"]) == with_relations["relations"]
    for relation in doc["relations"]:
        assert 0 <= relation["start"] < relation["end"] <= len(doc["text"])
    for span in doc["rhetoric"]:
        assert doc["text"][span["start"]:span["end"]] == span["text"] and span["label"]
    refused(api.get("/api/documents/nope"), 404, "nope")
    refused(api.get("/api/documents", params={"limit": 0}), 422, "limit")


def test_actor_search_by_alias_and_one_actor(api, rsf):
    found = api.get("/api/actors", params={"q": "Rapid Support Forces"}).json()["actors"]
    assert found[0]["id"] == rsf and "RSF" in [found[0]["name"], *found[0]["aliases"]]
    counts = [a["relations"] for a in api.get("/api/actors", params={"limit": 50}).json()["actors"]]
    assert counts == sorted(counts, reverse=True) and len(counts) == 50
    one = api.get(f"/api/actors/{rsf}").json()
    assert one["actor"]["id"] == rsf and one["actor"]["relations"] == found[0]["relations"] > 0 and one["relations"] and len(one["timeline"]) == len(one["relations"])
    assert all(r["grade"] and r["doc_id"] for r in one["relations"])
    assert api.get("/api/actors/Rapid Support Forces").json()["actor"]["id"] == rsf
    refused(api.get("/api/actors/nobody-at-all"), 404, "nobody-at-all")
    assert api.get("/api/actors", params={"q": "zzzz-nothing"}).json() == {"actors": []}


def test_relations_filters(api, rsf):
    every = api.get("/api/relations", params={"actor": rsf}).json()
    assert every["total"] == len(every["relations"]) > 0
    predicate = every["relations"][0]["predicate"]
    some = api.get("/api/relations", params={"actor": rsf, "predicate": predicate}).json()["relations"]
    assert some and all(r["predicate"] == predicate for r in some)
    asserted = api.get("/api/relations", params={"actor": rsf, "modality": "asserted"}).json()["relations"]
    assert all(r["modality"] == "asserted" for r in asserted)
    assert api.get("/api/relations", params={"actor": rsf, "min_grade": "A1"}).json()["total"] < every["total"]
    early = api.get("/api/relations", params={"actor": rsf, "date_to": "1990"}).json()
    assert early["total"] < every["total"] and all(r["valid_from"] is None for r in early["relations"])
    page = api.get("/api/relations", params={"actor": rsf, "limit": 1, "offset": 1}).json()
    assert page["relations"] == every["relations"][1:2]
    refused(api.get("/api/relations", params={"predicate": "likes"}), 422, "likes", "supports")
    refused(api.get("/api/relations", params={"modality": "maybe"}), 422, "maybe", "hedged")
    refused(api.get("/api/relations", params={"min_grade": "Z9"}), 422, "min_grade", "Z9")
    refused(api.get("/api/relations", params={"date_from": "last week"}), 422, "date_from")
    refused(api.get("/api/relations", params={"actor": "nobody-at-all"}), 404, "nobody-at-all")


def test_graph_around_an_actor(api, rsf):
    graph = api.get("/api/graph", params={"actor": rsf}).json()
    ids = {n["id"] for n in graph["nodes"]}
    assert graph["center"] == rsf and rsf in ids and graph["edges"]
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    assert len(graph["predicates"]) == 13 and graph["dates"]["min"] <= graph["dates"]["max"]
    assert all(len(graph["dates"][k]) == 10 for k in ("min", "max"))
    wider = api.get("/api/graph", params={"actor": rsf, "hops": 2}).json()
    assert len(wider["nodes"]) >= len(graph["nodes"])
    undated = api.get("/api/graph", params={"actor": rsf, "as_of": "1990"}).json()["edges"]
    assert len(undated) < len(graph["edges"])
    only = api.get("/api/graph", params={"actor": rsf, "predicate": graph["edges"][0]["predicate"]}).json()
    assert {e["predicate"] for e in only["edges"]} == {graph["edges"][0]["predicate"]}
    assert api.get("/api/graph").json()["center"]
    refused(api.get("/api/graph", params={"actor": rsf, "hops": 9}), 422, "hops")
    refused(api.get("/api/graph", params={"actor": rsf, "as_of": "soon"}), 422, "as_of")


def test_claim_has_every_quote(api, rsf):
    edge = api.get("/api/graph", params={"actor": rsf}).json()["edges"][0]
    claim = api.get("/api/claim", params={"subject": edge["source"], "predicate": edge["predicate"],
                                          "object": edge["target"]}).json()["claim"]
    assert claim["predicate"] == edge["predicate"] and claim["grade"] == edge["grade"]
    assert len(claim["evidence"]) == claim["evidence_total"] == edge["evidence_total"]
    quote = claim["evidence"][0]
    document = api.get(f"/api/documents/{quote['doc_id']}").json()
    assert document["text"][quote["start"]:quote["end"]] == quote["text"]
    refused(api.get("/api/claim", params={"subject": edge["source"], "predicate": "detains",
                                          "object": edge["source"]}), 404, "detains")
    refused(api.get("/api/claim", params={"subject": rsf, "predicate": "loves", "object": rsf}), 422, "loves")
    refused(api.get("/api/claim", params={"subject": rsf}), 422)


def test_ask_the_seed_question(api):
    result = api.get("/api/ask", params={"q": SEED}).json()
    assert result["pair_ids"][0] != result["pair_ids"][1] and result["summary"]
    assert result["direct"] or result["paths"]
    assert api.get("/api/ask", params={"q": SEED, "as_of": "1990"}).json()["direct"] == []
    refused(api.get("/api/ask", params={"q": "Tell me a story"}), 400, "relationship between")
    refused(api.get("/api/ask", params={"q": "What is the relationship between the RSF and Atlantis?"}),
            404, "Atlantis")
    refused(api.get("/api/ask"), 422)


def test_profile_attention_and_merges(api):
    documents = api.get("/api/documents").json()["documents"]
    profile = api.get(f"/api/profile/{documents[0]['id']}").json()
    assert profile["genre"] and "rhetoric" in json.dumps(profile)
    refused(api.get("/api/profile/nope"), 404, "nope")
    source = next(d["source"] for d in documents if d["source"])
    attention = api.get("/api/attention", params={"source": source, "by": "all"}).json()
    assert attention["windows"] and attention["source"] == source
    refused(api.get("/api/attention", params={"source": "No Such Outlet"}), 404, "No Such Outlet")
    refused(api.get("/api/attention", params={"source": source, "by": "year"}), 422, "year")
    assert isinstance(api.get("/api/merges").json()["merges"], list)


def test_exports_through_the_api(api, rsf):
    stats = api.get("/api/stats").json()
    graphml = api.get("/api/export", params={"format": "graphml"})
    assert graphml.status_code == 200 and "attachment" in graphml.headers["content-disposition"]
    graph = nx.read_graphml(io.BytesIO(graphml.content))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (stats["actors"], stats["relations"])
    near = nx.read_gexf(io.BytesIO(api.get("/api/export", params={"format": "gexf", "actor": rsf,
                                                                   "hops": 1}).content))
    assert 0 < near.number_of_edges() < stats["relations"]
    with zipfile.ZipFile(io.BytesIO(api.get("/api/export", params={"format": "csv"}).content)) as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
    lines = api.get("/api/export", params={"format": "ftm"}).text.splitlines()
    assert all(json.loads(line)["schema"] for line in lines)
    assert api.get("/api/export", params={"format": "json"}).json()["edges"]
    refused(api.get("/api/export", params={"format": "xls"}), 422, "xls", "graphml")
    refused(api.get("/api/export", params={"actor": "nobody-at-all"}), 404, "nobody-at-all")
    refused(api.get("/api/export", params={"hops": 0}), 422, "hops")
