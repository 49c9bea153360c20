"""Office holders: a person the press names with a title holds an office in what the title names.

"Nigeria's President Bola Tinubu", "Pakistani Prime Minister Shehbaz Sharif", "UN Secretary-General
Antonio Guterres" and "the SDF commander, Mazloum Abdi" say who leads what; "Taliban chief spokesman
Zabihullah Mujahid" and "Haqqani, the Taliban's interior minister" say who belongs to what. The
title's last office word decides (`offices` in cues.yaml): a leader's title means `leads`, unless
another word makes it one part's ("army chief", "deputy commander", "head of mission"), and then,
like any other office, it means `member_of`. What the title names is an actor inside it (a name, a
possessive, "of X", or a demonym, which `mentions.py` makes its state); a title that names nothing
("President Ilham Aliyev") gives nothing, since the text does not say of what.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .lexicon import cues
from .token_mention import TokenMention
from .patterns import GROUP_TYPES, Candidate
from .syntax import Arguments

HOLDER_TYPES = GROUP_TYPES | {"state"}
SKIPPED = {"det", "case", "punct", "cc", "predet"}
# how the words of a title before a name hang together ("US Secretary of State", "Nigeria's President")
NOUN_PHRASE = {"compound", "amod", "nmod", "poss", "case", "det", "punct", "prep", "pobj", "nummod"}


@dataclass(frozen=True)
class Title:
    """A title's words, lower-cased and with joined titles made one ('prime-minister'), each with the
    token it ends on."""

    words: tuple[str, ...]
    tokens: tuple[Token, ...]
    indefinite: bool = False

    def office(self) -> tuple[str, Token] | None:
        """(predicate, trigger) of the title's last office word, or None when it has none."""
        offices = cues().offices
        for word, token in zip(reversed(self.words), reversed(self.tokens)):
            if word in offices.leader_titles:
                part = self.indefinite or any(w in offices.part_words for w in self.words if w != word)
                return ("member_of" if part else "leads"), token
            if word in offices.member_titles:
                return "member_of", token
        return None


def read_title(tokens: list[Token]) -> Title:
    """The title spelled by `tokens` (determiners, possessive marks and commas left out). An
    indefinite article makes the title one of several ("a Hamas commander", "a senior YBS commander"):
    its holder is a member of what it names, not its head."""
    offices = cues().offices
    words, ends, indefinite = [], [], False
    for token in tokens:
        if token.dep_ in SKIPPED and token.text not in {"-", "\u2013"}:
            indefinite |= token.dep_ == "det" and token.lower_ in offices.indefinite
            continue
        if token.text in {"-", "\u2013"} and words:
            words[-1] += "-"
            continue
        if words and words[-1].endswith("-"):
            words[-1] += token.lower_
            ends[-1] = token
            continue
        words.append(token.lower_)
        ends.append(token)
    for phrase, word in offices.joined.items():
        parts = phrase.split()
        n = len(parts)
        at = next((i for i in range(len(words) - n + 1) if words[i:i + n] == parts), None)
        if at is not None:
            words[at:at + n], ends[at:at + n] = [word], [ends[at] if "of" in parts else ends[at + n - 1]]
    return Title(tuple(words), tuple(ends), indefinite)


def _holder(tokens: list[Token], args: Arguments, person: TokenMention) -> TokenMention | None:
    """What a title names: the first state or group named inside it that is not itself office
    words ("Defence" in "Defence Minister" is no actor; "Pakistani Prime Minister" is Pakistan)."""
    words = cues().offices.words
    for token in tokens:
        item = args.at.get(token.i)
        if item is None or item is person or item.mention.actor.id == person.mention.actor.id:
            continue
        if item.mention.actor.type in HOLDER_TYPES and not all(
                t.lower_ in words for t in token.doc[item.start:item.end]):
            return item
    return None


def _of_part(tokens: list[Token], holder: TokenMention) -> bool:
    """'Pakistan's head of mission': the title heads a part of the holder ('of' a word that is not
    the holder), so the person is a member of the holder, not its leader."""
    return any(t.lower_ == "of" and not any(holder.start <= c.i < holder.end for c in t.subtree) for t in tokens)


def _of_phrase(noun: Token) -> list[Token]:
    """The words of 'of X' after a title noun ('the chief of Lashkar-e-Islam')."""
    return [t for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "of" for t in prep.subtree]


def _titles_of(person: TokenMention, doc: Doc) -> list[list[Token]]:
    """The titles a person is named with: the words before the name in its noun phrase, and any
    title noun in apposition to it (either way round), each with its 'of X'."""
    root = doc[person.start:person.end].root
    start = person.start
    while start > root.left_edge.i and doc[start - 1].dep_ in NOUN_PHRASE and not (
            doc[start - 1].ent_type_ == "PERSON" and doc[start - 1].dep_ != "poss"):
        start -= 1
    found = [list(doc[start:person.start])] if start < person.start else []
    nouns = [c for c in root.children if c.dep_ == "appos" and c.i >= person.end]
    if root.dep_ == "appos" and root.head.i < person.start:
        nouns.append(root.head)
    for noun in nouns:
        if noun.pos_ not in {"NOUN", "PROPN"}:
            continue
        found.append([t for t in doc[noun.left_edge.i:noun.i + 1] if t.i < person.start or t.i >= person.end]
                     + _of_phrase(noun))
    return found


def office_holders(doc: Doc, mentions: list[TokenMention], args: Arguments) -> list[Candidate]:
    """`leads` / `member_of` from every person named with a title that names what the office is in."""
    found = []
    for person in (m for m in mentions if m.mention.actor.type == "person"):
        for tokens in _titles_of(person, doc):
            title = read_title(tokens)
            office = title.office()
            holder = _holder(tokens, args, person) if office else None
            if holder is not None:
                predicate, trigger = office
                if predicate == "leads" and _of_part(tokens, holder):
                    predicate = "member_of"
                found.append(Candidate(person, predicate, holder, trigger, "np-pattern", 0.6))
    return found
