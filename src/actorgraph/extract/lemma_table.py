"""spaCy's rule lemmatizer read from a table of the lemmas it gave: the same lemmas, for a fraction
of the cost.

A rule lemma depends only on a token's form, coarse POS and morphology (`Lemmatizer.rule_lemmatize`
and English's `is_base_form` read nothing else), so the lemmatizer itself computes it once per
distinct (form, POS, morphology) and a dict gives it afterwards: one lookup per token instead of a
Python method call that builds `Token` and `MorphAnalysis` objects (3 % of the parse, about as
much as the whole `tag_rules` table). Tokens that already have a lemma (the attribute ruler sets a
few) keep it, as the lemmatizer's `overwrite=False` does."""
from __future__ import annotations

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from .slots import replace_by

KEY_ATTRS = [ORTH, POS, MORPH, LEMMA]


class LemmaTable:
    """A rule `Lemmatizer`'s outcomes per (form, POS, morphology); call it on a Doc. The table is
    emptied when it holds MAX_CACHED keys (a large archive's vocabulary)."""

    MAX_CACHED = 500_000

    def __init__(self, lemmatizer: Lemmatizer):
        self.lemmatizer = lemmatizer
        self.strings = lemmatizer.vocab.strings
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def _lemma(self, doc: Doc, i: int, key: tuple[int, int, int]) -> int:
        if len(self._lemmas) >= self.MAX_CACHED:
            self._lemmas.clear()
        found = self._lemmas[key] = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array(KEY_ATTRS)
        lemmas, known = rows[:, 3:].copy(), self._lemmas
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma == 0:
                key = (orth, pos, morph)
                found = known.get(key)
                lemmas[i, 0] = found if found is not None else self._lemma(doc, i, key)
        doc.from_array([LEMMA], lemmas)
        return doc


def swap_in(nlp: Language, name: str = "lemmatizer") -> bool:
    """Replace the pipeline's rule lemmatizer by its table, in place; False if it has none, or one
    in another mode or that overwrites lemmas already set."""
    if name not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe(name)
    if not isinstance(lemmatizer, Lemmatizer) or lemmatizer.mode != "rule" or lemmatizer.overwrite:
        return False
    replace_by(nlp, name, "lemma_table", LemmaTable(lemmatizer))
    return True
