"""spaCy's `attribute_ruler` (a fine tag's coarse POS, morphology and a few lemmas), applied from a
table instead of the `Matcher`: the same rules, the same annotations, for about a quarter of the cost.

Through the `Matcher` the ruler costs as much as the parser (about 16 % of the English pipeline's
time on news text; `benchmarks.run` shows the parse 1.14x faster with the table), yet its rules are
simple: one or two tokens tested on their tag, lower-case form, dependency label or whether they
are space. Those tests depend only on a token's four values, so the outcome is
computed once per distinct combination and cached. Rules are applied in the ruler's order, the
later overriding the earlier, as spaCy does (`AttributeRuler.match` sorts by rule). A ruler with a
test this table cannot evaluate is left as it is (`compiled` returns None)."""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy
from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from .slots import replace_by

KEY_ATTRS = (TAG, LOWER, DEP, IS_SPACE)
_KEY_NAMES = ("TAG", "LOWER", "DEP", "IS_SPACE")
Key = tuple[int, ...]
Test = Callable[[tuple], bool]


def _value_test(spec) -> Callable[[object], bool] | None:
    """One attribute's test as spaCy's Matcher reads it, or None if it uses anything else."""
    if isinstance(spec, (str, bool)):
        return lambda value: value == spec
    if not isinstance(spec, dict) or len(spec) != 1:
        return None
    (op, arg), = spec.items()
    if op == "IN":
        allowed = frozenset(arg)
        return lambda value: value in allowed
    if op == "NOT_IN":
        barred = frozenset(arg)
        return lambda value: value not in barred
    if op == "REGEX":
        pattern = re.compile(arg)
        return lambda value: isinstance(value, str) and pattern.search(value) is not None
    return None


def _token_test(pattern: dict) -> Test | None:
    """A test of one token's (tag, lower, dep, is_space) strings, or None if unsupported."""
    tests = []
    for name, spec in pattern.items():
        if name not in _KEY_NAMES:
            return None
        test = _value_test(spec)
        if test is None:
            return None
        tests.append((_KEY_NAMES.index(name), test))
    return lambda values: all(test(values[at]) for at, test in tests)


def _tags_of(pattern: dict) -> frozenset[str] | None:
    """The tags a token pattern can match, when it names them (most rules are a tag's)."""
    spec = pattern.get("TAG")
    if isinstance(spec, str):
        return frozenset([spec])
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        return frozenset(spec["IN"])
    return None


class TagRules:
    """The rules of one `AttributeRuler`, evaluated per distinct token key; call it on a Doc.
    Outcomes are cached per key (tag x word x label: tens of thousands in a large corpus; the cache
    is emptied when it holds MAX_CACHED)."""

    MAX_CACHED = 500_000

    def __init__(self, ruler: AttributeRuler, single: list[tuple[int, Test, frozenset[str] | None]],
                 multi: list[tuple[int, list[Test], int]]):
        self.strings = ruler.vocab.strings
        self.rule_attrs = [dict(attrs) for attrs in ruler.attrs]
        self.columns = sorted({attr for attrs in self.rule_attrs for attr in attrs})
        self._column_of = {attr: at for at, attr in enumerate(self.columns)}
        self.single = single
        self.multi = multi
        self._by_tag: dict[str, list[tuple[int, Test]]] = {}
        self._outcomes: dict[Key, tuple[tuple[int, int], ...]] = {}
        self._firsts: list[dict[Key, bool]] = [{} for _ in multi]

    def _strings_of(self, key: Key) -> tuple:
        tag, lower, dep, is_space = key
        return self.strings[tag], self.strings[lower], self.strings[dep], bool(is_space)

    def _rules_for_tag(self, tag: str) -> list[tuple[int, Test]]:
        found = self._by_tag.get(tag)
        if found is None:
            found = self._by_tag[tag] = [(rule, test) for rule, test, tags in self.single
                                         if tags is None or tag in tags]
        return found

    def _single_rules(self, key: Key) -> list[int]:
        values = self._strings_of(key)
        return [rule for rule, test in self._rules_for_tag(values[0]) if test(values)]

    def _merged(self, rules: list[int]) -> tuple[tuple[int, int], ...]:
        """(column, value) pairs of the rules applied in order, the later overriding the earlier."""
        merged: dict[int, int] = {}
        for rule in sorted(rules):
            merged.update(self.rule_attrs[rule])
        return tuple((self._column_of[attr], value) for attr, value in merged.items())

    def _outcome(self, key: Key) -> tuple[tuple[int, int], ...]:
        found = self._outcomes.get(key)
        if found is None:
            if len(self._outcomes) >= self.MAX_CACHED:
                self._outcomes.clear()
            found = self._outcomes[key] = self._merged(self._single_rules(key))
        return found

    def _multi_hits(self, keys: list[Key]) -> dict[int, list[int]]:
        """Token position -> the multi-token rules that set it. Only positions whose token passes a
        rule's first test are tried further (first tests are cached per key)."""
        hits: dict[int, list[int]] = {}
        distinct = set(keys)
        for (rule, tests, index), firsts in zip(self.multi, self._firsts):
            for key in distinct.difference(firsts):
                firsts[key] = tests[0](self._strings_of(key))
            width = len(tests)
            for start in [i for i, key in enumerate(keys[:len(keys) - width + 1]) if firsts[key]]:
                if all(test(self._strings_of(keys[start + step])) for step, test in enumerate(tests[1:], 1)):
                    hits.setdefault(start + (index if index >= 0 else width + index), []).append(rule)
        return hits

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        keys = [tuple(row) for row in doc.to_array(list(KEY_ATTRS)).tolist()]
        values = doc.to_array(self.columns)
        hits = self._multi_hits(keys) if self.multi else {}
        for i, key in enumerate(keys):
            outcome = self._outcome(key) if i not in hits else self._merged(self._single_rules(key) + hits[i])
            for column, value in outcome:
                values[i, column] = value
        doc.from_array(self.columns, values.astype(numpy.uint64, copy=False))
        return doc


def compiled(ruler: AttributeRuler) -> TagRules | None:
    """The ruler as a `TagRules` table, or None if one of its patterns needs the full Matcher."""
    single, multi = [], []
    for rule, entry in enumerate(ruler.patterns):
        for pattern in entry["patterns"]:
            tests = [_token_test(token) for token in pattern]
            if not tests or any(test is None for test in tests):
                return None
            if len(tests) == 1 and entry.get("index", 0) in (0, -1):
                single.append((rule, tests[0], _tags_of(pattern[0])))
            else:
                multi.append((rule, tests, entry.get("index", 0)))
    return TagRules(ruler, single, multi)


def swap_in(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Replace the pipeline's attribute ruler by its table, in place; False if it has none or the
    table cannot express its rules."""
    if name not in nlp.pipe_names:
        return False
    table = compiled(nlp.get_pipe(name))
    if table is None:
        return False
    replace_by(nlp, name, "tag_rules", table)
    return True
