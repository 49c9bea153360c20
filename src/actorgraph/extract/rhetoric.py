"""Persuasion and rhetoric spans (SemEval-2020 Task 11 / 2023 Task 3 techniques plus burden
shifting, rhetorical questions and vague attribution), found from the cue lexicons in
data/rhetoric.yaml. A relation whose evidence sits inside a rhetorical question or a demand that the
accused disprove it is not asserted evidence: `excluded_from_evidence` says which span disqualifies
it. Run `python -m actorgraph.rhetoric FILE.yaml` to score the lexicon on a labelled set."""
from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from typing import TYPE_CHECKING

import yaml

from .lexicon import package_yaml
from .tokens import TokenTable, table

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

GAP = "..."
CAPS = re.compile(r"\b(?=[A-Z ]*[A-Z]{4})[A-Z]{2,}(?: [A-Z]{2,})+\b")


@dataclass(frozen=True)
class RhetoricSpan:
    """One technique found in a document, with character offsets into `doc.text`."""

    technique: str
    start: int
    end: int
    text: str
    confidence: float
    cue: str


@dataclass(frozen=True)
class Technique:
    """A technique's metadata and its cues as (phrase, confidence): weak cues carry less. The
    phrases become tokens in `cue_words`, when spans are first sought (answers need only labels)."""

    id: str
    label: str
    semeval: str | None
    scope: str
    confidence: float
    cues: tuple[tuple[str, float], ...]
    cue_confidence: float


@dataclass(frozen=True)
class Rhetoric:
    techniques: dict[str, Technique]
    disqualifying: frozenset[str]
    max_gap: int
    interview_markers: tuple[str, ...]
    repetition: dict
    actor_labels: dict[str, str]


def _words(phrase: str, tokenizer) -> tuple[str, ...]:
    """A cue as the tokens the parser will produce, so "so-called" matches the text's tokens."""
    words: list[str] = []
    for token in tokenizer(phrase.lower()):
        if token.text == "*" and words:
            words[-1] += "*"
        elif not token.is_space:
            words.append(token.lower_)
    return tuple(words)


@cache
def _cue_tokenizer():
    """spaCy's English tokenizer, built once: building one costs about 0.1 s, and every technique
    tokenises its cues with it."""
    from spacy.lang.en import English

    return English().tokenizer


@cache
def cue_words(technique: str) -> tuple[tuple[tuple[str, ...], float], ...]:
    """A technique's cues as (tokens, confidence), tokenised by spaCy's English tokenizer."""
    tokenizer = _cue_tokenizer()
    return tuple((_words(phrase, tokenizer), confidence) for phrase, confidence in rhetoric().techniques[technique].cues)


@cache
def rhetoric() -> Rhetoric:
    """The packaged rhetoric lexicon, loaded once."""
    raw = package_yaml("rhetoric.yaml")
    techniques = {
        key: Technique(key, spec["label"], spec.get("semeval"), spec["scope"], float(spec["confidence"]),
                       tuple((c, float(spec["confidence"])) for c in spec.get("cues") or ()) +
                       tuple((c, float(spec["weak_confidence"])) for c in spec.get("weak_cues") or ()),
                       float(spec.get("cue_confidence", spec["confidence"])))
        for key, spec in raw["techniques"].items()}
    if unknown := set(raw["disqualifying"]) - set(techniques):
        raise ValueError(f"rhetoric.yaml: unknown disqualifying techniques {sorted(unknown)}")
    labels = {word.lower(): register for register, words in raw["actor_labels"].items() for word in words}
    markers = raw["techniques"]["rhetorical_question"].get("interview_markers") or ()
    return Rhetoric(techniques=techniques, disqualifying=frozenset(raw["disqualifying"]),
                    max_gap=int(raw["max_gap"]), interview_markers=tuple(m.lower() for m in markers),
                    repetition=raw["repetition"], actor_labels=labels)


def _word_matches(forms: tuple[str, str], word: str) -> bool:
    return any(f.startswith(word[:-1]) for f in forms) if word.endswith("*") else word in forms


def _match(forms: list[tuple[str, str]], i: int, words: tuple[str, ...], gap: int) -> int | None:
    """End (exclusive, sentence-relative) of `words` matched from token i, gaps lazily; `forms`
    holds each token's lower-case text and lemma."""
    if not words:
        return i
    if words[0] == GAP:
        return next((e for k in range(gap + 1) if (e := _match(forms, i + k, words[1:], gap)) is not None), None)
    if i < len(forms) and _word_matches(forms[i], words[0]):
        return _match(forms, i + 1, words[1:], gap)
    return None


@dataclass(frozen=True)
class _CueIndex:
    """The cues of some techniques by the word they open with, so each token is looked up once for
    all of them; cues opening with a wildcard are tried where a token has one of their prefixes,
    cues opening with a gap everywhere. A cue is (technique, rank in its technique's cues)."""

    cues: dict[str, tuple[tuple[tuple[str, ...], float], ...]]
    by_word: dict[str, tuple[tuple[str, int], ...]]
    wildcards: tuple[tuple[str, str, int], ...]  # (opening word, technique, rank)
    prefixes: tuple[str, ...]
    everywhere: tuple[tuple[str, int], ...]


@cache
def _cue_index(techniques: tuple[str, ...]) -> _CueIndex:
    """The index of these techniques' cues (rank: a cue's first place in its technique's list)."""
    cues = {key: cue_words(key) for key in techniques}
    by_word: dict[str, list[tuple[str, int]]] = {}
    wildcards, everywhere = [], []
    for key, entries in cues.items():
        for rank, (words, _) in enumerate(entries):
            if entries.index(entries[rank]) != rank:
                continue
            first = words[0] if words else GAP
            if first == GAP:
                everywhere.append((key, rank))
            elif first.endswith("*"):
                wildcards.append((first, key, rank))
            else:
                by_word.setdefault(first, []).append((key, rank))
    return _CueIndex(cues, {k: tuple(v) for k, v in by_word.items()}, tuple(wildcards),
                     tuple(w[:-1] for w, _, _ in wildcards), tuple(everywhere))


def _sentence_bounds(t: TokenTable, start: int, end: int) -> tuple[int, int]:
    """Character offsets of sentence start:end without its surrounding white space."""
    text, start_char = t.sentence_text(start, end), t.idx[start]
    return start_char + len(text) - len(text.lstrip()), start_char + len(text.rstrip())


def _span(doc: Doc, technique: str, start: int, end: int, confidence: float, cue: str) -> RhetoricSpan:
    return RhetoricSpan(technique, start, end, table(doc).text[start:end], round(confidence, 3), cue)


def _forms(t: TokenTable, start: int, end: int) -> list[tuple[str, str]]:
    """Each token's lower-case text and lemma in sentence start:end."""
    return list(zip(t.lower[start:end], t.lemma[start:end]))


def _cue_hits(forms: list[tuple[str, str]], index: _CueIndex, gap: int) -> dict[str, list[tuple]]:
    """Per technique, its cue matches (start, end, cue, confidence) in a sentence's `forms`, by
    start and then by the cue's place in the technique's list."""
    starts = set()
    by_word = index.by_word
    for i, (lower, lemma) in enumerate(forms):
        if lower in by_word:
            starts.update((key, i, rank) for key, rank in by_word[lower])
        if lemma != lower and lemma in by_word:
            starts.update((key, i, rank) for key, rank in by_word[lemma])
        if index.prefixes and (lower.startswith(index.prefixes) or lemma.startswith(index.prefixes)):
            starts.update((key, i, rank) for word, key, rank in index.wildcards
                          if _word_matches((lower, lemma), word))
        if index.everywhere:
            starts.update((key, i, rank) for key, rank in index.everywhere)
    hits: dict[str, list[tuple]] = {}
    for key, i, rank in sorted(starts):
        words, confidence = index.cues[key][rank]
        end = _match(forms, i, words, gap)
        if end is not None and end > i:
            hits.setdefault(key, []).append((i, end, " ".join(words), confidence))
    return hits


def _lexical_spans(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """Cue matches: phrase-scope techniques span the words, sentence-scope ones the sentence."""
    t = table(doc)
    techniques = [tech for tech in lex.techniques.values() if tech.scope in {"phrase", "sentence"}]
    index = _cue_index(tuple(tech.id for tech in techniques))
    found = []
    for start, end in t.sentences:
        hits = _cue_hits(_forms(t, start, end), index, lex.max_gap)
        for tech in (tech for tech in techniques if tech.id in hits):
            if tech.scope == "sentence":
                _, _, cue, confidence = max(hits[tech.id], key=lambda h: h[3])
                found.append(_span(doc, tech.id, *_sentence_bounds(t, start, end), confidence, cue))
                continue
            for s, e, cue, confidence in hits[tech.id]:
                found.append(_span(doc, tech.id, t.idx[start + s], t.end_char[start + e - 1], confidence, cue))
    return found


def _question_spans(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """Questions in running prose (not an interview); cued ones are surer. A question alone on
    its line (a title or subheading) poses a topic and counts only with a cue."""
    t = table(doc)
    if any(line.strip().lower().startswith(lex.interview_markers) for line in t.text.splitlines()):
        return []
    technique = lex.techniques["rhetorical_question"]
    index = _cue_index((technique.id,))
    found = []
    for start, end in t.sentences:
        if not t.sentence_text(start, end).rstrip(" \"'\u201d\u2019)\n").endswith("?"):
            continue
        hits = _cue_hits(_forms(t, start, end), index, lex.max_gap).get(technique.id)
        cue = hits[0][2] if hits else None
        start_char, end_char = _sentence_bounds(t, start, end)
        alone = t.text[:start_char].rstrip(" \t")[-1:] in {"", "\n"} and \
            t.text[end_char:].lstrip(" \t")[:1] in {"", "\n"}
        if cue is None and alone:
            continue
        confidence = technique.cue_confidence if cue else technique.confidence
        found.append(_span(doc, technique.id, start_char, end_char, confidence, cue or "?"))
    return found


def _slogan_shapes(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """Short exclamations and runs of capitalised words (not names or acronyms) read as slogans."""
    confidence = lex.techniques["slogans"].confidence * 0.85
    t = table(doc)
    found = []
    for start, end in t.sentences:
        text = t.sentence_text(start, end)
        if text.rstrip().endswith("!") and 0 < sum(t.is_alpha[start:end]) <= 10:
            found.append(_span(doc, "slogans", *_sentence_bounds(t, start, end), confidence, "!"))
        for caps in CAPS.finditer(text):
            run = doc.char_span(t.idx[start] + caps.start(), t.idx[start] + caps.end(), alignment_mode="expand")
            if not any(token.ent_type_ for token in run):
                found.append(_span(doc, "slogans", run.start_char, run.end_char, confidence, "CAPS"))
    return found


def _repetition_spans(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """A content word used min_count times within a few sentences: the span runs first to last use."""
    spec, t, found = lex.repetition, table(doc), []
    content = [lemma if pos in {"NOUN", "VERB", "ADJ"} and alpha and not stop and not ent and lemma not in spec["ignore"]
               else None for lemma, pos, alpha, stop, ent in zip(t.lemma, t.pos, t.is_alpha, t.is_stop, t.ent_type)]
    sentences, window = t.sentences, int(spec["window_sentences"])
    for k in range(len(sentences)):
        uses: dict[str, list[int]] = defaultdict(list)
        for i in range(sentences[k][0], sentences[min(k + window, len(sentences)) - 1][1]):
            if content[i] is not None:
                uses[content[i]].append(i)
        for lemma, tokens in uses.items():
            if len(tokens) >= int(spec["min_count"]):
                found.append(_span(doc, "repetition", t.idx[tokens[0]], t.end_char[tokens[-1]],
                                   lex.techniques["repetition"].confidence, lemma))
    return found


def find_spans(doc: Doc) -> list[RhetoricSpan]:
    """Every rhetoric span in a parsed document by position; overlapping finds of one technique
    merge into one span with the surest confidence."""
    lex = rhetoric()
    spans = [*_lexical_spans(doc, lex), *_question_spans(doc, lex), *_slogan_shapes(doc, lex),
             *_repetition_spans(doc, lex)]
    kept: list[RhetoricSpan] = []
    for span in sorted(spans, key=lambda s: (s.technique, s.start, -s.end, -s.confidence)):
        last = kept[-1] if kept else None
        if last and last.technique == span.technique and span.start < last.end:
            kept[-1] = _span(doc, last.technique, last.start, max(last.end, span.end),
                             max(last.confidence, span.confidence), last.cue)
        else:
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.technique))


def excluded_from_evidence(spans: list[RhetoricSpan], start: int, end: int) -> RhetoricSpan | None:
    """The disqualifying span (rhetorical question, burden shifting) holding at least half of the
    evidence start:end - such words pose or demand a claim, they do not assert it."""
    disqualifying = rhetoric().disqualifying
    length = max(end - start, 1)
    inside = [s for s in spans if s.technique in disqualifying
              and min(end, s.end) - max(start, s.start) >= length / 2]
    return max(inside, key=lambda s: s.confidence, default=None)


def label_of(token: Token) -> str | None:
    """The actor label a word is (lemma form, "terrorists" -> "terrorist"); its register
    (pejorative, laudatory, neutral) is rhetoric().actor_labels[label]."""
    return _label_in(token.lemma_.lower(), token.lower_)


def _label_in(*forms: str) -> str | None:
    """The first of a word's forms that is an actor label."""
    labels = rhetoric().actor_labels
    return next((f for f in forms if f in labels), None)


def _labelled_actors(token: Token, covering: dict[int, list]) -> list:
    """Mentions a label word applies to: the coreferent phrase it heads, the name it modifies or
    stands in apposition to, "the mujahideen of X", or the subject it is predicated of
    ("X is considered a terrorist threat")."""
    here = covering.get(token.i, ())
    if any(m.mention.via != "coref" for m in here):
        return []
    if here:
        return list(here)
    head = token
    while head.dep_ in {"amod", "compound"} and head.head.i != head.i:
        head = head.head
        if head.i in covering:
            return covering[head.i]
    linked = [c for c in head.children if c.dep_ in {"appos", "compound"} and c.i in covering]
    if head.dep_ == "appos" and head.head.i in covering:
        linked.append(head.head)
    linked += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" and head.pos_ == "NOUN"
               for g in c.children if g.dep_ == "pobj" and g.i in covering]
    if head.dep_ in {"attr", "oprd"}:
        linked += [c for c in head.head.children if c.dep_ in {"nsubj", "nsubjpass"} and c.i in covering]
    return [m for c in linked for m in covering[c.i]]


def loaded_labels(doc: Doc, mentions: list) -> dict[str, Counter]:
    """Labels ("terrorist", "mujahideen", "rebel") applied to each actor, from TokenMention items
    after coreference; places are not labelled."""
    covering: dict[int, list] = defaultdict(list)
    for item in (m for m in mentions if m.mention.actor.type != "place"):
        for i in range(item.start, item.end):
            covering[i].append(item)
    result: dict[str, Counter] = defaultdict(Counter)
    t = table(doc)
    labels = rhetoric().actor_labels
    for i, (lemma, lower) in enumerate(zip(t.lemma, t.lower)):
        if lemma not in labels and lower not in labels:  # most words: skip the call
            continue
        label = _label_in(lemma, lower)
        for name in dict.fromkeys(m.mention.actor.name for m in _labelled_actors(doc[i], covering)):
            result[name][label] += 1
    return dict(result)


def score_spans(gold: list[tuple[str, int, int]], predicted: list[tuple[str, int, int]]) -> dict:
    """Precision, recall and F1 per technique and micro-averaged ("all"): a predicted span is
    right when a gold span of the same technique overlaps it, a gold span found when one overlaps it."""
    techniques = sorted({g[0] for g in gold} | {p[0] for p in predicted})
    table = {}
    for technique in [*techniques, "all"]:
        g = [x for x in gold if technique in ("all", x[0])]
        p = [x for x in predicted if technique in ("all", x[0])]
        right = sum(any(x[1] < y[2] and y[1] < x[2] for y in g) for x in p)
        found = sum(any(x[1] < y[2] and y[1] < x[2] for x in p) for y in g)
        precision = right / len(p) if p else (1.0 if not g else 0.0)
        recall = found / len(g) if g else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[technique] = {"gold": len(g), "predicted": len(p), "precision": round(precision, 3),
                            "recall": round(recall, 3), "f1": round(f1, 3)}
    return table


def evaluate_file(path: str | Path, nlp=None) -> dict:
    """Score find_spans on a labelled YAML set (texts with {technique, text} spans)."""
    from .nlp import load

    nlp = nlp or load()
    gold, predicted = [], []
    for n, item in enumerate(yaml.safe_load(Path(path).read_text("utf-8"))["texts"]):
        text = item["text"]
        for span in item.get("spans") or ():
            at = text.index(span["text"])
            gold.append((span["technique"], n * 10**6 + at, n * 10**6 + at + len(span["text"])))
        predicted += [(s.technique, n * 10**6 + s.start, n * 10**6 + s.end) for s in find_spans(nlp(text))]
    return score_spans(gold, predicted)


def format_table(table: dict) -> str:
    head = f"{'technique':<26} {'gold':>4} {'pred':>4} {'P':>6} {'R':>6} {'F1':>6}"
    return "\n".join([head, *(f"{k:<26} {v['gold']:>4} {v['predicted']:>4} {v['precision']:>6.2f} "
                               f"{v['recall']:>6.2f} {v['f1']:>6.2f}" for k, v in table.items())])


if __name__ == "__main__":
    print(format_table(evaluate_file(sys.argv[1] if len(sys.argv) > 1 else "tests/data/rhetoric-spans.yaml")))
