"""The API on texts alone, without a database: the relations in a text or in files, and the critical
reading of one document. The extractor (spaCy, the relation model) is imported on first use here,
so that opening a workspace to ask, list or export never loads it."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from .extract.options import DEFAULT_OPTIONS, ExtractOptions
from .models import Document, Relation, relation_json
from .views import Invalid


def read_one(path: str | Path) -> Document:
    """The document in one file; a file that cannot be read is `Invalid`, with the reason."""
    from .pipeline import read_all

    documents, errors = read_all([str(path)])
    if errors:
        raise Invalid(str(errors[0]))
    return documents[0]


def extract_text(text: str | Path, *, published: str | None = None, name: str = "text",
                 options: ExtractOptions = DEFAULT_OPTIONS) -> list[dict]:
    """The relations in a text (or a file), in the `extract --format jsonl` contract; no database."""
    from .pipeline import extract_all

    is_file = isinstance(text, Path) or (len(str(text)) < 4096 and Path(str(text)).is_file())
    documents = [read_one(text) if is_file else Document(text=str(text), name=name, published=published)]
    return [relation_json(r) for _, found in extract_all(documents, options=options) for r in found.relations]


def extract_files(paths: Iterable[str | Path], *, options: ExtractOptions = DEFAULT_OPTIONS,
                  max_bytes: int = 20_000_000) -> tuple[list[dict], list]:
    """The relations in files and folders, in the extract contract, and one `ReadError` per bad file."""
    from .pipeline import extract_all, read_all

    documents, errors = read_all([str(p) for p in paths], max_bytes=max_bytes)
    return [relation_json(r) for _, found in extract_all(documents, options=options) for r in found.relations], errors


def critical_reading(document: Document, confirmed: Callable[[Relation], bool] | None = None,
                     options: ExtractOptions = DEFAULT_OPTIONS) -> dict:
    """`pipeline.profile_of` one document, parsed here; `confirmed` says whether other stored
    sources back a relation (None: nothing to check against)."""
    from .extract.nlp import parse
    from .pipeline import profile_of

    return profile_of(document, next(parse([document.text])), confirmed, options)


def profile(path: str | Path, options: ExtractOptions = DEFAULT_OPTIONS) -> dict:
    """Critical reading of a file without a database (no claim is checked against other sources)."""
    return critical_reading(read_one(path), None, options)
