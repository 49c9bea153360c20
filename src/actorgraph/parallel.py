"""Ingest with Ray Data: the NLP and extraction of `pipeline.ingest` run in parallel workers (one
spaCy pipeline loaded per worker), while reading, skipping stored documents and writing stay on the
driver, in `pipeline.ingest` itself. Ray is imported only inside these functions, so nothing else
in actorgraph pays for it (or needs it installed).

Why the driver writes: the store resolves actors across documents in the order they are written,
so results are written in input order (Ray Data's `preserve_order`, and a reorder buffer as a
guard) and the graph is the same as the single-process one. One writer is also all SQLite allows.
"""
from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Iterator

from .extract.nlp import PIPELINE
from .graph.store import Store
from .models import Document
from .pipeline import DEFAULT_OPTIONS, ExtractOptions, IngestReport, Outcome, Progress, extract_each, ingest, portable

BATCH_SIZE = 32
OBJECT_STORE_BYTES = 500 * 2**20
QUIET = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_DATA_LOG_LEVEL": "CRITICAL"}


class RayEngineError(RuntimeError):
    """Ray is not installed, the cluster cannot be reached, or Ray failed: a one-line message for the
    user (the cause is chained). Documents stored before a failure stay stored, so a rerun goes on."""


class _Extractor:
    """A Ray Data worker: loads the spaCy pipeline once, then extracts batch after batch. Documents
    travel as pickles and come back as pickled `Extraction`s (or the exception that stopped one),
    because Ray Data batches are columns of plain values."""

    def __init__(self, options: ExtractOptions = DEFAULT_OPTIONS) -> None:
        from .extract.nlp import load

        load()
        self.options = options

    def __call__(self, batch: dict) -> dict:
        documents = [pickle.loads(blob) for blob in batch["document"]]
        outcomes = [pickle.dumps(portable(outcome)) for _, outcome in extract_each(documents, options=self.options)]
        return {"index": list(batch["index"]), "outcome": outcomes}


def _ray():
    """Import Ray Data quietly: no usage stats, no progress bars, errors only (the CLI draws its own bar)."""
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayEngineError("the Ray engine needs Ray Data: pip install 'actorgraph[ray]'") from exc
    return ray


def _start(ray, workers: int, address: str | None) -> bool:
    """Connect to `address`, or start a local cluster of `workers` CPUs; True if we started one."""
    import logging

    if ray.is_initialized():
        return False
    options = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
    if address:  # the cluster's workers do not inherit our environment: pass the pipeline's name on
        ray.init(address=address, runtime_env={"env_vars": {"ACTORGRAPH_PIPELINE": PIPELINE}}, **options)
        return False
    # "local": a new cluster even when `ray start` left one (or its address file) on this machine
    ray.init(address="local", num_cpus=workers, object_store_memory=OBJECT_STORE_BYTES, **options)
    return True


def ray_extractor(workers: int = 2, batch_size: int = BATCH_SIZE,
                  options: ExtractOptions = DEFAULT_OPTIONS) -> Callable[[list[Document]], Iterator]:
    """An `extractor` for `pipeline.ingest` that fans documents out to `workers` Ray actors and
    yields (document, outcome) in input order. Needs a running Ray (see `ingest_ray`)."""

    def run(documents: list[Document]) -> Iterator[tuple[Document, Outcome]]:
        if not documents:
            return
        ray = _ray()
        context = ray.data.DataContext.get_current()
        saved = context.execution_options.preserve_order, context.enable_progress_bars
        context.execution_options.preserve_order, context.enable_progress_bars = True, False
        try:
            items = [{"index": i, "document": pickle.dumps(d)} for i, d in enumerate(documents)]
            # One block per batch, passed whole (batch_size=None): Ray Data would otherwise bundle small
            # blocks into one task and return its results only when all of them are done.
            blocks = -(-len(items) // batch_size)
            dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
                _Extractor, fn_constructor_args=(options,), compute=ray.data.ActorPoolStrategy(size=workers),
                batch_size=None, num_cpus=1)
            rows = ((int(row["index"]), pickle.loads(row["outcome"])) for row in dataset.iter_rows())
            yield from _in_order(documents, rows)
        finally:
            context.execution_options.preserve_order, context.enable_progress_bars = saved

    return run


def _in_order(documents: list[Document], rows: Iterable[tuple[int, Outcome]]) -> Iterator[tuple[Document, Outcome]]:
    """Yield results by input index, holding early ones back; every document must come back."""
    pending: dict[int, Outcome] = {}
    following = received = 0
    for index, outcome in rows:
        pending[index] = outcome
        received += 1
        while following in pending:
            yield documents[following], pending.pop(following)
            following += 1
    if following != len(documents):
        raise RuntimeError(f"Ray returned {received} of {len(documents)} documents")


def ingest_ray(paths: Iterable[str], store: Store, *, workers: int = 2, address: str | None = None,
               metadata: dict | None = None, max_bytes: int = 20_000_000, batch_size: int = BATCH_SIZE,
               on_total: Callable[[int], None] | None = None, on_progress: Progress | None = None,
               options: ExtractOptions = DEFAULT_OPTIONS) -> IngestReport:
    """`pipeline.ingest` with extraction on Ray: a local cluster of `workers` CPUs started here and
    shut down at the end, or the existing cluster at `address` ("auto", "ray://host:10001")."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    ray = _ray()
    try:
        started = _start(ray, workers, address)
    except ConnectionError as exc:
        raise RayEngineError(str(exc)) from exc
    try:
        return ingest(paths, store, metadata=metadata, max_bytes=max_bytes, on_total=on_total,
                      on_progress=on_progress, extractor=ray_extractor(workers, batch_size, options))
    except ray.exceptions.RayError as exc:
        raise RayEngineError(f"Ray failed: {_last_line(exc)} (documents stored before are kept: run again to "
                             "go on)") from exc
    finally:
        if started:
            ray.shutdown()


def _last_line(exc: BaseException) -> str:
    """Ray's errors carry the worker's whole traceback; its last line names the cause."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
