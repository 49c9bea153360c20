"""Judgements over HTTP on a real server and its own SQLite file: judge, add from a span, undo, the
review queue, what answers and exports show afterwards, and the write rules (token, origin)."""
from __future__ import annotations

import httpx
import pytest
from test_app import ARMING, follow, server, upload  # noqa: F401 (server: a fresh server per test)

TEXT = ARMING + "The Kivu Liberation Front fought the Congolese army near Goma in 2022.\n"
QUESTION = "What is the relationship between Rwanda and the Kivu Liberation Front?"


def filled(client: httpx.Client, headers: dict | None = None) -> dict[str, dict]:
    events = follow(client, upload(client, ("kivu.txt", TEXT.encode()), headers=headers).json()["events"])
    assert events[-1]["state"] == "done", events[-1]
    queue = client.get("/api/review").json()["relations"]
    return {r["predicate"]: r for r in queue}


@pytest.mark.serve_args("--user", "ana")
def test_judging_over_http_changes_answers_and_exports(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        found = filled(client)
        supports, hostile = found["supports"], found["hostile_to"]
        assert client.get("/api/review", params={"q": QUESTION}).json()["relations"][0]["predicate"] == "supports"
        rejected = client.post(f"/api/relations/{supports['relation_id']}/judgement",
                               json={"verdict": "reject", "note": "the panel said no such thing"})
        assert rejected.status_code == 200, rejected.text
        assert rejected.json()["author"] == "ana" and rejected.json()["subject"] == "Rwanda"
        answer = client.get("/api/ask", params={"q": QUESTION})
        assert answer.status_code == 200 and answer.json()["direct"] == [], answer.text
        claim = client.get("/api/claim", params={"subject": "Rwanda", "predicate": "supports",
                                                 "object": "Kivu Liberation Front"}).json()["claim"]
        assert claim["evidence"] == [] and [r["relation_id"] for r in claim["rejected"]] == [supports["relation_id"]]
        relabel = client.post(f"/api/relations/{hostile['relation_id']}/judgement",
                              json={"verdict": "relabel", "modality": "hedged"})
        assert relabel.status_code == 200 and relabel.json()["new_modality"] == "hedged"
        edges = client.get("/api/export", params={"format": "json"}).json()["edges"]
        assert {(e["predicate"], e["modality"], e["judgement"]) for e in edges} == {("hostile_to", "hedged",
                                                                                     "relabelled")}
        doc = client.get("/api/documents").json()["documents"][0]["id"]
        at = TEXT.index("Rwanda armed")
        added = client.post(f"/api/documents/{doc}/relations", json={
            "start": at, "end": at + 42, "subject": "Rwanda", "predicate": "supports",
            "object": "Kivu Liberation Front", "modality": "reported"})
        assert added.status_code == 200, added.text
        assert [j["verdict"] for j in client.get("/api/judgements").json()["judgements"]] == ["reject", "relabel",
                                                                                                "add"]
        assert client.delete(f"/api/judgements/{rejected.json()['id']}").status_code == 200
        relations = client.get("/api/relations", params={"actor": "Rwanda"}).json()["relations"]
        assert sorted((r["modality"], r["judgement"] or "") for r in relations) == [("reported", ""),
                                                                                     ("reported", "added")]
        assert client.get("/api/review").json()["relations"] and all(
            r["judgement"] is None for r in client.get("/api/review").json()["relations"])


def test_judgements_that_cannot_be_made_are_refused_with_the_reason(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        found = filled(client)
        rid = found["supports"]["relation_id"]
        for body, status, words in (({"verdict": "maybe"}, 422, "verdict"),
                                    ({"verdict": "relabel"}, 422, "relabel needs"),
                                    ({"verdict": "relabel", "predicate": "likes"}, 422, "unknown predicate"),
                                    ({"verdict": "reject", "predicate": "supports"}, 422, "use relabel"),
                                    ({"verdict": "relabel", "subject": "Atlantis"}, 404, "Atlantis"),
                                    ({}, 422, "verdict")):
            response = client.post(f"/api/relations/{rid}/judgement", json=body)
            assert response.status_code == status and words in response.json()["detail"], (body, response.text)
        assert client.post("/api/relations/99999/judgement", json={"verdict": "reject"}).status_code == 404
        assert client.delete("/api/judgements/99999").status_code == 404
        doc = client.get("/api/documents").json()["documents"][0]["id"]
        outside = client.post(f"/api/documents/{doc}/relations", json={
            "start": 5, "end": 100_000, "subject": "Rwanda", "predicate": "supports", "object": "Kivu Liberation Front"})
        assert outside.status_code == 400 and "not inside the document" in outside.json()["detail"]
        forged = client.post(f"/api/relations/{rid}/judgement", json={"verdict": "reject"},
                             headers={"Origin": "http://evil.example"})
        assert forged.status_code == 403
        assert client.get("/api/judgements").json()["judgements"] == []


@pytest.mark.serve_args("--token", "ben:s3cret")
def test_a_named_token_signs_the_judgements(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        auth = {"Authorization": "Bearer ben:s3cret"}
        found = filled(client, auth)
        rid = found["supports"]["relation_id"]
        assert client.post(f"/api/relations/{rid}/judgement", json={"verdict": "confirm"}).status_code == 401
        made = client.post(f"/api/relations/{rid}/judgement", json={"verdict": "confirm"}, headers=auth)
        assert made.status_code == 200 and made.json()["author"] == "ben"
        answer = client.get("/api/ask", params={"q": QUESTION}).json()
        evidence = [e for c in answer["direct"] for e in c["evidence"]]
        assert [e["judgement"] for e in evidence if e["relation_id"] == rid] == ["confirmed"]


def test_an_added_relation_may_name_a_new_actor_given_its_type(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        filled(client)
        doc = client.get("/api/documents").json()["documents"][0]["id"]
        at = TEXT.index("Rwanda armed")
        body = {"start": at, "end": at + 42, "subject": "Kigali's liaison cell", "predicate": "supports",
                "object": "Kivu Liberation Front"}
        unknown = client.post(f"/api/documents/{doc}/relations", json=body)
        assert unknown.status_code == 404 and "give its type" in unknown.json()["detail"], unknown.text
        wrong = client.post(f"/api/documents/{doc}/relations",
                            json=body | {"new_actors": {"Kigali's liaison cell": "militia"}})
        assert wrong.status_code == 422 and "armed_group" in wrong.json()["detail"], wrong.text
        made = client.post(f"/api/documents/{doc}/relations",
                           json=body | {"new_actors": {"Kigali's liaison cell": "organisation"}})
        assert made.status_code == 200, made.text
        assert made.json()["new_subject"] == "Kigali's liaison cell"
        found = client.get("/api/actors", params={"q": "Kigali's liaison cell"}).json()["actors"]
        assert [(a["name"], a["type"], a["relations"]) for a in found] == [("Kigali's liaison cell", "organisation", 1)]
        edges = client.get("/api/graph", params={"actor": found[0]["id"]}).json()["edges"]
        assert [(e["predicate"], e["target"]) for e in edges] == [("supports", made.json()["new_object_id"])]
