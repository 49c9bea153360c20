"""The learned extractor measured: the two model families compared by cross-validation on
corpus/train, both (and today's rules) scored on corpus/test and ../shared/dev, a learning curve
(test typed F1 with 25 / 50 / 100 % of the training texts) and an ablation of the CAMEO verb
features. Nothing here chooses anything: `actorgraph train` makes every choice on train/ alone;
this script only reports.

    python -m benchmarks.learning            # ~25 min on 2 cores
    python -m benchmarks.learning --quick    # logistic only, no boosted trees, ~10 min

Writes benchmarks/results/learning.{json,md,png}.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from actorgraph.learn.evaluate import score
from actorgraph.learn.data import (SEED, Annotated, fit_modality, modality_rows, predict_relations,
                                   read_annotated, rule_precision, subsample)
from actorgraph.learn.train import cross_validate, fit, rules_predictions, train_examples

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SHARES = (0.25, 0.5, 1.0)
CAMEO_PREFIXES = ("cameo", "quad:", "vframe:")


def figures(examples: list[Annotated], predictions: dict) -> dict:
    result = score([e.gold for e in examples], predictions)
    return {"typed_p_r_f1": result.typed_p_r_f1, "untyped_p_r_f1": result.untyped_p_r_f1,
            "evidence_recall": result.evidence_recall, "modality_acc": result.modality_acc}


def scored(model, sets: dict[str, list[Annotated]]) -> dict:
    return {name: figures(examples, predict_relations(model, examples, None))
            for name, examples in sets.items()}


def without_cameo(examples: list[Annotated]) -> list[Annotated]:
    def strip(pair):
        return replace(pair, features=tuple(f for f in pair.features if not f.startswith(CAMEO_PREFIXES)))
    return [replace(e, pairs=[strip(p) for p in e.pairs]) for e in examples]


def boosted_model(train: list[Annotated], cv: dict):
    """The boosted family fitted on every training text, with its cross-validated calibration and
    threshold and the same modality classifier and rule floors as the shipped model."""
    model = fit("boosted", train)
    return replace(model, calibration=cv["calibration"], threshold=cv["threshold"], thresholds=cv["thresholds"],
                   modality=fit_modality(modality_rows(train)), rule_precision=rule_precision(train))


def run(quick: bool) -> dict:
    began = time.perf_counter()
    say = lambda message: print(f"[{time.perf_counter() - began:6.0f}s] {message}", flush=True)  # noqa: E731
    say("parsing corpus/train, corpus/test and ../shared/dev")
    train = read_annotated([ROOT / "corpus" / "train"])
    sets = {"test": read_annotated([ROOT / "corpus" / "test"])}
    dev = ROOT.parent / "shared" / "dev"
    if dev.is_dir():
        sets["dev"] = read_annotated([dev])
    result: dict = {"documents": {"train": len(train), **{k: len(v) for k, v in sets.items()}}}
    say("rules")
    result["rules"] = {"cv_train": figures(train, rules_predictions(train)),
                       **{name: figures(ex, rules_predictions(ex)) for name, ex in sets.items()}}
    say("logistic regression: cross-validation, then the full fit")
    model, report = train_examples(train)
    result["logistic"] = {"cv_train": report["cv"], "C": report["C"], "threshold": report["threshold"],
                          **scored(model, sets)}
    if not quick:
        say("gradient-boosted trees: cross-validation, then the full fit")
        cv = cross_validate(train, "boosted", rules_precision=result["rules"]["cv_train"]["typed_p_r_f1"][0])
        result["boosted"] = {"cv_train": {k: cv[k] for k in ("typed_p_r_f1", "untyped_p_r_f1", "evidence_recall",
                                                              "modality_acc")},
                             "threshold": cv["threshold"], **scored(boosted_model(train, cv), sets)}
    say("learning curve")
    result["learning_curve"] = []
    for share in SHARES:
        part = subsample(train, share, SEED)
        curve_model, _ = train_examples(part, report["C"])
        result["learning_curve"].append({"share": share, "documents": len(part),
                                         "test": scored(curve_model, {"test": sets["test"]})["test"]})
        say(f"  {share:.0%}: {result['learning_curve'][-1]['test']['typed_p_r_f1']}")
    say("ablation: no CAMEO verb features")
    ablated, ablated_report = train_examples(without_cameo(train), report["C"])
    result["without_cameo"] = {"cv_train": ablated_report["cv"], **scored(ablated, sets)}
    result["seconds"] = round(time.perf_counter() - began)
    return result


def markdown(result: dict) -> str:
    def row(name: str, block: dict, where: str) -> str:
        f = block.get(where)
        if not f:
            return ""
        p, r, f1 = f["typed_p_r_f1"]
        return (f"| {name} | {where} | {p:.3f} | {r:.3f} | {f1:.3f} | {f['untyped_p_r_f1'][2]:.3f} | "
                f"{f['evidence_recall']:.3f} | {f['modality_acc']:.3f} |")

    lines = ["# The learned extractor", "", "Generated by `python -m benchmarks.learning`. Documents: "
             + ", ".join(f"{k} {v}" for k, v in result["documents"].items()) + ". `cv_train` is cross-validation "
             "by conflict on corpus/train; test and dev were never used to fit or choose anything.", "",
             "| extractor | texts | typed P | typed R | typed F1 | untyped F1 | evidence recall | modality acc |",
             "|---|---|---|---|---|---|---|---|"]
    for name in ("rules", "logistic", "boosted", "without_cameo"):
        if name in result:
            lines += [r for r in (row(name, result[name], w) for w in ("cv_train", "test", "dev")) if r]
    lines += ["", "## Learning curve (test split, logistic regression)", "",
              "| share of train | documents | typed P | typed R | typed F1 |", "|---|---|---|---|---|"]
    for point in result["learning_curve"]:
        p, r, f1 = point["test"]["typed_p_r_f1"]
        lines.append(f"| {point['share']:.0%} | {point['documents']} | {p:.3f} | {r:.3f} | {f1:.3f} |")
    lines += ["", f"Run time: {result['seconds']} s."]
    return "\n".join(lines) + "\n"


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = result["learning_curve"]
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.plot([p["documents"] for p in curve], [p["test"]["typed_p_r_f1"][2] for p in curve], "o-",
              label="learned (logistic), test typed F1")
    axis.axhline(result["rules"]["test"]["typed_p_r_f1"][2], color="grey", linestyle="--", label="rules, test typed F1")
    axis.set_xlabel("training documents")
    axis.set_ylabel("typed F1 on corpus/test")
    axis.set_ylim(0, max(0.5, max(p["test"]["typed_p_r_f1"][2] for p in curve) + 0.1))
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="logistic regression only")
    args = parser.parse_args()
    result = run(args.quick)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "learning.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / "learning.md").write_text(markdown(result))
    plot(result, RESULTS / "learning.png")
    print(markdown(result))


if __name__ == "__main__":
    main()
