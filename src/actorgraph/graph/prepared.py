"""One statement run many times in a request, straight on the database driver's cursor.

The page's view of a hub asks for the firmest instances of each of its 400 claims, one indexed
query each. Through SQLAlchemy every execution costs about 90 µs of bookkeeping (cache lookup,
parameters, result wrapping), more than SQLite's own work; compiled once per dialect and run on
the DBAPI cursor it costs a few. The statement is still written in SQLAlchemy, so it runs the
same on SQLite and PostgreSQL. The read side's other such statements (`keyed.py`) are defined here too."""
from __future__ import annotations

from sqlalchemy import bindparam, func, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement

from .claims import FIRMNESS, VISIBLE
from .grades import SUMS_OF_KEY
from .schema import NO_OBJECT2, ClaimLinkRow, RelationRow


class Prepared:
    """`statement` compiled once for each dialect it meets (its SQL, the values SQLAlchemy binds
    itself, the order of positional parameters); `cursor(connection)` gives a `Run` for it."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._forms: dict[str, tuple[str, dict, tuple | None]] = {}

    def _form(self, dialect) -> tuple[str, dict, tuple | None]:
        if dialect.name not in self._forms:
            compiled = self.statement.compile(dialect=dialect)
            required = {bind.key: None for bind in compiled.binds.values() if bind.required}
            self._forms[dialect.name] = str(compiled), compiled.construct_params(required), compiled.positiontup
        return self._forms[dialect.name]

    def cursor(self, connection: Connection) -> Run:
        return Run(*self._form(connection.dialect), connection.connection.driver_connection.cursor())


class Run:
    """One driver cursor executing one compiled statement with different values."""

    def __init__(self, sql: str, defaults: dict, positions: tuple | None, cursor):
        self.sql, self.defaults, self.positions, self.cursor = sql, defaults, positions, cursor

    def rows(self, **values) -> list[tuple]:
        """The statement's rows with `values` bound (names it does not use are left out)."""
        params = self.defaults | values
        if self.positions:
            self.cursor.execute(self.sql, tuple(params[k] for k in self.positions))
        else:
            self.cursor.execute(self.sql, {k: params[k] for k in self.defaults})
        return self.cursor.fetchall()


def _linking(one, two):
    """Relations from actor id `one` to `two` as object or second object; `subject_id || ''`
    keeps SQLite on the second-object index for that branch."""
    return or_((RelationRow.subject_id == one) & (RelationRow.object_id == two),
               ((RelationRow.subject_id + "") == one) & (RelationRow.object2_id == two))


BETWEEN = Prepared(select(RelationRow.id, RelationRow.predicate, RelationRow.modality).where(
    VISIBLE, or_(_linking(bindparam("x"), bindparam("y")), _linking(bindparam("y"), bindparam("x")))))


def _instances_of(object2, *where):
    """The firmest visible instances of one claim, stored ids bound as s, o, (o2,) p, and n of them."""
    return (select(RelationRow.id, FIRMNESS).where(
        VISIBLE, RelationRow.subject_id == bindparam("s"), RelationRow.object_id == bindparam("o"), object2,
        RelationRow.predicate == bindparam("p"), *where).order_by(FIRMNESS.desc(), RelationRow.id)
        .limit(bindparam("n")))


def _claim_instances(*where) -> dict[bool, Prepared]:
    """`_instances_of` for claims without and with a second object."""
    return {False: Prepared(_instances_of(RelationRow.object2_id.is_(None), *where)),
            True: Prepared(_instances_of(RelationRow.object2_id == bindparam("o2"), *where))}


CLAIM_INSTANCES = _claim_instances()
CLAIM_DENIALS = _claim_instances(RelationRow.modality == "negated")


CLAIM_SUMS = Prepared(SUMS_OF_KEY)


def _ends(other, *where):
    """`claim_links` rows of one stored actor id bound as x, each with the actor at its other end."""
    t = ClaimLinkRow
    return select(other.label("other"), t.predicate, t.firmness, t.documents, t.claimed).where(*where)


_X, _LINKS = bindparam("x"), ClaimLinkRow
# Its rows as subject (linked to the object and any second object), as object, as second object:
# (other actor, predicate, firmness, documents, claimed), folded by the caller (SQLite's GROUP BY cost more).
LINKS_AROUND = Prepared(union_all(
    _ends(_LINKS.object_id, _LINKS.subject_id == _X),
    _ends(_LINKS.object2_id, _LINKS.subject_id == _X, _LINKS.object2_id != NO_OBJECT2),
    _ends(_LINKS.subject_id, _LINKS.object_id == _X),
    _ends(_LINKS.subject_id, _LINKS.object2_id == _X, _LINKS.object2_id != NO_OBJECT2)))


def _link_rows(second):
    t = ClaimLinkRow
    return select(t.subject_id, t.object_id, func.nullif(t.object2_id, NO_OBJECT2), t.predicate, t.firmness,
                  t.claimed, t.documents, t.instances).where(t.subject_id == bindparam("x"), second)


# The `claim_links` rows (as `Store.link_weights` reads them) whose subject x links y as object or second object.
LINK_ROWS = Prepared(union_all(_link_rows(_LINKS.object_id == bindparam("y")),
                               _link_rows((_LINKS.object2_id == bindparam("y")) & (_LINKS.object2_id != NO_OBJECT2))))
