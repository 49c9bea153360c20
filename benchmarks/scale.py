"""Scale: a 100,000-document ingest as users run it (`actorgraph ingest --jobs N`, in a fresh
process), with docs/s, peak memory, database size and `ask` latency on the graph it built; then
`ask` on synthetic graphs of 1M and 10M relations (build time, p50/p95/max).

    python -m benchmarks.scale                     # 100k documents + 1M and 10M relations, ~1 h on 2 cores
    python -m benchmarks.scale --docs 2000 --relations 100000   # a smoke run, ~2 min
    python -m benchmarks.scale --docs 0 --relations 10000000 --name scale-10m   # the 10M graph alone
    python -m benchmarks.scale --relations --name scale-100k                    # the 100k ingest alone
    python -m benchmarks.scale --graph G.sqlite --relations --name scale-100k-ask  # `ask` on a graph already built

Writes benchmarks/results/scale.{json,md}. `python -m benchmarks.run --full` runs it too.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import actorgraph
from actorgraph.answer.answer import ask
from actorgraph.answer.ready import settle
from actorgraph.graph.store import Store
from actorgraph.processes import default_jobs

from . import latency
from .corpus import write_corpus
from .report import machine

HERE = Path(__file__).parent
ASK_PAIRS = 200


def _quantiles(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {"asked": len(ordered), "p50_ms": pick(0.5), "p95_ms": pick(0.95), "max_ms": ordered[-1]}


def _size_mb(db: Path) -> float:
    """A SQLite database's size with its WAL and shared-memory files."""
    return sum(p.stat().st_size for p in db.parent.glob(f"{db.name}*")) / 2**20


def ask_real_graph(db: Path, pairs: int = ASK_PAIRS, seed: int = 0) -> dict:
    """`ask` latency over random pairs of the 500 best-connected actors of an ingested graph, in a
    process settled as a `serve` worker is (and as `latency.measure_ask` measures the synthetic graphs)."""
    store = Store.open(str(db))
    settle()
    names = [a["name"] for a in store.actors()[:500]]
    rng = random.Random(seed)
    latencies, cpu = [], []
    for _ in range(pairs):
        a, b = rng.sample(names, 2)
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            ask(store, a, other=b)
        except ValueError:  # two names for one actor, or a name another actor claims first
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    store.close()
    return _quantiles(latencies) | {f"cpu_{key}": value for key, value in _quantiles(cpu).items() if key != "asked"}


def ingest_run(docs: int, jobs: int, seed: int, data: Path, work: Path) -> dict:
    """`actorgraph ingest --jobs` on a synthetic corpus, as a user runs it; peak RSS of the writer
    and of the largest worker (getrusage of the command and its children)."""
    corpus = write_corpus(docs, data, seed)
    db = work / f"ingest-{docs}.sqlite"
    command = [sys.executable, "-c", "from actorgraph.cli import main; main()", "ingest", str(corpus),
               "--jobs", str(jobs), "--db", str(db)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "COLUMNS": "120"})
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"ingest failed: {done.stderr[-2000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size_mb = _size_mb(db)
    store = Store.open(str(db))
    stats = store.stats()
    store.close()
    return {"docs": stats["documents"], "relations": stats["relations"], "actors": stats["actors"], "jobs": jobs,
            "seconds": seconds, "docs_per_second": stats["documents"] / seconds, "peak_rss_mb": peak_mb,
            "db_mb": size_mb, "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
            "summary": done.stdout.strip().splitlines()[-1], "ask": ask_real_graph(db)}


def graph_run(db: Path) -> dict:
    """`ask` on a graph already ingested (kept with `actorgraph ingest --db`), so that changes to
    answering can be measured on the same 100k-document graph without ingesting it again."""
    store = Store.open(str(db))
    stats = store.stats()
    store.close()
    return {"path": str(db), "code": str(Path(actorgraph.__file__).parent), "docs": stats["documents"],
            "relations": stats["relations"], "actors": stats["actors"], "db_mb": _size_mb(db), "ask": ask_real_graph(db)}


def synthetic(relations: int, seed: int, work: Path) -> dict:
    db = work / f"graph-{relations}.sqlite"
    graph = latency.build_graph(db, relations, seed)
    graph |= latency.measure_ask(db, graph["actors"], ASK_PAIRS, 300.0, seed)
    for path in work.glob(f"{db.name}*"):
        path.unlink()
    return graph


def markdown(result: dict) -> str:
    m, i = result["machine"], result["ingest"]
    lines = ["# Scale", "", f"{m['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
             f"spaCy {m['spacy']}, SQLite {m['sqlite']}, git {m['git']}. Generated by `python -m benchmarks.scale "
             f"{result.get('arguments', '')}`.".replace(" `.", "`."), ""]
    if i is not None:
        lines += _ingest_lines(i)
    if result.get("graph"):
        g = result["graph"]
        lines += [f"## `ask` on a graph already built ({g['docs']:,} documents)", "",
                  "| relations | actors | DB MiB | asked | p50 ms | p95 ms | max ms | CPU p50 / p95 ms |",
                  "|---|---|---|---|---|---|---|---|",
                  f"| {g['relations']:,} | {g['actors']:,} | {g['db_mb']:.0f} | {g['ask']['asked']} | "
                  f"{g['ask']['p50_ms']:.0f} | {g['ask']['p95_ms']:.0f} | {g['ask']['max_ms']:.0f} | "
                  f"{g['ask']['cpu_p50_ms']:.0f} / {g['ask']['cpu_p95_ms']:.0f} |", "",
                  f"Random pairs of the 500 best-connected actors, as for an ingest run; actorgraph imported from "
                  f"`{g['code']}`.", ""]
    if result["synthetic"]:
        lines += ["## `ask` on synthetic graphs", "",
                  "| relations | actors | build s | DB MiB | asked | p50 ms | p95 ms | max ms |",
                  "|---|---|---|---|---|---|---|---|"]
    for g in result["synthetic"]:
        lines.append(f"| {g['relations']:,} | {g['actors']:,} | {g['build_seconds']:.0f} | {g['db_mb']:.0f} | "
                     f"{g['asked']}/{g['planned']} | {g['p50_ms']:.0f} | {g['p95_ms']:.0f} | {g['max_ms']:.0f} |")
    lines += ["", "Goal: p95 < 100 ms at 1M relations.", f"Total wall time {result['wall_seconds']:.0f} s.", ""]
    return "\n".join(lines)


def _ingest_lines(i: dict) -> list[str]:
    return [f"## Ingest of {i['docs']:,} documents (`actorgraph ingest --jobs {i['jobs']}`)", "",
             "| documents | seconds | docs/s | relations | actors | peak RSS MiB | DB MiB | ask p50 ms | ask p95 ms "
             "| ask max ms | load avg before/after |", "|---|---|---|---|---|---|---|---|---|---|---|",
             f"| {i['docs']:,} | {i['seconds']:.0f} | {i['docs_per_second']:.1f} | {i['relations']:,} | {i['actors']:,} "
             f"| {i['peak_rss_mb']:.0f} | {i['db_mb']:.0f} | {i['ask']['p50_ms']:.0f} | {i['ask']['p95_ms']:.0f} "
             f"| {i['ask']['max_ms']:.0f} | {i['load_average_before']:.1f}/{i['load_average_after']:.1f} |", "",
             "Peak RSS is the largest of the command's processes (the writer or a worker); goal < 2 GB. `ask` "
             "on random pairs of the 500 best-connected actors of the graph it built.", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description="100k-document ingest and asks on 1M and 10M relations.")
    parser.add_argument("--docs", type=int, default=100_000, help="0: no ingest, the synthetic graphs alone")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--relations", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--graph", type=Path, help="ask on this ingested graph instead of ingesting (with --docs ignored)")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--name", default="scale", help="results are written to NAME.json and NAME.md")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="actorgraph-scale-") as tmp:
        work = Path(tmp)
        result = {"machine": machine(), "arguments": " ".join(sys.argv[1:]), "ingest": None}
        if args.graph is not None:
            print(f"asking on {args.graph}", flush=True)
            result["graph"] = graph_run(args.graph)
        elif args.docs:
            print(f"ingesting {args.docs:,} documents with --jobs {args.jobs}", flush=True)
            result["ingest"] = ingest_run(args.docs, args.jobs, args.seed, args.data, work)
        result["synthetic"] = []
        for relations in args.relations:
            print(f"building and asking a graph of {relations:,} relations", flush=True)
            result["synthetic"].append(synthetic(relations, args.seed, work))
    result["wall_seconds"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    (args.out / f"{args.name}.md").write_text(markdown(result), "utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
