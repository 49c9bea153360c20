"""The page of `benchmarks.load`: the issue's goals checked against a run, and the markdown table."""
from __future__ import annotations

GOAL_P95_MS = 600
BASELINE = "one worker, small graph, before `--workers`: 59 req/s at 1 client; 41 req/s and p95 1,350 ms at 32 clients"


def goals(results: dict) -> list[tuple[str, bool, str]]:
    """The issue's goals, each with whether this run met it and the figures that say so."""
    rows = [r for r in results["rows"] if not r["uploads"] and not r.get("kept")]
    rate = {(r["workers"], r["clients"]): r["requests_per_second"] for r in rows}
    most, least = max(results["workers"]), min(results["workers"])
    busy = [c for c in results["clients"] if c > 1] or results["clients"]
    grows = all(rate[(most, c)] > rate[(least, c)] for c in busy)
    top = max(results["clients"])
    p95 = next(r["p95_ms"] for r in rows if r["workers"] == most and r["clients"] == top)
    errors = sum(r["errors"] for r in results["rows"])
    uploading = [r["uploading"] for r in results["rows"] if r["uploads"]]
    cached = [r for r in results["rows"] if r.get("kept")]
    kept = all(u["done"] == u["uploads"] and u["stored"] == u["added"] == u["texts"] for u in uploading)
    return [
        ("throughput grows with workers", grows, ", ".join(
            f"{c} clients {rate[(least, c)]:.0f} -> {rate[(most, c)]:.0f} req/s" for c in busy)),
        (f"p95 < {GOAL_P95_MS} ms at {top} clients, {most} workers on {results['machine']['cores']} cores",
         p95 < GOAL_P95_MS, f"{p95:.0f} ms, every request computed" + "".join(
             f"; {r['p95_ms']:.0f} ms with the answers kept ({r.get('kept_share', 0):.0%} of requests answered from "
             "memory)" for r in cached)),
        ("0 errors", errors == 0, f"{errors} errors in {sum(r['requests'] for r in results['rows']):,} requests"),
        ("no request lost during an upload", kept, "; ".join(
            f"{u['done']}/{u['uploads']} jobs done, {u['stored']}/{u['texts']} texts stored" for u in uploading)),
    ]


def _kept(row: dict) -> str:
    if not row.get("kept"):
        return "no"
    return f"yes, {row['kept_share']:.0%} from memory" if "kept_share" in row else "yes"


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"# Workbench load, graph of {results['documents']:,} documents ({results['graph']})", "",
             f"{m['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
             f"SQLite {m['sqlite']}, actorgraph {m['actorgraph']} ({m['git']}). Each cell: up to "
             f"{results['requests']} requests or {results['seconds']:.0f} s, half `/api/ask` (random pairs of "
             f"connected actors), half `/api/graph` (random actors), from a pool of {results['pool']} requests. "
             f"Wall time {results['wall_seconds']:.0f} s.", "",
             "| workers | clients | uploads | answers kept | requests | req/s | vs 1st | p50 ms | p95 ms | max ms "
             "| ask p95 | graph p95 | errors | connections a worker | clients' CPU | load avg |", "|" + "---|" * 16]
    first = {(r["clients"], r["uploads"]): r["requests_per_second"] for r in results["rows"]
             if r["workers"] == min(results["workers"]) and not r.get("kept")}
    for r in sorted(results["rows"], key=lambda r: (r["uploads"], r["clients"], r.get("kept", False), r["workers"])):
        ratio = r["requests_per_second"] / first[(r["clients"], r["uploads"])]
        spread = "+".join(map(str, r["spread"] or [])) or "?"
        lines.append(f"| {r['workers']} | {r['clients']} | {'yes' if r['uploads'] else 'no'} | "
                     f"{_kept(r)} | {r['requests']} | "
                     f"{r['requests_per_second']:.1f} | {ratio:.2f} | {r['p50_ms']:.0f} | **{r['p95_ms']:.0f}** | "
                     f"{r['max_ms']:.0f} | {r['ask']['p95_ms']:.0f} | {r['graph']['p95_ms']:.0f} | {r['errors']} | "
                     f"{spread} | {r['client_core_share']:.0%} | {r['load_average_before']:.1f}/"
                     f"{r['load_average_after']:.1f} |")
    lines += ["", "| workers | uploads of 3 texts | jobs done | texts stored | longest job s |", "|---|---|---|---|---|"]
    for r in (r for r in results["rows"] if r["uploads"]):
        u = r["uploading"]
        lines.append(f"| {r['workers']} | {u['uploads']} | {u['done']} | {u['stored']}/{u['texts']} | "
                     f"{u['max_job_seconds']:.1f} |")
    lines += ["", "Goals:", ""] + [f"- {name}: **{'met' if ok else 'missed'}** ({why})"
                                   for name, ok, why in results["goals"]]
    lines += ["", f"Baseline ({BASELINE}). Answers kept: no = `serve --cache 0`, every request computed; yes = "
              "`serve --cache`, after the pool was asked on new connections until a whole pass was answered from "
              "memory (what a team asking the same things gets until the next write), with the share of the "
              "cell's requests answered from memory. "
              "vs 1st: req/s against the first worker count at the same clients. "
              "Connections a worker: the clients' connections held by each server process at the end of the "
              "cell (a worker accepts all the connections waiting when it wakes, so a burst of clients can land "
              "unevenly). Latency is measured by the clients, which share the cores with the server (clients' CPU: "
              "the share of one core they used); the load average (before/after each cell) shows other work "
              "on the machine.", ""]
    return "\n".join(lines)
