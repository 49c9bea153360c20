"""The state a text is about and the voice it speaks in: the state it names most (capitals
counted), which 'the army' or 'the government' that no actor near can be stands for, and who 'we'
is outside quotations (a statement's author, or the state an organ of a state speaks for)."""
from __future__ import annotations

from spacy.tokens import Doc

from ..models import Actor
from ..names import normalize
from .lexicon import cues, gazetteer
from .token_mention import TokenMention
from .tokens import table

ISSUING_TYPES = {"armed_group", "organisation", "government", "state", "contingent"}  # who can say 'we'


def states_by_mentions(mentions: list[TokenMention]) -> list[str]:
    """The states a text names, most named first (ties in order of first mention); a capital named
    as a place ('in Addis Ababa', a wire's dateline) counts for its state, so a report from
    Ethiopia that quotes Washington twice is still about Ethiopia."""
    counts: dict[str, int] = {}
    by_seat = gazetteer().by_seat
    for m in mentions:
        actor = m.mention.actor
        if actor.type == "state":
            state = actor.id
        elif actor.type == "place":
            state = by_seat.get(normalize(m.mention.text))
        else:
            continue
        if state is not None:
            counts[state] = counts.get(state, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])


def home_force(mentions: list[TokenMention]) -> Actor | None:
    """'the army' or 'the police' that no institution of the gazetteer, no named army and no recent
    state force can be: the forces of the state the text names most, that state acting."""
    states = states_by_mentions(mentions)
    return gazetteer().entries[states[0]].actor if states else None


def issuer(doc: Doc, mentions: list[TokenMention]) -> Actor | None:
    """Who 'we' means outside quotations: the first organisation, group or state the document names
    in its first two sentences (a statement's author, an editorial's country); when that is an organ
    of a state (a ministry, a press office, an army), the state it speaks for."""
    sentences = table(doc).sentences[:2]
    end = sentences[-1][1] if sentences else 0
    for item in mentions:
        if item.start < end and item.mention.actor.type in ISSUING_TYPES and item.mention.via != "coref":
            return _organ_state(doc, mentions, item) or item.mention.actor
    return None


def _organ_state(doc: Doc, mentions: list[TokenMention], organ: TokenMention) -> Actor | None:
    """The state an organ of a state speaks for: the one its name holds ('Israel Defense Forces',
    'Russian Ministry of Defence'), else one named right after it ('the Ministry of Foreign Affairs of
    the Republic of Azerbaijan'), else that of the first capital the text names (a statement's
    'Islamabad, 11 May'), else the state the text names most. None for anything else."""
    actor = organ.mention.actor
    name = f" {normalize(actor.name)} {normalize(organ.mention.text)} "
    if actor.type != "organisation" or not any(
            f" {word} " in name for word in cues().anaphora["state_organ_words"]):
        return None
    gaz = gazetteer()
    words = name.split()
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            state = gaz.by_demonym.get(phrase) or gaz.by_alias.get(phrase)
            if state is not None and gaz.entries[state].actor.type == "state":
                return gaz.entries[state].actor
    t = table(doc)
    named = next((m.mention.actor for m in mentions if organ.end <= m.start < organ.end + 6
                  and m.mention.actor.type == "state" and _of_state(t, organ.end - 1, m.start)), None)
    seats = (gaz.by_seat.get(normalize(m.mention.text)) for m in mentions
             if m.mention.actor.type == "place" or m.mention.via == "seat")
    seat = next((state for state in seats if state is not None), None)
    return named or (gaz.entries[seat].actor if seat else home_force(mentions))


def _of_state(t, last: int, state_start: int) -> bool:
    """Whether the words from an organ's last token to a state's name say whose organ it is: 'of',
    'the' and titled words only ('Ministry of Foreign Affairs of the Islamic Republic of ...')."""
    gap = range(last + 1, state_start)
    return (t.lower[last] == "of" or any(t.lower[i] == "of" for i in gap)) and all(
        t.lower[i] in {"of", "the"} or t.is_title[i] for i in gap)
