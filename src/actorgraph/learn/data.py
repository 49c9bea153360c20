"""Training the relation model from annotated texts (NAME.txt + NAME.gold.yaml, docs/gold-format.md).

Each text is parsed once; every pair of actors in a sentence becomes a candidate whose labels come
from the gold relations whose evidence lies in that sentence; a fact gold states of the pair only
in another sentence is left out of its fit (neither positive nor negative). Folds are grouped by
conflict, so cross-validation measures what held-out conflicts will see. Cross-validation on the training
texts alone chooses the regularisation, the calibrations and the default threshold; no test
text is read here.
"""
from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from ..extract.document import _with_doc_aliases, extract, token_mentions
from ..extract.features import FEATURE_VERSION, Pair, labels, pair_trigger, pairs
from ..extract.frames import candidates
from ..extract.lexicon import ontology
from ..extract.modality import modality_features
from ..extract.model import MODEL, RULE, ModalityModel, RelationModel, rule_key
from ..extract.nlp import parse
from ..extract.timex import dateline
from ..models import Document, relation_json
from .evaluate import GOLD_SUFFIX, alias_table, gold_files, judged_pairs, load_gold, prf, resolve, score, text_beside

SEED = 13
MIN_FEATURE_COUNT = 2
FOLDS = 5
C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(float(t), 3) for t in np.arange(0.05, 0.9, 0.025))
PREDICATE_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


@dataclass
class Annotated:
    """One annotated text, parsed once, with its candidate pairs and the labels gold gives each."""
    gold: dict
    group: str
    document: Document
    parsed: object
    pairs: list[Pair]
    targets: list[frozenset[str]]
    weight: float = 1.0  # how much each of its pairs counts in fitting (an analyst's judged texts: more)
    elsewhere: list[frozenset[str]] | None = None  # per pair: predicates gold states of it in another sentence

    @property
    def unlabelled(self) -> list[frozenset[str]]:
        """Per pair, the predicates it is neither a positive nor a negative of (`gold_labels`)."""
        return self.elsewhere or [frozenset()] * len(self.pairs)


def corpus_hash(dirs: list[Path]) -> str:
    """SHA-256 over every text and gold file (name and bytes), in name order: what a model was built from."""
    digest = hashlib.sha256()
    for gold_file in sorted((f for d in dirs for f in gold_files(d)), key=lambda f: f.name):
        for path in (gold_file, text_beside(gold_file)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _evidence_sentences(text: str, evidence: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(evidence)
    while at >= 0:
        spans.append((at, at + len(evidence)))
        at = text.find(evidence, at + 1)
    return spans


def gold_labels(gold: dict, text: str, found: list[Pair],
                aliases: dict) -> list[tuple[frozenset[str], frozenset[str]] | None]:
    """For each pair: the predicates of the gold relations from its subject to its object (either
    way for symmetric ones; to either party for `mediates`) whose evidence lies in its sentence, and
    those gold states of it only in other sentences; None for a pair a partial annotation never
    judged (it teaches nothing either way). The guide annotates a fact once per modality, so the same
    fact said again elsewhere is unannotated there, not absent: neither positive nor negative."""
    judged = judged_pairs(gold)
    table = alias_table(gold["entities"])
    symmetric = {n for n, p in ontology().predicates.items() if p.symmetric}

    def entity(item) -> str | None:
        actor = aliases[item.mention.actor.id]
        return resolve({"name": actor.name, "mention": item.mention.text, "aliases": list(actor.aliases)}, table)

    located = [(g, _evidence_sentences(text, g["evidence"])) for g in gold.get("relations") or []]
    labels = []
    for pair in found:
        start, end = pair.sentence.start_char, pair.sentence.end_char
        subject, obj = entity(pair.subject), entity(pair.object)
        if judged is not None and tuple(sorted([subject or "", obj or ""])) not in judged:
            labels.append(None)
            continue
        here, anywhere = set(), set()
        for g, spans in located:
            predicate, objects = g["p"], {g["o"], g.get("o2")} - {None}
            if subject == obj or not ((predicate in symmetric and {subject, obj} == {g["s"], g["o"]}) or (
                    g["s"] == subject and obj in objects)):
                continue
            anywhere.add(predicate)
            if any(s < end and start < e for s, e in spans):
                here.add(predicate)
        labels.append((frozenset(here), frozenset(anywhere - here)))
    return labels


def read_annotated(dirs: list[Path], on_total: Callable[[int], None] | None = None,
                   on_progress: Callable[[str], None] | None = None,
                   weights: list[float] | None = None) -> list[Annotated]:
    """Every annotated text under `dirs`, parsed, with candidate pairs and gold labels; the texts
    of `dirs[k]` weigh `weights[k]` in fitting (default 1)."""
    golds = [g for d in dirs for g in load_gold(d)]
    listed = [gold_files(d) for d in dirs]
    files = [text_beside(f) for found in listed for f in found]
    weight_of = [w for found, w in zip(listed, weights or [1.0] * len(dirs)) for _ in found]
    documents = [Document(text=f.read_text("utf-8"), name=f.name.removesuffix(".txt"), path=str(f),
                          published=str(g["published"]) if g.get("published") else None)
                 for f, g in zip(files, golds)]
    if on_total:
        on_total(len(documents))
    examples = []
    for gold, document, parsed, weight in zip(golds, documents, parse(d.text for d in documents), weight_of,
                                              strict=True):
        mentions = token_mentions(parsed, document.published or dateline(document.text))
        found = pairs(parsed, mentions, candidates(parsed, mentions))
        labels = gold_labels(gold, document.text, found, _with_doc_aliases(mentions))
        kept = [i for i, t in enumerate(labels) if t is not None]
        examples.append(Annotated(gold, str(gold.get("conflict") or gold["document"]), document, parsed,
                                  [found[i] for i in kept], [labels[i][0] for i in kept], weight,
                                  [labels[i][1] for i in kept]))
        if on_progress:
            on_progress(document.name)
    return examples


def build_vocabulary(examples: list[Annotated], min_count: int = MIN_FEATURE_COUNT) -> dict[str, int]:
    counts = Counter(f for e in examples for p in e.pairs for f in p.features)
    return {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}


def design(examples: list[Annotated], vocabulary: dict[str, int]) -> tuple[csr_matrix, np.ndarray]:
    """Binary feature matrix (pairs x features) and label matrix (pairs x labels)."""
    rows, cols, y = [], [], []
    names = labels()
    n = 0
    for example in examples:
        for pair, target in zip(example.pairs, example.targets):
            for f in pair.features:
                if f in vocabulary:
                    rows.append(n)
                    cols.append(vocabulary[f])
            y.append([name in target for name in names])
            n += 1
    X = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, len(vocabulary)))
    return X, np.array(y, dtype=bool).reshape(n, len(names))


def cell_weights(examples: list[Annotated]) -> np.ndarray:
    """Each (pair, predicate)'s weight in fitting, pairs x labels in `design`'s row order: its text's
    weight, or 0 where gold states that fact of the pair only in another sentence (`gold_labels`)."""
    names = labels()
    rows = [[0.0 if name in elsewhere else e.weight for name in names]
            for e in examples for elsewhere in e.unlabelled]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(names))


def fit_logistic(X: csr_matrix, Y: np.ndarray, C: float,
                 sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One L2 logistic regression per label (liblinear, deterministic); a label with too few
    examples gets no weights and a bias that keeps it off. `sample_weight` is per pair, or per
    (pair, label) as `cell_weights` gives it."""
    weights = np.zeros((Y.shape[1], X.shape[1]), dtype=np.float32)
    bias = np.full(Y.shape[1], -10.0, dtype=np.float32)
    for k in range(Y.shape[1]):
        if Y[:, k].sum() < 2:
            continue
        model = LogisticRegression(C=C, solver="liblinear", random_state=SEED, max_iter=1000)
        model.fit(X, Y[:, k], sample_weight=label_weights(sample_weight, k))
        weights[k], bias[k] = model.coef_[0], model.intercept_[0]
    return weights, bias


def label_weights(sample_weight: np.ndarray | None, k: int) -> np.ndarray | None:
    """The weights of label k's fit from per-pair or per-(pair, label) weights."""
    return sample_weight[:, k] if sample_weight is not None and sample_weight.ndim == 2 else sample_weight


def fit_calibration(scores: np.ndarray, Y: np.ndarray, backed: np.ndarray,
                    known: np.ndarray | None = None) -> dict[str, tuple[float, float]]:
    """Platt scaling of out-of-fold scores, one for rule-backed cells and one for the others; cells
    not `known` (gold says nothing of them there) are left out."""
    calibration = {}
    usable = scores > -9.5
    if known is not None:
        usable &= known
    for name, cells in ((RULE, backed & usable), (MODEL, ~backed & usable)):
        model = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
        model.fit(scores[cells].reshape(-1, 1), Y[cells])
        calibration[name] = (float(model.coef_[0, 0]), float(model.intercept_[0]))
    return calibration


def rule_precision(examples: list[Annotated], prior_weight: float = 5.0) -> dict[str, float]:
    """How often each rule frame (extractor, predicate and trigger word: `relmodel.rule_key`) was right
    on the training pairs, shrunk towards all frames' precision by `prior_weight` pseudo-hits; that
    average is kept under "*" for frames never seen in training."""
    hits, right = Counter(), Counter()
    for example in examples:
        for pair, target, elsewhere in zip(example.pairs, example.targets, example.unlabelled):
            for predicate, candidate in dict(pair.rules).items():
                if predicate in elsewhere:
                    continue
                key = rule_key(candidate, predicate)
                hits[key] += 1
                right[key] += predicate in target
    prior = sum(right.values()) / max(1, sum(hits.values()))
    record = {k: round((right[k] + prior_weight * prior) / (hits[k] + prior_weight), 3) for k in sorted(hits)}
    return {"*": round(prior, 3), **record}


def modality_rows(examples: list[Annotated]) -> list[tuple[str, tuple[str, ...], str]]:
    """(conflict, features, gold modality) for every gold relation instance a candidate pair can
    express, read at the trigger extraction would use (the rule's, else the pair's governing word)."""
    rows = []
    for example in examples:
        text = example.document.text
        for g in example.gold.get("relations") or []:
            at = text.find(g["evidence"])
            for pair, target in zip(example.pairs, example.targets):
                if g["p"] in target and pair.sentence.start_char <= at < pair.sentence.end_char:
                    rule = dict(pair.rules).get(g["p"])
                    trigger = rule.trigger if rule is not None else pair_trigger(pair)
                    rows.append((example.group, modality_features(trigger), g.get("modality", "asserted")))
                    break
    return rows


def fit_modality(rows: list[tuple[str, tuple[str, ...], str]], C: float = 1.0) -> ModalityModel:
    """Multinomial logistic regression over the modality features (deterministic lbfgs)."""
    vocabulary = {f: i for i, f in enumerate(sorted({f for _, fs, _ in rows for f in fs}))}
    cells = [(n, vocabulary[f]) for n, (_, fs, _) in enumerate(rows) for f in fs]
    X = csr_matrix((np.ones(len(cells), dtype=np.float32), ([r for r, _ in cells], [c for _, c in cells])),
                   shape=(len(rows), len(vocabulary)))
    model = LogisticRegression(C=C, max_iter=3000)
    model.fit(X, [m for *_, m in rows])
    return ModalityModel(classes=tuple(str(c) for c in model.classes_), vocabulary=vocabulary,
                         weights=model.coef_.astype(np.float32), bias=model.intercept_.astype(np.float32))


def conflict_folds(examples: list[Annotated], folds: int = FOLDS) -> list[list[int]]:
    """Example indices per fold; every text of a conflict in the same fold, folds balanced by size."""
    sizes = Counter(e.group for e in examples)
    order = sorted(sizes, key=lambda g: (-sizes[g], g))
    load, fold_of = [0] * folds, {}
    for group in order:
        k = min(range(folds), key=lambda i: (load[i], i))
        fold_of[group] = k
        load[k] += sizes[group]
    return [[i for i, e in enumerate(examples) if fold_of[e.group] == k] for k in range(folds)]


def subsample(examples: list[Annotated], share: float, seed: int = SEED) -> list[Annotated]:
    """A seeded share of the documents (for learning curves)."""
    chosen = sorted(random.Random(seed).sample(range(len(examples)), max(1, round(share * len(examples)))))
    return [examples[i] for i in chosen]


def predict_relations(model, examples: list[Annotated], min_confidence: float | None) -> dict[str, list[dict]]:
    """The extract contract's relations for each example's document, from `model` (None: at each
    predicate's own default threshold)."""
    return {e.gold["document"]: [relation_json(r) for r in
                                 extract(e.document, e.parsed, model=model, min_confidence=min_confidence).relations]
            for e in examples}


def at_threshold(predictions: dict[str, list[dict]], threshold: float) -> dict[str, list[dict]]:
    return {doc: [r for r in rows if r["confidence"] >= threshold] for doc, rows in predictions.items()}


def choose_threshold(golds: list[dict], predictions: dict[str, list[dict]],
                     floor_precision: float) -> tuple[float, list[dict]]:
    """The threshold with the best typed F1 among those at least as precise as `floor_precision`
    (the rules' precision on the same texts), and the curve it was chosen from."""
    curve = []
    for t in THRESHOLDS:
        result = score(golds, at_threshold(predictions, t))
        curve.append({"threshold": t, "p": result.typed_p_r_f1[0], "r": result.typed_p_r_f1[1],
                      "f1": result.typed_p_r_f1[2]})
    good = [c for c in curve if c["p"] >= floor_precision] or [max(curve, key=lambda c: c["p"])]
    best = max(good, key=lambda c: (c["f1"], -c["threshold"]))
    return best["threshold"], curve


def choose_predicate_thresholds(golds: list[dict], predictions: dict[str, list[dict]], floor_precision: float,
                                start: float) -> dict[str, float]:
    """Each predicate's own threshold, from `start` (the shared one), moved one predicate at a time
    (two passes) wherever that raises typed F1 and keeps precision at least `floor_precision`: a
    predicate the model scores cautiously (detention, control) needs less confidence than one it
    scores eagerly, at the same precision overall. A fact's key holds its predicate, so the typed
    counts are sums over predicates: the texts are scored once per candidate threshold, and every
    combination is added up from those rows."""
    counts = {t: {row.predicate: (row.tp, row.predicted)
                  for row in score(golds, at_threshold(predictions, t)).per_predicate}
              for t in sorted({start, *PREDICATE_THRESHOLDS})}
    gold = score(golds, {}).gold_facts
    thresholds = dict.fromkeys(sorted({r["predicate"] for rows in predictions.values() for r in rows}), start)

    def f1(candidate: dict[str, float]) -> float:
        tp = sum(counts[t].get(predicate, (0, 0))[0] for predicate, t in candidate.items())
        predicted = sum(counts[t].get(predicate, (0, 0))[1] for predicate, t in candidate.items())
        p, _, f = prf(tp, predicted, gold)
        return f if p >= floor_precision else -1.0

    best = f1(thresholds)
    for _ in range(2):
        for predicate in thresholds:
            for value in PREDICATE_THRESHOLDS:
                tried = {**thresholds, predicate: value}
                found = f1(tried)
                if found > best + 1e-9:
                    best, thresholds = found, tried
    return thresholds


def at_thresholds(predictions: dict[str, list[dict]], thresholds: dict[str, float]) -> dict[str, list[dict]]:
    return {doc: [r for r in rows if r["confidence"] >= thresholds.get(r["predicate"], 1.0)]
            for doc, rows in predictions.items()}


def model_from(weights, bias, vocabulary, calibration=None, threshold=0.5, meta=None) -> RelationModel:
    return RelationModel(labels=labels(), vocabulary=vocabulary, weights=weights, bias=bias,
                         calibration=calibration or {RULE: (1.0, 0.0), MODEL: (1.0, 0.0)}, threshold=threshold,
                         meta=dict(meta or {}, feature_version=FEATURE_VERSION))
