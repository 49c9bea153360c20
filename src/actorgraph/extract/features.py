"""Relation candidates for the learned extractor, and what the parse says about each.

A candidate is a pair of actors named (or referred to, through coreference) in one sentence. Its
features are those the relation-extraction literature keeps coming back to: the dependency path
between the two mentions with the words on it, the words between them, their types, prepositions,
the rule frames that fired for the pair, the CAMEO classes of the verbs involved, and negation,
hedge and question cues. Features are strings; the model maps them to weights.

`FEATURE_VERSION` changes whenever what a feature means changes: a model trained on other
features is refused rather than silently misread.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from .lexicon import cues, ontology, package_yaml
from .token_mention import TokenMention
from .modality import is_question
from .patterns import Candidate
from .tokens import TokenTable, table

FEATURE_VERSION = 5
MAX_BETWEEN = 12
MENTION_PAIRS = 4


@dataclass(frozen=True)
class Pair:
    """Two actors in one sentence, in one direction: could `subject` stand in some relation to
    `object`? Every pair of actors gives two, one each way; `rules` are the rule candidates that
    relate them in this direction (for symmetric predicates, in either)."""

    sentence: Span
    subject: TokenMention
    object: TokenMention
    features: tuple[str, ...]
    rules: tuple[tuple[str, Candidate], ...] = ()


@dataclass(frozen=True)
class CameoVerbs:
    roots: dict[str, str]
    verbs: dict[str, tuple[str, ...]]

    def quad(self, root: str) -> str:
        """PLOVER's quad class of a CAMEO root."""
        number = int(root)
        return ("verbal_cooperation" if number <= 5 else "material_cooperation" if number <= 8
                else "verbal_conflict" if number <= 13 else "material_conflict")


@cache
def cameo_verbs() -> CameoVerbs:
    raw = package_yaml("cameo_verbs.yaml")
    return CameoVerbs(roots={str(k): v for k, v in raw["roots"].items()},
                      verbs={k: tuple(str(r) for r in v) for k, v in raw["verbs"].items()})


@cache
def _trigger_predicates() -> dict[str, tuple[str, ...]]:
    """Lemma -> predicates whose rule frames or phrase cues it can trigger."""
    lex = cues()
    found: dict[str, set[str]] = defaultdict(set)
    for frame in lex.verb_frames:
        for verb in frame.verbs:
            found[verb].add(frame.predicate)
    for frame in lex.noun_frames:
        for noun in frame.nouns:
            found[noun].add(frame.predicate)
    for phrase in lex.phrases:
        found[phrase.words[phrase.trigger]].add(phrase.predicate)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def labels() -> tuple[str, ...]:
    """Every label the model predicts: the ontology's predicates, said of (subject, object)."""
    return tuple(ontology().predicates)


class _Parse:
    """What the features read of one document's parse, as lists by token position (`tokens.table`):
    each token's word (lemma, or '<name>' for a proper noun) and its dependency label with a
    preposition's word kept (pobj under 'against' is not under 'with'). What several pairs read
    (a mention's head and features, the path between two heads, the words between two mentions)
    is kept once read: every pair is scored both ways."""

    def __init__(self, doc: Doc):
        self.doc, self.t = doc, table(doc)
        t = self.t
        self.word = [lemma if pos != "PROPN" else "<name>" for lemma, pos in zip(t.lemma, t.pos)]
        self.dep = [f"pobj:{t.lower[head]}" if dep == "pobj" else dep for dep, head in zip(t.dep, t.head)]
        self.between_word = [lower if punct or pos in {"ADP", "CCONJ", "PART", "DET"} else word
                             for lower, punct, pos, word in zip(t.lower, t.is_punct, t.pos, self.word)]
        self.triggers, self.cameo = _trigger_predicates(), cameo_verbs()
        self._on_path: dict[int, list[str]] = {}
        self._cameo_of: dict[int, list[str]] = {}
        self._heads: dict[tuple[int, int], int] = {}
        self._mention_features: dict[tuple[str, int, int], list[str]] = {}
        self._paths: dict[tuple[int, int], tuple[list[int], int | None, list[int]]] = {}
        self._between: dict[tuple[int, int, int, int], tuple] = {}
        self._frames: dict[tuple[int, str, str], list[str]] = {}
        self._around: dict[tuple[int, int], list[str]] = {}

    def head_of(self, item: TokenMention) -> int:
        """`_head_index` of a mention, read once."""
        key = (item.start, item.end)
        if key not in self._heads:
            self._heads[key] = _head_index(self.t, item)
        return self._heads[key]

    def path(self, a: int, b: int) -> tuple[list[int], int | None, list[int]]:
        """`_path` from a to b; the way back is the same path with its sides swapped."""
        if (a, b) not in self._paths:
            if (b, a) in self._paths:
                left, top, right = self._paths[(b, a)]
                self._paths[(a, b)] = right, top, left
            else:
                self._paths[(a, b)] = _path(self.t, a, b)
        return self._paths[(a, b)]

    def around_path(self, a: int, b: int) -> list[str]:
        """`_undirected_path_features` of the path between a and b, read once for both directions."""
        key = (a, b) if a < b else (b, a)
        if key not in self._around:
            self._around[key] = _undirected_path_features(self, *key)
        return self._around[key]

    def on_path(self, i: int) -> list[str]:
        """What token i says when it lies on the path between two mentions (read once per token)."""
        if i not in self._on_path:
            t, word = self.t, self.word[i]
            found = [f"on_path:{word}"]
            if t.dep[i] in {"prep", "agent"}:
                found.append(f"prep_on_path:{t.lower[i]}")
            if t.dep[i] == "neg" or any(t.dep[c] == "neg" for c in t.children[i]):
                found.append("neg_on_path")
            found += [f"cue_on_path:{predicate}" for predicate in self.triggers.get(word, ())]
            self._on_path[i] = found
        return self._on_path[i]

    def cameo_of(self, i: int) -> list[str]:
        """The CAMEO classes of token i, a verb or noun on the path (read once per token)."""
        if i not in self._cameo_of:
            t, found = self.t, []
            for n, root in enumerate(self.cameo.verbs.get(t.lemma[i], ()) if t.pos[i] in {"VERB", "NOUN"} else ()):
                found.append(f"cameo:{root}" if n else f"cameo_main:{root}")
                if not n:
                    found.append(f"quad:{self.cameo.quad(root)}")
            self._cameo_of[i] = found
        return self._cameo_of[i]


def _head_index(t: TokenTable, item: TokenMention) -> int:
    """The position of a mention's token whose syntactic head lies outside it (the mention's own head)."""
    for i in range(item.start, item.end):
        head = t.head[i]
        if not item.start <= head < item.end or head == i:
            return i
    return item.end - 1


def head_token(doc: Doc, item: TokenMention) -> Token:
    """The token of a mention whose syntactic head lies outside it (the mention's own head)."""
    return doc[_head_index(table(doc), item)]


def pair_trigger(pair: Pair) -> Token:
    """Where a learned relation's modality and time are read: the lowest word that governs both
    mentions (the verb of 'A armed B', the noun of 'A's support for B')."""
    doc = pair.sentence.doc
    t = table(doc)
    above_a = set(t.ancestors(_head_index(t, pair.subject)))
    common = next((i for i in t.ancestors(_head_index(t, pair.object)) if i in above_a), None)
    return pair.sentence.root if common is None else doc[common]


def _path(t: TokenTable, a: int, b: int) -> tuple[list[int], int | None, list[int]]:
    """Tokens from a up to the lowest common ancestor, and from b up to it (LCA excluded)."""
    up_a = t.ancestors(a)
    seen = {i: n for n, i in enumerate(up_a)}
    up_b = []
    for i in t.ancestors(b):
        if i in seen:
            return up_a[:seen[i]], i, up_b
        up_b.append(i)
    return up_a, None, up_b


def _path_features(p: _Parse, a: int, b: int) -> list[str]:
    left, top, right = p.path(a, b)
    if top is None:
        return ["path:none"]
    dep, top_word = p.dep, p.word[top]
    deps = [dep[i] + "^" for i in left] + ["v" + dep[i] for i in reversed(right)]
    found = [f"path:{' '.join(deps)}", f"path_lex:{' '.join(deps[:len(left)])} {top_word} {' '.join(deps[len(left):])}",
             f"dep1:{dep[a]}", f"dep2:{dep[b]}", f"dep_pair:{dep[a]}|{dep[b]}", *p.around_path(a, b)]
    found += _frame_features(p, top, dep[left[-1]] if left else "self", dep[right[-1]] if right else "self")
    return found


def _undirected_path_features(p: _Parse, a: int, b: int) -> list[str]:
    """What the path between two heads says whichever is the subject: the governing word, the
    path's length, and the words on it with their cue and CAMEO classes."""
    t, (left, top, right) = p.t, p.path(a, b)
    found = [f"lca:{p.word[top]}", f"lca_pos:{t.pos[top]}", f"path_len:{min(len(left) + len(right), 6)}"]
    inner = [*left[1:], top, *right[1:]] if top not in (a, b) else [*left[1:], *right[1:]]
    for i in inner:
        found += p.on_path(i)
    for i in [top, *inner]:
        found += p.cameo_of(i)
    if t.pos[top] in {"VERB", "AUX"}:
        kept = {t.dep[c] for c in t.children[top] if t.dep[c] in {"neg", "aux", "auxpass"}}
        found.append(f"lca_verb_children:{'+'.join(sorted(kept))}")
    return found


def _frame_features(p: _Parse, top: int, subject_role: str, object_role: str) -> list[str]:
    """The governing word with the roles the two mentions play under it, lexical and by class
    (cue predicate, CAMEO root): 'nsubj of an arming verb, dobj of it' generalises across verbs."""
    key = (top, subject_role, object_role)
    if key not in p._frames:
        p._frames[key] = _frames_of(p, top, subject_role, object_role)
    return p._frames[key]


def _frames_of(p: _Parse, top: int, subject_role: str, object_role: str) -> list[str]:
    """`_frame_features` when not yet read for this word and these roles."""
    t = p.t
    voice = "pass" if any(t.dep[c] in {"auxpass", "nsubjpass"} for c in t.children[top]) or (
        t.tag[top] == "VBN" and t.dep[top] in {"acl", "amod"}) else "act"
    roles = f"{subject_role}:{object_role}:{voice}"
    word = t.lemma[top]
    found = [f"frame:{word}:{roles}", f"roles:{roles}"]
    found += [f"cframe:{predicate}:{roles}" for predicate in p.triggers.get(word, ())]
    roots = p.cameo.verbs.get(word, ()) if t.pos[top] in {"VERB", "NOUN"} else ()
    found += [f"vframe:{root}:{roles}" for root in roots[:1]]
    return found


def _between_features(p: _Parse, actors: dict[str, list[TokenMention]], first: TokenMention,
                      second: TokenMention, order: str) -> list[str]:
    key = (first.start, first.end, second.start, second.end)
    if key not in p._between:
        p._between[key] = _between_words(p, first, second, _others_between(actors, first, second))
    plain, short, cued, before, after = p._between[key]
    found = [order, *plain]
    if short is not None:
        found.append(f"btw_all:{order}:{short}")
    found += cued
    found += [f"pre:{order}:{w}" for w in before]
    found += [f"post:{order}:{w}" for w in after]
    return found


def _between_words(p: _Parse, first: TokenMention, second: TokenMention, others: int) -> tuple:
    """What `_between_features` reads between two mentions, whichever is the subject: the features
    that do not name the order, the words between when there are three at most, the cue features,
    and the words just before and after the pair."""
    t = p.t
    between = range(first.end, max(first.end, second.start))
    plain = [f"gap:{min(len(between), MAX_BETWEEN + 1)}", f"others_between:{min(others, 3)}"]
    if len(between) > MAX_BETWEEN:
        plain.append("far")
    words = p.between_word[between.start:between.start + min(len(between), MAX_BETWEEN)]
    plain += [f"btw:{w}" for w in words]
    plain += [f"btw2:{x}_{y}" for x, y in zip(words, words[1:])]
    short = " ".join(words) if 0 < len(between) <= 3 else None
    cued = [f"cue_between:{predicate}" for i in between[:MAX_BETWEEN] for predicate in p.triggers.get(t.lemma[i], ())]
    sentence_start, sentence_end = t.sentence_of[first.start]
    return (plain, short, cued, p.word[max(first.start - 2, sentence_start):first.start],
            p.word[second.end:min(second.end + 2, sentence_end)])


def _sentence_features(p: _Parse, start: int, end: int) -> list[str]:
    words, t = cues().modality, p.t
    found = []
    if is_question(t.sentence_text(start, end)):
        found.append("question_mark")
    for i in range(start, end):
        lemma, lower = t.lemma[i], t.lower[i]
        if lemma in words["negating_verbs"]:
            found.append(f"deny_word:{lemma}")
        if lemma in words["hedge_verbs"] or lower in words["hedge_adverbs"] or lower in words["hedge_modals"]:
            found.append("hedge_word")
        if lemma in words["reporting_verbs"] and t.pos[i] == "VERB":
            found.append("report_word")
        if lemma in words["conditional_marks"] and t.dep[i] == "mark":
            found.append("conditional_mark")
    return sorted(set(found))


def _mention_features(tag: str, p: _Parse, item: TokenMention, head: int) -> list[str]:
    key = (tag, item.start, item.end)
    if key not in p._mention_features:
        p._mention_features[key] = _mention_words(tag, p, item, head)
    return p._mention_features[key]


def _mention_words(tag: str, p: _Parse, item: TokenMention, head: int) -> list[str]:
    """`_mention_features` when not yet read for this mention in this role."""
    actor, t = item.mention.actor, p.t
    found = [f"{tag}type:{actor.type}", f"{tag}via:{item.mention.via}", f"{tag}head:{p.word[t.head[head]]}"]
    if actor.id.startswith("x-"):
        found.append(f"{tag}unknown")
    if t.dep[head] == "poss" or (item.end < len(t.tag) and t.tag[item.end] == "POS"):
        found.append(f"{tag}possessive")
    return found


def mention_pairs(first_mentions: list[TokenMention], second_mentions: list[TokenMention],
                  limit: int = MENTION_PAIRS) -> list[tuple[TokenMention, TokenMention]]:
    """The non-overlapping mention pairs of two actors in text order, nearest first (at most `limit`)."""
    found = []
    for x in first_mentions:
        for y in second_mentions:
            if x.start < y.end and y.start < x.end:
                continue
            a, b = (x, y) if x.start < y.start else (y, x)
            found.append((b.start - a.end, a.start, a, b))
    return [(a, b) for *_, a, b in sorted(found, key=lambda f: f[:2])[:limit]]


def pairs(doc: Doc, mentions: list[TokenMention], rule_candidates: list[Candidate]) -> list[Pair]:
    """Every candidate pair of a parsed document, both ways, with its features, sentence by sentence."""
    parse = _Parse(doc)
    sentence_of = parse.t.sentence_of
    by_sentence: dict[int, dict[str, list[TokenMention]]] = defaultdict(lambda: defaultdict(list))
    for item in mentions:
        by_sentence[sentence_of[item.start][0]][item.mention.actor.id].append(item)
    fired: dict[tuple[int, str, str], list[tuple[str, Candidate]]] = defaultdict(list)
    for candidate in rule_candidates:
        sentence, subject = sentence_of[candidate.trigger.i][0], candidate.subject.mention.actor.id
        for obj in (candidate.object, candidate.object2):
            if obj is None:
                continue
            fired[(sentence, subject, obj.mention.actor.id)].append((candidate.predicate, candidate))
            if ontology().predicates[candidate.predicate].symmetric:
                fired[(sentence, obj.mention.actor.id, subject)].append((candidate.predicate, candidate))
    found = []
    for start, actors in by_sentence.items():
        end = sentence_of[start][1]
        sentence = doc[start:end]
        shared = _sentence_features(parse, start, end)
        ids = list(actors)
        for n, one in enumerate(ids):
            for other in ids[n + 1:]:
                nearest = mention_pairs(actors[one], actors[other])
                if not nearest or {actors[one][0].mention.actor.type, actors[other][0].mention.actor.type} == {"place"}:
                    continue
                for forward in (True, False):
                    subject_id, object_id = (one, other) if forward else (other, one)
                    rules = tuple(fired.get((start, subject_id, object_id), ()))
                    reverse = fired.get((start, object_id, subject_id), ())
                    features: dict[str, None] = {}
                    for first, second in nearest:
                        subject, obj = (first, second) if first.mention.actor.id == subject_id else (second, first)
                        order = "s_first" if subject is first else "o_first"
                        between = _between_features(parse, actors, first, second, order)
                        features.update(_features(parse, subject, obj, shared, between, rules, reverse))
                    first, second = nearest[0]
                    subject, obj = (first, second) if first.mention.actor.id == subject_id else (second, first)
                    found.append(Pair(sentence, subject, obj, tuple(features), rules))
    return found


def _others_between(actors: dict[str, list[TokenMention]], first: TokenMention, second: TokenMention) -> int:
    return sum(1 for ms in actors.values() for m in ms if first.end <= m.start and m.end <= second.start)


def _features(p: _Parse, subject: TokenMention, obj: TokenMention, shared: list[str], between: list[str],
              rules: tuple[tuple[str, Candidate], ...], reverse) -> dict[str, None]:
    """One mention pair's features, in order, each once."""
    a, b = p.head_of(subject), p.head_of(obj)
    found = ["bias", *shared, *_mention_features("s_", p, subject, a), *_mention_features("o_", p, obj, b),
             f"types:{subject.mention.actor.type}|{obj.mention.actor.type}", *_path_features(p, a, b), *between]
    for predicate, candidate in rules:
        found += [f"rule:{predicate}", f"rule_by:{candidate.extractor}:{predicate}"]
    for predicate, _ in reverse:
        found.append(f"rule_rev:{predicate}")
    if rules:
        found.append("rule_any")
    return dict.fromkeys(found)
