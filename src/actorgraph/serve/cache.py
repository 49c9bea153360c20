"""Answers the workbench has already given, kept until the database changes.

A team reading one archive asks the same things: every page load draws the graph around the most
connected actor and lists the actors, and a question about a pair in the news comes from several
analysts. On a dense archive each costs 100-300 ms of CPU, so a repeat is served from memory. The
database's change counter (SQLite's `PRAGMA data_version`, read on a connection of its own that never
writes, so it sees every commit of this process's writers, of the other workers and of a CLI ingest
alike) is part of the key: the first request after any write computes afresh, and the store's cached
merges are dropped then too. Other backends have no such counter here, so nothing is kept for them.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

DEFAULT_SIZE = 256


class Answers:
    """A least-recently-used map from (call, arguments, today, database version) to a JSON-able answer."""

    def __init__(self, sqlite_path: str | None, size: int = DEFAULT_SIZE,
                 on_change: Callable[[], None] | None = None):
        self.size = size
        self.hits = self.misses = 0
        self._on_change = on_change
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, Any] = OrderedDict()
        self._seen: int | None = None
        self._watch = (sqlite3.connect(sqlite_path, check_same_thread=False)
                       if sqlite_path and sqlite_path != ":memory:" else None)

    def refresh(self) -> int | None:
        """The database's change counter (None: no counter); when it moved since the last look,
        every kept answer is dropped and `on_change` is called (the server drops the store's cached
        merges: another program may have merged or split actors)."""
        if self._watch is None:
            return None
        with self._lock:
            version = self._watch.execute("PRAGMA data_version").fetchone()[0]
            if version != self._seen:
                self._kept.clear()
                self._seen = version
                if self._on_change is not None:
                    self._on_change()
            return version

    def get(self, name: str, arguments: tuple, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """The kept answer to `name(*arguments)` if the database has not changed since it was
        computed, else `compute()` (kept unless it raised); and whether it was kept. Today's date is
        in the key because an undated question means the government of today."""
        version = self.refresh()
        if version is None or self.size <= 0:
            return compute(), False
        key = json.dumps([name, arguments, date.today().isoformat(), version], default=str)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                self.hits += 1
                return self._kept[key], True
        value = compute()
        with self._lock:
            self.misses += 1
            if version == self._seen:
                self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value, False

    def stats(self) -> dict:
        return {"size": self.size, "kept": len(self._kept), "hits": self.hits, "misses": self.misses}

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
