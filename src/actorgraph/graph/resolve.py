"""Entity resolution across documents: which stored actor a newly seen name is.

Within a document, `coref` links "the group" and "KLF" to the actor they mean. Across documents an
actor found only in text ("x-" ids) may be an alias another document established ("KLF"), or a
spelling variant of a known name. Such actors are linked into the one they name, never deleted, so
a user's `split` can undo any merge, and every link records why it was made.

Guard rails: actors of different types never merge (an "organisation", the label NER gives any
unknown body, may join an armed group); gazetteer actors never merge into each other;
a spelling variant must have the same number of words, each close to its counterpart and with the
same first letter, so "Islamic State" stays apart from "Islamic State Khorasan" and "Hamza bin
Laden" from "Osama bin Laden".
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..extract.lexicon import cues
from ..models import Actor
from ..names import normalize

WORD_SIMILARITY = 80
NAME_SIMILARITY = 90
GENERIC_ORGANISATIONS = {"armed_group", "organisation"}


@dataclass(frozen=True)
class Link:
    """`actor_id` is the same actor as `into_id`."""

    actor_id: str
    into_id: str
    reason: str
    origin: str = "auto"


@dataclass
class ActorIndex:
    """What the store knows, for matching: actors by id, alias owners, names by first letter, and
    the pairs a user said must stay apart."""

    actors: dict[str, Actor] = field(default_factory=dict)
    alias_owners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_initial: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    blocked: set[tuple[str, str]] = field(default_factory=set)

    def add(self, actor: Actor, aliases: tuple[str, ...] = ()) -> None:
        self.actors.setdefault(actor.id, actor)
        for alias in (actor.name, *aliases):
            norm = normalize(alias)
            if norm:
                self.alias_owners[norm].add(actor.id)
        if actor.type == "contingent":
            self.alias_owners[contingent_key(actor.name)].add(actor.id)
        norm = normalize(actor.name)
        if norm:
            self.by_initial[(actor.type, norm[0])].add(actor.id)


def contingent_key(name: str) -> str:
    """'Uzbek militants' and 'Uzbek fighters' name one contingent: the head noun is folded."""
    words = normalize(name).split()
    if words and words[-1] in cues().anaphora["fighter_synonyms"]:
        words[-1] = "fighters"
    return " ".join(words)


def is_text_actor(actor_id: str) -> bool:
    return actor_id.startswith("x-")


def spelling_variant(a: str, b: str) -> int | None:
    """The similarity of two normalised names if one is a spelling variant of the other."""
    if a == b:
        return 100
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return None
    for x, y in zip(words_a, words_b):
        if x[0] != y[0] or (x != y and (min(len(x), len(y)) < 4 or fuzz.ratio(x, y) < WORD_SIMILARITY)):
            return None
    score = round(fuzz.ratio(a, b))
    return score if score >= NAME_SIMILARITY else None


def link_for(actor: Actor, index: ActorIndex) -> Link | None:
    """Where a newly stored text actor belongs: the actor whose alias it is, else the one whose name
    it spells differently; None when it is new (or when a user split them apart)."""
    if not is_text_actor(actor.id):
        return None
    norm = contingent_key(actor.name) if actor.type == "contingent" else normalize(actor.name)
    owners = sorted(i for i in index.alias_owners.get(norm, ()) if i != actor.id and _allowed(actor, i, index))
    if owners:
        target = min(owners, key=lambda i: (is_text_actor(i), i))
        return Link(actor.id, target, f"'{actor.name}' is an alias of {index.actors[target].name}")
    best: tuple[int, str] | None = None
    kinds = GENERIC_ORGANISATIONS if actor.type in GENERIC_ORGANISATIONS else {actor.type}
    for other in (o for kind in sorted(kinds) for o in index.by_initial.get((kind, norm[:1]), ())):
        if other == actor.id or not _allowed(actor, other, index):
            continue
        score = spelling_variant(norm, normalize(index.actors[other].name))
        if score is not None and (best is None or (score, not is_text_actor(other)) > (best[0], True)):
            best = (score, other)
    if best is None:
        return None
    return Link(actor.id, best[1], f"'{actor.name}' spells {index.actors[best[1]].name} differently "
                                   f"(similarity {best[0]})")


def links_for_new_alias(owner_id: str, alias: str, index: ActorIndex) -> list[Link]:
    """A document that names `owner_id` also `alias` ('the Kivu Front (KLF)') links text actors
    stored earlier under that name into it."""
    norm = normalize(alias)
    owner = index.actors[owner_id]
    return [Link(other, owner_id, f"'{index.actors[other].name}' is an alias of {owner.name}")
            for other in sorted(index.alias_owners.get(norm, ()))
            if other != owner_id and is_text_actor(other) and normalize(index.actors[other].name) == norm
            and _allowed(index.actors[other], owner_id, index)]


def _allowed(actor: Actor, other_id: str, index: ActorIndex) -> bool:
    other = index.actors[other_id]
    same_kind = other.type == actor.type or {other.type, actor.type} <= GENERIC_ORGANISATIONS
    return same_kind and (actor.id, other_id) not in index.blocked and (other_id, actor.id) not in index.blocked


def canonical_map(links: list[Link]) -> dict[str, str]:
    """Each linked id to the actor it finally names (chains followed, cycles broken)."""
    into = {link.actor_id: link.into_id for link in links}
    result = {}
    for start in into:
        seen, current = {start}, into[start]
        while current in into and current not in seen:
            seen.add(current)
            current = into[current]
        result[start] = current
    return result
