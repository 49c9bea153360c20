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

import yaml
from spacy.tokens import Doc, Span, Token

from .lexicon import package_yaml
from .nlp import load

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
    """A technique's metadata and its cues as (tokens, confidence): weak cues carry less."""

    id: str
    label: str
    semeval: str | None
    scope: str
    confidence: float
    cues: tuple[tuple[tuple[str, ...], float], ...]
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
def rhetoric() -> Rhetoric:
    """The packaged rhetoric lexicon, loaded once."""
    from spacy.lang.en import English
    raw, tok = package_yaml("rhetoric.yaml"), English().tokenizer
    techniques = {
        key: Technique(key, spec["label"], spec.get("semeval"), spec["scope"], float(spec["confidence"]),
                       tuple((_words(c, tok), float(spec["confidence"])) for c in spec.get("cues") or ()) +
                       tuple((_words(c, tok), float(spec["weak_confidence"])) for c in spec.get("weak_cues") or ()),
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


@cache
def _by_first_word(cues: tuple[tuple[tuple[str, ...], float], ...]) -> tuple[dict, tuple]:
    """Cues indexed by their first word, so a token is tried only against cues that can start there;
    cues opening with a wildcard or a gap are tried everywhere."""
    index: dict[str, list] = {}
    anywhere = []
    for cue in cues:
        first = cue[0][0] if cue[0] else GAP
        if first == GAP or first.endswith("*"):
            anywhere.append(cue)
        else:
            index.setdefault(first, []).append(cue)
    return index, tuple(anywhere)


def _sentence_bounds(sent: Span) -> tuple[int, int]:
    return sent.start_char + len(sent.text) - len(sent.text.lstrip()), sent.start_char + len(sent.text.rstrip())


def _span(doc: Doc, technique: str, start: int, end: int, confidence: float, cue: str) -> RhetoricSpan:
    return RhetoricSpan(technique, start, end, doc.text[start:end], round(confidence, 3), cue)


def _forms(sent: Span) -> list[tuple[str, str]]:
    """Each token's lower-case text and lemma, read once per sentence (spaCy builds a Token object
    on every index)."""
    return [(t.lower_, t.lemma_.lower()) for t in sent]


def _cue_hits(forms: list[tuple[str, str]], cues: tuple[tuple[tuple[str, ...], float], ...], gap: int):
    index, anywhere = _by_first_word(cues)
    for i, (lower, lemma) in enumerate(forms):
        candidates = index.get(lower, []) + (index.get(lemma, []) if lemma != lower else [])
        candidates += [c for c in anywhere if c[0][0] == GAP or _word_matches((lower, lemma), c[0][0])]
        if len(candidates) > 1:
            candidates = sorted(set(candidates), key=cues.index)
        for words, confidence in candidates:
            end = _match(forms, i, words, gap)
            if end is not None and end > i:
                yield i, end, " ".join(words), confidence


def _lexical_spans(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """Cue matches: phrase-scope techniques span the words, sentence-scope ones the sentence."""
    found = []
    for sent in doc.sents:
        forms = _forms(sent)
        for tech in (t for t in lex.techniques.values() if t.scope in {"phrase", "sentence"}):
            hits = list(_cue_hits(forms, tech.cues, lex.max_gap))
            if tech.scope == "sentence" and hits:
                _, _, cue, confidence = max(hits, key=lambda h: h[3])
                found.append(_span(doc, tech.id, *_sentence_bounds(sent), confidence, cue))
            for s, e, cue, confidence in hits if tech.scope == "phrase" else ():
                found.append(_span(doc, tech.id, sent[s].idx, sent[e - 1].idx + len(sent[e - 1]), confidence, cue))
    return found


def _question_spans(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """Questions in running prose (not an interview); cued ones are surer. A question alone on
    its line (a title or subheading) poses a topic and counts only with a cue."""
    if any(line.strip().lower().startswith(lex.interview_markers) for line in doc.text.splitlines()):
        return []
    technique = lex.techniques["rhetorical_question"]
    found = []
    for sent in doc.sents:
        if not sent.text.rstrip(" \"'\u201d\u2019)\n").endswith("?"):
            continue
        cue = next((c for _, _, c, _ in _cue_hits(_forms(sent), technique.cues, lex.max_gap)), None)
        start, end = _sentence_bounds(sent)
        alone = doc.text[:start].rstrip(" \t")[-1:] in {"", "\n"} and doc.text[end:].lstrip(" \t")[:1] in {"", "\n"}
        if cue is None and alone:
            continue
        confidence = technique.cue_confidence if cue else technique.confidence
        found.append(_span(doc, technique.id, start, end, confidence, cue or "?"))
    return found


def _slogan_shapes(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """Short exclamations and runs of capitalised words (not names or acronyms) read as slogans."""
    confidence = lex.techniques["slogans"].confidence * 0.85
    found = []
    for sent in doc.sents:
        words = [t for t in sent if t.is_alpha]
        if sent.text.rstrip().endswith("!") and 0 < len(words) <= 10:
            found.append(_span(doc, "slogans", *_sentence_bounds(sent), confidence, "!"))
        for caps in CAPS.finditer(sent.text):
            run = doc.char_span(sent.start_char + caps.start(), sent.start_char + caps.end(), alignment_mode="expand")
            if not any(t.ent_type_ for t in run):
                found.append(_span(doc, "slogans", run.start_char, run.end_char, confidence, "CAPS"))
    return found


def _repetition_spans(doc: Doc, lex: Rhetoric) -> list[RhetoricSpan]:
    """A content word used min_count times within a few sentences: the span runs first to last use."""
    spec, sents, found = lex.repetition, list(doc.sents), []
    for k in range(len(sents)):
        uses: dict[str, list[Token]] = defaultdict(list)
        for token in (t for s in sents[k:k + int(spec["window_sentences"])] for t in s):
            if token.pos_ in {"NOUN", "VERB", "ADJ"} and token.is_alpha and not token.is_stop \
                    and not token.ent_type_ and token.lemma_.lower() not in spec["ignore"]:
                uses[token.lemma_.lower()].append(token)
        for lemma, tokens in uses.items():
            if len(tokens) >= int(spec["min_count"]):
                found.append(_span(doc, "repetition", tokens[0].idx, tokens[-1].idx + len(tokens[-1]),
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
    labels = rhetoric().actor_labels
    return next((f for f in (token.lemma_.lower(), token.lower_) if f in labels), None)


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
    for token in doc:
        label = label_of(token)
        for name in dict.fromkeys(m.mention.actor.name for m in _labelled_actors(token, covering) if label):
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
