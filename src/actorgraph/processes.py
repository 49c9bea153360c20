"""Ingest on every core without Ray: parsing and extraction run in a pool of worker processes,
batch by batch, while this process reads, skips stored documents and writes, in input order, in
`pipeline.ingest` itself. Writing in input order keeps the graph byte-identical to one process:
the store resolves actors across documents in the order they are written (and SQLite has one
writer anyway).

Workers are forked where the platform allows it, after the spaCy pipeline and the relation model
are loaded here, so they share them instead of loading their own; elsewhere they are spawned and
load them once each. At most `AHEAD` batches per worker are in flight, so memory stays flat
however many documents come in.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator

from .extract.nlp import BATCH_SIZE, load
from .models import Document
from .pipeline import DEFAULT_OPTIONS, ExtractOptions, Outcome, extract_each, portable

AHEAD = 4
_options: ExtractOptions = DEFAULT_OPTIONS


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity where the platform tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _start_worker(options: ExtractOptions) -> None:
    global _options
    _options = options
    load()


def _extract_batch(documents: list[Document]) -> list[Outcome]:
    return [portable(outcome) for _, outcome in extract_each(documents, options=_options)]


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def extract_in_processes(documents: list[Document], jobs: int, options: ExtractOptions = DEFAULT_OPTIONS,
                         batch_size: int = BATCH_SIZE) -> Iterator[tuple[Document, Outcome]]:
    """Like `pipeline.extract_each`, in `jobs` worker processes, yielding in input order. A batch
    whose worker died yields that error for each of its documents; the others go on."""
    batches = [documents[i:i + batch_size] for i in range(0, len(documents), batch_size)]
    jobs = min(jobs, len(batches))
    if jobs <= 1:
        yield from extract_each(documents, batch_size, options)
        return
    load()
    if not options.rules_only:
        from .extract.model import default_model, model_at

        model_at(options.model_path) if options.model_path else default_model()
    with _context().Pool(jobs, initializer=_start_worker, initargs=(options,)) as pool:
        pending: deque = deque()
        upcoming = iter(batches)
        for batch in upcoming:
            pending.append((batch, pool.apply_async(_extract_batch, (batch,))))
            if len(pending) >= jobs * AHEAD:
                break
        while pending:
            batch, result = pending.popleft()
            try:
                outcomes = result.get()
            except Exception as exc:  # the worker died or could not return its results
                outcomes = [RuntimeError(f"extraction worker failed: {exc}")] * len(batch)
            yield from zip(batch, outcomes)
            following = next(upcoming, None)
            if following is not None:
                pending.append((following, pool.apply_async(_extract_batch, (following,))))
