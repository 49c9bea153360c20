"""How the text commits to a relation: asserted, hedged, reported, negated, question or conditional,
read from the words that govern the relation's trigger in the dependency parse.

Precedence when several apply: question > conditional > negated > hedged > reported > asserted
("Rwanda denies arming the group" is negated even inside a report; "is widely reported to have
supplied" is hedged, an unnamed attribution)."""
from __future__ import annotations

from spacy.tokens import Span, Token

from .lexicon import cues

COMPLEMENT_DEPS = {"ccomp", "xcomp", "pcomp", "advcl", "conj", "dobj", "pobj", "prep", "relcl", "acl",
                   "attr", "oprd", "acomp", "npadvmod", "appos", "compound", "amod", "nsubj", "nsubjpass"}


def ancestors(token: Token) -> list[Token]:
    """The trigger and every token above it, nearest first."""
    return [token, *token.ancestors]


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children)


def _subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def _is_question(sentence: Span) -> bool:
    return sentence.text.rstrip().rstrip(" \"'\u201d\u2019)").endswith("?")


def _conditional(chain: list[Token], sentence: Span) -> bool:
    marks = cues().modality["conditional_marks"]
    for token in chain:
        if any(c.dep_ == "mark" and c.lower_ in marks for c in token.children):
            return True
    return False


def _negated(chain: list[Token]) -> bool:
    """'did not arm', 'denied arming' - but 'cannot deny' is a double negative (a hedge)."""
    words = cues().modality
    for depth, token in enumerate(chain):
        negative = any(c.dep_ == "neg" for c in token.children)
        if depth > 0 and token.lemma_.lower() in words["negating_verbs"]:
            return not negative
        if depth <= 1 and negative:
            return True
        if depth > 1 and token.dep_ in {"ROOT", "ccomp"}:
            break
    return False


def _hedged(chain: list[Token], sentence: Span) -> bool:
    words = cues().modality
    lowered = sentence.text.lower()
    if any(phrase in lowered for phrase in words["hedge_phrases"]):
        return True
    for token in chain:
        lemma = token.lemma_.lower()
        if lemma in words["hedge_verbs"] and token.pos_ == "VERB":
            return True
        if lemma in words["hedge_passive_verbs"] and _is_passive(token) and not any(
                c.dep_ == "agent" for c in token.children):
            return True
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in words["hedge_modals"]:
                return True
            if child.dep_ in {"advmod", "amod", "acomp"} and child.lower_ in words["hedge_adverbs"]:
                return True
    return any(t.lower_ in words["hedge_adverbs"] and t.dep_ == "advmod" and t.head.dep_ == "ROOT"
               for t in sentence)


NOUN_MODIFIERS = {"det", "compound", "amod", "poss", "nummod", "quantmod"}


def _reporter(chain: list[Token], sentence: Span) -> tuple[bool, Token | None]:
    """A reporting verb above the trigger (not the trigger itself) makes the claim reported;
    its subject is who said it. 'according to X' works anywhere in the sentence."""
    words = cues().modality
    asides = [c for t in chain for c in t.children if c.dep_ == "parataxis"]
    below = {a.i: b for b, a in zip(chain, chain[1:])}
    for token in [*chain[1:], *asides]:
        if below.get(token.i) is not None and below[token.i].dep_ in {"nsubj", "nsubjpass", "csubj"}:
            continue
        if token.lemma_.lower() in words["reporting_verbs"] and token.pos_ in {"VERB", "AUX"}:
            if _is_passive(token):
                continue
            speaker = _subject(token)
            if speaker is not None and speaker.lower_ in words["first_person"]:
                continue
            return True, speaker
    lowered = sentence.text.lower()
    for phrase in words["reporting_phrases"]:
        at = lowered.find(phrase)
        if at >= 0:
            start = sentence.start_char + at + len(phrase)
            after = [t for t in sentence if t.idx >= start]
            source = after[0] if after else None
            while source is not None and source.dep_ in NOUN_MODIFIERS and source.head.i > source.i:
                source = source.head
            return True, source
    return False, None


def speaker_text(token: Token) -> str:
    """The words naming a speaker: its noun phrase without relative clauses or appositions."""
    inner = {"relcl", "appos", "acl", "punct", "prep"}
    words = [t for t in token.subtree
             if t.i == token.i or not any(a.dep_ in inner for a in t.ancestors if a.i in
                                      {x.i for x in token.subtree} and a.i != token.i) and t.dep_ not in inner]
    text = " ".join(t.text for t in words)
    return text.removeprefix("the ").removeprefix("The ") or token.text


def modality_of(trigger: Token) -> tuple[str, Token | None]:
    """The modality of the claim carried by `trigger`, and the speaker's head word if reported."""
    sentence = trigger.sent
    chain = ancestors(trigger)
    if _is_question(sentence):
        return "question", None
    if _conditional(chain, sentence):
        return "conditional", None
    if _negated(chain):
        return "negated", None
    if _hedged(chain, sentence):
        return "hedged", None
    reported, speaker = _reporter(chain, sentence)
    if reported:
        return "reported", speaker
    return "asserted", None


def firm(modality: str, sentence: Span) -> bool:
    """The rules' verdicts that the annotation guide states outright and that stand over the learned
    classifier: a sentence that asks is a question; an explicit hedge phrase ('it seems', 'we cannot
    deny') hedges."""
    if modality == "question":
        return True
    lowered = sentence.text.lower()
    return modality == "hedged" and any(phrase in lowered for phrase in cues().modality["hedge_phrases"])


def modality_features(trigger: Token, rule: str | None = None) -> tuple[str, ...]:
    """What the learned modality classifier reads: the rules' own verdict (`rule`, when already
    read), the words that govern the trigger with their negations, auxiliaries and markers, and
    the sentence's cue words."""
    words = cues().modality
    sentence = trigger.sent
    found = [f"rule={rule or modality_of(trigger)[0]}"]
    if _is_question(sentence):
        found.append("question_mark")
    lowered = sentence.text.lower()
    found += [f"hedge_phrase:{phrase}" for phrase in words["hedge_phrases"] if phrase in lowered]
    for token in ancestors(trigger)[:6]:
        found.append(f"chain:{token.lemma_.lower()}")
        found += [f"chain_child:{c.dep_}:{c.lower_}" for c in token.children if c.dep_ in {"neg", "aux", "mark", "advmod"}]
    for token in sentence:
        lemma = token.lemma_.lower()
        if lemma in words["negating_verbs"]:
            found.append("negating_verb")
        if lemma in words["reporting_verbs"]:
            found.append(f"reporting:{lemma}")
        if token.lower_ in words["hedge_adverbs"] or lemma in words["hedge_verbs"]:
            found.append(f"hedge:{token.lower_}")
        if token.dep_ == "mark":
            found.append(f"mark:{token.lower_}")
        if token.lower_ in words["classifier_words"]:
            found.append(f"word:{token.lower_}")
    return tuple(dict.fromkeys(found))
