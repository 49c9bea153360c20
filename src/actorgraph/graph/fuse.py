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
from typing import NamedTuple

from ..extract.lexicon import ontology
from ..extract.timex import earliest_day, latest_day
from ..models import Actor, Relation, TimeSpan
from .sources import credibility, grade, independent_key, modality_counts, registry

MODALITY_WEIGHT = {"asserted": 1.0, "reported": 0.7, "hedged": 0.5, "conditional": 0.3, "question": 0.2,
                   "negated": 0.0}
CREDIBILITY_WEIGHT = {1: 1.0, 2: 0.9, 3: 0.75, 4: 0.55, 5: 0.3, 6: 0.2}
RELIABILITY_WEIGHT = {"A": 1.0, "B": 0.95, "C": 0.85, "D": 0.7, "E": 0.5, "F": 0.8}
DAY = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # what `as_of` and every date filter accept
BOOST_STEP, BOOST_CAP = 0.2, 2.0


def boost(repeats: int) -> float:
    """How much repetition (documents behind a link, sources behind a claim) adds to a weight: a
    fifth for each after the first, up to double."""
    return min(1 + BOOST_STEP * (repeats - 1), BOOST_CAP)


def source_key(relation: Relation) -> str:
    """The independent source behind an instance: its cluster's outlet, else its document."""
    if relation.independent:
        return relation.independent
    doc = relation.doc_id or relation.doc
    return independent_key(relation.source, doc, doc, relation.source)


class Fact(NamedTuple):
    """What fusion reads of an instance, or of a stored group of like instances (`claim_sources`):
    its independent source, modality, rhetoric ('' for none), the reliability of its outlet, its
    firmness (modality weight times confidence) and the days it spans."""

    source: str
    modality: str
    rhetoric: str
    reliability: str
    firmness: float
    first: str | None = None
    last: str | None = None


def fact_of(relation: Relation) -> Fact:
    days = [d for d in validity(relation) if d]
    return Fact(source_key(relation), relation.modality, relation.rhetoric or "",
                registry().reliability(relation.source, relation.url),
                MODALITY_WEIGHT[relation.modality] * relation.confidence, min(days, default=None),
                max(days, default=None))


def stored_facts(rows) -> tuple[Fact, ...]:
    """Facts from `claim_sources` rows (instances, origin, modality, rhetoric, outlet, host,
    firmness, first day, last day), folded and graded by the source registry of now."""
    sources = registry()
    return tuple(Fact(sources.folded(origin), modality, rhetoric, sources.reliability_at(outlet, host), *rest)
                 for _, origin, modality, rhetoric, outlet, host, *rest in rows)


class Fused:
    """Corroboration, contradiction, grade and strength of a claim, read from its `facts`: one
    reading whether the facts come from the instances at hand or from the sums kept in the store."""

    facts: tuple[Fact, ...]
    subject: Actor
    object: Actor
    object2: Actor | None

    @property
    def ends(self) -> tuple[str, ...]:
        return tuple(a.id for a in (self.subject, self.object, self.object2) if a is not None)

    @cached_property
    def counted_facts(self) -> tuple[Fact, ...]:
        """Facts that count as evidence: not inside a rhetorical question or a demand that the
        accused disprove it."""
        return tuple(f for f in self.facts if not f.rhetoric)

    @property
    def rhetoric(self) -> list[str]:
        return sorted({f.rhetoric for f in self.facts if f.rhetoric})

    @cached_property
    def _sources_by_modality(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for f in self.counted_facts:
            found[f.modality].add(f.source)
        return found

    @cached_property
    def _counts(self) -> dict[tuple[str, ...], int]:
        return {(m,): len(sources) for m, sources in self._sources_by_modality.items()}

    def count(self, *modalities: str) -> int:
        """Independent sources whose instances carry these modalities (remembered: grading, weighing
        and wording a claim ask the same counts again and again)."""
        counts = self._counts
        known = counts.get(modalities)
        if known is None:
            by_modality = self._sources_by_modality
            known = counts[modalities] = len(set().union(*(by_modality.get(m, ()) for m in modalities)))
        return known

    @property
    def sources(self) -> int:
        """Independent sources behind it in any modality."""
        return self.count(*MODALITY_WEIGHT)

    @cached_property
    def corroboration(self) -> dict[str, int]:
        counts = self._counts
        return {m: counts[m,] for m in MODALITY_WEIGHT if counts.get((m,))}

    @cached_property
    def modality(self) -> str:
        """The firmest way any source commits to the claim."""
        return max((f.modality for f in self.counted_facts or self.facts), key=lambda m: MODALITY_WEIGHT[m])

    @cached_property
    def contradicted(self) -> bool:
        return bool(self.count("asserted", "reported")) and bool(self.count("negated"))

    @cached_property
    def credibility(self) -> int:
        return credibility(**modality_counts((f.source, f.modality) for f in self.counted_facts))

    @cached_property
    def grade(self) -> str:
        asserting = [f for f in self.counted_facts if f.modality in {"asserted", "reported"}] or self.facts
        return grade([f.reliability for f in asserting], self.credibility)

    @property
    def firmest(self) -> float:
        """The firmness (modality weight times confidence) of its firmest counted instance."""
        return max((f.firmness for f in self.counted_facts), default=0.0)

    @cached_property
    def strength(self) -> float:
        """How much weight the claim can bear in a path: modality, grade and corroboration."""
        best = self.firmest
        corroboration = boost(self.count("asserted", "reported", "hedged"))
        graded = CREDIBILITY_WEIGHT[self.credibility] * RELIABILITY_WEIGHT[self.grade[0]]
        return best * corroboration * graded * (0.5 if self.contradicted else 1.0)

    @property
    def days(self) -> tuple[str | None, str | None]:
        """The earliest and latest day any instance holds on (from the text, else publication)."""
        return (min((f.first for f in self.facts if f.first), default=None),
                max((f.last for f in self.facts if f.last), default=None))


@dataclass(frozen=True)
class Claim(Fused):
    """Every instance of one relation between the same actors, across documents."""

    subject: Actor
    predicate: str
    object: Actor
    object2: Actor | None
    instances: tuple[Relation, ...]
    stored: tuple[tuple, ...] | None = None

    @cached_property
    def facts(self) -> tuple[Fact, ...]:
        """From the instances at hand, or from the store's sums of all of them when it has them
        (`stored`, see `ClaimSummary`): an answer then loads a few instances to quote and still
        grades the claim on every document behind it."""
        if self.stored is not None:
            return stored_facts(self.stored)
        return tuple(fact_of(r) for r in self.instances)

    @cached_property
    def counted(self) -> tuple[Relation, ...]:
        """The instances that count as evidence (see `counted_facts`)."""
        return tuple(r for r in self.instances if not r.rhetoric)

    @property
    def evidence_total(self) -> int:
        return len(self.instances) if self.stored is None else sum(row[0] for row in self.stored)

    @property
    def kind(self) -> str | None:
        return next((r.kind for r in self.instances if r.kind), None)


@dataclass(frozen=True)
class ClaimSummary(Fused):
    """A claim as the store sums it up when written (`claim_sources`), without its instances: what
    the page's network draws, whatever the number of documents behind each edge. `sums` holds its
    rows (instances, origin, modality, rhetoric, outlet, host, firmness, first day, last day), made
    facts only when asked: a view ranks thousands of claims and fuses the few hundred it draws."""

    subject: Actor
    predicate: str
    object: Actor
    object2: Actor | None
    sums: tuple[tuple, ...]

    @cached_property
    def facts(self) -> tuple[Fact, ...]:
        return stored_facts(self.sums)

    @property
    def firmest(self) -> float:
        return max((row[6] for row in self.sums if not row[3]), default=0.0)

    @property
    def evidence_total(self) -> int:
        return sum(row[0] for row in self.sums)

    @property
    def parts(self) -> int:
        """Its stored rows (an origin's instances in one modality): the page ranks claims on these."""
        return len(self.sums)

    @property
    def days(self) -> tuple[str | None, str | None]:
        return (min((row[7] for row in self.sums if row[7]), default=None),
                max((row[8] for row in self.sums if row[8]), default=None))


def span(claims: list[Fused]) -> tuple[str | None, str | None]:
    """The first and last day any instance of these claims holds on."""
    days = [c.days for c in claims]
    return (min((first for first, _ in days if first), default=None),
            max((last for _, last in days if last), default=None))


def claim_key(subject: str, predicate: str, obj: str, object2: str | None) -> tuple:
    """One key for a claim whichever way its instances name it: symmetric predicates ignore
    direction, and the two parties of a mediation their order."""
    known = ontology().predicates.get(predicate)
    if known is not None and known.symmetric:
        subject, obj = sorted((subject, obj))
    if object2 is not None:
        obj, object2 = sorted((obj, object2))
    return subject, predicate, obj, object2


def written_forms(subject: str, predicate: str, obj: str, object2: str | None) -> list[tuple]:
    """Every (subject, object, object2, predicate) its instances may be stored under that
    `claim_key` folds into this claim: both directions of a symmetric one, both orders of a
    mediation's parties."""
    forms = [(subject, obj, object2, predicate)]
    known = ontology().predicates.get(predicate)
    if known is not None and known.symmetric:
        forms.append((obj, subject, object2, predicate))
    if object2 is not None:
        forms += [(s, o2, o, p) for s, o, o2, p in forms]
    return forms


def claims_of(relations: list[Relation]) -> list[Claim]:
    """Group relation instances into claims (see `claim_key`)."""
    grouped: dict[tuple, list[Relation]] = defaultdict(list)
    for r in relations:
        grouped[claim_key(r.subject.actor.id, r.predicate, r.object.actor.id,
                          r.object2.actor.id if r.object2 else None)].append(r)
    result = []
    for (s, predicate, o, o2), items in grouped.items():
        actors = {m.actor.id: m.actor for r in items for m in (r.subject, r.object, r.object2) if m}
        result.append(Claim(actors[s], predicate, actors[o], actors[o2] if o2 else None, tuple(items)))
    return result


def summaries(grouped: dict[tuple, list[tuple]], actors: dict[str, Actor]) -> list[ClaimSummary]:
    """Claims from stored sums: per `claim_key` (canonical ids), its `claim_sources` rows."""
    return [ClaimSummary(actors[s], predicate, actors[o], actors[o2] if o2 else None, tuple(rows))
            for (s, predicate, o, o2), rows in grouped.items()]


def validity(relation: Relation) -> tuple[str | None, str | None]:
    """When a relation holds, as ISO dates: from the text where it says so ('since 2017', 'from
    2002 to 2009', 'formerly'), else from the publication date on."""
    return validity_of(relation.time, relation.published)


def validity_of(time: TimeSpan | None, published: str | None) -> tuple[str | None, str | None]:
    """`validity` of a relation's time and its document's publication date."""
    if time is None or (time.start is None and time.value == "present"):
        return published, None
    start = time.start
    end = time.end if time.value in {"span", "past"} and time.end != time.start else None
    if time.value == "past" and time.start is None:
        end = published
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
