"""The correction loop measured: an analyst judges what actorgraph found in half of the texts about a
conflict it was never trained on, the judgements are exported as partial gold and folded into
training, and typed F1 is measured on the other half, before and after.

The conflict is corpus/loop/ (Western Sahara; in no other split). Its odd-numbered texts are judged,
its even-numbered ones only scored. The analyst is simulated from the odd texts' gold annotations,
through the same Workspace calls the page and `actorgraph judge` make: a relation that matches a
gold fact whose evidence covers it is confirmed (relabelled when only the modality differs), one
whose pair has another gold relation in the same words is relabelled to it, any other is rejected,
and every gold relation still missing is added from its evidence span (when both actors are in the
database). The retrained model uses the shipped model's C, so the judgements are the only change.

    python -m benchmarks.loop      # ~8 min on 2 cores

Writes benchmarks/results/loop.{json,md}.
"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import actorgraph as ag
from actorgraph.extract.model import model_at, shipped_model_path
from actorgraph.learn.evaluate import alias_table, covers, fact_key, gold_files, load_gold, predict, resolve, score
from actorgraph.learn.judged import write_judged
from actorgraph.learn.train import train
from actorgraph.pipeline import ExtractOptions

ROOT = Path(__file__).resolve().parents[1]
LOOP = ROOT / "corpus" / "loop"
RESULTS = ROOT / "benchmarks" / "results"
EXTRA_WEIGHTS = (1.0, 3.0)
SYMMETRIC = frozenset({"cooperates_with", "shares_ideology"})


def halves() -> tuple[list[Path], list[Path]]:
    files = gold_files(LOOP)
    number = lambda f: int(f.name.split("-")[2])  # noqa: E731  (western-sahara-NN-genre.gold.yaml)
    return [f for f in files if number(f) % 2], [f for f in files if not number(f) % 2]


def folder_of(files: list[Path], into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for gold in files:
        for path in (gold, gold.with_name(gold.name.removesuffix(".gold.yaml") + ".txt")):
            (into / path.name).write_bytes(path.read_bytes())
    return into


def analyst(ws, gold: dict, text: str) -> dict[str, int]:
    """Judge every relation stored for one document as the gold annotation says, then add what is missing."""
    table, counts = alias_table(gold["entities"]), {"confirm": 0, "relabel": 0, "reject": 0, "add": 0, "unaddable": 0}
    document = ws.document(gold["document"])
    rows = ws.relations(frame=False)
    mine = [r for r in rows if r["doc_id"] == document.id]
    gold_rel = gold.get("relations") or []
    covered = set()
    for r in mine:
        s, o = resolve(r["subject"], table), resolve(r["object"], table)
        o2 = resolve(r["object2"], table) if r["object2"] else None
        key = fact_key(s, r["predicate"], o, o2, SYMMETRIC)
        same = [i for i, g in enumerate(gold_rel) if fact_key(g["s"], g["p"], g["o"], g.get("o2"), SYMMETRIC) == key
                and covers(r["evidence"]["text"], g["evidence"])]
        pair = [i for i, g in enumerate(gold_rel) if {g["s"], g["o"]} == {s, o} and covers(r["evidence"]["text"],
                                                                                           g["evidence"])]
        if same:
            g = gold_rel[same[0]]
            mood = g.get("modality", "asserted")
            verdict = "confirm" if mood == r["modality"] else "relabel"
            ws.judge(r["relation_id"], verdict, modality=mood if verdict == "relabel" else None, author="oracle")
            covered.update(same)
        elif pair:
            g = gold_rel[pair[0]]
            flip = g["s"] != s
            ws.judge(r["relation_id"], "relabel", predicate=g["p"], modality=g.get("modality", "asserted"),
                     subject=r["object"]["id"] if flip else None, object=r["subject"]["id"] if flip else None,
                     author="oracle")
            verdict = "relabel"
            covered.add(pair[0])
        else:
            verdict = "reject"
            ws.judge(r["relation_id"], "reject", author="oracle")
        counts[verdict] += 1
    for i, g in enumerate(gold_rel):
        if i in covered:
            continue
        at = text.find(g["evidence"])
        try:
            names = [_actor(ws, gold["entities"], g[k]) for k in ("s", "o")]
            extra = _actor(ws, gold["entities"], g["o2"]) if g.get("o2") else None
            ws.add_relation(document.id, (at, at + len(g["evidence"])), names[0], g["p"], names[1], object2=extra,
                            modality=g.get("modality", "asserted"), author="oracle")
            counts["add"] += 1
        except LookupError:
            counts["unaddable"] += 1
    return counts


def _actor(ws, entities: dict, name: str) -> str:
    """The stored actor a gold entity names, by any of its surface forms."""
    for form in [name, *(entities.get(name) or [])]:
        try:
            return ws.actor(form).id
        except LookupError:
            continue
    raise LookupError(name)


def figures(result) -> dict:
    return {"typed_p_r_f1": result.typed_p_r_f1, "untyped_p_r_f1": result.untyped_p_r_f1,
            "evidence_recall": result.evidence_recall, "modality_acc": result.modality_acc,
            "gold_facts": result.gold_facts, "predicted_facts": result.predicted_facts}


def scored(folder: Path, model: Path) -> dict:
    golds = load_gold(folder)
    return figures(score(golds, predict(folder, golds, options=ExtractOptions(model_path=str(model)))))


def run() -> dict:
    began = time.perf_counter()
    say = lambda message: print(f"[{time.perf_counter() - began:5.0f}s] {message}", flush=True)  # noqa: E731
    judged_files, scored_files = halves()
    shipped = shipped_model_path()
    with tempfile.TemporaryDirectory(prefix="actorgraph-loop-") as tmp:
        tmp = Path(tmp)
        judged_dir, held_dir = folder_of(judged_files, tmp / "judged-half"), folder_of(scored_files, tmp / "held-half")
        say(f"ingesting the {len(judged_files)} texts to judge")
        work = ag.open(str(tmp / "loop.sqlite"))
        work.ingest([str(p) for p in sorted(judged_dir.glob("*.txt"))])
        counts: dict[str, int] = {}
        for gold in load_gold(judged_dir):
            text = (judged_dir / f"{gold['document']}.txt").read_text("utf-8")
            for verdict, n in analyst(work, gold, text).items():
                counts[verdict] = counts.get(verdict, 0) + n
        say(f"judgements: {counts}")
        exported = tmp / "judgements"
        write_judged(work.store, exported)
        work.close()
        C = model_at(str(shipped)).meta["C"]
        result = {"conflict": "western-sahara", "judged_documents": [f.name for f in judged_files],
                  "scored_documents": [f.name for f in scored_files], "judgements": counts, "C": C,
                  "threshold_before": model_at(str(shipped)).threshold,
                  "before": scored(held_dir, shipped), "judged_half_before": scored(judged_dir, shipped), "weighted": {}}
        for weight in EXTRA_WEIGHTS:
            say(f"training corpus/train + {len(list(exported.glob('*.gold.yaml')))} judged documents "
                f"(C={C}, judged texts weigh {weight})")
            retrained = tmp / f"retrained-{weight}.npz"
            report = train([ROOT / "corpus" / "train", exported], retrained, C, extra_weight=weight)
            result["weighted"][str(weight)] = {"threshold": report["threshold"], "held": scored(held_dir, retrained),
                                               "judged_half": scored(judged_dir, retrained)}
        result["seconds"] = round(time.perf_counter() - began)
    return result


def markdown(result: dict) -> str:
    def row(label, f):
        return (f"| {label} | {' / '.join(map(str, f['typed_p_r_f1']))} | {' / '.join(map(str, f['untyped_p_r_f1']))}"
                f" | {f['evidence_recall']} | {f['modality_acc']} | {f['predicted_facts']} / {f['gold_facts']} |")
    weighted = list(result["weighted"].items())
    head = ["| model | typed P / R / F1 | untyped P / R / F1 | evidence recall | modality | predicted / gold facts |",
            "|---|---|---|---|---|---|"]
    return "\n".join([
        "# The correction loop", "",
        "Generated by `python -m benchmarks.loop`. Conflict: Western Sahara (`corpus/loop/`, in no other split). "
        f"Judged: {len(result['judged_documents'])} odd-numbered texts; scored: {len(result['scored_documents'])} "
        "even-numbered texts. The analyst is simulated from the judged texts' gold annotations through the "
        "Workspace's judge and add calls; the retrained model is `actorgraph train corpus/train --extra JUDGEMENTS "
        f"--extra-weight W` with the shipped model's C ({result['C']}), the judged texts weighing W against one "
        "training text (1 is the default; the weight is shown, not chosen on these figures).", "",
        f"Judgements made: {', '.join(f'{k} {v}' for k, v in result['judgements'].items())}.", "",
        "## Held-out half (never judged, never trained on)", "", *head,
        row("shipped (corpus/train)", result["before"]),
        *(row(f"retrained (+ judgements, `--extra-weight {w}`)", r["held"]) for w, r in weighted), "",
        f"Threshold chosen by cross-validation: {result['threshold_before']} before, "
        + ", ".join(f"{r['threshold']} after with weight {w}" for w, r in weighted) + ".",
        "", "## The judged half itself (now training data: shown only to see the corrections were learnt)", "",
        *head, row("shipped (corpus/train)", result["judged_half_before"]),
        *(row(f"retrained (+ judgements, `--extra-weight {w}`)", r["judged_half"]) for w, r in weighted), "",
        f"Run time: {result['seconds']} s.", ""])


def main() -> None:
    result = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "loop.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    (RESULTS / "loop.md").write_text(markdown(result), "utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
