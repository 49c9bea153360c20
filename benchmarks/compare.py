"""Two versions of actorgraph side by side on the same questions: each runs in its own process
(its source tree first on the path, its own copy of the database, since a newer schema cannot
be opened by older code), and the questions go to one then the other, alternating, so both see
the same load on a shared machine. Reports p50/p95/max/mean of the CPU and wall time of each ask
(and of each graph view, with --pool), and whether every answer (`ask --format json`, and the
page's graph around an actor) is byte-identical.

    python -m benchmarks.compare --before /tmp/base/src:/tmp/graph-1m.sqlite \\
        --after src:/tmp/graph-1m-new.sqlite --synthetic 200 --out benchmarks/results/ask-1m.json
    python -m benchmarks.compare --before ... --after ... --pool 400    # a real graph: load.request_pool

A worker is this module with `--serve DB`: it reads one JSON request a line and answers with the
SHA-256 of the JSON, the CPU and wall milliseconds it took."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _serve(db: str) -> None:
    """Answer requests from stdin: ["ask", question] or ["graph", actor id]; the first is not timed
    apart, so the driver warms each worker with one request it leaves out."""
    from actorgraph.workspace import open as open_workspace

    with open_workspace(db, create=False) as ws:
        for line in sys.stdin:
            kind, arg = json.loads(line)
            cpu, wall = time.process_time(), time.perf_counter()
            result = ws.ask(arg) if kind == "ask" else ws.graph_view(arg)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            text = json.dumps(result, ensure_ascii=False, indent=2)
            sys.stdout.write(json.dumps({"sha": hashlib.sha256(text.encode()).hexdigest(), "cpu_ms": cpu * 1000,
                                         "wall_ms": wall * 1000}) + "\n")
            sys.stdout.flush()


class Worker:
    """One version's process: `src` first on PYTHONPATH (then this repository, for `benchmarks`)."""

    def __init__(self, src: str, db: str, hash_seed: str):
        env = {**os.environ, "PYTHONPATH": f"{src}:{HERE.parent}", "PYTHONHASHSEED": hash_seed}
        self.process = subprocess.Popen([sys.executable, "-m", "benchmarks.compare", "--serve", db], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, request: list) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(60)


def synthetic_requests(db: str, count: int, seed: int) -> list[list]:
    """The questions `latency.measure_ask` times: `count` random pairs of a synthetic graph."""
    from .latency import _pairs
    from actorgraph.graph.store import Store

    store = Store.open(db, create=False)
    actors = store.stats()["actors"]
    store.close()
    return [["ask", f"What is the relationship between {a} and {b}?"] for a, b in _pairs(actors, count, seed)]


def pool_requests(db: str, count: int, seed: int) -> list[list]:
    """The load benchmark's requests on a real graph: asks about connected pairs and graph views."""
    from .load import request_pool

    return [["ask", params["q"]] if path == "/api/ask" else ["graph", params["actor"]]
            for path, params in request_pool(Path(db), count, seed)]


def summary(times: list[float]) -> dict:
    """p50/p95/max as `latency.measure_ask` picks them, and the mean (what throughput follows)."""
    ordered = sorted(times)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {"p50": round(pick(0.5), 1), "p95": round(pick(0.95), 1), "max": round(ordered[-1], 1),
            "mean": round(sum(ordered) / len(ordered), 1)}


def timings(found: dict[str, list[dict]], chosen: list[int]) -> dict:
    """CPU and wall time summaries of the `chosen` requests, per version."""
    return {name: {clock: summary([rows[i][f"{clock}_ms"] for i in chosen]) for clock in ("cpu", "wall")}
            for name, rows in found.items()}


def compare(before: tuple[str, str], after: tuple[str, str], requests: list[list], hash_seeds=("0", "1")) -> dict:
    """Every request to both workers, alternating which goes first; the answers' hashes must agree."""
    workers = {"before": Worker(*before, hash_seeds[0]), "after": Worker(*after, hash_seeds[-1])}
    try:
        for worker in workers.values():
            worker(requests[-1])
        found = {name: [] for name in workers}
        for i, request in enumerate(requests):
            for name in (("before", "after") if i % 2 == 0 else ("after", "before")):
                found[name].append(workers[name](request))
    finally:
        for worker in workers.values():
            worker.close()
    differ = [requests[i] for i, (x, y) in enumerate(zip(found["before"], found["after"])) if x["sha"] != y["sha"]]
    digest = {name: hashlib.sha256("".join(r["sha"] for r in rows).encode()).hexdigest()
              for name, rows in found.items()}
    asks = [i for i, request in enumerate(requests) if request[0] == "ask"]
    graphs = [i for i, request in enumerate(requests) if request[0] == "graph"]
    return {"requests": len(requests), "asks": len(asks), "identical": not differ, "differ": differ[:20],
            "answers_sha256": digest, "hash_seeds": dict(zip(workers, hash_seeds[:1] + hash_seeds[-1:])),
            "ask_ms": timings(found, asks), **({"graph_ms": timings(found, graphs)} if graphs else {})}


def main() -> None:
    parser = argparse.ArgumentParser(description="Two versions of ask side by side: latency and identical answers.")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--before", help="SRC:DB of the version to compare against")
    parser.add_argument("--after", help="SRC:DB of the changed version")
    parser.add_argument("--synthetic", type=int, help="this many pairs of a synthetic graph (latency.py)")
    parser.add_argument("--pool", type=int, help="this many requests of load.request_pool on a real graph")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hash-seeds", nargs=2, default=("0", "1"), help="PYTHONHASHSEED of before and after")
    parser.add_argument("--out", type=Path, help="also write the result here as JSON")
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
        return
    before, after = tuple(args.before.rsplit(":", 1)), tuple(args.after.rsplit(":", 1))
    requests = (synthetic_requests(after[1], args.synthetic, args.seed) if args.synthetic
                else pool_requests(after[1], args.pool, args.seed))
    started = time.perf_counter()
    result = {"versions": {"before": args.before, "after": args.after}, "load_before": os.getloadavg(),
              **compare(before, after, requests, tuple(args.hash_seeds))}
    result |= {"load_after": os.getloadavg(), "seconds": round(time.perf_counter() - started, 1)}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    sys.exit(0 if result["identical"] else 1)


if __name__ == "__main__":
    main()
