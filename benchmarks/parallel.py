"""Parallel ingest: the single-process path against `ingest --jobs 2` (a local process pool) and Ray
Data with 1 and 2 workers, in one run.

    python -m benchmarks.parallel                 # 2,000 synthetic documents, ~6 min on 2 cores
    python -m benchmarks.parallel --docs 10000    # the acceptance run, ~25-35 min on 2 cores
    python -m benchmarks.parallel --no-ray        # local and jobs-2 only

Each engine ingests the same corpus into its own fresh SQLite file; wall time includes everything a
user waits for (model loads, starting and stopping the local Ray cluster). The three relation tables
must hash the same (`relation_table_hash`), or the run fails: parallelism must not change the graph.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from actorgraph.pipeline import ingest
from actorgraph.graph.store import Store

from .corpus import write_corpus

HERE = Path(__file__).parent
RELATION_COLUMNS = ("document_id", "predicate", "subject_id", "object_id", "object2_id", "modality",
                    "evidence_start", "evidence_end", "evidence_text")
LINK_COLUMNS = ("actor_id", "into_id", "reason", "origin")
COUNTED = ("documents", "actors", "aliases", "mentions", "relations", "actor_links", "rhetoric_spans")


def _table_hash(store: Store, table: str, columns: tuple[str, ...]) -> str:
    """SHA-256 of a table's rows (these columns), sorted: independent of insertion order and row ids."""
    with store.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {', '.join(columns)} FROM {table}"))
        lines = sorted(json.dumps(list(row), ensure_ascii=False) for row in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def relation_table_hash(store: Store) -> str:
    """The relation table as the acceptance test compares it: (document_id, predicate, subject_id,
    object_id, object2_id, modality, evidence_start, evidence_end, evidence_text), sorted."""
    return _table_hash(store, "relations", RELATION_COLUMNS)


def link_table_hash(store: Store) -> str:
    """Cross-document actor merges, which depend on the order documents were written."""
    return _table_hash(store, "actor_links", LINK_COLUMNS)


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() for table in COUNTED}


def _timed_writes(store: Store) -> list[float]:
    """Accumulate the seconds spent in `store.add_document` (the driver's share of the work)."""
    spent = [0.0]
    write = store.add_document

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return write(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    store.add_document = timed
    return spent


def measure(name: str, run: Callable, corpus: Path, db: Path, log: Callable[[str], None]) -> dict:
    """One ingest of `corpus` into a fresh `db` with `run(paths, store, on_total=, on_progress=)`."""
    store = Store.open(str(db))
    writes = _timed_writes(store)
    stamps: list[float] = []
    total = [0]

    def progress(_: str) -> None:
        stamps.append(time.perf_counter())
        if total[0] and len(stamps) % max(1, total[0] // 10) == 0:
            log(f"{name}: {len(stamps):,}/{total[0]:,} documents, {stamps[-1] - start:.0f} s")

    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    report = run([str(corpus)], store, on_total=lambda n: total.__setitem__(0, n), on_progress=progress)
    wall = time.perf_counter() - start
    if not report.ok or report.added != total[0]:
        raise RuntimeError(f"{name} stored {report.added} of {total[0]} documents: {report.errors[:3]}")
    result = {"engine": name, "docs": report.added, "relations_reported": report.relations,
              "wall_seconds": wall, "docs_per_second": report.added / wall,
              "first_document_seconds": stamps[0] - start, "store_seconds": writes[0],
              "steady_docs_per_second": (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else None,
              "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
              "counts": counts(store), "relation_hash": relation_table_hash(store), "link_hash": link_table_hash(store)}
    store.close()
    log(f"{name}: {wall:.1f} s, {result['docs_per_second']:.1f} docs/s")
    return result


def engines(worker_counts: tuple[int, ...]) -> list[tuple[str, Callable]]:
    from actorgraph.processes import extract_in_processes

    def jobs_run(jobs: int) -> Callable:
        return lambda paths, store, **kw: ingest(
            paths, store, extractor=lambda documents: extract_in_processes(documents, jobs), **kw)

    def ray_run(workers: int) -> Callable:
        from actorgraph.parallel import ingest_ray

        return lambda paths, store, **kw: ingest_ray(paths, store, workers=workers, **kw)

    return [("local", ingest), ("jobs-2", jobs_run(2)), *((f"ray-{n}", ray_run(n)) for n in worker_counts)]


def run(docs: int, seed: int, data: Path, log: Callable[[str], None], worker_counts=(1, 2)) -> dict:
    started = time.perf_counter()
    corpus = write_corpus(docs, data, seed)
    with open(corpus, encoding="utf-8") as handle:
        chars = sum(len(json.loads(line)["text"]) for line in handle if line.strip())
    work = Path(tempfile.mkdtemp(prefix="actorgraph-parallel-"))
    try:
        runs = [measure(name, engine, corpus, work / f"{name}.sqlite", log) for name, engine in engines(worker_counts)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = runs[0]
    for result in runs:
        result["speedup"] = base["wall_seconds"] / result["wall_seconds"]
        if result["steady_docs_per_second"] and base["steady_docs_per_second"]:
            result["steady_speedup"] = result["steady_docs_per_second"] / base["steady_docs_per_second"]
    same = all(r["relation_hash"] == base["relation_hash"] and r["counts"] == base["counts"] for r in runs)
    return {"docs": docs, "chars": chars, "seed": seed, "runs": runs, "same_relations": same,
            "same_links": all(r["link_hash"] == base["link_hash"] for r in runs),
            "wall_seconds": time.perf_counter() - started}


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"# Parallel ingest, {results['docs']:,} synthetic documents ({results['chars']:,} characters)", "",
             f"{m['date']} on {m['cpu']}, {m['cores']} cores; Python {m['python']}, spaCy {m['spacy']}, "
             f"Ray {m.get('ray')}, SQLite {m['sqlite']}, git {m['git']}. One run, engines one after another.", "",
             "| engine | wall s | docs/s | speed-up | steady docs/s | steady speed-up | first doc s "
             "| store s | relations | load avg before/after |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results["runs"]:
        steady = r["steady_docs_per_second"] or 0
        lines.append(f"| {r['engine']} | {r['wall_seconds']:.1f} | {r['docs_per_second']:.1f} | "
                     f"**{r['speedup']:.2f}** | {steady:.1f} | {r.get('steady_speedup', 0):.2f} | "
                     f"{r['first_document_seconds']:.1f} | {r['store_seconds']:.1f} | {r['counts']['relations']:,} | "
                     f"{r['load_average_before']:.1f}/{r['load_average_after']:.1f} |")
    hashes = {r["engine"]: r["relation_hash"][:16] for r in results["runs"]}
    lines += ["", f"Relation tables identical: **{'yes' if results['same_relations'] else 'NO'}** "
              f"(sorted-row SHA-256 {', '.join(f'{k} {v}' for k, v in hashes.items())}; counts of "
              f"{', '.join(COUNTED)} equal too). Actor merges identical: "
              f"{'yes' if results['same_links'] else 'no'}.", "",
              "Speed-up is wall time against `local` (the single-process path); `jobs-2` is `actorgraph "
              "ingest --jobs 2` (two forked worker processes parse and extract, this process writes in input "
              "order). Model loads and Ray start-up included; steady is docs/s from the first stored document to the last. Store s is time in "
              "`Store.add_document` on the driver. The load average shows other work on the machine.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Single-process ingest against Ray Data with 1 and 2 workers.")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where generated corpora are cached")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--name", default="parallel", help="results file name, without extension")
    parser.add_argument("--no-ray", action="store_true", help="only the single process and --jobs 2")
    args = parser.parse_args()
    from importlib import metadata

    from .report import machine

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    results = run(args.docs, args.seed, args.data, log, () if args.no_ray else (1, 2))
    results["machine"] = machine() | {"ray": None if args.no_ray else metadata.version("ray")}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{args.name}.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    if not results["same_relations"]:
        raise SystemExit("the engines stored different relations")


if __name__ == "__main__":
    main()
