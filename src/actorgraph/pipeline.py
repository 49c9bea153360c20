"""The data's path end to end: read -> NLP -> extract -> store. The CLI and (later) the web app
call these functions; they report progress through a callback and never print.

`ingest` takes the extraction step as a parameter (`extractor`) so that other engines (Ray, in
`parallel.py`) share reading, skipping stored documents, writing and error reporting with it."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .extract.document import Extraction, token_mentions
from .extract.nlp import BATCH_SIZE, parse
from .extract.options import DEFAULT_OPTIONS, ExtractOptions
from .extract.profile import document_profile
from .extract.timex import dateline
from .graph.store import Store
from .models import Document, Relation
from .read.files import ReadError, iter_documents

Progress = Callable[[str], None]
Outcome = Extraction | Exception
Extractor = Callable[[list[Document]], Iterable[tuple[Document, Outcome]]]


@dataclass
class IngestReport:
    """What an ingest did: documents added, already present, failed (one line each)."""

    added: int = 0
    skipped: int = 0
    replaced: int = 0
    relations: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_all(paths: Iterable[str], metadata: dict | None = None,
             max_bytes: int = 20_000_000) -> tuple[list[Document], list[ReadError]]:
    """Every readable document and every read error, in input order."""
    documents, errors = [], []
    for item in iter_documents(paths, metadata=metadata, max_bytes=max_bytes):
        (errors if isinstance(item, ReadError) else documents).append(item)
    return documents, errors


def extract_all(documents: list[Document], batch_size: int = BATCH_SIZE,
                options: ExtractOptions = DEFAULT_OPTIONS) -> Iterator[tuple[Document, Extraction]]:
    """Parse in batches (spaCy's `pipe`) and extract each document's mentions and relations."""
    for document, parsed in zip(documents, parse((d.text for d in documents), batch_size=batch_size), strict=True):
        yield document, options(document, parsed)


def extract_each(documents: list[Document], batch_size: int = BATCH_SIZE,
                 options: ExtractOptions = DEFAULT_OPTIONS) -> Iterator[tuple[Document, Outcome]]:
    """Like `extract_all`, but a document whose NLP or extraction fails yields its exception instead,
    so one bad document does not stop the others. If spaCy fails on a batch, that batch is parsed
    one document at a time to find the culprit, and the rest goes on batched."""
    done = 0
    try:
        for document, parsed in zip(documents, parse((d.text for d in documents), batch_size=batch_size), strict=True):
            yield document, _extract_one(document, parsed, options)
            done += 1
    except Exception:  # from spaCy: nothing of the failed batch was yielded
        for document in documents[done:done + batch_size]:
            try:
                yield document, _extract_one(document, next(parse([document.text])), options)
            except Exception as exc:
                yield document, exc
        yield from extract_each(documents[done + batch_size:], batch_size, options)


def portable(outcome: Outcome) -> Outcome:
    """An exception as a plain RuntimeError with its message (its own class may not unpickle in
    another process), so a worker's failure reaches the writer."""
    if isinstance(outcome, Exception):
        return RuntimeError(str(outcome) or type(outcome).__name__)
    return outcome


def _extract_one(document: Document, parsed, options: ExtractOptions) -> Outcome:
    try:
        return options(document, parsed)
    except Exception as exc:  # reported for this document by `write_outcome`
        return exc


def profile_of(document: Document, parsed, confirmed: Callable[[Relation], bool] | None = None,
               options: ExtractOptions = DEFAULT_OPTIONS) -> dict:
    """`profile.document_profile` from a parse: the extractor's mentions, relations and rhetoric spans."""
    extraction = options(document, parsed)
    day = document.published or dateline(document.text)
    return document_profile(document, parsed, token_mentions(parsed, day), list(extraction.relations),
                            extraction.spans, confirmed=confirmed)


def fresh_documents(paths: Iterable[str], store: Store, report: IngestReport, metadata: dict | None = None,
                    max_bytes: int = 20_000_000, again: bool = False) -> list[Document]:
    """The documents to extract, in input order: read errors and documents already stored (or
    repeated in the input) are counted in `report` instead; with `again`, stored ones are extracted
    again (to replace their relations)."""
    documents, errors = read_all(paths, metadata, max_bytes)
    report.errors.extend(str(e) for e in errors)
    fresh, seen = [], set()
    for document in documents:
        if document.id in seen or (not again and store.has_document(document.id)):
            report.skipped += 1
        else:
            seen.add(document.id)
            fresh.append(document)
    return fresh


def write_outcome(store: Store, report: IngestReport, document: Document, outcome: Outcome,
                  again: bool = False) -> None:
    """Store one document in its own transaction, or record why it could not be extracted or stored;
    with `again`, a stored document's relations are replaced (and judgements on it applied again)."""
    label = document.path or document.name
    if isinstance(outcome, Exception):
        report.errors.append(f"{label}: not extracted: {outcome}")
        return
    try:
        stored = again and store.has_document(document.id)
        if store.add_document(document, outcome.mentions, outcome.relations, outcome.spans, outcome.profile,
                              replace=again):
            report.added += not stored
            report.replaced += stored
            report.relations += len(outcome.relations)
        else:
            report.skipped += 1
    except Exception as exc:  # one bad document must not stop the batch
        report.errors.append(f"{label}: not stored: {exc}")


def ingest(paths: Iterable[str], store: Store, *, metadata: dict | None = None, max_bytes: int = 20_000_000,
           on_total: Callable[[int], None] | None = None, on_progress: Progress | None = None,
           extractor: Extractor | None = None, options: ExtractOptions = DEFAULT_OPTIONS,
           again: bool = False) -> IngestReport:
    """Read, extract and store; each document in its own transaction, failures reported per file.
    `extractor` (default: `extract_each` with `options`) must yield the documents in the order given:
    cross-document actor resolution depends on the order documents are written, and every engine
    must build the same graph. With `again`, documents already stored are extracted again and their
    relations replaced (after a model upgrade); analysts' judgements on them are applied again."""
    report = IngestReport()
    extractor = extractor or (lambda documents: extract_each(documents, options=options))
    fresh = fresh_documents(paths, store, report, metadata, max_bytes, again)
    if on_total:
        on_total(len(fresh))
    for document, outcome in extractor(fresh):
        write_outcome(store, report, document, outcome, again)
        if on_progress:
            on_progress(document.name)
    return report
