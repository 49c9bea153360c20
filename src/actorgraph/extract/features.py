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
from .mentions import TokenMention
from .patterns import Candidate

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


def head_token(doc: Doc, item: TokenMention) -> Token:
    """The token of a mention whose syntactic head lies outside it (the mention's own head)."""
    for i in range(item.start, item.end):
        head = doc[i].head
        if not item.start <= head.i < item.end or head.i == i:
            return doc[i]
    return doc[item.end - 1]


def pair_trigger(pair: Pair) -> Token:
    """Where a learned relation's modality and time are read: the lowest word that governs both
    mentions (the verb of 'A armed B', the noun of 'A's support for B')."""
    doc = pair.sentence.doc
    a, b = head_token(doc, pair.subject), head_token(doc, pair.object)
    above_a = {t.i for t in [a, *a.ancestors]}
    return next((t for t in [b, *b.ancestors] if t.i in above_a), pair.sentence.root)


def _lemma(token: Token) -> str:
    return token.lemma_.lower() if token.pos_ != "PROPN" else "<name>"


def _path(a: Token, b: Token) -> tuple[list[Token], Token | None, list[Token]]:
    """Tokens from a up to the lowest common ancestor, and from b up to it (LCA excluded)."""
    up_a = [a, *a.ancestors]
    seen = {t.i: n for n, t in enumerate(up_a)}
    up_b = []
    for token in [b, *b.ancestors]:
        if token.i in seen:
            return up_a[:seen[token.i]], token, up_b
        up_b.append(token)
    return up_a, None, up_b


def _dep(token: Token) -> str:
    """A dependency label, with a preposition's word kept (pobj under 'against' is not under 'with')."""
    if token.dep_ == "pobj":
        return f"pobj:{token.head.lower_}"
    return token.dep_


def _path_features(doc: Doc, a: Token, b: Token) -> list[str]:
    left, top, right = _path(a, b)
    if top is None:
        return ["path:none"]
    deps = [_dep(t) + "^" for t in left] + ["v" + _dep(t) for t in reversed(right)]
    top_word = _lemma(top)
    found = [f"path:{' '.join(deps)}", f"path_lex:{' '.join(deps[:len(left)])} {top_word} {' '.join(deps[len(left):])}",
             f"lca:{top_word}", f"lca_pos:{top.pos_}", f"path_len:{min(len(left) + len(right), 6)}",
             f"dep1:{_dep(a)}", f"dep2:{_dep(b)}", f"dep_pair:{_dep(a)}|{_dep(b)}"]
    inner = [*left[1:], top, *right[1:]] if top.i not in (a.i, b.i) else [*left[1:], *right[1:]]
    for token in inner:
        word = _lemma(token)
        found.append(f"on_path:{word}")
        if token.dep_ in {"prep", "agent"}:
            found.append(f"prep_on_path:{token.lower_}")
        if token.dep_ == "neg" or any(c.dep_ == "neg" for c in token.children):
            found.append("neg_on_path")
        for predicate in _trigger_predicates().get(word, ()):
            found.append(f"cue_on_path:{predicate}")
    for token in [top, *inner]:
        for n, root in enumerate(cameo_verbs().verbs.get(token.lemma_.lower(), ()) if token.pos_ in {"VERB", "NOUN"} else ()):
            found.append(f"cameo:{root}" if n else f"cameo_main:{root}")
            if not n:
                found.append(f"quad:{cameo_verbs().quad(root)}")
    if top.pos_ in {"VERB", "AUX"}:
        found.append(f"lca_verb_children:{'+'.join(sorted({c.dep_ for c in top.children if c.dep_ in {'neg', 'aux', 'auxpass'}}))}")
    found += _frame_features(top, _dep(left[-1]) if left else "self", _dep(right[-1]) if right else "self")
    return found


def _frame_features(top: Token, subject_role: str, object_role: str) -> list[str]:
    """The governing word with the roles the two mentions play under it, lexical and by class
    (cue predicate, CAMEO root): 'nsubj of an arming verb, dobj of it' generalises across verbs."""
    voice = "pass" if any(c.dep_ in {"auxpass", "nsubjpass"} for c in top.children) or (
        top.tag_ == "VBN" and top.dep_ in {"acl", "amod"}) else "act"
    roles = f"{subject_role}:{object_role}:{voice}"
    word = top.lemma_.lower()
    found = [f"frame:{word}:{roles}", f"roles:{roles}"]
    found += [f"cframe:{p}:{roles}" for p in _trigger_predicates().get(word, ())]
    roots = cameo_verbs().verbs.get(word, ()) if top.pos_ in {"VERB", "NOUN"} else ()
    found += [f"vframe:{root}:{roles}" for root in roots[:1]]
    return found


def _between_features(doc: Doc, first: TokenMention, second: TokenMention, others: int, order: str) -> list[str]:
    between = doc[first.end:second.start]
    found = [order, f"gap:{min(len(between), MAX_BETWEEN + 1)}", f"others_between:{min(others, 3)}"]
    if len(between) > MAX_BETWEEN:
        found.append("far")
    words = [t.lower_ if t.is_punct or t.pos_ in {"ADP", "CCONJ", "PART", "DET"} else _lemma(t)
             for t in between[:MAX_BETWEEN]]
    found += [f"btw:{w}" for w in words]
    found += [f"btw2:{x}_{y}" for x, y in zip(words, words[1:])]
    if 0 < len(between) <= 3:
        found.append(f"btw_all:{order}:{' '.join(words)}")
    for token in between[:MAX_BETWEEN]:
        for predicate in _trigger_predicates().get(token.lemma_.lower(), ()):
            found.append(f"cue_between:{predicate}")
    sentence = doc[first.start].sent
    before = [_lemma(t) for t in doc[max(first.start - 2, sentence.start):first.start]]
    found += [f"pre:{order}:{w}" for w in before]
    after = [_lemma(t) for t in doc[second.end:min(second.end + 2, sentence.end)]]
    found += [f"post:{order}:{w}" for w in after]
    return found


def _sentence_features(sentence: Span) -> list[str]:
    words = cues().modality
    found = []
    if sentence.text.rstrip().rstrip(" \"'\u201d\u2019)").endswith("?"):
        found.append("question_mark")
    for token in sentence:
        lemma = token.lemma_.lower()
        if lemma in words["negating_verbs"]:
            found.append(f"deny_word:{lemma}")
        if lemma in words["hedge_verbs"] or token.lower_ in words["hedge_adverbs"] or token.lower_ in words["hedge_modals"]:
            found.append("hedge_word")
        if lemma in words["reporting_verbs"] and token.pos_ == "VERB":
            found.append("report_word")
        if lemma in words["conditional_marks"] and token.dep_ == "mark":
            found.append("conditional_mark")
    return sorted(set(found))


def _mention_features(tag: str, doc: Doc, item: TokenMention, head: Token) -> list[str]:
    actor = item.mention.actor
    found = [f"{tag}type:{actor.type}", f"{tag}via:{item.mention.via}", f"{tag}head:{_lemma(head.head)}"]
    if actor.id.startswith("x-"):
        found.append(f"{tag}unknown")
    if head.dep_ == "poss" or (item.end < len(doc) and doc[item.end].tag_ == "POS"):
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
    by_sentence: dict[int, dict[str, list[TokenMention]]] = defaultdict(lambda: defaultdict(list))
    for item in mentions:
        by_sentence[doc[item.start].sent.start][item.mention.actor.id].append(item)
    fired: dict[tuple[int, str, str], list[tuple[str, Candidate]]] = defaultdict(list)
    for candidate in rule_candidates:
        sentence, subject = candidate.trigger.sent.start, candidate.subject.mention.actor.id
        for obj in (candidate.object, candidate.object2):
            if obj is None:
                continue
            fired[(sentence, subject, obj.mention.actor.id)].append((candidate.predicate, candidate))
            if ontology().predicates[candidate.predicate].symmetric:
                fired[(sentence, obj.mention.actor.id, subject)].append((candidate.predicate, candidate))
    found = []
    for start, actors in by_sentence.items():
        sentence = doc[start].sent
        shared = _sentence_features(sentence)
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
                        between = _between_features(doc, first, second, _others_between(actors, first, second), order)
                        features.update(dict.fromkeys(_features(doc, subject, obj, shared, between, rules, reverse)))
                    first, second = nearest[0]
                    subject, obj = (first, second) if first.mention.actor.id == subject_id else (second, first)
                    found.append(Pair(sentence, subject, obj, tuple(features), rules))
    return found


def _others_between(actors: dict[str, list[TokenMention]], first: TokenMention, second: TokenMention) -> int:
    return sum(1 for ms in actors.values() for m in ms if first.end <= m.start and m.end <= second.start)


def _features(doc: Doc, subject: TokenMention, obj: TokenMention, shared: list[str], between: list[str],
              rules: tuple[tuple[str, Candidate], ...], reverse) -> tuple[str, ...]:
    a, b = head_token(doc, subject), head_token(doc, obj)
    found = ["bias", *shared, *_mention_features("s_", doc, subject, a), *_mention_features("o_", doc, obj, b),
             f"types:{subject.mention.actor.type}|{obj.mention.actor.type}", *_path_features(doc, a, b), *between]
    for predicate, candidate in rules:
        found += [f"rule:{predicate}", f"rule_by:{candidate.extractor}:{predicate}"]
    for predicate, _ in reverse:
        found.append(f"rule_rev:{predicate}")
    if rules:
        found.append("rule_any")
    return tuple(dict.fromkeys(found))
