"""A parsed document's token attributes as plain lists, read once per document. spaCy builds a new
Python `Token` object on every `doc[i]`, `for t in doc` and `.head`, and rebuilds `doc.text` and
`span.text` from the tokens on every access; the extractor reads the same attributes of the same
tokens many times over (every candidate pair walks the parse again), so it reads these lists instead."""
from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from spacy.tokens import Doc

USER_DATA_KEY = "actorgraph_tokens"


class TokenTable:
    """Attributes of every token of one `Doc`, indexed by token position; each list is read from the
    parse the first time it is asked for."""

    def __init__(self, doc: Doc):
        self.doc = doc

    @cached_property
    def tokens(self) -> list:
        return list(self.doc)

    @cached_property
    def text(self) -> str:
        """`doc.text` (which spaCy joins anew from new Token objects on each access);
        `doc.text[sentence.start_char:sentence.end_char]` is `sentence.text`."""
        return "".join([t.text_with_ws for t in self.tokens])

    @cached_property
    def orth(self) -> list[str]:
        """Each token's verbatim text."""
        return [t.text for t in self.tokens]

    @cached_property
    def lower(self) -> list[str]:
        return [t.lower_ for t in self.tokens]

    @cached_property
    def lemma(self) -> list[str]:
        """Lower-cased lemmas."""
        return [t.lemma_.lower() for t in self.tokens]

    @cached_property
    def pos(self) -> list[str]:
        return [t.pos_ for t in self.tokens]

    @cached_property
    def tag(self) -> list[str]:
        return [t.tag_ for t in self.tokens]

    @cached_property
    def dep(self) -> list[str]:
        return [t.dep_ for t in self.tokens]

    @cached_property
    def is_punct(self) -> list[bool]:
        return [t.is_punct for t in self.tokens]

    @cached_property
    def is_alpha(self) -> list[bool]:
        return [t.is_alpha for t in self.tokens]

    @cached_property
    def whitespace(self) -> list[str]:
        """The white space after each token ('' or ' ')."""
        return [t.whitespace_ for t in self.tokens]

    @cached_property
    def is_space(self) -> list[bool]:
        return [t.is_space for t in self.tokens]

    @cached_property
    def is_title(self) -> list[bool]:
        return [t.is_title for t in self.tokens]

    @cached_property
    def is_upper(self) -> list[bool]:
        return [t.is_upper for t in self.tokens]

    @cached_property
    def is_stop(self) -> list[bool]:
        return [t.is_stop for t in self.tokens]

    @cached_property
    def ent_type(self) -> list[str]:
        return [t.ent_type_ for t in self.tokens]

    @cached_property
    def head(self) -> list[int]:
        """Each token's head position (spaCy keeps it as an offset; `Token.head` builds a Token)."""
        from spacy.attrs import HEAD

        return (numpy.arange(len(self.doc)) + self.doc.to_array(HEAD).astype(numpy.int64)).tolist()

    @cached_property
    def children(self) -> list[tuple[int, ...]]:
        """Each token's children in text order, as `Token.children` gives them."""
        found: list[list[int]] = [[] for _ in self.tokens]
        for i, head in enumerate(self.head):
            if head != i:
                found[head].append(i)
        return [tuple(c) for c in found]

    def having(self, words: Collection[str]) -> list[int]:
        """Positions of the tokens whose lower-case text or lemma is one of `words`."""
        return [i for i, (lower, lemma) in enumerate(zip(self.lower, self.lemma)) if lower in words or lemma in words]

    def subtree(self, i: int) -> list[int]:
        """Token i and every token below it, in `Token.subtree` order (left children's subtrees,
        the token, right children's subtrees: text order unless the parse crosses itself)."""
        found, stack = [], [(i, False)]
        while stack:
            j, expanded = stack.pop()
            if expanded:
                found.append(j)
                continue
            children = self.children[j]
            stack.extend((c, False) for c in reversed(children) if c > j)
            stack.append((j, True))
            stack.extend((c, False) for c in reversed(children) if c < j)
        return found

    def ancestors(self, i: int) -> list[int]:
        """Token i and every token above it, nearest first (as `[t, *t.ancestors]`)."""
        head, chain = self.head, [i]
        while head[i] != i and len(chain) <= len(head):
            i = head[i]
            chain.append(i)
        return chain

    @cached_property
    def idx(self) -> list[int]:
        """Character offset of each token."""
        return [t.idx for t in self.tokens]

    @cached_property
    def end_char(self) -> list[int]:
        """Character offset just after each token's text."""
        return [t.idx + len(t) for t in self.tokens]

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) token offsets of each sentence, in order."""
        return [(s.start, s.end) for s in self.doc.sents]

    @cached_property
    def sentence_of(self) -> list[tuple[int, int]]:
        """(start, end) of the sentence each token is in, as `token.sent` gives it."""
        found: list[tuple[int, int]] = []
        for bounds in self.sentences:
            found.extend([bounds] * (bounds[1] - bounds[0]))
        return found

    @cached_property
    def entities(self) -> tuple:
        """`doc.ents`, which spaCy rebuilds as new `Span` objects on every access."""
        return self.doc.ents

    def entities_within(self, start: int, end: int) -> list:
        """The entities wholly inside tokens start:end, as `doc[start:end].ents` gives them."""
        found = []
        for ent in self.entities:
            if ent.start >= start:
                if ent.end > end:
                    break
                found.append(ent)
        return found

    def sentence_text(self, start: int, end: int) -> str:
        """The text of tokens start:end, as `doc[start:end].text`."""
        return self.text[self.idx[start]:self.end_char[end - 1]] if end > start else ""


def table(doc: Doc) -> TokenTable:
    """The token table of `doc`, built once and kept in the `Doc` itself, so it lives and dies with it
    (a registry keyed by weak references would keep every `Doc` alive: the table refers to its `Doc`)."""
    found = doc.user_data.get(USER_DATA_KEY)
    if found is None:
        found = doc.user_data[USER_DATA_KEY] = TokenTable(doc)
    return found
