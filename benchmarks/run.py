"""Run every benchmark with one command and write benchmarks/results/.

    python -m benchmarks.run            # ~13 min on 2 cores: 1k-doc throughput, 1k/10k scaling, 10k-1M asks
    python -m benchmarks.run --quick    # ~1 min smoke run (results/quick.*; latest.* is left alone)
    python -m benchmarks.run --full     # then benchmarks.scale (100k documents with --jobs, 1M and 10M relations)
                                        # and benchmarks.load (the workbench under load), ~2 h

Stages run one after another, never in parallel, so no benchmark competes with another for a core.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from . import ingest, latency, report
from .corpus import write_corpus

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Plan:
    name: str
    throughput_docs: int
    scaling_docs: tuple[int, ...]
    graph_relations: tuple[int, ...]
    pairs: int
    ask_budget: float


PLANS = {
    "quick": Plan("quick", 100, (100, 300), (10_000,), 50, 15.0),
    "default": Plan("default", 1_000, (1_000, 10_000), (10_000, 100_000, 1_000_000), 200, 45.0),
    "full": Plan("full", 1_000, (1_000, 10_000), (10_000, 100_000, 1_000_000), 200, 45.0),
}


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("eta"), TimeRemainingColumn(), console=console)


def _step(progress: Progress, description: str, total: int):
    task = progress.add_task(description, total=total)
    return lambda n: progress.advance(task, n)


def run(plan: Plan, seed: int, data: Path, out: Path, console: Console, rounds: int = ingest.ROUNDS) -> dict:
    started = time.perf_counter()
    prefix = "quick" if plan.name == "quick" else "latest"
    profile_prefix = "quick-" if plan.name == "quick" else ""
    results: dict = {"mode": plan.name, "seed": seed, "machine": report.machine()}
    work = Path(tempfile.mkdtemp(prefix="actorgraph-bench-"))
    try:
        with _progress(console) as progress:
            sizes = sorted({plan.throughput_docs, *plan.scaling_docs})
            advance = _step(progress, "generate corpora", len(sizes))
            corpora = {}
            for size in sizes:
                corpora[size] = write_corpus(size, data, seed)
                advance(1)

            docs = plan.throughput_docs
            advance = _step(progress, f"throughput a/a''/a'/b/c on {docs:,} docs", 5 * rounds * docs)
            results["throughput"] = ingest.throughput(corpora[docs], work, advance, rounds)
            stages = results["throughput"]["stage_seconds"]
            results["slowest_stage"] = max(stages, key=stages.get)

            results["scaling"] = []
            for size in plan.scaling_docs:
                advance = _step(progress, f"scaling: ingest {size:,} docs", size)
                results["scaling"].append(ingest.scaling_point(corpora[size], work, advance))

            advance = _step(progress, f"profile ingest of {docs:,} docs", 1)
            ingest.profile_ingest(corpora[docs], work, out / f"{profile_prefix}profile-ingest.txt",
                                  results["slowest_stage"])
            advance(1)

            results["latency"] = []
            for relations in plan.graph_relations:
                db = work / f"graph-{relations}.sqlite"
                advance = _step(progress, f"build graph of {relations:,} relations", relations)
                graph = latency.build_graph(db, relations, seed, advance)
                advance = _step(progress, f"ask x{plan.pairs} on {relations:,} relations", plan.pairs)
                graph |= latency.measure_ask(db, graph["actors"], plan.pairs, plan.ask_budget, seed, advance)
                results["latency"].append(graph)
                if relations == plan.graph_relations[-1]:
                    advance = _step(progress, f"profile ask on {relations:,} relations", 1)
                    latency.profile_ask(db, graph["actors"], out / f"{profile_prefix}profile-ask.txt",
                                        asks=2, seed=seed)
                    advance(1)
                for path in work.glob(f"{db.name}*"):
                    path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["wall_seconds"] = time.perf_counter() - started
    report.write(results, out, prefix)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="actorgraph benchmarks: ingest throughput, scaling, ask latency.")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="~1 minute smoke run")
    size.add_argument("--full", action="store_true", help="also the 100k-document scale run and the load benchmark")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=ingest.ROUNDS,
                        help="times a, a' and c are each timed, alternating (this host varies by 10-20 %%)")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where generated corpora are cached")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    plan = PLANS["quick" if args.quick else "full" if args.full else "default"]
    console = Console()
    results = run(plan, args.seed, args.data, args.out, console, args.rounds)
    console.print(report.markdown(results))
    if args.full:
        from . import load, scale

        for longer in (scale, load):
            sys.argv = [sys.argv[0], "--out", str(args.out), "--data", str(args.data), "--seed", str(args.seed)]
            longer.main()
        report.write(results, args.out, "latest")  # the page again, with the headlines of both


if __name__ == "__main__":
    main()
