"""Claims fused as they are written (`claim_grades`): per stored claim key, what fusing its
`claim_sources` rows gives (firmest modality, grade, credibility, contradiction, rhetoric,
strength, independent sources, days). The page draws the network around an actor from one such
row a claim; fusing the few hundred claims of a view at every request was most of its cost.

Rows are keyed as `fuse.claim_key` folds a claim, on stored ids: both directions of a symmetric
claim are graded together. A row stands for its claim unless the claim's actors were merged (the
rows of several stored actors then make one claim) or the row was graded under another source
registry than the reader's (`Registry.fingerprint`); such claims are fused again from their
`claim_sources` rows on reading (`Store.graded_claims`).

`claims.refresh` and `claims.added` grade again the keys whose `claim_sources` rows they change,
in the same transaction; `rebuild` grades every claim."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import Actor
from .fuse import BOOST_CAP, BOOST_STEP, ClaimSummary, claim_key, summaries, written_forms
from .schema import NO_OBJECT2, ClaimGradeRow, ClaimSourceRow
from .sources import registry

KEY_COLUMNS = ("subject_id", "object_id", "object2_id", "predicate")
GRADE_COLUMNS = ("graded_under", "modality", "grade", "credibility", "contradicted", "rhetoric", "strength",
                 "firmest", "sources", "parts", "instances", "first_day", "last_day")
RHETORIC_SEPARATOR = "|"
REBUILD_BATCH = 50_000
DRAWN_BATCH = 100

_SOURCE_KEY = [getattr(ClaimSourceRow, name) for name in KEY_COLUMNS]
_SUMS = (ClaimSourceRow.instances, ClaimSourceRow.origin, ClaimSourceRow.modality, ClaimSourceRow.rhetoric,
         ClaimSourceRow.outlet, ClaimSourceRow.host, ClaimSourceRow.firmness, ClaimSourceRow.first_day,
         ClaimSourceRow.last_day)  # the order `fuse.ClaimSummary.sums` reads
KEY_PARAMS = ("s", "o", "o2", "p")
# The `claim_sources` rows of one stored key (s, o, o2, p; '' for no o2): graded here, read by `keyed.claim_sums`.
SUMS_OF_KEY = select(*_SUMS).where(and_(*(column == bindparam(name) for column, name in zip(_SOURCE_KEY, KEY_PARAMS))))
_FORGET = delete(ClaimGradeRow).where(and_(*(getattr(ClaimGradeRow, name) == bindparam(name)
                                             for name in KEY_COLUMNS)))


class GradedClaim(NamedTuple):
    """A claim as `claim_grades` holds it, on canonical actors: what the page's network reads of a
    `fuse.Fused` claim, without its instances or sums (a tuple: a view reads thousands of them)."""

    subject: Actor
    predicate: str
    object: Actor
    object2: Actor | None
    modality: str
    grade: str
    credibility: int
    contradicted: bool
    rhetoric: list[str]
    strength: float
    firmest: float
    sources: int
    parts: int
    evidence_total: int
    days: tuple[str | None, str | None]

    @property
    def ends(self) -> tuple[str, ...]:
        return tuple(a.id for a in (self.subject, self.object, self.object2) if a is not None)

    @classmethod
    def of(cls, subject: Actor, predicate: str, obj: Actor, object2: Actor | None, grades) -> GradedClaim:
        """From a `claim_grades` row's GRADE_COLUMNS after `graded_under`."""
        (modality, grade, credibility, contradicted, rhetoric, strength, firmest, sources, parts, instances,
         first_day, last_day) = grades
        return cls(subject, predicate, obj, object2, modality, grade, credibility, bool(contradicted),
                   rhetoric.split(RHETORIC_SEPARATOR) if rhetoric else [], strength, firmest, sources, parts,
                   instances, (first_day, last_day))


def graded(key: tuple, sums: Iterable[tuple]) -> dict:
    """The `claim_grades` row of a stored key (subject, object, object2, predicate) from its
    `claim_sources` rows (as `_SUMS` selects them), fused by `fuse.ClaimSummary`, the reading the
    page made before it kept them."""
    claim = ClaimSummary(None, key[3], None, None, tuple(sums))
    first_day, last_day = claim.days
    return dict(zip(KEY_COLUMNS, key)) | {
        "graded_under": registry().fingerprint, "modality": claim.modality, "grade": claim.grade,
        "credibility": claim.credibility, "contradicted": int(claim.contradicted),
        "rhetoric": RHETORIC_SEPARATOR.join(claim.rhetoric), "strength": claim.strength, "firmest": claim.firmest,
        "sources": claim.sources, "parts": claim.parts, "instances": claim.evidence_total,
        "first_day": first_day, "last_day": last_day}


def _upsert(dialect) -> object:
    """INSERT of graded claims that replaces a stored grade (writers racing on one claim each write
    what they read)."""
    upsert = dialect.insert(ClaimGradeRow)
    return upsert.on_conflict_do_update(index_elements=list(ClaimGradeRow.__table__.primary_key),
                                        set_={name: upsert.excluded[name] for name in GRADE_COLUMNS})


_UPSERTS = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}


def folded(key: tuple) -> tuple:
    """The `claim_grades` key of a stored claim key (subject, object, object2 or NO_OBJECT2,
    predicate): the two directions of a symmetric claim, and the two orders of a mediation's
    parties, are one claim (`fuse.claim_key`)."""
    s, predicate, o, o2 = claim_key(key[0], key[3], key[1], key[2] or None)
    return s, o, o2 or NO_OBJECT2, predicate


def stored_forms(claim: tuple) -> list[tuple]:
    """Every stored claim key that `folded` makes this claim."""
    subject, obj, object2, predicate = claim
    return [(s, o, o2 or NO_OBJECT2, p) for s, o, o2, p in written_forms(subject, predicate, obj, object2 or None)]


def regrade(connection: Connection, keys: Iterable[tuple]) -> None:
    """Grade the claims of these stored claim keys again from the `claim_sources` rows of every key
    that names them, in key order; a claim with none left (no visible instance) loses its grade."""
    claims = sorted({folded(key) for key in keys})
    forms = {form: claim for claim in claims for form in stored_forms(claim)}
    ordered = sorted(forms)
    sums: dict[tuple, list[tuple]] = {claim: [] for claim in claims}
    from .prepared import CLAIM_SUMS  # prepared compiles this module's SUMS_OF_KEY: imported late, not in a cycle
    run = CLAIM_SUMS.cursor(connection)
    for form in ordered:  # one key probe each: SQLite scans the whole table for a list of row values
        sums[forms[form]] += run.rows(**dict(zip(KEY_PARAMS, form)))
    gone = [dict(zip(KEY_COLUMNS, claim)) for claim, rows in sums.items() if not rows]
    rows = [graded(claim, found) for claim, found in sums.items() if found]
    if gone:
        connection.execute(_FORGET, gone)
    if rows:
        upsert = _UPSERTS.get(connection.dialect.name)
        if upsert is None:
            connection.execute(_FORGET, [{name: row[name] for name in KEY_COLUMNS} for row in rows])
        connection.execute(upsert if upsert is not None else insert(ClaimGradeRow), rows)


def _grouped(result) -> Iterator[tuple[tuple, list[tuple]]]:
    """(key, its rows) from `claim_sources` rows read in key order, a batch at a time."""
    key, rows = None, []
    while batch := result.fetchmany(REBUILD_BATCH):
        for row in batch:
            if tuple(row[:4]) != key:
                if rows:
                    yield key, rows
                key, rows = tuple(row[:4]), []
            rows.append(tuple(row[4:]))
    if rows:
        yield key, rows


def rebuild(connection: Connection) -> None:
    """Every `claim_grades` row graded again from `claim_sources`, in bounded memory: a claim that
    only one stored key can name is graded as its rows stream past; the others (symmetric,
    mediations) are regraded a batch at a time."""
    connection.execute(delete(ClaimGradeRow))
    batch, folding = [], set()
    for key, rows in _grouped(connection.execute(select(*_SOURCE_KEY, *_SUMS).order_by(*_SOURCE_KEY))):
        claim = folded(key)
        if len(stored_forms(claim)) > 1:
            folding.add(claim)
        else:
            batch.append(graded(key, rows))
        if len(batch) >= REBUILD_BATCH:
            connection.execute(insert(ClaimGradeRow), batch)
            batch = []
        if len(folding) >= REBUILD_BATCH:
            regrade(connection, folding)
            folding = set()
    if batch:
        connection.execute(insert(ClaimGradeRow), batch)
    regrade(connection, folding)


def _binary(column, dialect_name: str):
    """`column` ordered by code point, as Python orders strings (PostgreSQL's default collation may not)."""
    return column.collate("C") if dialect_name == "postgresql" else column


class GradeReads:
    """The read side of `claim_grades`; `Store` inherits it (it relies on `StoreReads` for merges
    and actors and on `KeyedReads.claim_sums`)."""

    def graded_claims(self, actor_ids, others=None) -> list[GradedClaim | ClaimSummary]:
        """The claims touching `actor_ids` (or linking them to `others`) on canonical actors, as
        graded when written: one `claim_grades` row a claim; a claim several stored rows make
        (merged actors) or graded under another source registry is fused again from its
        `claim_sources` rows (`fuse.ClaimSummary`)."""
        t = ClaimGradeRow
        query = select(t.subject_id, t.object_id, func.nullif(t.object2_id, NO_OBJECT2), t.predicate,
                       *(getattr(t, name) for name in GRADE_COLUMNS))
        fingerprint = registry().fingerprint
        grouped: dict[tuple, list[tuple]] = defaultdict(list)
        with Session(self.engine) as session:
            canonical = self._canonical_ids(session)
            for where in self._touching(session, actor_ids, others, t):
                for s, o, o2, p, *grades in session.connection().execute(query.where(where)).all():
                    if canonical:
                        s, o, o2 = canonical.get(s, s), canonical.get(o, o), o2 and canonical.get(o2, o2)
                    grouped[claim_key(s, p, o, o2)].append(grades)
            actors = self._actors_by_id(session, {i for key in grouped for i in key if i})
        exact = {key: rows[0] for key, rows in grouped.items() if len(rows) == 1 and rows[0][0] == fingerprint}
        claims = [GradedClaim.of(actors[s], p, actors[o], actors[o2] if o2 else None, grades[1:])
                  for (s, p, o, o2), grades in exact.items()]
        again = [form for key in grouped if key not in exact for form in written_forms(*key)]
        return claims + summaries(self.claim_sums(again), actors)

    def drawn_claims(self, kept: list[str], shown: Callable, limit: int) -> tuple[list, tuple, bool] | None:
        """The claims among `kept` (canonical actor ids: subject, object and any second object) the
        page draws, ranked in SQL as `answer.paths.summed_around` ranks them (firmest counted
        instance boosted by its parts, then by key): the first `limit` that `shown` keeps, the first
        and last day of all of them, and whether more were shown than drawn. Only the drawn rows
        are read. None when a merge touches `kept` or a row was graded under another registry: the
        caller ranks `graded_claims` then."""
        t = ClaimGradeRow
        among = and_(t.subject_id.in_(kept), t.object_id.in_(kept),
                     or_(t.object2_id == NO_OBJECT2, t.object2_id.in_(kept)))
        boosted = 1 + BOOST_STEP * (t.parts - 1)
        rank = t.firmest * case((boosted < BOOST_CAP, boosted), else_=BOOST_CAP)
        with Session(self.engine) as session:
            if self._members(session, kept) != set(kept):
                return None
            connection = session.connection()
            first, last, stale = connection.execute(select(
                func.min(func.nullif(t.first_day, "")), func.max(func.nullif(t.last_day, "")),
                func.count(case((t.graded_under != registry().fingerprint, 1)))).where(among)).one()
            if stale:
                return None
            actors = self._actors_by_id(session, set(kept))
            binary = connection.dialect.name
            result = connection.execute(
                select(t.subject_id, t.object_id, func.nullif(t.object2_id, NO_OBJECT2), t.predicate,
                       *(getattr(t, name) for name in GRADE_COLUMNS[1:])).where(among)
                .order_by(rank.desc(), *(_binary(c, binary) for c in (t.subject_id, t.object_id, t.predicate,
                                                                       t.object2_id))))
            drawn: list[GradedClaim] = []
            while len(drawn) <= limit and (batch := result.fetchmany(DRAWN_BATCH)):
                for s, o, o2, p, *grades in batch:
                    claim = GradedClaim.of(actors[s], p, actors[o], actors[o2] if o2 else None, grades)
                    if shown(claim):
                        drawn.append(claim)
            result.close()
        return drawn[:limit], (first, last), len(drawn) > limit
