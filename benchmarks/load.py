"""Load on the workbench: requests/s and latency of `/api/ask` and `/api/graph` under 1, 8 and 32
concurrent clients, with `serve --workers 1` and `--workers 2` side by side, then the same reads
while uploads are ingested (every upload job must end `done`: no request lost).

    python -m benchmarks.load                     # 10k-document graph: built once (~5 min), then ~5 min
    python -m benchmarks.load --quick             # ~1 min smoke run on 300 documents -> results/quick-load.*
    python -m benchmarks.load --documents 2000 --workers 1 2 4 --name load-2000

Loopback only and bounded: each cell stops after --requests requests or --seconds seconds. The graph
is ingested once from the synthetic corpus (`corpus.py`) and cached as benchmarks/data/graph-N-sS.sqlite
(git-ignored); every server runs on a fresh copy of it, so uploads never change the cache and each
worker count sees the same graph. Clients are asyncio tasks, one HTTP connection each (as browsers
keep theirs), in this process, on the same cores as the server: compare runs on one machine.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import httpx

from .corpus import generate, write_corpus
from .load_report import goals, markdown

HERE = Path(__file__).parent
REQUEST_TIMEOUT = 60.0
UPLOAD_TIMEOUT = 300.0
TEXTS_PER_UPLOAD = 3
WARM_PASSES = 8  # at most, for the cell with answers kept
WARM_ENOUGH = 0.99  # share of a warm-up pass answered from memory that ends the warm-up
Log = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    documents: int
    workers: tuple[int, ...]
    clients: tuple[int, ...]
    upload_clients: int
    requests: int
    seconds: float
    pool: int


def build_graph(documents: int, seed: int, data: Path, log: Log) -> Path:
    """The graph of `documents` synthetic documents, ingested once (on every core) and cached in `data`."""
    from actorgraph.processes import default_jobs
    from actorgraph.workspace import open as open_workspace

    path = data / f"graph-{documents}-s{seed}.sqlite"
    if path.exists():
        log(f"graph: reusing {path}")
        return path
    corpus = write_corpus(documents, data, seed)
    partial = path.with_name(path.name + ".part")
    for stale in data.glob(partial.name + "*"):
        stale.unlink()
    started, stored = time.perf_counter(), [0]

    def progress(_: str) -> None:
        stored[0] += 1
        if stored[0] % max(1, documents // 10) == 0:
            log(f"graph: {stored[0]:,}/{documents:,} documents, {time.perf_counter() - started:.0f} s")

    with open_workspace(str(partial)) as workspace:
        report = workspace.ingest([str(corpus)], on_progress=progress, jobs=default_jobs())
    if not report.ok:
        raise RuntimeError(f"building the graph failed: {report.errors[:3]}")
    partial.rename(path)
    log(f"graph: {report.added:,} documents in {time.perf_counter() - started:.0f} s -> {path}")
    return path


def request_pool(db: Path, size: int, seed: int) -> list[tuple[str, dict]]:
    """Questions about random pairs of connected actors and graphs around random actors, half each."""
    from actorgraph.workspace import open as open_workspace

    with open_workspace(str(db), create=False) as ws:
        actors = [a for a in ws.actors(frame=False) if a["relations"] and " and " not in a["name"].lower()]
    rng = random.Random(seed)
    asks = [("/api/ask", {"q": f"What is the relationship between {a['name']} and {b['name']}?"})
            for a, b in (rng.sample(actors, 2) for _ in range(size // 2))]
    graphs = [("/api/graph", {"actor": rng.choice(actors)["id"]}) for _ in range(size - size // 2)]
    return [request for pair in zip(asks, graphs) for request in pair]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(db: Path, workers: int, log_file: Path, cache: int = 0) -> Iterator[str]:
    """`actorgraph serve --workers N --cache C` on a free loopback port, stopped (SIGTERM) at the end."""
    port = _free_port()
    command = [sys.executable, "-m", "actorgraph", "serve", "--db", str(db), "--port", str(port),
               "--workers", str(workers), "--cache", str(cache)]
    with open(log_file, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"actorgraph serve did not start: {log_file.read_text()}")
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()


def _pick(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def _summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {"p50_ms": _pick(ordered, 0.5), "p95_ms": _pick(ordered, 0.95), "max_ms": ordered[-1] if ordered else 0.0,
            "mean_ms": statistics.fmean(ordered) if ordered else 0.0}


def _random(pool: list[tuple[str, dict]], seed: int) -> Callable[[], tuple[str, dict]]:
    rng = random.Random(seed)
    return lambda: rng.choice(pool)


async def _reads(url: str, choose: Callable[[], tuple[str, dict]], clients: int, requests: int, seconds: float,
                 stop: asyncio.Event | None = None, reconnect: bool = False) -> dict:
    """`clients` clients, each on its own connection (a new one for every request with `reconnect`),
    sending the requests `choose` gives back to back until `requests` are sent or `seconds` pass."""
    left, deadline = [requests], time.perf_counter() + seconds
    timings: dict[str, list[float]] = {"/api/ask": [], "/api/graph": []}
    failures: list[str] = []
    hits = [0]

    async def client(http: httpx.AsyncClient) -> None:
        while left[0] > 0 and time.perf_counter() < deadline:
            left[0] -= 1
            path, params = choose()
            sent = time.perf_counter()
            try:
                response = await http.get(path, params=params)
                if response.status_code != 200:
                    failures.append(f"{path} {response.status_code}: {response.text[:120]}")
                    continue
            except httpx.HTTPError as exc:
                failures.append(f"{path}: {type(exc).__name__} {exc}")
                continue
            timings[path].append((time.perf_counter() - sent) * 1000)
            hits[0] += response.headers.get("X-Cache") == "hit"

    headers = {"Connection": "close"} if reconnect else {}
    https = [httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, headers=headers) for _ in range(clients)]
    load_before, started, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    await asyncio.gather(*(client(http) for http in https))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if stop is not None:
        stop.set()
    spread = _spread(url)
    for http in https:
        await http.aclose()
    answered = timings["/api/ask"] + timings["/api/graph"]
    return {"clients": clients, "requests": len(answered) + len(failures), "answered": len(answered),
            "errors": len(failures), "error_examples": failures[:5], "seconds": wall,
            "requests_per_second": len(answered) / wall, "kept_share": hits[0] / max(1, len(answered)),
            **_summary(answered),
            "ask": _summary(timings["/api/ask"]), "graph": _summary(timings["/api/graph"]),
            "load_average_before": load_before, "load_average_after": os.getloadavg()[0], "spread": spread,
            "client_core_share": cpu / wall}


def _spread(url: str) -> list[int] | None:
    """Open connections per server process, most first (Linux `ss`): a worker accepts every
    connection waiting when it wakes, so a burst of clients may all land on one worker."""
    if shutil.which("ss") is None:
        return None
    port = url.rsplit(":", 1)[1]
    lines = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True,
                           text=True).stdout.splitlines()
    owners = [line.split("pid=")[1].split(",")[0] for line in lines if "pid=" in line]
    return sorted((owners.count(pid) for pid in set(owners)), reverse=True)


async def _uploads(url: str, texts: Iterator[dict], stop: asyncio.Event) -> dict:
    """Post uploads of a few new texts one after another while the reads run, following each job to
    its end (the last one after the reads stop); every job must end `done` with every text added.
    Each request has its own connection, so the job is followed through whichever worker answers."""
    jobs: list[dict] = []
    posted = 0
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, headers={"Connection": "close"}) as http:
        while not stop.is_set():
            batch = list(islice(texts, TEXTS_PER_UPLOAD))
            files = [("files", (f"{doc['id']}.txt", doc["text"].encode())) for doc in batch]
            started = time.perf_counter()
            response = await http.post("/api/documents", files=files)
            posted += len(batch)
            if response.status_code != 202:
                jobs.append({"state": f"refused {response.status_code}", "added": 0})
                continue
            deadline, state = started + UPLOAD_TIMEOUT, {"state": "lost"}
            while time.perf_counter() < deadline:
                polled = await http.get(response.json()["status"])
                state = polled.json() if polled.status_code == 200 else {"state": f"unseen ({polled.status_code})"}
                if state["state"] not in {"queued", "running"}:
                    break
                await asyncio.sleep(0.25)
            jobs.append(state | {"seconds": time.perf_counter() - started})
    done = [j for j in jobs if j["state"] == "done"]
    return {"uploads": len(jobs), "texts": posted, "done": len(done), "added": sum(j.get("added", 0) for j in jobs),
            "not_done": [j for j in jobs if j["state"] != "done"][:5],
            "max_job_seconds": max((j.get("seconds", 0.0) for j in jobs), default=0.0)}


async def _with_uploads(url: str, pool: list, plan: Plan, seed: int, texts: Iterator[dict]) -> dict:
    stop = asyncio.Event()
    uploading = asyncio.create_task(_uploads(url, texts, stop))
    await asyncio.sleep(0.5)  # the first upload is being ingested when the reads start
    reads = await _reads(url, _random(pool, seed), plan.upload_clients, plan.requests, plan.seconds, stop)
    return reads | {"uploading": await uploading}


def run_workers(graph: Path, workers: int, plan: Plan, seed: int, work: Path, log: Log) -> list[dict]:
    """Every cell for one worker count, on a fresh copy of the graph, each request computed afresh
    (`--cache 0`): what a request costs, not how often it repeats."""
    db = work / f"workers-{workers}.sqlite"
    shutil.copy(graph, db)
    pool = request_pool(db, plan.pool, seed)
    rows = []
    with serving(db, workers, work / f"serve-{workers}.log") as url:
        # each request once, on new connections so that every worker warms up
        warm = asyncio.run(_reads(url, iter(pool).__next__, 2 * workers, len(pool), 120, reconnect=True))
        if warm["errors"]:
            raise RuntimeError(f"the warm-up failed: {warm['error_examples']}")
        log(f"workers {workers}: warm-up of {len(pool)} distinct requests, {warm['requests_per_second']:.0f} req/s")
        for clients in plan.clients:
            row = asyncio.run(_reads(url, _random(pool, seed + clients), clients, plan.requests, plan.seconds))
            rows.append(row | {"workers": workers, "uploads": False, "kept": False})
            log(f"workers {workers}, {clients} clients: {row['requests_per_second']:.1f} req/s, "
                f"p95 {row['p95_ms']:.0f} ms, {row['errors']} errors")
        before = httpx.get(url + "/api/stats", timeout=REQUEST_TIMEOUT).json()["documents"]
        texts = generate(10**6, seed + 1)  # not in the graph; the same texts for every worker count
        row = asyncio.run(_with_uploads(url, pool, plan, seed + 1000, texts))
        after = httpx.get(url + "/api/stats", timeout=REQUEST_TIMEOUT).json()["documents"]
        row["uploading"]["stored"] = after - before
        rows.append(row | {"workers": workers, "uploads": True, "kept": False})
        up = row["uploading"]
        log(f"workers {workers}, {plan.upload_clients} clients + uploads: {row['requests_per_second']:.1f} req/s, "
            f"p95 {row['p95_ms']:.0f} ms, {row['errors']} errors; uploads {up['done']}/{up['uploads']} done, "
            f"{up['stored']}/{up['texts']} texts stored")
    return rows


def run_kept(graph: Path, workers: int, plan: Plan, seed: int, work: Path, log: Log) -> list[dict]:
    """The busiest cell again with answers kept (`serve --cache`), after the pool was asked on new
    connections until a whole pass was answered from memory (a connection lands on whichever worker
    accepts it, so one pass per worker leaves a quarter of the pool unknown to a worker): a team
    asking what was asked before, until the next write. The cell reports the share it was answered
    from memory."""
    db = work / f"kept-{workers}.sqlite"
    shutil.copy(graph, db)
    pool = request_pool(db, plan.pool, seed)
    clients = max(plan.clients)
    with serving(db, workers, work / f"kept-{workers}.log", cache=2 * plan.pool) as url:
        for passes in range(1, WARM_PASSES + 1):
            warm = asyncio.run(_reads(url, iter(pool).__next__, 2 * workers, len(pool), 600, reconnect=True))
            if warm["kept_share"] >= WARM_ENOUGH:
                break
        row = asyncio.run(_reads(url, _random(pool, seed + clients), clients, plan.requests, plan.seconds))
    log(f"workers {workers}, {clients} clients, answers kept ({passes} warm-up passes): "
        f"{row['requests_per_second']:.1f} req/s, p95 {row['p95_ms']:.0f} ms, {row['kept_share']:.0%} from memory, "
        f"{row['errors']} errors")
    row["warm_passes"] = passes
    return [row | {"workers": workers, "uploads": False, "kept": True}]


def run(plan: Plan, seed: int, data: Path, log: Log) -> dict:
    started = time.perf_counter()
    graph = build_graph(plan.documents, seed, data, log)
    work = Path(tempfile.mkdtemp(prefix="actorgraph-load-"))
    try:
        rows = [row for workers in plan.workers for row in run_workers(graph, workers, plan, seed, work, log)]
        rows += run_kept(graph, max(plan.workers), plan, seed, work, log)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"documents": plan.documents, "graph": graph.name, "seed": seed, "workers": list(plan.workers),
            "clients": list(plan.clients), "requests": plan.requests, "seconds": plan.seconds, "pool": plan.pool,
            "rows": rows, "wall_seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description="Requests/s and latency of the workbench by worker count.")
    parser.add_argument("--quick", action="store_true", help="~1 minute smoke run (300 documents, few requests)")
    parser.add_argument("--documents", type=int, default=10_000, help="graph size (ingested once, then cached)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--upload-clients", type=int, default=8, help="clients reading while uploads run")
    parser.add_argument("--requests", type=int, default=400, help="at most this many requests per cell")
    parser.add_argument("--seconds", type=float, default=30.0, help="at most this long per cell")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where corpora and graphs are cached")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--name", help="results file name without extension (default: load, or quick-load)")
    args = parser.parse_args()
    if args.quick:
        plan = Plan(300, tuple(args.workers), tuple(args.clients), args.upload_clients, 100, 4.0, 24)
    else:
        plan = Plan(args.documents, tuple(args.workers), tuple(args.clients), args.upload_clients, args.requests,
                    args.seconds, 200)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    from .report import machine

    results = run(plan, args.seed, args.data, log)
    results["machine"] = machine()
    results["goals"] = goals(results)
    name = args.name or ("quick-load" if args.quick else "load")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{name}.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
