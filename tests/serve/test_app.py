"""The write side of the server, each test on its own real SQLite file and its own real server:
uploads with the ingest rules and progress, size and type limits, the token, cross-site writes,
and merge/split corrections."""
from __future__ import annotations

import json

import httpx
import pytest

from conftest import LiveServer

ARMING = "Rwanda armed the Kivu Liberation Front in 2021, according to UN experts.\n"
SPLIT = "The Kivu Liberation Front (KLF) split from the M23 in 2019.\n"


@pytest.fixture
def server(tmp_path, request):
    marker = request.node.get_closest_marker("serve_args")
    running = LiveServer(tmp_path / "graph.sqlite", "--create", *(marker.args if marker else ()))
    yield running
    running.stop()


def follow(client: httpx.Client, events_url: str) -> list[dict]:
    """Read the job's server-sent events until it ends."""
    seen = []
    with client.stream("GET", events_url) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
                if seen[-1]["state"] in {"done", "failed"}:
                    break
    return seen


def upload(client, *files, headers=None, **form):
    return client.post("/api/documents", files=[("files", f) for f in files], data=form, headers=headers or {})


def test_upload_is_ingested_with_progress(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        started = upload(client, ("kivu.txt", ARMING.encode()), ("split.md", SPLIT.encode()), source="Test Wire")
        assert started.status_code == 202, started.text
        events = follow(client, started.json()["events"])
        assert events[-1]["state"] == "done" and events[-1]["added"] == 2 and events[-1]["relations"] >= 2
        assert any(e["state"] == "running" for e in events) and events[-1]["done"] == events[-1]["total"] == 2
        assert client.get(started.json()["status"]).json() == events[-1]
        found = client.get("/api/actors", params={"q": "KLF"}).json()["actors"]
        assert found and found[0]["name"] == "Kivu Liberation Front"
        sources = {d["source"] for d in client.get("/api/documents").json()["documents"]}
        assert sources == {"Test Wire"}
        again = follow(client, upload(client, ("kivu.txt", ARMING.encode())).json()["events"])
        assert again[-1]["skipped"] == 1 and again[-1]["added"] == 0


def test_a_bad_file_fails_alone_and_names_itself(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        started = upload(client, ("empty.txt", b"   \n"), ("good.txt", ARMING.encode()))
        final = follow(client, started.json()["events"])[-1]
        assert final["state"] == "failed" and final["added"] == 1
        assert len(final["errors"]) == 1 and final["errors"][0].startswith("empty.txt: ")
        assert "actorgraph-upload" not in final["errors"][0]
        assert client.get("/api/stats").json()["documents"] == 1


def test_upload_refusals(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        wrong = upload(client, ("report.pdf", b"%PDF-1.7"))
        assert wrong.status_code == 415 and "report.pdf" in wrong.json()["detail"]
        assert upload(client).status_code == 422
        assert client.get("/api/jobs/nope").status_code == 404
        assert client.get("/api/jobs/nope/events").status_code == 404
        assert client.get("/api/stats").json()["documents"] == 0


@pytest.mark.serve_args("--max-upload-mb", "0.001")
def test_upload_size_limit(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        big = upload(client, ("big.txt", (ARMING * 100).encode()))
        assert big.status_code == 413 and "1000 bytes" in big.json()["detail"]
        assert upload(client, ("small.txt", ARMING.encode())).status_code == 202


@pytest.mark.serve_args("--token", "s3cret")
def test_token_protects_writes_not_reads(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert client.get("/api/health").json()["token_required"] is True
        missing = upload(client, ("kivu.txt", ARMING.encode()))
        assert missing.status_code == 401 and "token" in missing.json()["detail"]
        wrong = upload(client, ("kivu.txt", ARMING.encode()), headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        assert client.post("/api/merge", json={"keep": "a", "other": "b"}).status_code == 401
        right = upload(client, ("kivu.txt", ARMING.encode()), headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 202
        assert client.get("/api/documents").status_code == 200


@pytest.mark.serve_args("--host", "0.0.0.0")
def test_writes_are_off_when_listening_beyond_loopback_without_a_token(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert client.get("/api/health").json()["writes"] is False
        refused = upload(client, ("kivu.txt", ARMING.encode()))
        assert refused.status_code == 403 and "--token" in refused.json()["detail"]


def test_cross_site_writes_are_refused(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        forged = upload(client, ("kivu.txt", ARMING.encode()), headers={"Origin": "http://evil.example"})
        assert forged.status_code == 403 and "evil.example" in forged.json()["detail"]
        same = upload(client, ("kivu.txt", ARMING.encode()), headers={"Origin": server.url})
        assert same.status_code == 202


def test_merge_and_split_corrections(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        text = ARMING + "The Kivu Patriotic Front is hostile to the M23.\n"
        follow(client, upload(client, ("kivu.txt", text.encode())).json()["events"])
        merged = client.post("/api/merge", json={"keep": "Kivu Liberation Front", "other": "Kivu Patriotic Front"})
        assert merged.status_code == 200, merged.text
        link = merged.json()
        assert link["origin"] == "user" or "user" in link["reason"]
        assert any(m["actor_id"] == link["actor_id"] for m in client.get("/api/merges").json()["merges"])
        relations = client.get("/api/relations", params={"actor": "Kivu Liberation Front"}).json()["relations"]
        assert {r["predicate"] for r in relations} >= {"supports", "hostile_to"}
        assert client.post("/api/split", json={"actor": link["actor_id"]}).status_code == 200
        assert client.get("/api/merges").json()["merges"] == []
        again = client.post("/api/split", json={"actor": link["actor_id"]})
        assert again.status_code == 400 and again.json()["detail"]
        unknown = client.post("/api/merge", json={"keep": "Kivu Liberation Front", "other": "Atlantis"})
        assert unknown.status_code == 404 and "Atlantis" in unknown.json()["detail"]
        assert client.post("/api/merge", json={"keep": "Kivu Liberation Front"}).status_code == 422
        assert client.post("/api/split", content=b"not json", headers={"content-type": "application/json"}
                           ).status_code == 422


def test_server_and_commands_on_postgresql(pg_db_url, tmp_path):
    """`--db postgresql://...` for the CLI and the server alike: the same graph, the same answers."""
    from conftest import cli

    (tmp_path / "kivu.txt").write_text(ARMING + SPLIT)
    done = cli("ingest", str(tmp_path / "kivu.txt"), "--db", pg_db_url, cwd=tmp_path)
    assert done.returncode == 0 and "1 added" in done.stdout, done.stderr
    asked = cli("ask", "How is Rwanda linked to the M23?", "--db", pg_db_url, "--format", "json", cwd=tmp_path)
    assert asked.returncode == 0 and json.loads(asked.stdout)["paths"], asked.stderr
    exported = cli("export", "--db", pg_db_url, "--format", "json", "--output", str(tmp_path / "g.json"), cwd=tmp_path)
    assert exported.returncode == 0 and json.loads((tmp_path / "g.json").read_text())["edges"]
    running = LiveServer(pg_db_url, log_dir=tmp_path)
    try:
        with httpx.Client(base_url=running.url, timeout=120) as client:
            klf = client.get("/api/actors", params={"q": "KLF"}).json()["actors"][0]["id"]
            assert client.get("/api/graph", params={"actor": klf}).json()["edges"]
            events = follow(client, upload(client, ("more.txt", b"Uganda hosts the Kivu Liberation Front.\n")
                                           ).json()["events"])
            assert events[-1]["state"] == "done" and events[-1]["added"] == 1
            assert client.get("/api/stats").json()["documents"] == 2
    finally:
        running.stop()
