"""Find actor mentions in a parsed document: gazetteer aliases, capitals used for their states,
demonyms ("Rwandan soldiers"), contingents ("Uzbek fighters"), populations, and named
organisations and persons that no gazetteer knows (NER and "X Front"-style noun phrases)."""
from __future__ import annotations

from functools import cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..models import Actor
from ..names import normalize
from .lexicon import Gazetteer, cues, gazetteer
from .name_spans import (looks_like_place, name_goes_on, possessive_in_name, split_at_punctuation, trimmed, untitled,
                         whole_personal_name)
from .short_forms import compound_groups, short_names
from .token_mention import TokenMention, mention_of, place_actor, text_actor
from .tokens import table

NER_TYPES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place",
             "FAC": "place", "NORP": "population"}
NOT_NAMES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}  # entity labels of no actor


def _is_acronym(alias: str) -> bool:
    return alias.replace("-", "").replace("&", "").isalnum() and alias.isupper() and len(alias) <= 8


@cache
def _matchers(vocab) -> tuple[PhraseMatcher, PhraseMatcher, PhraseMatcher]:
    """Alias matchers built once per vocabulary: case-insensitive names, case-sensitive acronyms,
    and seats of power (capitals) which resolve to their state only when acting."""
    from spacy.lang.en import English

    tokenizer = English(vocab=vocab).tokenizer
    gaz = gazetteer()
    lower = PhraseMatcher(vocab, attr="LOWER")
    exact = PhraseMatcher(vocab, attr="ORTH")
    seats = PhraseMatcher(vocab, attr="LOWER")
    for entry in gaz.entries.values():
        actor = entry.actor
        for alias in (actor.name, *actor.aliases):
            target = exact if _is_acronym(alias) else lower
            target.add(actor.id, [tokenizer(alias)])
        for seat in entry.seats:
            seats.add(actor.id, [tokenizer(seat)])
    return lower, exact, seats


def _gazetteer_spans(doc: Doc, gaz: Gazetteer) -> list[tuple[Span, Actor, str]]:
    lower, exact, seats = _matchers(doc.vocab)
    locative, t = cues().anaphora["locative_preps"], table(doc)
    found = []
    for matcher, via in ((lower, "gazetteer"), (exact, "gazetteer")):
        for match_id, start, end in matcher(doc):
            if end - start == 1 and name_goes_on(t, end):
                continue
            actor = gaz.entries[doc.vocab.strings[match_id]].actor
            found.append((doc[start:end], actor, via))
    for match_id, start, end in seats(doc):
        span = doc[start:end]
        entry = gaz.entries[doc.vocab.strings[match_id]]
        state = entry.actor
        head = span.root.head
        captured = span.root.dep_ in {"dobj", "nsubjpass"} and head.lemma_ in cues().anaphora["capture_verbs"]
        dateline = span.text.isupper() and span.end < len(doc) and doc[span.end].text == ","  # 'KABUL, Dec 12 -'
        if captured or dateline or span.root.dep_ == "pobj" and head.lower_ in locative and head.head.lemma_ not in {
                "authority", "government", "official", "regime", "leadership"}:
            spelt = next((seat for seat in entry.seats if normalize(seat) == normalize(span.text)), span.text)
            found.append((span, place_actor(spelt), "seat"))
        else:
            found.append((span, state, "seat"))
    return found


def _demonym_spans(doc: Doc, gaz: Gazetteer) -> list[tuple[Span, Actor, str]]:
    """'Rwandan soldiers', 'American forces' and 'the Pakistani prime minister' are the state
    acting; 'Uzbek fighters' is a contingent; 'the Turks' is Turkey."""
    words, offices = cues().anaphora, cues().offices
    found, parse = [], table(doc)
    fighters, modifiers = words["fighter_nouns"], {"amod", "compound", "nmod"}
    for i, lower in enumerate(parse.lower):  # only a demonym, or a modifier of a fighter noun, can be one
        h = parse.head[i]
        if lower not in gaz.by_demonym and not (parse.dep[i] in modifiers and h > i and (
                parse.lemma[h] in fighters or parse.lower[h] in fighters)):
            continue
        token = doc[i]
        state_id = gaz.by_demonym.get(token.lower_)
        head = token.head
        if token.dep_ in {"amod", "compound", "nmod"} and head.i > token.i:
            state_force = state_id and (head.lower_ in words["force_nouns"] or head.lemma_ in words["force_nouns"])
            if not state_force and (head.lemma_.lower() in words["fighter_nouns"] or head.lower_ in words["fighter_nouns"]):
                if head.ent_type_ == "ORG" and head.is_title:
                    continue
                if state_id or token.ent_type_ == "NORP" or token.pos_ == "PROPN":
                    first = min([c.left_edge.i for c in head.lefts if c.dep_ in {"amod", "compound", "nmod"}
                                 and (c.is_title or c.ent_type_)] + [token.left_edge.i])
                    while first < token.i and not doc[first].is_title:
                        first += 1
                    if any(t.ent_type_ in NOT_NAMES or t.is_punct for t in doc[first: head.i]):
                        continue  # 'May 2018 - Insurgents behead...' on a timeline's line names no one
                    span = doc[first: head.i + 1]
                    name = " ".join(t.text for t in span if t.dep_ != "det")
                    found.append((span, text_actor(name, "contingent", gaz), "pattern"))
                continue
            if state_id and _state_acts_through(head, words, offices):
                listed = any(doc[k].dep_ in {"cc", "conj"} for k in range(token.i + 1, head.i))
                found.append((doc[token.i: token.i + 1 if listed else head.i + 1], gaz.entries[state_id].actor, "demonym"))
                continue
        if state_id and _supplies_or_acts(token, gaz, words, offices):
            found.append((doc[token.i: token.i + 1], gaz.entries[state_id].actor, "demonym"))
            continue
        if state_id and token.pos_ in {"NOUN", "PROPN"} and token.tag_ in {"NNS", "NNPS"}:
            if token.dep_ in {"nsubj", "nsubjpass"}:
                found.append((doc[token.i: token.i + 1], gaz.entries[state_id].actor, "demonym"))
            else:
                found.append((doc[token.i: token.i + 1], text_actor(token.text, "population", gaz), "demonym"))
    return found


def _supplies_or_acts(token: Token, gaz: Gazetteer, words, offices) -> bool:
    """A demonym on what a state supplies ('Iranian weapons', 'Emirati money') or does ('an Israeli
    air strike', 'Qatari mediation'), or listed after another demonym on a force ('Russian and
    Iranian advisers'): the state giving or acting."""
    lead = token
    while lead.dep_ == "conj" and lead.head.i < lead.i and lead.head.lower_ in gaz.by_demonym:
        lead = lead.head
    head = lead.head
    if lead.dep_ not in {"amod", "compound", "nmod"} or head.i <= lead.i:
        return False
    return bool({head.lower_, head.lemma_} & (words["materiel_nouns"] | words["act_nouns"])) or (
        lead is not token and _state_acts_through(head, words, offices))


def _state_acts_through(head: Token, words, offices) -> bool:
    """A noun a demonym before it makes the state acting: its forces ('Rwandan soldiers'), its power,
    its territory ('Afghan soil') or an office ('the Pakistani prime minister')."""
    return (head.lower_ in words["force_nouns"] or head.lemma_ in words["force_nouns"] or head.lemma_ == "power"
            or head.lower_ in words["territory_nouns"] or head.lower_ in offices.titles)


def _population_spans(doc: Doc, gaz: Gazetteer) -> list[tuple[Span, Actor, str]]:
    """Unnamed people a text can make actors of ('civilians', 'thousands of residents', 'the Chibok
    girls'): the noun with its modifiers; numbers and quantities stay in the mention, not the name."""
    words = cues().anaphora
    modifiers = {"amod", "compound", "nummod", "quantmod", "nmod", "det", "poss"}
    found, parse = [], table(doc)
    for token in (doc[i] for i, lower in enumerate(parse.lower)
                  if lower in words["victim_nouns"] and parse.pos[i] in {"NOUN", "PROPN", "ADJ"}):
        start = min([c.left_edge.i for c in token.lefts if c.dep_ in modifiers] + [token.i])
        if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in words["quantity_nouns"]:
            start = min(start, token.head.head.left_edge.i)
        while start < token.i and (doc[start].lower_ in words["determiners"] | {"a", "an"} or doc[start].is_punct):
            start += 1
        span = doc[start:token.i + 1]
        kept = [t for t in span if not (t.like_num or t.lower_ in words["quantity_nouns"] or t.lower_ == "of"
                                        or t.dep_ in {"det", "poss", "quantmod"} or t.is_punct)]
        name = " ".join(t.text if t.is_title and t.i < token.i else t.lower_ for t in kept) or token.lower_
        found.append((span, text_actor(name, "population", gaz), "population"))
    return found


def _ner_spans(doc: Doc, gaz: Gazetteer) -> list[tuple[Span, Actor, str]]:
    words = cues().anaphora
    heads = words["organisation_heads"]
    fighters = cues().anaphora["fighter_nouns"]
    found, t = [], table(doc)
    for part in (p for ent in t.entities for p in split_at_punctuation(ent)):
        ent = part
        type_ = NER_TYPES.get(ent.label_)
        span = trimmed(ent)
        inside = range(span.start, span.end)
        if not type_ or not len(inside) or not any(t.is_alpha[i] for i in inside):
            continue
        if type_ == "organisation" and not any(t.orth[i][:1].isupper() for i in inside):
            continue
        if type_ == "organisation" and any(t.lower[i] in heads for i in inside):
            type_ = "armed_group"
        if type_ == "person":
            span = whole_personal_name(untitled(span))
        text = t.sentence_text(span.start, span.end)
        if type_ in {"person", "organisation"} and gaz.lookup(text) is None and looks_like_place(span):
            type_ = "place"
        root = span.root.i
        if type_ == "population":
            if t.tag[root] not in {"NNS", "NNPS"} and not text.endswith("s"):
                continue
        if type_ == "person" and len(inside) == 1 and t.lower[t.head[root]] in fighters:
            continue
        if type_ == "person" and t.dep[root] == "compound" and doc[t.head[root]].lemma_ in words["title_nouns"]:
            continue
        if span.end < len(doc) and t.lower[span.end] in words["unit_heads"] and not t.is_title[span.end]:
            span, type_ = doc[span.start:span.end + 1], "armed_group"
        elif type_ == "place":
            end = span.end
            while end < len(doc) and t.lower[end] in cues().anaphora["place_heads"] and not t.is_title[end]:
                end += 1
            span = doc[span.start:end]
        found.append((span, text_actor(t.sentence_text(span.start, span.end), type_, gaz), "ner"))
    for i in (i for i, lower in enumerate(t.lower) if lower in heads):
        if t.is_title[i] and i > 0:
            start = i
            while start > 0 and (t.is_title[start - 1] or t.lower[start - 1] in {"al", "-", "of"}
                                 or possessive_in_name(t, start - 1)) and not doc[start - 1].is_sent_start:
                start -= 1
            while start < i and (not t.is_title[start] or t.lower[start] in {"the", "a", "an"}):
                start += 1
            if start < i:
                found.append((doc[start: i + 1], text_actor(t.sentence_text(start, i + 1), "armed_group", gaz),
                              "pattern"))
    return found


def _acronym_spans(doc: Doc, named: list[TokenMention], gaz: Gazetteer) -> list[tuple[Span, Actor, str]]:
    """'the Congo River Alliance (AFC)' makes every later 'AFC' that actor."""
    found, t = [], table(doc)
    acronyms: dict[str, Actor] = {}
    for item in named:
        end = item.end
        if end + 2 < len(doc) and t.orth[end] == "(" and t.orth[end + 2] == ")" \
                and t.is_upper[end + 1] and len(t.orth[end + 1]) >= 2:
            acronyms[t.orth[end + 1]] = item.mention.actor
    for item in named:
        words = [t.orth[i] for i in range(item.start, item.end)
                 if t.is_title[i] and t.lower[i] not in {"of", "the", "and"}]
        if len(words) >= 2:
            acronyms.setdefault("".join(w[0] for w in words), item.mention.actor)
    for i, text in enumerate(t.orth):
        if text in acronyms and t.is_upper[i] and gaz.lookup(text) is None:
            found.append((doc[i: i + 1], acronyms[text], "acronym"))
    return found


def find_mentions(doc: Doc, gaz: Gazetteer | None = None) -> list[TokenMention]:
    """Every named, demonym, contingent and population mention, longest first, no overlaps."""
    gaz = gaz or gazetteer()
    named, demonyms, ner = _gazetteer_spans(doc, gaz), _demonym_spans(doc, gaz), _ner_spans(doc, gaz)
    named = _drop_inside_longer_names(named, ner)
    chosen = _choose([named, demonyms, ner])
    inside = {i: m.end - m.start for m in chosen if m.end - m.start > 1 for i in range(m.start, m.end)}
    shorter = _acronym_spans(doc, chosen, gaz) + short_names(doc, chosen) + compound_groups(doc, chosen, gaz)
    extra = [item for item in shorter if len(item[0]) >= inside.get(item[0].start, 0)]  # never inside a longer name
    chosen = [_extend_to_institution(doc, m)
              for m in _choose([named, extra, demonyms, ner, _population_spans(doc, gaz)])]
    return _fighters_by_example(doc, chosen, gaz)


def _listed_examples(token) -> list:
    """Tokens listed after 'such as' / 'including' / 'like' under `token`, with their conjuncts."""
    found = []
    for prep in token.children:
        if prep.dep_ == "prep" and (prep.lower_ in {"including", "like"} or (
                prep.lower_ == "as" and prep.i > 0 and prep.doc[prep.i - 1].lower_ == "such")):
            stack = [c for c in prep.children if c.dep_ == "pobj"]
            while stack:
                item = stack.pop(0)
                found.append(item)
                stack.extend(c for c in item.children if c.dep_ == "conj")
    return found


def _fighters_by_example(doc: Doc, mentions: list[TokenMention], gaz: Gazetteer) -> list[TokenMention]:
    """'fighters such as the Uzbeks and Uyghurs': peoples listed as examples of fighters are
    contingents ('Uzbek fighters'), not the populations the same words name elsewhere."""
    by_token = {i: m for m in mentions for i in range(m.start, m.end)}
    fighters = cues().anaphora["fighter_nouns"]
    heads = [doc[i] for i in table(doc).having(fighters)]
    found: dict[int, TokenMention] = {}
    for token in heads:
        for example in _listed_examples(token):
            item = by_token.get(example.i)
            if item is None and not (example.is_title and example.text.endswith("s")):
                continue
            if item is not None and not (item.mention.actor.type == "population" or (
                    item.mention.actor.id.startswith("x-") and item.end - item.start == 1)):
                continue
            span = doc[item.start:item.end] if item else doc[example.i:example.i + 1]
            word = span.text
            stem = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
            found[span.start] = mention_of(text_actor(f"{stem} fighters", "contingent", gaz), span, "pattern")
    kept = [m for m in mentions if m.start not in found]
    return sorted([*kept, *found.values()], key=lambda m: m.start)


def _extend_to_institution(doc: Doc, item: TokenMention) -> TokenMention:
    """"Congo's government" / "Russia's army" is the state acting: the mention takes the noun."""
    t = table(doc)
    last = item.end - 1
    head = t.head[last]
    if item.mention.actor.type != "person" and t.dep[last] == "poss" and head > last and (
            doc[head].lemma_ in _institution_nouns() or t.lower[head] in _institution_nouns()):
        return mention_of(item.mention.actor, doc[item.start: head + 1], item.mention.via)
    return item


@cache
def _institution_nouns() -> frozenset[str]:
    """Nouns after a possessive that make the owner the actor ("Russia's army")."""
    words = cues().anaphora
    return words["force_nouns"] | words["fighter_nouns"] | {"man", "men", "loyalist", "loyalists", "ranks"}


def _drop_inside_longer_names(named: list, ner: list) -> list:
    """'Congo' inside 'Congo River Alliance': an organisation's full name beats a place in it; and a
    known name after the first word of a person's name is part of that name ('Shia' in 'Mohammed
    Shia al-Sudani', 'Baloch' in 'Mahrang Baloch'); a group's name before one stays ('Hamas leader')."""
    heads = cues().anaphora["organisation_heads"]
    long_names = [span for span, actor, _ in ner if table(span.doc).lower[span.end - 1] in heads and len(span) > 1]
    people = [span for span, actor, _ in ner if actor.type == "person" and len(span) > 1]

    def in_organisation(span: Span) -> bool:
        return any(name.start <= span.start and span.end <= name.end and len(name) > len(span) for name in long_names)

    def after_first_name(span: Span, actor: Actor) -> bool:
        return actor.type != "person" and any(name.start < span.start and span.end <= name.end for name in people)

    return [(span, actor, via) for span, actor, via in named
            if not in_organisation(span) and not after_first_name(span, actor)]


def _choose(layers: list[list[tuple[Span, Actor, str]]]) -> list[TokenMention]:
    """Earlier layers win over later ones; within a layer, the longest span wins."""
    taken: set[int] = set()
    result: list[TokenMention] = []
    for layer in layers:
        spans = filter_spans([span for span, _, _ in layer])
        keep = {(s.start, s.end) for s in spans}
        for span, actor, via in layer:
            if (span.start, span.end) not in keep or taken & set(range(span.start, span.end)):
                continue
            keep.discard((span.start, span.end))
            taken.update(range(span.start, span.end))
            result.append(mention_of(actor, span, via))
    return sorted(result, key=lambda m: m.start)
