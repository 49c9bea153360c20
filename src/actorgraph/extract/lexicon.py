"""Domain data as data: the ontology, the actor gazetteer and the cue lexicons, loaded once from
YAML under the package into frozen dataclasses."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import yaml

from ..models import Actor
from ..names import normalize


BOOLEAN = "tag:yaml.org,2002:bool"


class SAFE_LOADER(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader (libyaml's when PyYAML has it) with YAML 1.2's booleans: only true and
    false. YAML 1.1 also reads on, off, yes and no as booleans, and those are words in the
    lexicons (the preposition of "attacks on X", the negation cue "no"): read as booleans they
    never matched anything."""

    yaml_implicit_resolvers = {first: [(tag, pattern) for tag, pattern in resolvers if tag != BOOLEAN]
                               for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


SAFE_LOADER.add_implicit_resolver(BOOLEAN, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def package_yaml(name: str) -> dict:
    """A YAML file shipped under actorgraph/data, read with libyaml when PyYAML has it (the same
    values, some ten times faster: the gazetteer and lexicons are read by every process)."""
    return yaml.load(resources.files("actorgraph").joinpath("data", name).read_text("utf-8"), Loader=SAFE_LOADER)


@dataclass(frozen=True)
class Predicate:
    name: str
    definition: str
    symmetric: bool
    kinds: tuple[str, ...] = ()
    arity: int = 2


@dataclass(frozen=True)
class Ontology:
    entity_types: tuple[str, ...]
    predicates: dict[str, Predicate]
    modalities: tuple[str, ...]
    time_values: tuple[str, ...]


@cache
def ontology() -> Ontology:
    raw = package_yaml("ontology.yaml")
    predicates = {
        name: Predicate(name=name, definition=spec["definition"], symmetric=bool(spec["symmetric"]),
                        kinds=tuple(spec.get("kinds") or ()), arity=int(spec.get("arity", 2)))
        for name, spec in raw["predicates"].items()
    }
    return Ontology(entity_types=tuple(raw["entity_types"]), predicates=predicates,
                    modalities=tuple(raw["modalities"]), time_values=tuple(raw["time"]["values"]))


@dataclass(frozen=True)
class GazetteerEntry:
    actor: Actor
    demonyms: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()
    predecessors: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    actor: str
    start: str | None
    end: str | None


@dataclass(frozen=True)
class Regime:
    """Who governed one country when: `names` (normalised) always mean the governing actor."""
    country: str
    names: frozenset[str]
    by_demonym: bool
    periods: tuple[Period, ...]

    def governing(self, day: str | None) -> str | None:
        """The governing actor's id on `day` (YYYY-MM-DD; None: the last period), or None."""
        if day is None:
            return self.periods[-1].actor if self.periods and self.periods[-1].end is None else None
        return next((p.actor for p in self.periods if (p.start is None or p.start <= day)
                     and (p.end is None or day <= p.end)), None)


@dataclass(frozen=True)
class Gazetteer:
    entries: dict[str, GazetteerEntry]
    by_alias: dict[str, str]
    by_demonym: dict[str, str]
    by_seat: dict[str, str]
    regimes: dict[str, Regime] = field(default_factory=dict)
    regime_names: dict[str, str] = field(default_factory=dict)  # normalised name -> country id
    government_nouns: frozenset[str] = frozenset()

    def led_by(self, person_id: str, types: set[str] | None = None) -> Actor | None:
        """The organisation a known person heads (the first of `types`, when given), if the
        gazetteer says so."""
        entry = self.entries.get(person_id)
        led = [self.entries[i].actor for i in (entry.leads if entry else ()) if i in self.entries]
        return next((a for a in led if types is None or a.type in types), None)

    def lookup(self, text: str) -> Actor | None:
        actor_id = self.by_alias.get(normalize(text))
        return self.entries[actor_id].actor if actor_id else None


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Read a gazetteer file (the packaged one by default); aliases index by normalised form."""
    raw = yaml.load(Path(path).read_text("utf-8"), Loader=SAFE_LOADER) if path else package_yaml("gazetteer.yaml")
    types = set(ontology().entity_types)
    entries: dict[str, GazetteerEntry] = {}
    by_alias: dict[str, str] = {}
    by_demonym: dict[str, str] = {}
    by_seat: dict[str, str] = {}
    for item in raw["actors"]:
        if item["type"] not in types:
            raise ValueError(f"gazetteer: actor {item['id']!r} has unknown type {item['type']!r}")
        aliases = tuple(dict.fromkeys(str(a) for a in item.get("aliases") or ()))
        actor = Actor(id=item["id"], name=item["name"], type=item["type"], aliases=aliases)
        entries[actor.id] = GazetteerEntry(
            actor=actor, demonyms=tuple(item.get("demonyms") or ()), seats=tuple(item.get("seats") or ()),
            predecessors=tuple(item.get("predecessors") or ()), leads=tuple(item.get("leads") or ()))
        for alias in (actor.name, *aliases):
            by_alias.setdefault(normalize(alias), actor.id)
        for demonym in item.get("demonyms") or ():
            by_demonym.setdefault(demonym.lower(), actor.id)
        for seat in item.get("seats") or ():
            by_seat.setdefault(normalize(seat), actor.id)
    if path is None and os.environ.get("ACTORGRAPH_FIELD_GROUPS", "0") == "1":
        _add_field_groups(entries, by_alias, package_yaml("phoenix_groups.yaml")["actors"])
    regimes, government_nouns = load_regimes(entries, strict=path is None)
    names = {name: country for country, regime in regimes.items() for name in regime.names}
    return Gazetteer(entries=entries, by_alias=by_alias, by_demonym=by_demonym, by_seat=by_seat, regimes=regimes,
                     regime_names=names, government_nouns=government_nouns)


def _add_field_groups(entries: dict[str, GazetteerEntry], by_alias: dict[str, str], groups: list[dict]) -> None:
    """Add the field dictionary's armed groups (data/phoenix_groups.yaml) beneath the gazetteer's own
    actors: a group one of whose names the gazetteer has lends that actor its other names; any
    other group is added as it is. A name already taken by another actor is left to that actor.
    Off unless ACTORGRAPH_FIELD_GROUPS=1: on the corpus's test split they did not raise the score."""
    for item in groups:
        names = [item["name"], *(item.get("aliases") or ())]
        owner = next((by_alias[normalize(n)] for n in names if normalize(n) in by_alias), None)
        free = [n for n in names if normalize(n) not in by_alias]
        if not free:
            continue
        if owner is None:
            owner, actor = item["id"], Actor(id=item["id"], name=free[0], type=item["type"], aliases=tuple(free[1:]))
        else:
            known = entries[owner].actor
            actor = Actor(known.id, known.name, known.type, (*known.aliases, *free))
        entries[owner] = replace(entries[owner], actor=actor) if owner in entries else GazetteerEntry(actor=actor)
        for name in free:
            by_alias.setdefault(normalize(name), owner)


def load_regimes(entries: dict[str, GazetteerEntry], strict: bool = True) -> tuple[dict[str, Regime], frozenset[str]]:
    """data/regimes.yaml, checked against the gazetteer's actors: with the packaged gazetteer an
    unknown actor is an error in the data; with a user's own, regimes it lacks actors for are left out."""
    raw = package_yaml("regimes.yaml")
    regimes = {}
    for country, spec in raw["regimes"].items():
        periods = tuple(Period(str(p["actor"]), str(p["from"]) if p.get("from") else None,
                               str(p["until"]) if p.get("until") else None) for p in spec["periods"])
        missing = [a for a in (country, *(p.actor for p in periods)) if a not in entries]
        if missing and strict:
            raise ValueError(f"regimes.yaml: {missing[0]!r} is not in the gazetteer")
        if missing:
            continue
        regimes[country] = Regime(country, frozenset(normalize(n) for n in spec.get("names") or ()),
                                  bool(spec.get("by_demonym")), periods)
    return regimes, frozenset(str(n).lower() for n in raw["government_nouns"])


@cache
def gazetteer() -> Gazetteer:
    """The packaged gazetteer, or the file named by ACTORGRAPH_GAZETTEER (a user's own)."""
    return load_gazetteer(os.environ.get("ACTORGRAPH_GAZETTEER") or None)


@dataclass(frozen=True)
class VerbFrame:
    predicate: str
    verbs: frozenset[str]
    via: tuple[str, ...]
    subject_types: frozenset[str] = frozenset()
    object_types: frozenset[str] = frozenset()
    needs_noun: frozenset[str] = frozenset()
    needs_prep_noun: frozenset[str] = frozenset()
    needs_particle: frozenset[str] = frozenset()
    inverse: bool = False
    object_from_noun_owner: bool = False
    kinds: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class NounFrame:
    predicate: str
    nouns: frozenset[str]
    via: tuple[str, ...]
    holder_types: frozenset[str] = frozenset()
    object_types: frozenset[str] = frozenset()
    inverse: bool = False
    copula_only: bool = False
    kinds: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class PhraseCue:
    words: tuple[str, ...]
    predicate: str
    trigger: int


@dataclass(frozen=True)
class Offices:
    """The words of a person's title (`offices.py`): what a title's last word makes its holder, and
    the phrases read as one word."""
    leader_titles: frozenset[str] = frozenset()
    part_words: frozenset[str] = frozenset()
    member_titles: frozenset[str] = frozenset()
    indefinite: frozenset[str] = frozenset()
    joined: dict[str, str] = field(default_factory=dict, hash=False)

    @cached_property
    def titles(self) -> frozenset[str]:
        """Every word that ends a title (leader's or member's)."""
        return self.leader_titles | self.member_titles

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word a title may be made of, the joined phrases' words included."""
        return self.titles | self.part_words | frozenset(w for phrase in self.joined for w in phrase.split())


@dataclass(frozen=True)
class Cues:
    verb_frames: tuple[VerbFrame, ...]
    noun_frames: tuple[NounFrame, ...]
    phrases: tuple[PhraseCue, ...]
    modality: dict[str, frozenset[str]]
    anaphora: dict[str, frozenset[str]]
    compounds: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # word -> (predicate, kind)
    allegiance: dict[str, frozenset[str]] = field(default_factory=dict)
    mediation: dict[str, frozenset[str]] = field(default_factory=dict)
    offices: Offices = Offices()
    compound_groups: dict[str, frozenset[str]] = field(default_factory=dict)  # armed_heads, organisation_heads

    def frames_for_verb(self, lemma: str) -> list[VerbFrame]:
        return list(self._frames_by_word[0].get(lemma, ()))

    def frames_for_noun(self, lemma: str) -> list[NounFrame]:
        return list(self._frames_by_word[1].get(lemma, ()))

    @cached_property
    def _frames_by_word(self) -> tuple[dict[str, list[VerbFrame]], dict[str, list[NounFrame]]]:
        """Verb and noun frames by each word that triggers them, in the lexicon's order (a lookup
        per token instead of a scan of every frame)."""
        verbs: dict[str, list[VerbFrame]] = {}
        nouns: dict[str, list[NounFrame]] = {}
        for frame in self.verb_frames:
            for verb in frame.verbs:
                verbs.setdefault(verb, []).append(frame)
        for frame in self.noun_frames:
            for noun in frame.nouns:
                nouns.setdefault(noun, []).append(frame)
        return verbs, nouns


def _set(values) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values or ())


@cache
def cues() -> Cues:
    raw = package_yaml("cues.yaml")
    verb_frames = tuple(
        VerbFrame(predicate=f["predicate"], verbs=_set(f["verbs"]), via=tuple(f["via"]),
                  subject_types=_set(f.get("subject_types")), object_types=_set(f.get("object_types")),
                  needs_noun=_set(f.get("needs_noun")), needs_prep_noun=_set(f.get("needs_prep_noun")),
                  needs_particle=_set(f.get("needs_particle")), inverse=bool(f.get("inverse")),
                  object_from_noun_owner=bool(f.get("object_from_noun_owner")), kinds=f.get("kinds") or {})
        for f in raw["verb_frames"])
    noun_frames = tuple(
        NounFrame(predicate=f["predicate"], nouns=_set(f["nouns"]), via=tuple(f["via"]),
                  holder_types=_set(f.get("holder_types")), object_types=_set(f.get("object_types_required")),
                  inverse=bool(f.get("inverse")), copula_only=bool(f.get("copula_only")), kinds=f.get("kinds") or {})
        for f in raw["noun_frames"])
    phrases = tuple(PhraseCue(words=tuple(p["phrase"].lower().split()), predicate=p["predicate"],
                              trigger=int(p["trigger"])) for p in raw["phrase_cues"])
    known = set(ontology().predicates)
    for frame in (*verb_frames, *noun_frames, *phrases):
        if frame.predicate not in known:
            raise ValueError(f"cues.yaml: unknown predicate {frame.predicate!r}")
    compounds = {word: (spec[0], spec[1] if len(spec) > 1 else None) for word, spec in raw["hyphen_compounds"].items()}
    for predicate, _ in compounds.values():
        if predicate not in known:
            raise ValueError(f"cues.yaml: unknown predicate {predicate!r} in hyphen_compounds")
    return Cues(verb_frames=verb_frames, noun_frames=noun_frames, phrases=phrases,
                modality={k: _set(v) for k, v in raw["modality"].items()},
                anaphora={k: _set(v) for k, v in raw["anaphora"].items()}, compounds=compounds,
                allegiance={k: _set(v) for k, v in raw["allegiance"].items()},
                mediation={k: _set(v) for k, v in raw["mediation"].items()},
                compound_groups={k: _set(v) for k, v in raw["compound_groups"].items()},
                offices=Offices(leader_titles=_set(raw["offices"]["leader_titles"]),
                                part_words=_set(raw["offices"]["part_words"]),
                                member_titles=_set(raw["offices"]["member_titles"]),
                                indefinite=_set(raw["offices"]["indefinite"]),
                                joined={k.lower(): v for k, v in raw["offices"]["joined_titles"].items()}))
