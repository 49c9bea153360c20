"""One statement run many times in a request, straight on the database driver's cursor.

The page's view of a hub asks for the firmest instances of each of its 400 claims, one indexed
query each. Through SQLAlchemy every execution costs about 90 µs of bookkeeping (cache lookup,
parameters, result wrapping), more than SQLite's own work; compiled once per dialect and run on
the DBAPI cursor it costs a few. The statement is still written in SQLAlchemy, so it runs the
same on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import Compiled


class Prepared:
    """`statement` compiled for each dialect it meets; `cursor(connection)` gives a `Run` for it."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._compiled: dict[str, Compiled] = {}

    def cursor(self, connection: Connection) -> Run:
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self.statement.compile(dialect=dialect)
        return Run(compiled, connection.connection.driver_connection.cursor())


class Run:
    """One driver cursor executing one compiled statement with different values."""

    def __init__(self, compiled: Compiled, cursor):
        self.sql, self.cursor = str(compiled), cursor
        required = {bind.key: None for bind in compiled.binds.values() if bind.required}
        self.defaults = compiled.construct_params(required)
        self.positions = compiled.positiontup

    def rows(self, **values) -> list[tuple]:
        """The statement's rows with `values` bound (names it does not use are left out)."""
        params = self.defaults | values
        if self.positions:
            self.cursor.execute(self.sql, tuple(params[k] for k in self.positions))
        else:
            self.cursor.execute(self.sql, {k: params[k] for k in self.defaults})
        return self.cursor.fetchall()
