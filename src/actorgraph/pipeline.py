"""The data's path end to end: read -> NLP -> extract -> store. The CLI and (later) the web app
call these functions; they report progress through a callback and never print."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .extract import Extraction, extract
from .models import Document
from .nlp import BATCH_SIZE, parse
from .read import ReadError, iter_documents
from .store import Store

Progress = Callable[[str], None]


@dataclass
class IngestReport:
    """What an ingest did: documents added, already present, failed (one line each)."""

    added: int = 0
    skipped: int = 0
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


def extract_all(documents: list[Document], batch_size: int = BATCH_SIZE) -> Iterator[tuple[Document, Extraction]]:
    """Parse in batches (spaCy's `pipe`) and extract each document's mentions and relations."""
    for document, parsed in zip(documents, parse((d.text for d in documents), batch_size=batch_size)):
        yield document, extract(document, parsed)


def ingest(paths: Iterable[str], store: Store, *, metadata: dict | None = None, max_bytes: int = 20_000_000,
           on_total: Callable[[int], None] | None = None, on_progress: Progress | None = None) -> IngestReport:
    """Read, extract and store; each document in its own transaction, failures reported per file."""
    report = IngestReport()
    documents, errors = read_all(paths, metadata, max_bytes)
    report.errors.extend(str(e) for e in errors)
    fresh, seen = [], set()
    for document in documents:
        if document.id in seen or store.has_document(document.id):
            report.skipped += 1
        else:
            seen.add(document.id)
            fresh.append(document)
    if on_total:
        on_total(len(fresh))
    for document, extraction in extract_all(fresh):
        try:
            if store.add_document(document, extraction.mentions, extraction.relations, extraction.spans):
                report.added += 1
                report.relations += len(extraction.relations)
            else:
                report.skipped += 1
        except Exception as exc:  # one bad document must not stop the batch
            report.errors.append(f"{document.path or document.name}: not stored: {exc}")
        if on_progress:
            on_progress(document.name)
    return report
