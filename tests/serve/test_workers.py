"""`serve --workers N`: several server processes over one database. Reads are answered by any of
them, an upload posted to one can be followed to its end through any other, and a write made
through one is seen by the next read of another (see `serve/jobs.py`)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from conftest import LiveServer, free_port

from actorgraph.serve.app import create_app
from actorgraph.serve.jobs import Jobs
from actorgraph.workspace import open as open_workspace

SEED = "What is the relationship between the RSF and the United Arab Emirates?"
ARMING = "Rwanda armed the Kivu Liberation Front in 2021, according to UN experts.\n"
HOSTILE = "The Kivu Patriotic Front is hostile to the M23.\n"
SPLIT = "The Kivu Liberation Front (KLF) split from the M23 in 2019.\n"


def workers_of(pid: int) -> list[int]:
    """The uvicorn worker processes under the server (Linux /proc), not multiprocessing's tracker."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if not children.exists():
        pytest.skip("needs Linux /proc to count the server's processes")
    return [int(child) for child in children.read_text().split()
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def fresh(url: str, path: str, **params) -> httpx.Response:
    """One request on its own connection, so consecutive requests may reach different workers."""
    return httpx.get(url + path, params=params, timeout=60, headers={"Connection": "close"})


def test_two_workers_answer_reads_and_an_upload_is_followed_to_its_end(demo_db, tmp_path):
    db = tmp_path / "graph.sqlite"
    shutil.copy(demo_db, db)
    server = LiveServer(db, "--workers", "2")
    try:
        deadline = time.monotonic() + 60
        while len(workers_of(server.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers_of(server.process.pid)) == 2
        rsf = fresh(server.url, "/api/actors", q="RSF").json()["actors"][0]["id"]
        reads = [("/api/ask", {"q": SEED}), ("/api/graph", {"actor": rsf})] * 12
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda read: fresh(server.url, read[0], **read[1]), reads))
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200]
        assert len({a.text for a in answers[0::2]}) == 1 and len({a.text for a in answers[1::2]}) == 1
        documents = fresh(server.url, "/api/stats").json()["documents"]

        files = [("files", ("kivu.txt", (ARMING + HOSTILE).encode())), ("files", ("split.md", SPLIT.encode()))]
        started = httpx.post(server.url + "/api/documents", files=files, timeout=60)
        assert started.status_code == 202, started.text
        polled, deadline = [], time.monotonic() + 300
        while time.monotonic() < deadline:
            status = fresh(server.url, started.json()["status"])
            assert status.status_code == 200, status.text
            polled.append(status.json())
            if polled[-1]["state"] in {"done", "failed"}:
                break
            time.sleep(0.2)
        order = ["queued", "running", "done"]
        assert [order.index(p["state"]) for p in polled] == sorted(order.index(p["state"]) for p in polled)
        assert [p["done"] for p in polled] == sorted(p["done"] for p in polled)
        final = polled[-1]
        assert final["state"] == "done" and final["added"] == 2 and final["done"] == final["total"] == 2, final
        with httpx.stream("GET", server.url + started.json()["events"], timeout=60) as stream:
            events = [json.loads(line[6:]) for line in stream.iter_lines() if line.startswith("data: ")]
        assert events == [final]
        for _ in range(6):
            assert fresh(server.url, "/api/stats").json()["documents"] == documents + 2
            assert fresh(server.url, "/api/actors", q="KLF").json()["actors"][0]["name"] == "Kivu Liberation Front"
        assert fresh(server.url, "/api/jobs/0123456789ab").status_code == 404
    finally:
        server.stop()


@contextmanager
def worker(db: str, shared: Path) -> Iterator[httpx.Client]:
    """One worker's app served on its own port in a thread: the test chooses which worker answers."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db, shared=shared), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(60)


def follow(client: httpx.Client, job: dict) -> dict:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = client.get(job["status"]).json()
        if state["state"] in {"done", "failed"}:
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job['job']} did not end")


def test_a_job_and_a_merge_made_through_one_worker_are_seen_by_another(tmp_path):
    """Two apps over one database and one shared folder, as two worker processes have, each on its
    own port: which worker answers is chosen here, not by the kernel."""
    shared, db = tmp_path / "shared", str(tmp_path / "graph.sqlite")
    shared.mkdir()
    with worker(db, shared) as one, worker(db, shared) as two:
        job = one.post("/api/documents", files=[("files", ("kivu.txt", (ARMING + HOSTILE).encode()))]).json()
        final = follow(two, job)
        assert final["state"] == "done" and final["added"] == 1
        events = two.get(job["events"]).text.strip().split("\n\n")
        assert json.loads(events[-1].removeprefix("data: ")) == final == one.get(job["status"]).json()
        before = two.get("/api/relations", params={"actor": "Kivu Liberation Front"}).json()["relations"]
        assert {r["predicate"] for r in before} == {"supports"}
        merged = one.post("/api/merge", json={"keep": "Kivu Liberation Front", "other": "Kivu Patriotic Front"})
        assert merged.status_code == 200, merged.text
        after = two.get("/api/relations", params={"actor": "Kivu Liberation Front"}).json()["relations"]
        assert {r["predicate"] for r in after} >= {"supports", "hostile_to"}
        second = follow(one, two.post("/api/documents", files=[("files", ("split.md", SPLIT.encode()))]).json())
        assert second["state"] == "done" and second["added"] == 1
        assert one.get("/api/stats").json()["documents"] == two.get("/api/stats").json()["documents"] == 2
        for wrong in ("0123456789ab", "..", "x" * 12):
            assert two.get(f"/api/jobs/{wrong}").status_code == 404


def test_a_job_whose_worker_died_reads_as_failed(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with open_workspace(str(tmp_path / "graph.sqlite")) as workspace:
        jobs = Jobs(workspace, shared)
        state = {"id": "0123456789ab", "state": "running", "total": 3, "done": 1, "current": "a", "added": 0,
                 "skipped": 0, "relations": 0, "errors": []}
        (shared / "jobs" / "0123456789ab.json").write_text(json.dumps({"version": 4, "pid": gone.pid, "job": state}))
        version, seen = jobs.snapshot("0123456789ab")
        jobs.pool.shutdown()
    assert version == 5 and seen["state"] == "failed" and "stopped" in seen["errors"][-1]


def test_a_port_in_use_is_one_clear_error(demo_db):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        done = subprocess.run([sys.executable, "-m", "actorgraph", "serve", "--db", str(demo_db), "--workers", "2",
                               "--port", str(port)], capture_output=True, text=True, timeout=120)
    finally:
        taken.close()
    assert done.returncode == 1
    assert f"error: cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
    assert "Traceback" not in done.stderr
