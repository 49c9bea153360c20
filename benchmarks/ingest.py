"""Ingest benchmarks: throughput against bare spaCy, scaling in fresh processes, and a profile.

Bare `nlp.pipe` with the project's pipeline and batch size is the ceiling: extraction and storage
can only add to it, so b/a and c/a say how much of the NLP speed the rest of the path keeps.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from actorgraph.extract import nlp
from actorgraph.pipeline import extract_all, ingest, read_all
from actorgraph.graph.store import Store

from .profiling import profile_to

Advance = Callable[[int], None]
PROGRESS_EVERY = 50


def _noop(_: int) -> None:
    return None


def _documents(corpus: Path) -> list:
    documents, errors = read_all([str(corpus)])
    if errors:
        raise RuntimeError(f"corpus {corpus} has unreadable lines: {errors[:3]}")
    return documents


def throughput(corpus: Path, workdir: Path, advance: Advance = _noop) -> dict:
    """Characters per second of (a) bare nlp.pipe, (b) extract_all, (c) ingest into a fresh SQLite file,
    on the same texts in this process; `advance` is called once per document of each pass. The store's
    own share is timed directly (b's extractions written to another file), not as c - b, which is noise."""
    documents = _documents(corpus)
    texts = [d.text for d in documents]
    chars = sum(map(len, texts))
    pipeline = nlp.load()
    list(pipeline.pipe(texts[:nlp.BATCH_SIZE], batch_size=nlp.BATCH_SIZE))
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    for _ in pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE):
        advance(1)
    seconds["a_nlp_pipe"] = time.perf_counter() - start

    start = time.perf_counter()
    extracted = []
    for document, extraction in extract_all(documents):
        extracted.append((document, extraction))
        advance(1)
    seconds["b_extract"] = time.perf_counter() - start

    store = Store.open(str(workdir / "store-only.sqlite"))
    start = time.perf_counter()
    for document, extraction in extracted:
        store.add_document(document, extraction.mentions, extraction.relations)
    store_only = time.perf_counter() - start
    store.close()

    store = Store.open(str(workdir / "throughput.sqlite"))
    start = time.perf_counter()
    report = ingest([str(corpus)], store, on_progress=lambda _: advance(1))
    seconds["c_ingest"] = time.perf_counter() - start
    store.close()
    if not report.ok or report.added != len(documents):
        raise RuntimeError(f"ingest stored {report.added} of {len(documents)} documents: {report.errors[:3]}")

    rate = {k: chars / v for k, v in seconds.items()}
    return {"docs": len(documents), "chars": chars,
            "relations_extracted": sum(len(e.relations) for _, e in extracted),
            "relations_stored": report.relations, "seconds": seconds, "chars_per_second": rate,
            "b_over_a": rate["b_extract"] / rate["a_nlp_pipe"], "c_over_a": rate["c_ingest"] / rate["a_nlp_pipe"],
            "stage_seconds": {"nlp": seconds["a_nlp_pipe"], "extract": seconds["b_extract"] - seconds["a_nlp_pipe"],
                              "store": store_only}}


def _peak_rss_mb() -> float:
    """This process's high-water resident set (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _child(corpus: Path, db: Path) -> None:
    """Run one ingest in this (fresh) process, print progress lines, then the result as JSON."""
    start = time.perf_counter()
    nlp.load()
    load = time.perf_counter() - start
    store, done = Store.open(str(db)), 0

    def tick(_: str) -> None:
        nonlocal done
        done += 1
        if done % PROGRESS_EVERY == 0:
            print(f"progress {PROGRESS_EVERY}", flush=True)

    start = time.perf_counter()
    report = ingest([str(corpus)], store, on_progress=tick)
    seconds = time.perf_counter() - start
    store.close()
    print("result " + json.dumps({"docs": report.added, "relations": report.relations, "errors": len(report.errors),
                                  "seconds": seconds, "load_seconds": load, "peak_rss_mb": _peak_rss_mb(),
                                  "db_mb": db.stat().st_size / 2**20}), flush=True)


def scaling_point(corpus: Path, workdir: Path, advance: Advance = _noop) -> dict:
    """Ingest `corpus` in a fresh interpreter so its peak RSS is this size's alone."""
    db = workdir / f"scaling-{corpus.stem}.sqlite"
    command = [sys.executable, "-m", "benchmarks.ingest", "--child", str(corpus), str(db)]
    result = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent) as child:
        for line in child.stdout:
            kind, _, payload = line.strip().partition(" ")
            if kind == "progress":
                advance(int(payload))
            elif kind == "result":
                result = json.loads(payload)
    if child.returncode or result is None:
        raise RuntimeError(f"scaling child for {corpus} failed (exit {child.returncode})")
    db.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with open(corpus, encoding="utf-8") as handle:
        result["chars"] = sum(len(json.loads(line)["text"]) for line in handle if line.strip())
    result["chars_per_second"] = result["chars"] / result["seconds"]
    result["docs_per_second"] = result["docs"] / result["seconds"]
    return result


def profile_ingest(corpus: Path, workdir: Path, out: Path, slowest: str, top: int = 25) -> None:
    """cProfile one ingest (the slowest stage, `slowest`, runs inside it) and write the top functions."""
    nlp.load()
    store = Store.open(str(workdir / "profile.sqlite"))
    header = (f"cProfile of actorgraph.pipeline.ingest on {corpus.name} (slowest stage: {slowest}).\n"
              f"First: top {top} functions by cumulative time; then top 15 by own (tot) time.\n\n")
    profile_to(out, header, lambda: ingest([str(corpus)], store), top)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="One ingest in a fresh process (used by benchmarks.run).")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "DB"), required=True)
    args = parser.parse_args()
    _child(Path(args.child[0]), Path(args.child[1]))


if __name__ == "__main__":
    main()
