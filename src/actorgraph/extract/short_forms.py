"""The shorter forms a text uses for what it named in full: a person's family or given name alone
('Haftar', 'Amir-Abdollahian', 'Isaias'), and the group a hyphen compound describes when no name
follows it ('the Iran-backed militias'). Run after the full names are found."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from ..models import Actor
from .lexicon import Gazetteer, cues
from .token_mention import TokenMention, text_actor
from .tokens import table


def _name_words(t, start: int, end: int) -> list[tuple[str, ...]]:
    """The words of the name in tokens [start, end), each a tuple of tokens: 'Hossein
    Amir-Abdollahian' is ('Hossein',), ('Amir', '-', 'Abdollahian')."""
    words, word = [], []
    for i in range(start, end):
        word.append(t.orth[i])
        if t.whitespace[i] or i == end - 1:
            words.append(tuple(word))
            word = []
    return words


def short_names(doc: Doc, named: list[TokenMention]) -> list[tuple[Span, Actor, str]]:
    """A person's family name alone ('Haftar' after 'Khalifa Haftar', 'Amir-Abdollahian' after
    'Hossein Amir-Abdollahian', 'Jolani' after 'al-Jolani'), and the given name alone when no other
    person of the text bears it ('Isaias' after 'Isaias Afwerki', 'Tamim' after 'Tamim bin Hamad Al
    Thani'): the press calls Ethiopians, Eritreans and Gulf rulers by their first names."""
    t = table(doc)
    titles = cues().anaphora["personal_titles"] | cues().anaphora["title_nouns"]
    family: dict[tuple[str, ...], Actor] = {}
    given: dict[tuple[str, ...], dict[str, Actor]] = {}
    for item in named:
        actor = item.mention.actor
        words = [w for w in _name_words(t, item.start, item.end) if len(w) > 1 or w[0].lower() not in titles]
        if actor.type == "person" and len(words) >= 2:
            family.setdefault(words[-1], actor)
            family.setdefault(words[-1][-1:], actor)  # 'Jolani' after 'al-Jolani'
            if len(words[0]) == 1 and len(words[0][0]) >= 3:
                given.setdefault(words[0], {})[actor.id] = actor
    forms = {words: (actor, False) for words, actor in family.items()}
    forms.update({words: (*bearers.values(), True) for words, bearers in given.items()
                  if len(bearers) == 1 and words not in forms})
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for words in forms:
        by_first.setdefault(words[0], []).append(words)
    found = []
    for i, text in enumerate(t.orth):
        for words in by_first.get(text, ()) if t.is_title[i] else ():
            end = i + len(words)
            actor, alone = forms[words]
            if tuple(t.orth[i:end]) == words and not (alone and end < len(t.orth) and t.is_title[end]):
                found.append((doc[i:end], actor, "short-name"))
                break
    return found


def compound_groups(doc: Doc, named: list[TokenMention], gaz: Gazetteer) -> list[tuple[Span, Actor, str]]:
    """'the Iran-backed militias', 'a US-led coalition': with no name after it, the compound
    describes a group of its own, named by the whole compound and mentioned by the words after the
    hyphen (so the backer stays a mention of its own, for the compound's relation)."""
    t, heads, compounds = table(doc), cues().compound_groups, cues().compounds
    ends = {m.end: m for m in named}
    found = []
    for i in (i for i in range(2, len(t.orth)) if t.lower[i] in compounds and t.orth[i - 1] in {"-", "\u2013"}):
        base, head = ends.get(i - 1), t.head[i]
        if base is None or head <= i or t.is_title[head] or head - i > 3:
            continue
        type_ = ("armed_group" if t.lower[head] in heads["armed_heads"] else
                 "organisation" if t.lower[head] in heads["organisation_heads"] else None)
        if type_ is not None:
            name = t.sentence_text(base.start, head + 1)
            found.append((doc[i + 1:head + 1], text_actor(name, type_, gaz), "pattern"))
    return found
