"""spaCy's entity recogniser decoded with array operations: the same model, the same entities,
in a fraction of its time.

`EntityRecognizer` picks one BILUO move per token in a C loop whose state accessors take and
release the GIL on every call (spaCy 3.8 built with Cython 3; `perf` puts a third of the
component's time in pthread mutexes), so that loop cost three times the network (17.5 of 30 s per
1,000 documents in `benchmarks/results/components.json`). Greedy decoding with no preset entities
needs little state:

- outside an entity, the features of a token's state are that token and two padding slots, and the
  valid moves (B-, U-, O) depend on that token alone, so every such decision is made at once for a
  sub-batch;
- inside an entity only I-<label> and L-<label> are valid: two scores per token.

The network's numbers are spaCy's own layers applied to the same sub-batches, so every hidden unit
is bit for bit the C loop's. Only the last layer's 64-term dot products are summed here in another
order; a move is taken only when the two best valid scores differ by more than twice the rounding
bound of such a sum, otherwise the sub-batch goes to spaCy's own decoder (as do documents that
arrive with entities already set)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from .slots import replace_by

# Twice the relative bound on a float32 sum of 64 products and a bias, in any order
# (n * u / (1 - n * u) with u = 2**-24, n = 66), with room to spare.
ROUNDING = 4 * 66 * 2.0 ** -24


class Undecided(Exception):
    """A sub-batch left to spaCy's own loop: two valid moves scored too close for another summation
    order to be trusted, or entities already set."""


@dataclass(frozen=True)
class Moves:
    """The recogniser's moves by kind: masks over its classes, and each label's I and L class."""

    begin: numpy.ndarray
    unit: numpy.ndarray
    out: numpy.ndarray
    label: tuple[str, ...]
    inside: dict[str, int]
    last: dict[str, int]

    @classmethod
    def of(cls, ner: EntityRecognizer) -> Moves:
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        kinds = [name.split("-", 1)[0] for name in names]
        labels = tuple(name.split("-", 1)[1] if "-" in name else "" for name in names)
        has_label = numpy.array([bool(label) for label in labels])
        kind = numpy.array(kinds)
        return cls(begin=(kind == "B") & has_label, unit=(kind == "U") & has_label, out=kind == "O",
                   label=labels,
                   inside={labels[i]: i for i, k in enumerate(kinds) if k == "I" and labels[i]},
                   last={labels[i]: i for i, k in enumerate(kinds) if k == "L" and labels[i]})


class EntityDecoder:
    """Call it on a Doc or `pipe` Docs, as the `EntityRecognizer` it is built from."""

    def __init__(self, ner: EntityRecognizer):
        self.ner = ner
        self.tok2vec, self.lower, self.upper = ner.model.layers
        self.weights = self.upper.get_param("W")
        self.bias = self.upper.get_param("b")
        self.abs_weights = numpy.abs(self.weights)
        self.abs_bias = numpy.abs(self.bias)
        self.lower_bias = self.lower.get_param("b").reshape(-1)
        self.pieces = self.lower.get_dim("nP")
        self.moves = Moves.of(ner)
        self.decided = self.deferred = 0

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc], batch_size=1))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """Sub-batches as `Parser.pipe` forms them (sorted by length, a quarter of the batch), so
        the network sees the same inputs."""
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            by_length = sorted(batch, key=len)
            for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                self._annotate(list(sub))
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        try:
            found = self._decode(docs)
        except Undecided:
            self.deferred += len(docs)
            self.ner.set_annotations(docs, self.ner.predict(docs))
            return
        self.decided += len(docs)
        for doc, entities in zip(docs, found):
            doc.set_ents([Span(doc, start, end, label=label) for start, end, label in entities],
                         default="outside")

    def _decode(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        if not any(len(doc) for doc in docs):
            return [[] for _ in docs]
        rows = [doc.to_array([ENT_IOB, SENT_START, IS_SPACE]) for doc in docs]
        if any(len(row) and row[:, 0].any() for row in rows):
            raise Undecided
        cached = self.lower.predict(self.tok2vec.predict(docs))
        features = cached.reshape(cached.shape[0], cached.shape[1], -1)
        scores, undecided = self._closed_choices(features, docs, rows)
        found, offset = [], 0
        for doc, row in zip(docs, rows):
            found.append(self._walk(features, scores, undecided, offset, row))
            offset += len(doc)
        return found

    def _scores(self, hidden: numpy.ndarray, classes=slice(None)) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Scores of a state's hidden layer, and the bound on their rounding error."""
        scores = hidden @ self.weights[classes].T
        scores += self.bias[classes]
        bound = numpy.abs(hidden) @ self.abs_weights[classes].T
        bound += self.abs_bias[classes]
        return scores, bound * ROUNDING

    def _hidden(self, summed: numpy.ndarray) -> numpy.ndarray:
        summed += self.lower_bias
        return summed.reshape(*summed.shape[:-1], -1, self.pieces).max(axis=-1)

    def _closed_choices(self, features, docs, rows) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The move of every token reached outside an entity, and whether it is too close to call.
        The state's features are the token, then padding for the entity's first word and the
        word before: summed in the C loop's order."""
        hidden = self._hidden((features[1:, 0] + features[0, 1]) + features[0, 2])
        scores, bound = self._scores(hidden)
        can_begin, can_unit = [], []
        for doc, row in zip(docs, rows):
            space = row[:, 2].astype(bool)
            following = numpy.zeros(len(doc), dtype=bool)
            following[:-1] = row[1:, 1] != 1
            can_begin.append(following & ~space)
            can_unit.append(~space)
        moves = self.moves
        valid = moves.out | (numpy.concatenate(can_begin)[:, None] & moves.begin) \
            | (numpy.concatenate(can_unit)[:, None] & moves.unit)
        masked = numpy.where(valid, scores, -numpy.inf)
        choice = masked.argmax(axis=1)
        at = numpy.arange(len(choice))
        best, best_bound = masked[at, choice], bound[at, choice]
        masked[at, choice] = -numpy.inf
        runner = masked.argmax(axis=1)
        gap = best - masked[at, runner]
        return choice, gap <= best_bound + bound[at, runner]

    def _walk(self, features, choices, undecided, offset: int, row) -> list[tuple[int, int, str]]:
        """Apply the moves in order: outside an entity the precomputed choice, inside one I or L."""
        moves, length, entities, at = self.moves, len(row), [], 0
        while at < length:
            if undecided[offset + at]:
                raise Undecided
            choice = int(choices[offset + at])
            label = moves.label[choice]
            if moves.out[choice]:
                at += 1
                continue
            if moves.unit[choice]:
                entities.append((at, at + 1, label))
                at += 1
                continue
            start, at = at, at + 1
            while not self._closes(features, offset, start, at, label, row):
                at += 1
            entities.append((start, at + 1, label))
            at += 1
        return entities

    def _closes(self, features, offset: int, start: int, at: int, label: str, row) -> bool:
        """Inside an entity begun at `start`: L-<label> at `at` rather than I-<label>. I is valid
        only with a next token that does not start a sentence."""
        if at + 1 >= len(row) or row[at + 1, 1] == 1:
            return True
        position = offset + at
        summed = (features[position + 1, 0] + features[offset + start + 1, 1]) + features[position, 2]
        classes = [self.moves.inside[label], self.moves.last[label]]
        scores, bound = self._scores(self._hidden(summed), classes)
        if abs(scores[0] - scores[1]) <= bound[0] + bound[1]:
            raise Undecided
        return bool(scores[1] > scores[0])


def swap_in(nlp: Language, name: str = "ner") -> bool:
    """Decode the pipeline's greedy entity recogniser with arrays, in place; False if it has none
    or one this cannot decode (beam search, a model without its last layer)."""
    if name not in nlp.pipe_names:
        return False
    ner = nlp.get_pipe(name)
    if not isinstance(ner, EntityRecognizer) or ner.cfg.get("beam_width", 1) != 1:
        return False
    if len(ner.model.layers) != 3 or not ner.model.attrs.get("has_upper") or ner.model.attrs.get("unseen_classes"):
        return False
    if ner.model.get_ref("lower").get_dim("nF") != 3:
        return False
    replace_by(nlp, name, "entity_decoder", EntityDecoder(ner))
    return True
