"""cache.py: a repeated read is answered from memory, and the first read after any commit to the
database (by this server, another worker or another program) is computed afresh."""
from __future__ import annotations

import sqlite3

import httpx
import pytest
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from actorgraph.graph.store import Store
from actorgraph.serve.api import as_json
from actorgraph.serve.cache import Answers
from actorgraph.workspace import open as open_workspace
from tests.conftest import LiveServer

QUESTION = "What is the relationship between the RSF and the United Arab Emirates?"


def _counter(calls: list):
    def compute():
        calls.append(1)
        return {"answer": len(calls)}
    return compute


def test_a_repeat_is_kept_until_another_connection_commits(tmp_path):
    path = tmp_path / "db.sqlite"
    writer = sqlite3.connect(path)
    writer.execute("CREATE TABLE t (x)")
    writer.commit()
    answers, calls = Answers(str(path)), []
    assert answers.get("ask", ("a",), _counter(calls)) == ({"answer": 1}, False)
    assert answers.get("ask", ("a",), _counter(calls)) == ({"answer": 1}, True)
    assert answers.get("ask", ("b",), _counter(calls)) == ({"answer": 2}, False)
    writer.execute("INSERT INTO t VALUES (1)")
    writer.commit()
    assert answers.get("ask", ("a",), _counter(calls)) == ({"answer": 3}, False)
    assert answers.stats() == {"size": 256, "kept": 1, "hits": 1, "misses": 3}
    answers.close()


def test_failures_are_not_kept_and_the_least_recent_answer_goes_first(tmp_path):
    path = tmp_path / "db.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)")
    answers, calls = Answers(str(path), size=2), []

    def refuse():
        raise ValueError("not understood")

    for _ in range(2):
        with pytest.raises(ValueError):
            answers.get("ask", ("?",), refuse)
    answers.get("ask", ("a",), _counter(calls))
    answers.get("ask", ("b",), _counter(calls))
    answers.get("ask", ("a",), _counter(calls))
    answers.get("ask", ("c",), _counter(calls))
    assert answers.get("ask", ("a",), _counter(calls))[1] is True
    assert answers.get("ask", ("b",), _counter(calls))[1] is False


@pytest.mark.parametrize("path, size", [(None, 256), (":memory:", 256), ("db.sqlite", 0)])
def test_nothing_is_kept_without_a_change_counter_or_room(tmp_path, path, size):
    answers, calls = Answers(str(tmp_path / path) if path == "db.sqlite" else path, size), []
    answers.get("ask", ("a",), _counter(calls))
    assert answers.get("ask", ("a",), _counter(calls)) == ({"answer": 2}, False)


@pytest.fixture()
def served(demo_db, tmp_path):
    db = tmp_path / "served.sqlite"
    db.write_bytes(demo_db.read_bytes())
    server = LiveServer(db)
    yield server, db
    server.stop()


def test_the_server_answers_a_repeat_from_memory_until_the_graph_changes(served):
    server, db = served
    with httpx.Client(base_url=server.url, timeout=60) as api:
        first = api.get("/api/ask", params={"q": QUESTION})
        again = api.get("/api/ask", params={"q": QUESTION})
        assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("miss", "hit")
        assert first.json() == again.json()
        graph = api.get("/api/graph").json()
        assert api.get("/api/graph").headers["X-Cache"] == "hit"

        store = Store.open(str(db))  # another program's write, on a connection of its own
        center = graph["center"]
        other = next(n["id"] for n in graph["nodes"] if n["id"] != center)
        store.merge(center, other)
        store.close()
        after = api.get("/api/graph")
        assert after.headers["X-Cache"] == "miss"
        assert other not in {n["id"] for n in after.json()["nodes"]}
        assert api.get("/api/health").json()["cache"]["hits"] == 2


def test_serve_cache_0_keeps_nothing(demo_db):
    server = LiveServer(demo_db, "--cache", "0")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as api:
            assert [api.get("/api/stats").headers["X-Cache"] for _ in range(2)] == ["miss", "miss"]
    finally:
        server.stop()


def test_a_kept_answer_is_the_body_fastapi_would_send(served):
    server, db = served
    with httpx.Client(base_url=server.url, timeout=60) as api:
        bodies = [api.get("/api/ask", params={"q": QUESTION}) for _ in range(2)]
        graphs = [api.get("/api/graph") for _ in range(2)]
    assert [r.headers["X-Cache"] for r in bodies + graphs] == ["miss", "hit", "miss", "hit"]
    assert all(r.headers["content-type"] == "application/json" for r in bodies + graphs)
    with open_workspace(str(db), create=False) as ws:
        expected = JSONResponse(jsonable_encoder(ws.ask(QUESTION))).body
        graph = JSONResponse(jsonable_encoder(ws.graph_view())).body
    assert bodies[0].content == bodies[1].content == expected
    assert graphs[0].content == graphs[1].content == graph
    assert "é" in as_json({"name": "Sécurité"}).decode() and as_json([1.5, None]) == b"[1.5,null]"


def test_a_body_is_what_fastapis_encoder_gives_for_values_json_has_no_form_of():
    from dataclasses import dataclass
    from datetime import date

    @dataclass
    class Kept:
        name: str
        day: date

    value = {"pair": ("Taliban", "TTP"), "kept": Kept("Sécurité", date(2025, 1, 28)), 7: [{"n": 1.5}],
             "days": [date(2024, 12, 31)]}
    assert as_json(value) == JSONResponse(jsonable_encoder(value)).body
