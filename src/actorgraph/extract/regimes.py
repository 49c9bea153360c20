"""Names whose referent changes with the regime: "Kabul", "the Afghan government", "the Syrian
government" mean whoever governed the country on the date of the relation (data/regimes.yaml).
A mention is resolved by the document's date when stored, and again by each relation's own date."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..models import Actor
from ..names import normalize
from .lexicon import gazetteer
from .timex import earliest_day

if TYPE_CHECKING:
    from .token_mention import TokenMention


def country_of(item: TokenMention) -> str | None:
    """The country whose government a mention names by its regime, or None: a listed name, a
    capital acting as the state, (where the data allows) 'the <demonym> government', or a government
    noun resolved to a state ('the government', 'Bashir's government'). Read from
    the words and how they were found, so a mention already resolved for one date can be again."""
    mention = item.mention
    if mention.actor.type == "place":  # "in Kabul", "seized Kabul": the city, whoever rules it
        return None
    gaz, norm = gazetteer(), normalize(mention.text)
    if mention.via == "seat" or mention.via == "demonym" or norm in gaz.regime_names:
        return country_named(mention.text)
    words = norm.split()
    if mention.via == "coref" and mention.actor.id in gaz.regimes and words and words[-1] in gaz.government_nouns:
        return mention.actor.id  # "the government", "Bashir's government" resolved to a state
    return None


def governing(country: str, day: str | None) -> Actor | None:
    """The actor that governed `country` on `day` (YYYY, YYYY-MM or YYYY-MM-DD; None: the latest)."""
    gaz = gazetteer()
    actor_id = gaz.regimes[country].governing(earliest_day(day) if day else None)
    return gaz.entries[actor_id].actor if actor_id else None


def at_date(item: TokenMention, day: str | None) -> TokenMention:
    """The mention with the actor its regime name meant on `day` (unchanged if it is no such name)."""
    country = country_of(item)
    actor = governing(country, day) if country else None
    if actor is None or actor.id == item.mention.actor.id:
        return item
    return replace(item, mention=replace(item.mention, actor=actor))


def country_named(name: str) -> str | None:
    """The country whose government a plain name ('the Afghan government', 'Kabul', 'the Syrian
    authorities') means by its regime, as a user types it in a question."""
    gaz = gazetteer()
    norm = normalize(name)
    if norm in gaz.regime_names:
        return gaz.regime_names[norm]
    seat = gaz.by_seat.get(norm)
    if seat in gaz.regimes:
        return seat
    words = norm.split()
    if len(words) >= 2 and words[-1] in gaz.government_nouns:
        state = gaz.by_demonym.get(words[-2])
        if state in gaz.regimes and gaz.regimes[state].by_demonym:
            return state
    return None
