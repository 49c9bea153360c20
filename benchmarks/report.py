"""Results as files: latest.json (everything), latest.md (tables) and latest.png (two plots), with a
description of the machine, since every figure here depends on it, and the headlines of the longer
benchmarks stored beside them. `python -m benchmarks.report` rebuilds the page from the files."""
from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TARGETS = {"c_over_a": 0.8, "peak_rss_mb_at_100k_docs": 2048, "p95_ms_at_1M_relations": 100}


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 2**20, 1)
    return 0.0


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def machine() -> dict:
    from actorgraph.extract import nlp

    meta = nlp.load().meta
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cpu": _cpu_model(),
            "cores": os.cpu_count(), "ram_gb": _ram_gb(), "python": platform.python_version(),
            "platform": platform.platform(), "spacy": _version("spacy"),
            "pipeline": f"{nlp.PIPELINE} {meta.get('version')}", "batch_size": nlp.BATCH_SIZE,
            "sqlalchemy": _version("sqlalchemy"), "sqlite": sqlite3.sqlite_version,
            "actorgraph": _version("actorgraph"), "git": _git_commit(Path(__file__).parent.parent)}


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _round_spread(t: dict) -> str:
    """The c/a of each round (a and c timed back to back), when the run kept them: how much of the
    ratio is the host's noise."""
    rounds = t.get("all_seconds", {})
    if len(rounds.get("c_ingest", [])) < 2:
        return ""
    ratios = [a / c for a, c in zip(rounds["a_nlp_pipe"], rounds["c_ingest"])]
    return f" (c/a round by round: {', '.join(f'{r:.2f}' for r in ratios)})"


def markdown(results: dict, out_dir: Path | None = None) -> str:
    m, t = results["machine"], results["throughput"]
    rate = t["chars_per_second"]
    parts = [f"# actorgraph benchmarks ({results['mode']} run)", "",
             f"{m['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
             f"spaCy {m['spacy']}, pipeline {m['pipeline']} (batch {m['batch_size']}), SQLAlchemy "
             f"{m['sqlalchemy']}, SQLite {m['sqlite']}, actorgraph {m['actorgraph']} ({m['git']}). "
             f"Total wall time {results['wall_seconds']:.0f} s.", "",
             f"## Ingest throughput ({t['docs']:,} documents, {t['chars']:,} characters, "
             f"{t['relations_stored']:,} relations)", "",
             _table(["stage", "seconds", "chars/s", "vs bare spaCy"], [
                 ["(a) bare `nlp.pipe`", f"{t['seconds']['a_nlp_pipe']:.1f}", f"{rate['a_nlp_pipe']:,.0f}", "1.00"],
                 *([["(a'') bare `nlp.pipe` on numpy's BLAS", f"{t['seconds']['a_numpy_blas']:.1f}",
                     f"{rate['a_numpy_blas']:,.0f}", f"{rate['a_numpy_blas'] / rate['a_nlp_pipe']:.2f}"]]
                   if "a_numpy_blas" in t["seconds"] else []),
                 ["(a') the project's parse", f"{t['seconds']['a_project_parse']:.1f}",
                  f"{rate['a_project_parse']:,.0f}", f"{rate['a_project_parse'] / rate['a_nlp_pipe']:.2f}"],
                 ["(b) `extract_all`", f"{t['seconds']['b_extract']:.1f}", f"{rate['b_extract']:,.0f}",
                  f"{t['b_over_a']:.2f}"],
                 ["(c) `ingest` to SQLite", f"{t['seconds']['c_ingest']:.1f}", f"{rate['c_ingest']:,.0f}",
                  f"{t['c_over_a']:.2f} (target >= {TARGETS['c_over_a']})"]]), "",
             f"Each of a, a'', a', b and c timed {t['rounds']} times, alternating; the fastest kept{_round_spread(t)}. In CPU seconds "
             f"c/a is {t['c_over_a_cpu']:.2f}; against the project's own parse c/a' is "
             f"{t['c_over_project_parse']:.2f}"
             + (f", against bare spaCy on numpy's BLAS c/a'' is {t['c_over_numpy_blas']:.2f}" if "c_over_numpy_blas" in t else "")
             + ". (a) is `spacy.load` of the installed pipeline; (a'') is the same pipeline with its layers "
             "multiplying through numpy's BLAS on one thread instead of `blis` (`extract.nlp.multiply_through_numpy`); "
             "(a') is the project's parse: that, its attribute ruler and lemmatizer applied from tables "
             "(`extract/tag_rules.py`, `extract/lemma_table.py`) and its entity recogniser decoded with array "
             "operations (`extract/entity_decoder.py`). All three give identical annotations.", "",
             "Where the time goes (seconds): " + ", ".join(f"{k} {v:.1f}" for k, v in t["stage_seconds"].items())
             + f" (nlp = a', extract = b - a', store = b's output written on its own); slowest stage: "
             f"**{results['slowest_stage']}** (profile: `profile-ingest.txt`).", "",
             "## Scaling (each size ingested in a fresh process)", "",
             _table(["documents", "ingest s", "docs/s", "chars/s", "relations", "peak RSS MiB", "DB MiB"], [
                 [f"{s['docs']:,}", f"{s['seconds']:.1f}", f"{s['docs_per_second']:.1f}",
                  f"{s['chars_per_second']:,.0f}", f"{s['relations']:,}", f"{s['peak_rss_mb']:.0f}",
                  f"{s['db_mb']:.0f}"] for s in results["scaling"]]), "",
             "## Question latency (`ask`, random actor pairs)", "",
             _table(["relations", "actors", "build s", "asked", "p50 ms", "p95 ms", "max ms"], [
                 [f"{g['relations']:,}", f"{g['actors']:,}", f"{g['build_seconds']:.1f}",
                  f"{g['asked']}/{g['planned']}" + (" (time budget hit)" if g["stopped_early"] else ""),
                  f"{g['p50_ms']:.0f}", f"{g['p95_ms']:.0f}", f"{g['max_ms']:.0f}"] for g in results["latency"]]),
             "", f"Target: p95 < {TARGETS['p95_ms_at_1M_relations']} ms at 1M relations."]
    return "\n".join(parts + others(out_dir)) + "\n"


def _measured(result: dict) -> str:
    m = result.get("machine") or {}
    return f"{(m.get('date') or '?')[:10]}, git {m.get('git') or '?'}"


def _headline_parallel(r: dict) -> str:
    runs = {run["engine"]: run for run in r["runs"]}
    best = max(runs.values(), key=lambda run: run["speedup"])
    return (f"{r['docs']:,} docs: {best['engine']} {best['speedup']:.2f}x one process; relation tables identical: "
            f"{'yes' if r['same_relations'] else 'NO'} ({best['relation_hash'][:16]})")


def _headline_scale(r: dict) -> str:
    i = r["ingest"]
    asks = "; ".join(f"{g['relations']:,} relations p50/p95/max {g['p50_ms']:.0f}/{g['p95_ms']:.0f}/"
                     f"{g['max_ms']:.0f} ms (built in {g['build_seconds']:.0f} s)" for g in r["synthetic"])
    g = r.get("graph")
    if g is not None:  # asks on a graph already built (--graph)
        return "; ".join([f"{g['docs']:,}-document graph, {g['relations']:,} relations: ask p50/p95/max "
                          f"{g['ask']['p50_ms']:.0f}/{g['ask']['p95_ms']:.0f}/{g['ask']['max_ms']:.0f} ms",
                          *([asks] if asks else [])])
    if i is None:  # a run of the synthetic graphs alone (--docs 0)
        return asks
    return "; ".join([f"{i['docs']:,} docs with --jobs {i['jobs']}: {i['docs_per_second']:.1f} docs/s, peak RSS "
                      f"{i['peak_rss_mb']:.0f} MiB, DB {i['db_mb']:.0f} MiB, ask p95 {i['ask']['p95_ms']:.0f} ms",
                      *([asks] if asks else [])])


def _headline_load(r: dict) -> str:
    return f"{r['documents']:,}-document graph: " + "; ".join(
        f"{name}: {'met' if met else 'missed'} ({detail})" for name, met, detail in r["goals"])


OTHERS = (("parallel", "`python -m benchmarks.parallel`", _headline_parallel),
          ("scale", "`python -m benchmarks.scale`", _headline_scale),
          ("scale-100k", "`python -m benchmarks.scale --relations --name scale-100k`", _headline_scale),
          ("scale-100k-ask", "`actorgraph ingest benchmarks/data/corpus-100000-s0.jsonl --db G.sqlite`, then "
                             "`python -m benchmarks.scale --graph G.sqlite --relations --name scale-100k-ask`",
           _headline_scale),
          ("scale-10m", "`python -m benchmarks.scale --docs 0 --relations 10000000 --name scale-10m`", _headline_scale),
          ("load", "`python -m benchmarks.load`", _headline_load))


def others(out_dir: Path | None) -> list[str]:
    """The headline of each longer benchmark whose results lie beside this page, with the date and
    commit it was measured on (they run on their own, so their figures may be older than the above)."""
    rows = []
    for name, command, headline in OTHERS:
        path = out_dir / f"{name}.json" if out_dir else None
        if path is not None and path.exists():
            result = json.loads(path.read_text("utf-8"))
            rows.append([f"[{name}]({name}.md)", command, _measured(result), headline(result)])
    if not rows:
        return []
    return ["", "## Longer benchmarks (run on their own)", "",
            _table(["page", "command", "measured", "headline"], rows)]


def plot(results: dict, out: Path) -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    scaling = results["scaling"]
    docs = [s["docs"] for s in scaling]
    left.plot(docs, [s["chars_per_second"] / 1000 for s in scaling], "o-", label="ingest (c)")
    left.axhline(results["throughput"]["chars_per_second"]["a_nlp_pipe"] / 1000, ls="--", c="grey",
                 label="bare nlp.pipe (a)")
    left.set(xscale="log", xlabel="documents ingested", ylabel="thousand chars / s",
             title="Ingest throughput vs size (flat = linear time)")
    left.set_ylim(bottom=0)
    rss = left.twinx()
    rss.plot(docs, [s["peak_rss_mb"] for s in scaling], "s:", c="tab:red", label="peak RSS")
    rss.set_ylabel("peak RSS (MiB)", color="tab:red")
    rss.set_ylim(bottom=0)
    handles = left.get_legend_handles_labels()[0] + rss.get_legend_handles_labels()[0]
    left.legend(handles=handles, loc="lower left")
    graphs = results["latency"]
    sizes = [g["relations"] for g in graphs]
    right.plot(sizes, [g["p50_ms"] for g in graphs], "o-", label="p50")
    right.plot(sizes, [g["p95_ms"] for g in graphs], "s-", label="p95")
    right.axhline(TARGETS["p95_ms_at_1M_relations"], ls="--", c="grey", label="p95 target")
    right.set(xscale="log", yscale="log", xlabel="relations in the store", ylabel="ms per ask",
              title="ask latency vs graph size")
    right.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def write(results: dict, out_dir: Path, prefix: str = "latest") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{prefix}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out_dir / f"{prefix}.md").write_text(markdown(results, out_dir), encoding="utf-8")
    plot(results, out_dir / f"{prefix}.png")


def main() -> None:
    """Rebuild latest.md and latest.png from latest.json and the other results beside it, without
    measuring anything again (after a longer benchmark has run on its own)."""
    import argparse

    parser = argparse.ArgumentParser(description="Rebuild the benchmark page from the stored results.")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--prefix", default="latest")
    args = parser.parse_args()
    results = json.loads((args.out / f"{args.prefix}.json").read_text("utf-8"))
    (args.out / f"{args.prefix}.md").write_text(markdown(results, args.out), encoding="utf-8")
    plot(results, args.out / f"{args.prefix}.png")
    print(markdown(results, args.out))


if __name__ == "__main__":
    main()
