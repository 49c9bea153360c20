"""Read: files and folders -> `Document`s, with one `ReadError` per bad file or JSONL line.

Bad input never stops a batch: each problem becomes a value naming the file (and line), so the
caller reports it and goes on. Text is normalised (BOM dropped, newlines "\\n") before anything
else, because evidence offsets and the content hash refer to the stored text.
"""
from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ..models import Document

SUPPORTED = (".txt", ".md", ".html", ".htm", ".jsonl")
FIELDS = ("title", "url", "source", "author", "published", "language")
BOM = b"\xef\xbb\xbf"
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?)?)?)?")
_FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL | re.MULTILINE)
_HEADING = re.compile(r"#{1,6}\s+(.+?)(?:\s+#+)?\s*$")


@dataclass(frozen=True)
class ReadError:
    """Why one file, or one line of a JSONL file, gave no document."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}{'' if self.line is None else f':{self.line}'}: {self.message}"


class _Bad(Exception):
    """A problem with the input; the reading functions turn it into a `ReadError`."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def too_big(size: int, limit: int) -> str:
    return f"larger than the {limit:,}-byte limit ({size:,} bytes)"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, offset: int = 0) -> str:
    """Bytes to normalised text; `offset` (where `data` starts in its file) makes error offsets
    point into the file."""
    if b"\0" in data:
        raise _Bad("binary file (NUL bytes), not text")
    if data.startswith(BOM):
        data, offset = data[len(BOM):], offset + len(BOM)
    try:
        return normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise _Bad(f"not UTF-8 (invalid byte at offset {offset + e.start})") from e


def clean(value: object) -> str | None:
    """A metadata value as a non-empty string or None (YAML and JSON give dates and numbers too)."""
    text = "" if value is None else (value.isoformat() if isinstance(value, date) else str(value)).strip()
    return text or None


def normalise_date(value: str | None) -> str | None:
    """ISO `YYYY-MM-DD`, `YYYY-MM` or `YYYY` when parseable, so dates sort and compare; else as given."""
    match = _ISO.fullmatch(value.strip()) if value else None
    if not match:
        return value
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return value
    return "-".join(part for part in (year, month, day) if part)


def first_line(text: str) -> str | None:
    return next((line.strip() for line in text.split("\n") if line.strip()), None)


def parse_md(text: str) -> tuple[str, dict]:
    """Body and metadata of Markdown with optional YAML front matter; the body is kept verbatim."""
    meta: object = {}
    body = text
    if re.match(r"---[ \t]*\n", text):
        if not (match := _FRONT_MATTER.match(text)):
            raise _Bad("front matter opened with '---' is never closed", 1)
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise _Bad(f"bad YAML front matter: {getattr(e, 'problem', None) or e}",
                       mark.line + 2 if mark else None) from e
        if not isinstance(meta, dict):
            raise _Bad("front matter is not a YAML mapping", 2)
        body = text[match.end():]
    fields = {key: meta.get(key) for key in FIELDS} | {"name": meta.get("id")}
    fields["published"] = meta.get("published", meta.get("date"))
    if not clean(fields["title"]):
        headings = (m.group(1) for line in body.split("\n") if (m := _HEADING.match(line.strip())))
        fields["title"] = next(headings, None) or first_line(body)
    return body, fields


def parse_html(text: str) -> tuple[str, dict]:
    """Main text and metadata via trafilatura, which drops scripts, navigation and boilerplate.
    Imported here, not at the top: reading .txt, .md or .jsonl never needs the HTML stack."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    except Exception as e:  # lxml/trafilatura can fail on odd markup: one bad file, not a crash
        raise _Bad(f"could not parse HTML: {e}") from e
    body = normalise_newlines(result.text or "") if result else ""
    if not body.strip():
        raise _Bad("no main text found in HTML")
    return body, {"title": result.title, "url": result.url, "source": result.sitename,
                  "author": result.author, "published": result.date, "language": result.language}


def parse_jsonl_line(line: str) -> tuple[str, dict]:
    """One JSONL record: `text` is required, the other known keys are metadata."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise _Bad(f"not JSON: {e.msg} (column {e.colno})") from e
    if not isinstance(record, dict):
        raise _Bad(f"not a JSON object (got {type(record).__name__})")
    if not isinstance(record.get("text"), str):
        raise _Bad('"text" is missing or not a string')
    return normalise_newlines(record["text"]), {key: record.get(key) for key in FIELDS} | {"name": record.get("id")}


def make_document(text: str, fields: dict, default_name: str, metadata: dict, path: str) -> Document:
    """A Document from parsed fields; `metadata` only fills what the file itself does not say."""
    if not text.strip():
        raise _Bad("empty document")
    values = {key: clean(fields.get(key)) or clean(metadata.get(key)) for key in FIELDS}
    values["published"] = normalise_date(values["published"])
    return Document(text=text, name=clean(fields.get("name")) or default_name, path=path, **values)


_PARSERS = {".txt": lambda text: (text, {"title": first_line(text)}),
            ".md": parse_md, ".html": parse_html, ".htm": parse_html}


def iter_documents(paths: Iterable[str], metadata: dict | None = None,
                   max_bytes: int = 20_000_000) -> Iterator[Document | ReadError]:
    """Documents and errors in input order; never raises for bad input. Folders are walked
    recursively in sorted order, skipping hidden entries and unsupported suffixes."""
    for path in map(Path, [paths] if isinstance(paths, (str, os.PathLike)) else paths):
        try:
            mode = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            yield ReadError(str(path), "no such file or directory")
            continue
        except OSError as e:
            yield ReadError(str(path), f"cannot read: {e.strerror or e}")
            continue
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            yield ReadError(str(path), "not a regular file")
            continue
        for item in _walk(path) if stat.S_ISDIR(mode) else [path]:
            if isinstance(item, ReadError):
                yield item
            else:
                yield from _read(item, metadata or {}, max_bytes)


def _walk(root: Path) -> Iterator[Path | ReadError]:
    """Supported, non-hidden files under `root`, depth first by sorted name; symlinked folders are
    not followed, so a link loop cannot recurse forever."""
    try:
        with os.scandir(root) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
    except OSError as e:
        yield ReadError(str(root), f"cannot read: {e.strerror or e}")
        return
    for entry in (entry for entry in ordered if not entry.name.startswith(".")):
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(root / entry.name)
        elif entry.is_file() and Path(entry.name).suffix.lower() in SUPPORTED:
            yield root / entry.name


def _read(path: Path, metadata: dict, max_bytes: int) -> Iterator[Document | ReadError]:
    """One file's documents (several for JSONL) or the error that stopped it."""
    suffix = path.suffix.lower()
    try:
        if suffix not in SUPPORTED:
            raise _Bad(f"unsupported file type '{suffix}' (expected .txt, .md, .html, .jsonl)")
        if suffix == ".jsonl":
            yield from _read_jsonl(path, metadata, max_bytes)
            return
        with open(path, "rb") as handle:
            if (size := os.fstat(handle.fileno()).st_size) > max_bytes:
                raise _Bad(too_big(size, max_bytes))
            text, fields = _PARSERS[suffix](decode(handle.read()))
        yield make_document(text, fields, path.stem, metadata, str(path))
    except _Bad as e:
        yield ReadError(str(path), e.message, e.line)
    except OSError as e:
        yield ReadError(str(path), f"cannot read: {e.strerror or e}")


def _read_jsonl(path: Path, metadata: dict, max_bytes: int) -> Iterator[Document | ReadError]:
    """Streamed, so a large corpus file is fine: the size limit applies per line. A bad line is an
    error with its number and the other lines still count; NUL bytes stop the file."""
    offset, found = 0, False
    with open(path, "rb") as handle:
        for number, (raw, size) in enumerate(_lines(handle, max_bytes), start=1):
            start, offset = offset, offset + size
            if raw is not None and not raw.strip():
                continue
            found = True
            if raw is not None and b"\0" in raw:
                raise _Bad("binary file (NUL bytes), not text", number)
            try:
                if raw is None:
                    raise _Bad(too_big(size, max_bytes))
                text, fields = parse_jsonl_line(decode(raw, start))
                yield make_document(text, fields, f"{path.stem}-{number}", metadata, str(path))
            except _Bad as e:
                yield ReadError(str(path), e.message, number)
    if not found:
        raise _Bad("empty document")


def _lines(handle, limit: int) -> Iterator[tuple[bytes | None, int]]:
    """Each line with its size in bytes; a line over `limit` comes as None, never held in memory."""
    while chunk := handle.readline(limit + 1):
        size = len(chunk)
        if size <= limit or chunk.endswith(b"\n"):
            yield chunk, size
            continue
        while chunk and not chunk.endswith(b"\n"):
            chunk = handle.readline(1 << 20)
            size += len(chunk)
        yield None, size
