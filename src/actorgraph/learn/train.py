"""`actorgraph train`: cross-validate on the training texts (folds grouped by conflict), choose the
regularisation, the calibrations and the default threshold from the out-of-fold predictions,
then fit on every training text and write the model file. Deterministic: fixed seeds, sorted
vocabulary, no timestamps, so the same corpus gives the same file.

The default threshold is the one with the best typed F1 among those whose out-of-fold precision is
at least the rules' precision on the same texts: the model may only add recall, never trade away
precision the rules had. From it, each predicate gets a threshold of its own where that raises F1
at the same precision floor (`--min-confidence` still sets one for all). Two model families can be compared on the same folds (`compare`): L2
logistic regression over the sparse features (shipped) and gradient-boosted trees (scikit-learn's
histogram GBT over the most informative features of each predicate).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_selection import chi2

from ..extract.document import extract
from ..extract.features import labels
from .evaluate import score
from .data import (C_GRID, SEED, Annotated, at_thresholds, build_vocabulary, cell_weights,
                   choose_predicate_thresholds, choose_threshold, conflict_folds, corpus_hash, design,
                   fit_calibration, fit_logistic, fit_modality, label_weights, model_from, modality_rows,
                   predict_relations, read_annotated, rule_precision)
from ..extract.model import MODEL, RULE, calibrate, cut, feature_matrix, rule_backed
from ..models import relation_json

FLOOR = 0.02
BOOSTED_FEATURES = 600


@dataclass(frozen=True)
class BoostedModel:
    """Gradient-boosted trees per predicate over a few hundred chosen columns; the same interface as
    RelationModel for extraction (compared by cross-validation, not shipped)."""
    vocabulary: dict[str, int]
    estimators: tuple
    columns: tuple
    calibration: dict = None
    threshold: float = 0.5
    labels: tuple[str, ...] = labels()
    modality: object = None
    rule_precision: dict | None = None
    thresholds: dict = field(default_factory=dict)

    def cut(self, min_confidence: float | None = None) -> dict[str, float]:
        return cut(self, min_confidence)

    def scores(self, found) -> np.ndarray:
        X = feature_matrix(found, self.vocabulary)
        result = np.full((X.shape[0], len(self.labels)), -10.0, dtype=np.float32)
        for k, (estimator, cols) in enumerate(zip(self.estimators, self.columns)):
            if estimator is not None and X.shape[0]:
                p = np.clip(estimator.predict_proba(X[:, cols].toarray())[:, 1], 1e-6, 1 - 1e-6)
                result[:, k] = np.log(p / (1 - p))
        return result

    def confidences(self, found) -> np.ndarray:
        calibration = self.calibration or {RULE: (1.0, 0.0), MODEL: (1.0, 0.0)}
        return calibrate(self.scores(found), rule_backed(found, self.labels), calibration)


def fit_boosted(X, Y, vocabulary, sample_weight=None) -> BoostedModel:
    estimators, columns = [], []
    for k in range(Y.shape[1]):
        if Y[:, k].sum() < 3:
            estimators.append(None)
            columns.append([])
            continue
        statistic, _ = chi2(X, Y[:, k])
        cols = sorted(np.argsort(-np.nan_to_num(statistic))[:BOOSTED_FEATURES].tolist())
        model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, max_leaf_nodes=15,
                                               l2_regularization=1.0, early_stopping=False, random_state=SEED)
        model.fit(X[:, cols].toarray(), Y[:, k], sample_weight=label_weights(sample_weight, k))
        estimators.append(model)
        columns.append(cols)
    return BoostedModel(vocabulary=vocabulary, estimators=tuple(estimators), columns=tuple(columns))


def fit(family: str, examples: list[Annotated], C: float = 1.0):
    """One model of `family` fitted on `examples`, uncalibrated."""
    vocabulary = build_vocabulary(examples)
    X, Y = design(examples, vocabulary)
    if family == "boosted":
        return fit_boosted(X, Y, vocabulary, cell_weights(examples))
    weights, bias = fit_logistic(X, Y, C, cell_weights(examples))
    return model_from(weights, bias, vocabulary)


def rules_predictions(examples: list[Annotated]) -> dict[str, list[dict]]:
    return {e.gold["document"]: [relation_json(r) for r in extract(e.document, e.parsed, rules_only=True).relations]
            for e in examples}


def figures(result) -> dict:
    return {"typed_p_r_f1": result.typed_p_r_f1, "untyped_p_r_f1": result.untyped_p_r_f1,
            "evidence_recall": result.evidence_recall, "modality_acc": result.modality_acc}


def cross_validate(examples: list[Annotated], family: str = "logistic", C: float = 1.0,
                   rules_precision: float | None = None, on_fold: Callable[[int], None] | None = None) -> dict:
    """Out-of-fold calibration, threshold and figures for one family and setting."""
    golds = [e.gold for e in examples]
    if rules_precision is None:
        rules_precision = score(golds, rules_predictions(examples)).typed_p_r_f1[0]
    folds = conflict_folds(examples)
    modalities = modality_rows(examples)
    fitted, scores, ys, backed, known = [], [], [], [], []
    for k, held in enumerate(folds):
        held_set = set(held)
        model = fit(family, [e for i, e in enumerate(examples) if i not in held_set], C)
        held_groups = {examples[i].group for i in held}
        model = replace(model, modality=fit_modality([r for r in modalities if r[0] not in held_groups]),
                        rule_precision=rule_precision([e for i, e in enumerate(examples) if i not in held_set]))
        found = [p for i in held for p in examples[i].pairs]
        scores.append(model.scores(found))
        ys.append(design([examples[i] for i in held], {})[1])
        backed.append(rule_backed(found, model.labels))
        known.append(cell_weights([examples[i] for i in held]) > 0)
        fitted.append(model)
        if on_fold:
            on_fold(k)
    calibration = fit_calibration(np.vstack(scores), np.vstack(ys), np.vstack(backed), np.vstack(known))
    predictions: dict[str, list[dict]] = {}
    for model, held in zip(fitted, folds):
        predictions |= predict_relations(replace(model, calibration=calibration), [examples[i] for i in held], FLOOR)
    threshold, curve = choose_threshold(golds, predictions, rules_precision)
    thresholds = choose_predicate_thresholds(golds, predictions, rules_precision, threshold)
    result = score(golds, at_thresholds(predictions, thresholds))
    return {"family": family, "C": C, "threshold": threshold, "thresholds": thresholds, "calibration": calibration,
            "rules_precision": rules_precision, **figures(result), "curve": curve}


def compare(examples: list[Annotated], C: float = 1.0) -> dict[str, dict]:
    """Both families, cross-validated on the same folds (the boosted one takes several minutes)."""
    rules = score([e.gold for e in examples], rules_predictions(examples))
    return {"rules": figures(rules), **{family: cross_validate(examples, family, C, rules.typed_p_r_f1[0])
                                       for family in ("logistic", "boosted")}}


def train_examples(examples: list[Annotated], C: float | None = None,
                   on_stage: Callable[[str], None] | None = None) -> tuple:
    """Cross-validate, choose, fit on all `examples`: (model, report)."""
    say = on_stage or (lambda _: None)
    say("scoring the rules")
    rules = score([e.gold for e in examples], rules_predictions(examples))
    tried = []
    for c in ([C] if C is not None else C_GRID):
        say(f"cross-validating C={c}")
        tried.append(cross_validate(examples, "logistic", c, rules.typed_p_r_f1[0]))
    best = max(tried, key=lambda r: (r["typed_p_r_f1"][2], -r["C"]))
    say("fitting on every training text")
    vocabulary = build_vocabulary(examples)
    X, Y = design(examples, vocabulary)
    weights, bias = fit_logistic(X, Y, best["C"], cell_weights(examples))
    modality = fit_modality(modality_rows(examples))
    meta = {"documents": len(examples), "pairs": int(X.shape[0]), "positives": int(Y.sum()), "family": "logistic",
            "C": best["C"], "seed": SEED, "features": len(vocabulary),
            "cv": {k: best[k] for k in ("typed_p_r_f1", "untyped_p_r_f1", "evidence_recall", "modality_acc")},
            "cv_rules": figures(rules)}
    model = replace(model_from(weights, bias, vocabulary, best["calibration"], best["threshold"], meta),
                    modality=modality, rule_precision=rule_precision(examples), thresholds=best["thresholds"])
    report = {**meta, "threshold": best["threshold"], "thresholds": best["thresholds"], "tried": [
        {"C": r["C"], "threshold": r["threshold"], "typed_p_r_f1": r["typed_p_r_f1"]} for r in tried]}
    return model, report


def train(dirs: list[Path], output: Path, C: float | None = None, on_stage: Callable[[str], None] | None = None,
          on_total=None, on_progress=None, extra_weight: float = 1.0) -> dict:
    """Build a model file from the training texts under `dirs`; returns the report of what was chosen.
    The texts of `dirs[1:]` (an analyst's judged documents, say) count `extra_weight` times as much
    as those of `dirs[0]` in fitting; cross-validation still scores every text alike."""
    if extra_weight <= 0:
        raise ValueError(f"the weight of the extra texts must be positive, not {extra_weight}")
    began = time.perf_counter()
    (on_stage or (lambda _: None))("parsing")
    examples = read_annotated(dirs, on_total=on_total, on_progress=on_progress,
                              weights=[1.0] + [extra_weight] * (len(dirs) - 1))
    model, report = train_examples(examples, C, on_stage)
    extra = {"extra_weight": extra_weight} if len(dirs) > 1 else {}
    model = replace(model, meta=dict(model.meta, corpus_hash=corpus_hash(dirs), **extra))
    report = {**report, **extra}
    output.parent.mkdir(parents=True, exist_ok=True)
    model.save(output)
    return {**report, "corpus_hash": model.meta["corpus_hash"], "seconds": round(time.perf_counter() - began, 1)}
