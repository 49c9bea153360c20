"""Fuse relation instances from many documents into claims an analyst can weigh.

A claim is one relation (subject, predicate, object[, object2]) with every instance that states it.
Its corroboration counts independent sources (copies of one wire story count once), separately for
asserted, reported and hedged instances; it is contradicted when some sources assert it and others
deny it, or when another actor is said to control the same place at the same time; and it carries
an Admiralty-style grade: the reliability of its best asserting source (A-F, from the source
registry) and the credibility of the information (1-6, from corroboration, contradiction and
modality). Validity in time comes from the text, else from the publication date.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from ..extract.lexicon import ontology
from ..extract.timex import earliest_day, latest_day
from ..models import Actor, Relation
from .sources import credibility, grade, independent_key, modality_counts, registry

MODALITY_WEIGHT = {"asserted": 1.0, "reported": 0.7, "hedged": 0.5, "conditional": 0.3, "question": 0.2,
                   "negated": 0.0}
CREDIBILITY_WEIGHT = {1: 1.0, 2: 0.9, 3: 0.75, 4: 0.55, 5: 0.3, 6: 0.2}
RELIABILITY_WEIGHT = {"A": 1.0, "B": 0.95, "C": 0.85, "D": 0.7, "E": 0.5, "F": 0.8}
DAY = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # what `as_of` and every date filter accept


def source_key(relation: Relation) -> str:
    """The independent source behind an instance: its cluster's outlet, else its document."""
    if relation.independent:
        return relation.independent
    doc = relation.doc_id or relation.doc
    return independent_key(relation.source, doc, doc, relation.source)


@dataclass(frozen=True)
class Claim:
    """Every instance of one relation between the same actors, across documents."""

    subject: Actor
    predicate: str
    object: Actor
    object2: Actor | None
    instances: tuple[Relation, ...]

    @property
    def ends(self) -> tuple[str, ...]:
        return tuple(a.id for a in (self.subject, self.object, self.object2) if a is not None)

    @cached_property
    def counted(self) -> tuple[Relation, ...]:
        """The instances that count as evidence: not inside a rhetorical question or a demand that
        the accused disprove it."""
        return tuple(r for r in self.instances if not r.rhetoric)

    @property
    def rhetoric(self) -> list[str]:
        return sorted({r.rhetoric for r in self.instances if r.rhetoric})

    @cached_property
    def _sources_by_modality(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for r in self.counted:
            found[r.modality].add(source_key(r))
        return found

    def count(self, *modalities: str) -> int:
        """Independent sources whose instances carry these modalities."""
        if len(modalities) == 1:
            return len(self._sources_by_modality.get(modalities[0], ()))
        return len(set().union(*(self._sources_by_modality.get(m, set()) for m in modalities)))

    @cached_property
    def corroboration(self) -> dict[str, int]:
        return {m: self.count(m) for m in MODALITY_WEIGHT if self.count(m)}

    @property
    def modality(self) -> str:
        """The firmest way any source commits to the claim."""
        return max((r.modality for r in self.counted or self.instances), key=lambda m: MODALITY_WEIGHT[m])

    @property
    def contradicted(self) -> bool:
        return bool(self.count("asserted", "reported")) and bool(self.count("negated"))

    @cached_property
    def credibility(self) -> int:
        return credibility(**modality_counts((source_key(r), r.modality) for r in self.counted))

    @cached_property
    def grade(self) -> str:
        asserting = [r for r in self.counted if r.modality in {"asserted", "reported"}] or list(self.instances)
        return grade([registry().reliability(r.source, r.url) for r in asserting], self.credibility)

    @cached_property
    def strength(self) -> float:
        """How much weight the claim can bear in a path: modality, grade and corroboration."""
        best = max((MODALITY_WEIGHT[r.modality] * r.confidence for r in self.counted), default=0.0)
        corroboration = min(1 + 0.2 * (self.count("asserted", "reported", "hedged") - 1), 2.0)
        graded = CREDIBILITY_WEIGHT[self.credibility] * RELIABILITY_WEIGHT[self.grade[0]]
        return best * corroboration * graded * (0.5 if self.contradicted else 1.0)

    @property
    def kind(self) -> str | None:
        return next((r.kind for r in self.instances if r.kind), None)


def claims_of(relations: list[Relation]) -> list[Claim]:
    """Group relation instances into claims; symmetric predicates ignore direction, and the two
    parties of a mediation their order."""
    grouped: dict[tuple, list[Relation]] = defaultdict(list)
    predicates = ontology().predicates
    for r in relations:
        s, o = r.subject.actor.id, r.object.actor.id
        o2 = r.object2.actor.id if r.object2 else None
        if predicates[r.predicate].symmetric:
            s, o = sorted((s, o))
        if o2 is not None:
            o, o2 = sorted((o, o2))
        grouped[(s, r.predicate, o, o2)].append(r)
    result = []
    for (s, predicate, o, o2), items in grouped.items():
        actors = {m.actor.id: m.actor for r in items for m in (r.subject, r.object, r.object2) if m}
        result.append(Claim(actors[s], predicate, actors[o], actors[o2] if o2 else None, tuple(items)))
    return result


def validity(relation: Relation) -> tuple[str | None, str | None]:
    """When a relation holds, as ISO dates: from the text where it says so ('since 2017', 'from
    2002 to 2009', 'formerly'), else from the publication date on."""
    time = relation.time
    if time is None or (time.start is None and time.value == "present"):
        return relation.published, None
    start = time.start
    end = time.end if time.value in {"span", "past"} and time.end != time.start else None
    if time.value == "past" and time.start is None:
        end = relation.published
    return start, end


def valid_on(relation: Relation, day: str) -> bool:
    """Whether a relation held on `day` (YYYY, YYYY-MM or YYYY-MM-DD)."""
    start, end = validity(relation)
    return (start is None or earliest_day(start) <= latest_day(day)) and (end is None or latest_day(end) >= earliest_day(day))


def as_of(relations: list[Relation], day: str | None) -> list[Relation]:
    return relations if not day else [r for r in relations if valid_on(r, day)]


@dataclass(frozen=True)
class Contradiction:
    """Two sides that cannot both hold, each with its evidence."""

    kind: str
    text: str
    one: tuple[Relation, ...]
    other: tuple[Relation, ...]


def contradictions(claims: list[Claim]) -> list[Contradiction]:
    """Assertions against denials of one claim, and different actors said to control one place at
    overlapping times (unless the same text calls them allies)."""
    found = []
    for claim in claims:
        if claim.contradicted:
            said = tuple(r for r in claim.instances if r.modality in {"asserted", "reported"})
            denied = tuple(r for r in claim.instances if r.modality == "negated")
            found.append(Contradiction("denial", f"{claim.subject.name} {claim.predicate} {claim.object.name}: "
                                                 f"asserted by {claim.count('asserted', 'reported')} source(s), "
                                                 f"denied by {claim.count('negated')}", said, denied))
    control = [c for c in claims if c.predicate == "controls" and c.modality in {"asserted", "reported"}]
    allies = {frozenset(c.ends[:2]) for c in claims if c.predicate in {"cooperates_with", "member_of"}}
    for i, a in enumerate(control):
        for b in control[i + 1:]:
            if a.object.id != b.object.id or a.subject.id == b.subject.id or frozenset((a.subject.id, b.subject.id)) in allies:
                continue
            pairs = [(x, y) for x in a.instances for y in b.instances if _overlap(x, y)]
            if pairs:
                found.append(Contradiction(
                    "control", f"{a.subject.name} and {b.subject.name} are both said to control {a.object.name}",
                    tuple(dict.fromkeys(x for x, _ in pairs)), tuple(dict.fromkeys(y for _, y in pairs))))
    return found


def _overlap(x: Relation, y: Relation) -> bool:
    """Same time: overlapping validity, or (for a capture or a claim with no end) the same month."""
    (xs, xe), (ys, ye) = validity(x), validity(y)
    if xs is None or ys is None:
        return xs == ys
    xe, ye = xe or xs[:7], ye or ys[:7]
    return earliest_day(xs[:7]) <= latest_day(ye) and earliest_day(ys[:7]) <= latest_day(xe)


def timeline(relations: list[Relation], ids: set[str] | None = None) -> list[Relation]:
    """Relations in the order they held (undated ones last), optionally only those linking `ids`
    to each other (a pair's shared history)."""
    if ids and len(ids) > 1:
        relations = [r for r in relations
                     if len({m.actor.id for m in (r.subject, r.object, r.object2) if m} & ids) >= 2]
    return sorted(relations, key=lambda r: (earliest_day(validity(r)[0] or "9999"), r.published or "", r.doc,
                                            r.evidence.start))


def confirmed_by_others(candidates: list[Relation], relation: Relation) -> bool:
    """Whether another independent source states the same relation (said or reported), e.g. a
    claim of territorial control that an analyst would otherwise check against other sources."""
    mine = source_key(relation)
    return any(r.predicate == relation.predicate and r.subject.actor.id == relation.subject.actor.id
               and r.object.actor.id == relation.object.actor.id and r.modality in {"asserted", "reported"}
               and not r.rhetoric and source_key(r) != mine for r in candidates)
