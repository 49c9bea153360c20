"""How the text commits to a relation: asserted, hedged, reported, negated, question or conditional,
read from the words that govern the relation's trigger in the dependency parse.

Precedence when several apply: question > conditional > negated > hedged > reported > asserted
("Rwanda denies arming the group" is negated even inside a report; "is widely reported to have
supplied" is hedged, an unnamed attribution)."""
from __future__ import annotations

from spacy.tokens import Token

from .lexicon import cues
from .tokens import TokenTable, table

COMPLEMENT_DEPS = {"ccomp", "xcomp", "pcomp", "advcl", "conj", "dobj", "pobj", "prep", "relcl", "acl",
                   "attr", "oprd", "acomp", "npadvmod", "appos", "compound", "amod", "nsubj", "nsubjpass"}


def _is_passive(t: TokenTable, verb: int) -> bool:
    return any(t.dep[c] in {"auxpass", "nsubjpass"} for c in t.children[verb])


def _subject(t: TokenTable, verb: int) -> int | None:
    return next((c for c in t.children[verb] if t.dep[c] in {"nsubj", "nsubjpass"}), None)


def is_question(sentence_text: str) -> bool:
    """The sentence ends in a question mark (before closing quotes and brackets)."""
    return sentence_text.rstrip().rstrip(" \"'\u201d\u2019)").endswith("?")


def _conditional(t: TokenTable, chain: list[int]) -> bool:
    marks = cues().modality["conditional_marks"]
    for i in chain:
        if any(t.dep[c] == "mark" and t.lower[c] in marks for c in t.children[i]):
            return True
    return False


def _negated(t: TokenTable, chain: list[int]) -> bool:
    """'did not arm', 'has no ties to', 'denied arming' - but 'cannot deny' is a double negative
    (a hedge)."""
    words = cues().modality
    for depth, i in enumerate(chain):
        negative = any(t.dep[c] == "neg" or (t.dep[c] == "det" and t.lower[c] in words["negation_words"])
                       for c in t.children[i])
        if depth > 0 and t.lemma[i] in words["negating_verbs"]:
            return not negative
        if depth <= 1 and negative:
            return True
        if depth > 1 and t.dep[i] in {"ROOT", "ccomp"}:
            break
    return False


def _hedged(t: TokenTable, chain: list[int], sentence: tuple[int, int], lowered: str) -> bool:
    words = cues().modality
    if any(phrase in lowered for phrase in words["hedge_phrases"]):
        return True
    for i in chain:
        lemma = t.lemma[i]
        if lemma in words["hedge_verbs"] and t.pos[i] == "VERB":
            return True
        if lemma in words["hedge_passive_verbs"] and _is_passive(t, i) and not any(
                t.dep[c] == "agent" for c in t.children[i]):
            return True
        for c in t.children[i]:
            if t.dep[c] == "aux" and t.lower[c] in words["hedge_modals"]:
                return True
            if t.dep[c] in {"advmod", "amod", "acomp"} and t.lower[c] in words["hedge_adverbs"]:
                return True
    return any(t.lower[i] in words["hedge_adverbs"] and t.dep[i] == "advmod" and t.dep[t.head[i]] == "ROOT"
               for i in range(*sentence))


NOUN_MODIFIERS = {"det", "compound", "amod", "poss", "nummod", "quantmod"}


def _reporter(t: TokenTable, chain: list[int], sentence: tuple[int, int], lowered: str) -> tuple[bool, int | None]:
    """A reporting verb above the trigger (not the trigger itself) makes the claim reported;
    its subject is who said it. 'according to X' works anywhere in the sentence."""
    words = cues().modality
    asides = [c for i in chain for c in t.children[i] if t.dep[c] == "parataxis"]
    below = {a: b for b, a in zip(chain, chain[1:])}
    for i in [*chain[1:], *asides]:
        if below.get(i) is not None and t.dep[below[i]] in {"nsubj", "nsubjpass", "csubj"}:
            continue
        if t.lemma[i] in words["reporting_verbs"] and t.pos[i] in {"VERB", "AUX"}:
            if _is_passive(t, i):
                continue
            speaker = _subject(t, i)
            if speaker is not None and t.lower[speaker] in words["first_person"]:
                continue
            return True, speaker
    for phrase in words["reporting_phrases"]:
        at = lowered.find(phrase)
        if at >= 0:
            start = t.idx[sentence[0]] + at + len(phrase)
            source = next((i for i in range(*sentence) if t.idx[i] >= start), None)
            while source is not None and t.dep[source] in NOUN_MODIFIERS and t.head[source] > source:
                source = t.head[source]
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


def _sentence(trigger: Token) -> tuple[TokenTable, tuple[int, int], str]:
    """The trigger's token table, its sentence's bounds and the sentence's text."""
    t = table(trigger.doc)
    bounds = t.sentence_of[trigger.i]
    return t, bounds, t.sentence_text(*bounds)


def modality_of(trigger: Token) -> tuple[str, Token | None]:
    """The modality of the claim carried by `trigger`, and the speaker's head word if reported."""
    t, sentence, text = _sentence(trigger)
    chain = t.ancestors(trigger.i)
    if is_question(text):
        return "question", None
    if _conditional(t, chain):
        return "conditional", None
    if _negated(t, chain):
        return "negated", None
    lowered = text.lower()
    if _hedged(t, chain, sentence, lowered):
        return "hedged", None
    reported, speaker = _reporter(t, chain, sentence, lowered)
    if reported:
        return "reported", None if speaker is None else trigger.doc[speaker]
    return "asserted", None


def firm(modality: str, sentence_text: str) -> bool:
    """The rules' verdicts that the annotation guide states outright and that stand over the learned
    classifier: a sentence that asks is a question; an explicit hedge phrase ('it seems', 'we cannot
    deny') hedges."""
    if modality == "question":
        return True
    lowered = sentence_text.lower()
    return modality == "hedged" and any(phrase in lowered for phrase in cues().modality["hedge_phrases"])


def modality_features(trigger: Token, rule: str | None = None) -> tuple[str, ...]:
    """What the learned modality classifier reads: the rules' own verdict (`rule`, when already
    read), the words that govern the trigger with their negations, auxiliaries and markers, and
    the sentence's cue words."""
    words = cues().modality
    t, sentence, text = _sentence(trigger)
    found = [f"rule={rule or modality_of(trigger)[0]}"]
    if is_question(text):
        found.append("question_mark")
    lowered = text.lower()
    found += [f"hedge_phrase:{phrase}" for phrase in words["hedge_phrases"] if phrase in lowered]
    for i in t.ancestors(trigger.i)[:6]:
        found.append(f"chain:{t.lemma[i]}")
        found += [f"chain_child:{t.dep[c]}:{t.lower[c]}" for c in t.children[i]
                  if t.dep[c] in {"neg", "aux", "mark", "advmod"}]
    for i in range(*sentence):
        lemma, lower = t.lemma[i], t.lower[i]
        if lemma in words["negating_verbs"]:
            found.append("negating_verb")
        if lemma in words["reporting_verbs"]:
            found.append(f"reporting:{lemma}")
        if lower in words["hedge_adverbs"] or lemma in words["hedge_verbs"]:
            found.append(f"hedge:{lower}")
        if t.dep[i] == "mark":
            found.append(f"mark:{lower}")
        if lower in words["classifier_words"]:
            found.append(f"word:{lower}")
    return tuple(dict.fromkeys(found))
