"""A mention tied to its tokens, and how one is made from a span: the value every stage after
mention finding passes around (`mentions.py` finds them, `coref.py` adds to them)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from ..models import Actor, Mention
from ..names import slug
from .lexicon import Gazetteer
from .tokens import table


@dataclass(frozen=True)
class TokenMention:
    """A mention with its token span, so the extractor can reach it from the parse."""

    mention: Mention
    start: int
    end: int


def mention_of(actor: Actor, span: Span, via: str) -> TokenMention:
    """The mention of `actor` by `span`, its text and offsets read from the token table."""
    t, start, end = table(span.doc), span.start, span.end
    if end <= start:
        return TokenMention(Mention(actor=actor, text=span.text, start=span.start_char, end=span.end_char,
                                    via=via), start, end)
    return TokenMention(Mention(actor=actor, text=t.sentence_text(start, end), start=t.idx[start],
                                end=t.end_char[end - 1], via=via), start, end)


def place_actor(name: str) -> Actor:
    return Actor(id=slug(name), name=name, type="place")


def text_actor(name: str, type_: str, gaz: Gazetteer) -> Actor:
    known = gaz.lookup(name)
    return known or Actor(id=slug(name), name=name, type=type_)
