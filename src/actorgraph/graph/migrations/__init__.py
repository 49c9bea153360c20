"""The database schema's versions (Alembic), the same migrations for SQLite and PostgreSQL.

`upgrade` brings any database `Store.open` is given to the newest revision: it creates a new one,
adopts one made before actorgraph used Alembic (stamped, if its columns are the current ones),
and refuses, in one clear line, one it cannot use. It all happens in one transaction under a lock
(PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE, the database's write lock), so workers
that open a new database at the same moment wait for each other instead of failing."""
from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from ..claims import rebuild
from ..schema import Base

# Any fixed bigint: it names the lock every actorgraph process takes while migrating a PostgreSQL database.
LOCK_KEY = 0x61637467726170


class SchemaMismatch(RuntimeError):
    """The database was made by another version of actorgraph."""


def config(connection: Connection) -> Config:
    """Alembic's configuration without an alembic.ini: the scripts shipped in this package, run
    on `connection` (see env.py)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files(__package__)))
    cfg.attributes["connection"] = connection
    return cfg


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _where(connection: Connection) -> str:
    return connection.engine.url.render_as_string(hide_password=True)


def check_columns(connection: Connection) -> None:
    """Fail with one clear line, not a query error later, when a table lacks a column we need."""
    found = inspect(connection)
    present = set(found.get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        missing = {c.name for c in table.columns} - {c["name"] for c in found.get_columns(table.name)}
        if missing:
            raise SchemaMismatch(f"{_where(connection)} was made by another version of actorgraph (table "
                                 f"{table.name} lacks {', '.join(sorted(missing))}); ingest into a new database")


def _adopt(connection: Connection) -> None:
    """A database from before Alembic: earlier versions made their tables with create_all and
    added tables and indexes to old databases the same way, so the missing ones are created now
    (and the claims summed from its relations); then it is the current schema and is stamped at head."""
    check_columns(connection)
    Base.metadata.create_all(connection)
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            index.create(connection, checkfirst=True)
    rebuild(connection)
    command.stamp(config(connection), "head")


def _at_head(connection: Connection) -> bool:
    head = ScriptDirectory.from_config(config(connection)).get_current_head()
    return MigrationContext.configure(connection).get_current_revision() == head


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision. A database already there is only read, without
    the lock: readers (the web app, `ask`) opening it never wait for a writer's lock."""
    with engine.connect() as connection:
        if _at_head(connection):
            return
    with engine.begin() as connection:
        _lock(connection)
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and tables & set(Base.metadata.tables):
            _adopt(connection)
        try:
            command.upgrade(config(connection), "head")
        except CommandError as exc:
            raise SchemaMismatch(f"{_where(connection)} was made by a newer version of actorgraph ({exc}); "
                                 "upgrade actorgraph or use another database") from exc
