"""The learned relation model at run time: loaded once per process from the file shipped in the
package, applied to a document's candidate pairs in one matrix product, decoded into relations.

The file is a NumPy archive (no pickle): the feature vocabulary, one row of weights per predicate,
the calibrations that turn scores into confidences, the default threshold chosen by
cross-validation on the training corpus, and what it was built from (corpus hash, feature
version). A model whose feature version differs from the code's is refused: its weights would be
read against features that mean something else.

Confidences are calibrated twice over, on out-of-fold predictions: once for a (pair, predicate)
that a rule frame also finds, once for one only the model proposes. The two groups have different
base rates, and one threshold then treats both fairly. A rule frame's own record on the training
texts (how often its pairs were right) is a floor under the confidence of what it finds: the
model may promote a rule's candidate, never bury a frame that is usually right.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from itertools import chain, repeat
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from .errors import StaleModel
from .features import FEATURE_VERSION, Pair
from .lexicon import ontology
from .patterns import Candidate

MODEL_FILE = "relation-model.npz"
RULE, MODEL = "rule", "model"


def binary_rows(features: list[tuple[str, ...]], vocabulary: dict[str, int]) -> csr_matrix:
    """One row per list of distinct features, 1 in each known feature's column; unknown features drop
    out. Built straight in CSR form with each row's columns sorted, the matrix scipy makes from
    (row, column) pairs, so the scores are the same to the last bit. Every feature of every row is
    looked up in one pass and sorted in one `lexsort`, not row by row in Python."""
    lengths = np.fromiter(map(len, features), dtype=np.int64, count=len(features))
    flat = chain.from_iterable(features)
    columns = np.fromiter(map(vocabulary.get, flat, repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(features)), lengths)
    known = columns >= 0
    columns, rows = columns[known], rows[known]
    order = np.lexsort((columns, rows))
    indptr = np.zeros(len(features) + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=len(features)), out=indptr[1:])
    return csr_matrix((np.ones(len(columns), dtype=np.float32), columns[order].astype(np.int32), indptr),
                      shape=(len(features), len(vocabulary)), dtype=np.float32)


def feature_matrix(pairs: list[Pair], vocabulary: dict[str, int]) -> csr_matrix:
    """Binary features of each pair (rows) over the vocabulary (columns); unknown features drop out."""
    return binary_rows([pair.features for pair in pairs], vocabulary)


def rule_backed(pairs: list[Pair], labels: tuple[str, ...]) -> np.ndarray:
    """pairs x labels: True where a rule frame finds that predicate for that pair."""
    mask = np.zeros((len(pairs), len(labels)), dtype=bool)
    column = {label: k for k, label in enumerate(labels)}
    for n, pair in enumerate(pairs):
        for predicate, _ in pair.rules:
            mask[n, column[predicate]] = True
    return mask


def calibrate(scores: np.ndarray, backed: np.ndarray, calibration: dict[str, tuple[float, float]]) -> np.ndarray:
    """Platt scaling, with its own (a, b) for rule-backed and model-only (pair, predicate) cells."""
    a = np.where(backed, calibration[RULE][0], calibration[MODEL][0])
    b = np.where(backed, calibration[RULE][1], calibration[MODEL][1])
    return 1.0 / (1.0 + np.exp(-(a * scores + b)))


@dataclass(frozen=True)
class ModalityModel:
    """A multinomial classifier of a relation's modality from `modality.modality_features`."""
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # classes x features
    bias: np.ndarray     # classes

    def predict(self, features: list[tuple[str, ...]]) -> list[str]:
        if not features:
            return []
        scores = np.asarray(binary_rows(features, self.vocabulary) @ self.weights.T) + self.bias
        return [self.classes[k] for k in scores.argmax(axis=1)]


@dataclass(frozen=True)
class RelationModel:
    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray                          # labels x features
    bias: np.ndarray                             # labels
    calibration: dict[str, tuple[float, float]]  # RULE / MODEL -> (a, b)
    threshold: float
    meta: dict
    modality: ModalityModel | None = None
    rule_precision: dict[str, float] = field(default_factory=dict)  # rule_key -> share right; "*": average
    thresholds: dict[str, float] = field(default_factory=dict)  # predicate -> its own default threshold

    def cut(self, min_confidence: float | None = None) -> dict[str, float]:
        return cut(self, min_confidence)

    @cached_property
    def _weights_by_feature(self) -> np.ndarray:
        """features x labels, contiguous: scipy copies a transposed view on every product otherwise."""
        return np.ascontiguousarray(self.weights.T)

    def scores(self, pairs: list[Pair]) -> np.ndarray:
        """Raw decision values, pairs x labels."""
        if not pairs:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return np.asarray(feature_matrix(pairs, self.vocabulary) @ self._weights_by_feature) + self.bias

    def confidences(self, pairs: list[Pair]) -> np.ndarray:
        """Calibrated probabilities that each predicate holds for each pair, pairs x labels."""
        return calibrate(self.scores(pairs), rule_backed(pairs, self.labels), self.calibration)

    def save(self, path: str | Path) -> None:
        names = sorted(self.vocabulary, key=self.vocabulary.get)
        header = dict(self.meta, labels=list(self.labels), threshold=self.threshold, thresholds=self.thresholds,
                      rule_precision=self.rule_precision,
                      calibration={k: list(v) for k, v in self.calibration.items()})
        arrays = {}
        if self.modality is not None:
            header["modalities"] = list(self.modality.classes)
            arrays = {"modality_weights": self.modality.weights.astype(np.float32),
                      "modality_bias": self.modality.bias.astype(np.float32),
                      "modality_vocabulary": np.array(sorted(self.modality.vocabulary, key=self.modality.vocabulary.get))}
        with open(path, "wb") as out:
            np.savez_compressed(out, weights=self.weights.astype(np.float32), bias=self.bias.astype(np.float32),
                                vocabulary=np.array(names), header=np.array(json.dumps(header, sort_keys=True)),
                                **arrays)


def cut(model, min_confidence: float | None = None) -> dict[str, float]:
    """The confidence each predicate needs from `model` (anything with `labels`, `threshold` and
    `thresholds`): `min_confidence` for all when given, else each one's own default (chosen by
    cross-validation), else the model's shared threshold."""
    if min_confidence is not None:
        return dict.fromkeys(model.labels, min_confidence)
    return {label: model.thresholds.get(label, model.threshold) for label in model.labels}


def load_model(path: str | Path) -> RelationModel:
    """Read a model file; refuse one built for another feature version."""
    with np.load(path, allow_pickle=False) as archive:
        header = json.loads(str(archive["header"]))
        names = [str(n) for n in archive["vocabulary"]]
        weights, bias = archive["weights"], archive["bias"]
        modality = None
        if "modality_weights" in archive:
            modality = ModalityModel(classes=tuple(header["modalities"]),
                                     vocabulary={str(n): i for i, n in enumerate(archive["modality_vocabulary"])},
                                     weights=archive["modality_weights"], bias=archive["modality_bias"])
    if header.get("feature_version") != FEATURE_VERSION:
        raise StaleModel(
            f"{path}: the relation model was built for features v{header.get('feature_version')}, this code "
            f"computes v{FEATURE_VERSION}; rebuild it with `actorgraph train corpus/train -o {path}`")
    meta = {k: v for k, v in header.items()
            if k not in {"labels", "calibration", "threshold", "thresholds", "modalities", "rule_precision"}}
    return RelationModel(labels=tuple(header["labels"]), vocabulary={n: i for i, n in enumerate(names)},
                         weights=weights, bias=bias, threshold=float(header["threshold"]),
                         calibration={k: tuple(v) for k, v in header["calibration"].items()}, meta=meta,
                         modality=modality, rule_precision=dict(header.get("rule_precision") or {}),
                         thresholds={k: float(v) for k, v in (header.get("thresholds") or {}).items()})


@cache
def shipped_model_path() -> Path:
    """Where the package keeps its model (looked up once: every document asks for the default model)."""
    return Path(str(resources.files("actorgraph").joinpath("data", MODEL_FILE)))


@cache
def model_at(path: str) -> RelationModel:
    """A model file, loaded once per process."""
    return load_model(path)


def default_model() -> RelationModel:
    """The model in the package, or the file named by ACTORGRAPH_MODEL; loaded once per process."""
    return model_at(os.environ.get("ACTORGRAPH_MODEL") or str(shipped_model_path()))


def rule_key(candidate: Candidate, predicate: str) -> str:
    """A rule frame as the training record knows it: extractor, predicate and trigger word."""
    return f"{candidate.extractor}:{predicate}:{candidate.trigger.lemma_.lower()}"


def _second_of(pair: Pair, rule: Candidate | None) -> bool:
    """For a symmetric predicate, the direction not to report: the one whose subject the text names
    second (or, where a rule found it, the one the rule did not take)."""
    if rule is not None:
        return rule.subject.mention.actor.id != pair.subject.mention.actor.id
    return pair.subject.start > pair.object.start


def decide(pairs: list[Pair], confidence: np.ndarray, labels: tuple[str, ...], thresholds: dict[str, float],
           trigger_of, rule_precision: dict[str, float] | None = None) -> list[Candidate]:
    """The relations whose confidence reaches their predicate's threshold, as candidates carrying it.
    Where a rule found the same relation, its trigger and kind are kept and its frame's precision is
    a floor under the confidence. A mediator needs two parties: its two most likely ones in the
    sentence, the first at the threshold, the second at half of it."""
    rule_precision = rule_precision or {}
    symmetric = {name for name, spec in ontology().predicates.items() if spec.symmetric}
    found: list[Candidate] = []
    mediation: dict[tuple[int, str], list[tuple[float, Pair]]] = {}
    for pair, row in zip(pairs, confidence.tolist()):  # Python floats: indexing numpy per cell is slow
        rule_for = dict(pair.rules)
        for predicate, value in zip(labels, row):
            rule = rule_for.get(predicate)
            if rule is not None:
                value = max(value, rule_precision.get(rule_key(rule, predicate), rule_precision.get("*", 0.0)))
            if predicate == "mediates":
                mediation.setdefault((pair.sentence.start, pair.subject.mention.actor.id), []).append((value, pair))
                continue
            if value < thresholds[predicate] or (predicate in symmetric and _second_of(pair, rule)):
                continue
            found.append(Candidate(pair.subject, predicate, pair.object,
                                   rule.trigger if rule else trigger_of(pair),
                                   f"learned+{rule.extractor}" if rule else "learned", value,
                                   rule.kind if rule else None))
    threshold = thresholds["mediates"]
    for parties in mediation.values():
        parties.sort(key=lambda item: -item[0])
        if len(parties) < 2 or parties[0][0] < threshold or parties[1][0] < threshold / 2:
            continue
        (value, pair), (_, other) = parties[0], parties[1]
        found.append(Candidate(pair.subject, "mediates", pair.object, trigger_of(pair), "learned", value, None,
                               other.object))
    return found
