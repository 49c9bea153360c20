"""A real PostgreSQL for the tests: Debian's server binaries, started once per test session in a
temporary data directory on 127.0.0.1, one fresh database per test, so the store's own tests run
unchanged against both backends (`db_url` and `db_urls` are parametrized over sqlite and postgresql).

Loaded by conftest.py as a plugin. Skips (with the reason) only when the binaries are absent."""
from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

SKIP_REASON = "PostgreSQL binaries not found (Debian package postgresql): run scripts/setup"
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def postgres_bin() -> Path | None:
    """The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin), if any."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
             if os.access(Path(p).parent / "pg_ctl", os.X_OK)]
    return max(found, key=lambda path: [int(n) for n in re.findall(r"\d+", path.parent.name)], default=None)


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as Debian's `postgres` user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One throwaway cluster: trust authentication on 127.0.0.1 only, socket inside its directory."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="actorgraph-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        """Output goes to a file: pg_ctl's server keeps inherited pipes open, which would hang a reader."""
        with open(self.root / "commands.log", "a") as out:
            done = subprocess.run(_as_server_user(list(args)), stdout=out, stderr=subprocess.STDOUT, timeout=120,
                                  check=False)
        if done.returncode:
            details = (self.root / "commands.log").read_text()
            if self.log.exists():
                details += self.log.read_text()
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{details}")

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {FAST}"
        self._run(str(self.bin / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
                  "-o", options)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data))
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url():
    """URL of the session's PostgreSQL server (its `postgres` maintenance database)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip(SKIP_REASON)
    server = Server(bin_dir)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()


def _admin(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture
def pg_databases(postgres_url):
    """Factory of new, empty databases for one test; all dropped afterwards (with any connections
    a killed process left open)."""
    names: list[str] = []

    def make() -> str:
        names.append(f"t_{uuid.uuid4().hex}")
        _admin(postgres_url, f"CREATE DATABASE {names[-1]}")
        return postgres_url.rsplit("/", 1)[0] + f"/{names[-1]}"

    yield make
    for name in names:
        _admin(postgres_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_db_url(pg_databases):
    """A new, empty PostgreSQL database for one test."""
    return pg_databases()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_urls(request, tmp_path):
    """Factory of new databases on one backend, for tests that compare two databases; the test runs
    once per backend."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_databases")
    made = iter(range(1, 1000))
    return lambda: str(tmp_path / "db" / f"test-{next(made)}.sqlite")


@pytest.fixture
def db_url(db_urls):
    """The same test on both backends: a new SQLite file (its folder not made yet), or a new
    PostgreSQL database."""
    return db_urls()


def wait_for(predicate, timeout: float = 60, step: float = 0.05):
    """Poll until `predicate()` is truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")
