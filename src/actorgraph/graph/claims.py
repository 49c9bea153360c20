"""Claims summed up as they are written (`claim_links`): per claim (stored subject, object, second
object, predicate), its firmest visible instance, whether any instance claims it, in how many
documents and how many instances. `ask` and the page rank links on these rows, so the links
between two hubs are read as one row a claim instead of summed from thousands of instances at
every question.

Every write to `relations` keeps them: a new document adds to its claims' rows (an upsert, which
writers racing on one claim cannot get wrong); whatever can take an instance away or change it (a
document extracted anew, a judgement, undoing one) sums its document's claims again from the
relations; a new way of writing relations must do one or the other (`added`, `kept`), and rows
written past the store need `rebuild`. Ids are the stored ones: merges apply when reading, as they
do for relations.

`claim_sources` is kept by the same writes, one level finer: per claim, origin and modality, the
instances' firmest, number and days, so the page fuses a claim (sources, grade, strength) without
loading its instances. Its sums come from Python (an origin and a host are not SQL's to compute),
merged into stored rows by the same kind of upsert."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import and_, bindparam, case, delete, func, insert, literal_column, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..models import TimeSpan
from . import grades
from .fuse import MODALITY_WEIGHT, validity_of
from .schema import HIDDEN, NO_OBJECT2, ClaimLinkRow, ClaimSourceRow, DocumentRow, RelationRow
from .sources import host_of, origin_of

NOT_CLAIMED_MODALITIES = {"question", "conditional"}
CLAIMED = frozenset(m for m, w in MODALITY_WEIGHT.items() if w > 0) - NOT_CLAIMED_MODALITIES

# Inequalities, not NOT IN: an IN list is expanded again at every execution of a cached statement.
VISIBLE = or_(RelationRow.judgement.is_(None), and_(*(RelationRow.judgement != h for h in HIDDEN)))

FIRMNESS = case(MODALITY_WEIGHT, value=RelationRow.modality, else_=0.0) * RelationRow.confidence  # of one instance

# NO_OBJECT2 written into the SQL: a bound parameter would be one more per row of an executemany, and
# GROUP BY must see the very expression the SELECT has.
KEY = (RelationRow.subject_id, RelationRow.object_id,
       func.coalesce(RelationRow.object2_id, literal_column(f"'{NO_OBJECT2}'")), RelationRow.predicate)
COLUMNS = ("subject_id", "object_id", "object2_id", "predicate")
SUMS = ("firmness", "claimed", "documents", "instances")
PARAMS = ("s", "o", "o2", "p")
Key = tuple[str, str, str, str]


def _summed(where) -> object:
    """INSERT of the claims `where` picks out of `relations`, summed from their visible instances."""
    claims = case({m: 1 for m in sorted(CLAIMED)}, value=RelationRow.modality, else_=0)
    return insert(ClaimLinkRow).from_select(
        [*COLUMNS, *SUMS],
        select(*KEY, func.max(FIRMNESS), func.max(claims), func.count(RelationRow.document_id.distinct()),
               func.count()).where(VISIBLE, where).group_by(*KEY))


def _is(columns) -> object:
    """Four key columns equal to the bound claim key s, o, o2, p."""
    return and_(*(column == bindparam(name) for column, name in zip(columns, PARAMS)))


_FORGET = delete(ClaimLinkRow).where(_is(ClaimLinkRow.__table__.primary_key.columns))
_SUM_AGAIN = _summed(_is(KEY))

ROOT = aliased(DocumentRow)
SOURCE_COLUMNS = ("subject_id", "object_id", "object2_id", "predicate", "modality", "rhetoric", "origin", "outlet",
                  "host")
SOURCE_SUMS = ("firmness", "instances", "first_day", "last_day")
REBUILD_BATCH = 50_000


def _instances(where) -> object:
    """SELECT of what each visible instance `where` picks gives its `claim_sources` row: its claim
    key, modality, confidence, rhetoric, time, and its document's date, outlet, url, id and root."""
    return (select(*KEY, RelationRow.modality, RelationRow.confidence, RelationRow.rhetoric, RelationRow.time_start,
                   RelationRow.time_end, RelationRow.time_text, RelationRow.time_value, DocumentRow.published,
                   DocumentRow.source, DocumentRow.url, DocumentRow.id, DocumentRow.root_id, ROOT.source)
            .join(DocumentRow, DocumentRow.id == RelationRow.document_id)
            .outerjoin(ROOT, ROOT.id == DocumentRow.root_id).where(VISIBLE, where))


_INSTANCES_OF_CLAIM = _instances(_is(KEY))
_FORGET_SOURCES = delete(ClaimSourceRow).where(_is(list(ClaimSourceRow.__table__.primary_key.columns)[:4]))
_DOCUMENT = (select(DocumentRow.published, DocumentRow.source, DocumentRow.url, DocumentRow.id, DocumentRow.root_id,
                    ROOT.source).outerjoin(ROOT, ROOT.id == DocumentRow.root_id)
             .where(DocumentRow.id == bindparam("d")))


def _add_sources(sums: dict[tuple, list], instances) -> None:
    """Add instance records (as `_instances` selects them) to `claim_sources` sums: per key, the
    firmest instance, their number, and the first and last day they hold on."""
    for (s, o, o2, predicate, modality, confidence, rhetoric, start, end, text, value, published, outlet, url,
         doc, root, root_outlet) in instances:
        time = TimeSpan(start, end, text, value)
        days = [d for d in validity_of(None if time == TimeSpan() else time, published) if d]
        key = (s, o, o2 or NO_OBJECT2, predicate, modality, rhetoric or "",
               origin_of(outlet, doc, root or doc, root_outlet), outlet or "", host_of(url))
        firmness = MODALITY_WEIGHT.get(modality, 0.0) * confidence
        first, last = min(days, default=None), max(days, default=None)
        found = sums.get(key)
        if found is None:
            sums[key] = [firmness, 1, first, last]
            continue
        found[0], found[1] = max(found[0], firmness), found[1] + 1
        found[2] = min(filter(None, (found[2], first)), default=None)
        found[3] = max(filter(None, (found[3], last)), default=None)


def _write_sources(connection: Connection, sums: dict[tuple, list], statement) -> None:
    if sums:
        connection.execute(statement, [dict(zip(SOURCE_COLUMNS, key)) | dict(zip(SOURCE_SUMS, found))
                                       for key, found in sorted(sums.items())])


_OF_DOCUMENT = select(*KEY).where(RelationRow.document_id == bindparam("d")).distinct()


def refresh(connection: Connection, keys: Iterable[Key]) -> None:
    """Sum these claims (subject, object, object2 or NO_OBJECT2, predicate) again from their
    instances, in key order (PostgreSQL locks rows as it goes: one order for every writer)."""
    params = [dict(zip(PARAMS, key)) for key in sorted(set(keys))]
    if params:
        connection.execute(_FORGET, params)
        connection.execute(_SUM_AGAIN, params)
        connection.execute(_FORGET_SOURCES, params)
        sums: dict[tuple, list] = {}
        for one in params:
            _add_sources(sums, connection.execute(_INSTANCES_OF_CLAIM, one))
        _write_sources(connection, sums, insert(ClaimSourceRow))
        grades.regrade(connection, [tuple(one.values()) for one in params])


def rebuild(connection: Connection) -> None:
    """Every claim summed and graded again from the relations (a new table, or relations written in bulk)."""
    rebuild_links(connection)
    rebuild_sources(connection)
    grades.rebuild(connection)


def rebuild_links(connection: Connection) -> None:
    """Every `claim_links` row summed again from the relations."""
    connection.execute(delete(ClaimLinkRow))
    connection.execute(_summed(true()))


def rebuild_sources(connection: Connection) -> None:
    """Every `claim_sources` row summed again from the relations, a batch at a time."""
    connection.execute(delete(ClaimSourceRow))
    upsert = _SOURCE_UPSERTS.get(connection.dialect.name)
    result = connection.execute(_instances(true()))
    sums: dict[tuple, list] = {}
    while batch := result.fetchmany(REBUILD_BATCH):
        _add_sources(sums, batch)
        if upsert is not None:  # merged into the rows of the batches before, in bounded memory
            _write_sources(connection, sums, upsert)
            sums = {}
    _write_sources(connection, sums, insert(ClaimSourceRow))


def of_document(connection: Connection, document_id: str) -> set[Key]:
    """The claims a document's instances (visible or not) belong to."""
    return {tuple(row) for row in connection.execute(_OF_DOCUMENT, {"d": document_id})}


@contextmanager
def kept(connection: Connection, document_id: str) -> Iterator[None]:
    """Around a change to one document's relations: its claims before and after, summed again."""
    before = of_document(connection, document_id)
    yield
    refresh(connection, before | of_document(connection, document_id))


def _upsert(dialect) -> object:
    """INSERT of claims that adds to a stored one: firmest and claimed by max, counts by sum."""
    upsert = dialect.insert(ClaimLinkRow)
    new, old = upsert.excluded, ClaimLinkRow.__table__.c
    return upsert.on_conflict_do_update(index_elements=list(ClaimLinkRow.__table__.primary_key), set_={
        "firmness": case((new.firmness > old.firmness, new.firmness), else_=old.firmness),
        "claimed": case((new.claimed > old.claimed, new.claimed), else_=old.claimed),
        "documents": old.documents + new.documents, "instances": old.instances + new.instances})


def _source_upsert(dialect) -> object:
    """INSERT of `claim_sources` rows that adds to a stored one: firmest by max, instances by sum,
    days by min and max."""
    upsert = dialect.insert(ClaimSourceRow)
    new, old = upsert.excluded, ClaimSourceRow.__table__.c
    return upsert.on_conflict_do_update(index_elements=list(ClaimSourceRow.__table__.primary_key), set_={
        "firmness": case((new.firmness > old.firmness, new.firmness), else_=old.firmness),
        "instances": old.instances + new.instances,
        "first_day": case((old.first_day.is_(None), new.first_day), (new.first_day < old.first_day, new.first_day),
                          else_=old.first_day),
        "last_day": case((old.last_day.is_(None), new.last_day), (new.last_day > old.last_day, new.last_day),
                         else_=old.last_day)})


# built once: building costs more than a run
_UPSERTS = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}
_SOURCE_UPSERTS = {"sqlite": _source_upsert(sqlite), "postgresql": _source_upsert(postgresql)}


def added(connection: Connection, rows: list[dict]) -> None:
    """A new document's relation rows (all visible) added to their claims: firmest and claimed by
    max, one more document, as many more instances. Databases without an upsert sum them again."""
    sums: dict[Key, list] = {}
    for row in rows:
        key = (row["subject_id"], row["object_id"], row["object2_id"] or NO_OBJECT2, row["predicate"])
        firmness = MODALITY_WEIGHT.get(row["modality"], 0.0) * row["confidence"]
        found = sums.setdefault(key, [firmness, 0, 1, 0])
        found[0], found[3] = max(found[0], firmness), found[3] + 1
        found[1] = max(found[1], int(row["modality"] in CLAIMED))
    upsert = _UPSERTS.get(connection.dialect.name)
    if upsert is None:
        refresh(connection, sums)
        return
    if sums:
        connection.execute(upsert, [dict(zip(COLUMNS, key)) | dict(zip(SUMS, found))
                                    for key, found in sorted(sums.items())])
    sources: dict[tuple, list] = {}
    for document_id in sorted({row["document_id"] for row in rows}):
        document = connection.execute(_DOCUMENT, {"d": document_id}).one()
        _add_sources(sources, [(row["subject_id"], row["object_id"], row["object2_id"], row["predicate"],
                                row["modality"], row["confidence"], row["rhetoric"], row["time_start"],
                                row["time_end"], row["time_text"], row["time_value"], *document)
                               for row in rows if row["document_id"] == document_id])
    _write_sources(connection, sources, _SOURCE_UPSERTS[connection.dialect.name])
    grades.regrade(connection, sums)
