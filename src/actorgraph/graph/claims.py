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
do for relations."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import and_, bindparam, case, delete, func, insert, literal_column, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .fuse import MODALITY_WEIGHT
from .schema import HIDDEN, NO_OBJECT2, ClaimLinkRow, RelationRow

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
_OF_DOCUMENT = select(*KEY).where(RelationRow.document_id == bindparam("d")).distinct()


def refresh(connection: Connection, keys: Iterable[Key]) -> None:
    """Sum these claims (subject, object, object2 or NO_OBJECT2, predicate) again from their
    instances, in key order (PostgreSQL locks rows as it goes: one order for every writer)."""
    params = [dict(zip(PARAMS, key)) for key in sorted(set(keys))]
    if params:
        connection.execute(_FORGET, params)
        connection.execute(_SUM_AGAIN, params)


def rebuild(connection: Connection) -> None:
    """Every claim summed again from the relations (a new table, or relations written in bulk)."""
    connection.execute(delete(ClaimLinkRow))
    connection.execute(_summed(true()))


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


_UPSERTS = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}  # built once: building costs more than a run


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
    elif sums:
        connection.execute(upsert, [dict(zip(COLUMNS, key)) | dict(zip(SUMS, found))
                                    for key, found in sorted(sums.items())])
