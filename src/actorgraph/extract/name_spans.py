"""How an entity's words are cut to a name: determiners and possessive marks off, NER spans split
at spaced punctuation, titles out of a person's name and the rest of it in, an 's that belongs
to a name ("People's Defence Forces"), and the context that makes an unknown name a place."""
from __future__ import annotations

from spacy.tokens import Span

from .lexicon import cues
from .tokens import TokenTable, table


def trimmed(span: Span) -> Span:
    """Drop leading determiners and a trailing possessive marker from an entity span."""
    start, end = span.start, span.end
    doc, t = span.doc, table(span.doc)
    while start < end and (t.lower[start] in {"the", "a", "an"} or t.is_space[start]):
        start += 1
    while end > start and (t.tag[end - 1] == "POS" or t.is_punct[end - 1] or t.is_space[end - 1]):
        end -= 1
    return doc[start:end]


def split_at_punctuation(ent: Span) -> list[Span]:
    """NER sometimes runs across ' - ' or ', ' into the next name; spaced punctuation splits it."""
    parts, start, t = [], ent.start, table(ent.doc)
    for i in range(ent.start, ent.end):
        spaced = t.is_punct[i] and t.orth[i] != "'" and (
            t.whitespace[i] or i == ent.start or t.orth[i] in {",", "(", ")", ";"})
        if spaced:
            if i > start:
                parts.append(Span(ent.doc, start, i, label=ent.label))
            start = i + 1
    if start < ent.end:
        parts.append(Span(ent.doc, start, ent.end, label=ent.label))
    return parts


def looks_like_place(span: Span) -> bool:
    """Context that makes an unknown name a place: 'the town of X', 'in X', 'X State', 'captured X'."""
    words = cues().anaphora
    root = span.root
    head = root.head
    if span[-1].lower_ in words["place_heads"]:
        return True
    if root.dep_ == "pobj" and head.lower_ in words["locative_preps"] - {"to", "on", "over", "from"}:
        return True
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_ in words["place_heads"]:
        return True
    if root.dep_ in {"appos", "compound"} and head.lemma_ in words["place_heads"]:
        return True
    if any(c.dep_ == "appos" and c.lemma_ in words["place_heads"] for c in root.children):
        return True
    return root.dep_ == "dobj" and head.lemma_ in words["capture_verbs"]


def whole_personal_name(span: Span) -> Span:
    """A person's name as the parse joins it, where NER stopped short: 'Amadou Toumani [Toure]',
    '[Therese] Kayikwamba Wagner'. Capitalised proper nouns joined by `compound` to the name's last
    word are part of it; a title before the name ('President', 'Minister of Security') is not."""
    doc, t = span.doc, table(span.doc)
    start, end = span.start, span.end
    while end < len(doc) and t.dep[end - 1] == "compound" and t.head[end - 1] == end and _name_word(t, end):
        end += 1
    while start > 0 and t.dep[start - 1] == "compound" and start <= t.head[start - 1] < end \
            and _name_word(t, start - 1) and not doc[start].is_sent_start:
        start -= 1
    return span if (start, end) == (span.start, span.end) else doc[start:end]


def untitled(span: Span) -> Span:
    """A person's name without the titles NER took in ('[Lt Gen] Faiz Hameed', '[Gen.] Hemedti')."""
    words, t, start = cues().anaphora, table(span.doc), span.start
    while start < span.end - 1 and t.lower[start].rstrip(".") in words["personal_titles"] | words["title_nouns"]:
        start += 1
    return span.doc[start:span.end]


def _name_word(t: TokenTable, i: int) -> bool:
    words, lower = cues().anaphora, t.lower[i].rstrip(".")
    return (t.pos[i] == "PROPN" and t.is_title[i] and lower not in words["title_nouns"]
            and lower not in words["personal_titles"] and t.ent_type[i] not in {"GPE", "ORG", "DATE"}
            and not (i > 0 and t.lower[i - 1] == "of"))


def possessive_in_name(t: TokenTable, i: int) -> bool:
    """The 's of "People's Defence Forces" belongs to the name; that of "Haftar's army" does not."""
    return t.tag[i] == "POS" and i > 0 and t.is_title[i - 1] and t.ent_type[i - 1] not in {
        "PERSON", "GPE", "LOC"}


def name_goes_on(t: TokenTable, end: int) -> bool:
    """Whether a name continues after token `end - 1`: 'Lashkar' in 'Lashkar-e-Islam' and 'Jaish' in
    'Jaish al-Fatah' begin other names (a joining particle follows, hyphenated), while 'Hamas-led',
    'Iran-backed' and 'Hamas-Israel talks' do not."""
    particles = cues().anaphora["name_particles"]
    n = len(t.orth)
    if end < n and t.orth[end] == "-" and not t.whitespace[end - 1] and end + 1 < n:
        return t.lower[end + 1] in particles
    return end + 1 < n and t.lower[end] in particles and t.orth[end + 1] == "-"
