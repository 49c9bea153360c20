"""How long `actorgraph ask` takes as a command (start, import, open, answer, exit), for two source
trees side by side: the runs alternate, so both see the same load on a shared machine.

    python -m benchmarks.startup --before /tmp/base/src --after src --db demo.sqlite \\
        --question "What is the relationship between the RSF and the UAE?" --runs 15

Prints and (with --out) writes the median and slowest wall time of each, and whether both printed
the same answer."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _run(src: str, db: str, question: str) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=src, COLUMNS="120")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "actorgraph", "ask", question, "--db", db, "--format", "json"],
                          capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"ask with {src} failed: {done.stderr[-500:]}")
    return seconds, hashlib.sha256(done.stdout.encode()).hexdigest()


def compare(before: str, after: str, db: str, question: str, runs: int) -> dict:
    """`runs` commands of each version, alternating which goes first."""
    seconds: dict[str, list[float]] = {"before": [], "after": []}
    answers: dict[str, set[str]] = {"before": set(), "after": set()}
    sides = {"before": before, "after": after}
    for n in range(runs):
        for side in (("before", "after") if n % 2 == 0 else ("after", "before")):
            took, sha = _run(sides[side], db, question)
            seconds[side].append(took)
            answers[side].add(sha)
    return {"versions": sides, "db": db, "question": question, "runs": runs,
            "identical": len(answers["before"] | answers["after"]) == 1,
            "seconds": {side: {"median": round(statistics.median(v), 3), "max": round(max(v), 3)}
                        for side, v in seconds.items()},
            "load_after": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description="`actorgraph ask` as a command, two source trees side by side.")
    parser.add_argument("--before", required=True, help="source tree (the folder holding actorgraph/)")
    parser.add_argument("--after", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--question", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = compare(args.before, args.after, args.db, args.question, args.runs)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
