"""Read: real files in tmp_path -> Documents, and one clear ReadError per bad file or line."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from actorgraph.models import Document
from actorgraph.read.files import ReadError, iter_documents, normalise_date

ARTICLE = " ".join(["The ministry signed a new agreement with the regional council on Tuesday."] * 8)


def read(*paths: Path | str, **kwargs) -> list[Document | ReadError]:
    return list(iter_documents([str(p) for p in paths], **kwargs))


def one(path: Path, **kwargs) -> Document | ReadError:
    [item] = read(path, **kwargs)
    return item


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def test_txt_whole_file_is_text_and_first_line_is_title(tmp_path):
    doc = one(write(tmp_path / "note.txt", "\n  Budget talks  \nThe council met.\n"))
    assert isinstance(doc, Document)
    assert doc.text == "\n  Budget talks  \nThe council met.\n"
    assert (doc.title, doc.name, doc.path) == ("Budget talks", "note", str(tmp_path / "note.txt"))


def test_md_front_matter_is_metadata_and_excluded_from_text(tmp_path):
    body = "# Heading\n\nAcme Corp acquired Beta Ltd.\n"
    front = ("---\ntitle: Deal news\nsource: Wire\nurl: https://example.org/a\nauthor: Ann\n"
             "published: 2024-01-20\nlanguage: en\nid: deal-1\n---\n")
    doc = one(write(tmp_path / "a.md", front + body))
    assert doc.text == body
    assert doc.text.index("Acme") == body.index("Acme")
    assert (doc.name, doc.title, doc.source, doc.url, doc.author, doc.published, doc.language) == (
        "deal-1", "Deal news", "Wire", "https://example.org/a", "Ann", "2024-01-20", "en")


def test_md_title_falls_back_to_first_heading(tmp_path):
    doc = one(write(tmp_path / "b.md", "Intro line\n\n## The Real Title ##\ntext\n"))
    assert (doc.title, doc.name) == ("The Real Title", "b")


def test_md_bad_front_matter_is_an_error_naming_the_file(tmp_path):
    path = write(tmp_path / "bad.md", "---\ntitle: [unclosed\n---\nBody text.\n")
    error = one(path)
    assert isinstance(error, ReadError)
    assert error.path == str(path) and "front matter" in error.message
    assert str(error).startswith(str(path))


def test_html_main_text_without_scripts_and_with_metadata(tmp_path):
    html = f"""<html><head><title>Deal announced</title>
    <meta property="og:site_name" content="Daily Wire">
    <meta name="date" content="2024-01-20">
    <script>var secretTracking = "SHOULD-NOT-APPEAR";</script></head>
    <body><nav>Home | About</nav><article><h1>Deal announced</h1><p>{ARTICLE}</p></article>
    <script>console.log("ALSO-HIDDEN")</script></body></html>"""
    doc = one(write(tmp_path / "page.html", html))
    assert isinstance(doc, Document)
    assert "ministry signed a new agreement" in doc.text
    assert "SHOULD-NOT-APPEAR" not in doc.text and "ALSO-HIDDEN" not in doc.text
    assert (doc.title, doc.source, doc.published, doc.name) == ("Deal announced", "Daily Wire", "2024-01-20", "page")


def test_html_without_main_text_is_an_error(tmp_path):
    error = one(write(tmp_path / "empty.htm", "<html><body><script>var x = 1;</script></body></html>"))
    assert isinstance(error, ReadError) and error.message == "no main text found in HTML"


def test_jsonl_good_lines_survive_bad_lines_with_line_numbers(tmp_path):
    lines = [json.dumps({"id": "a1", "text": "Acme hired Bob.", "source": "Wire", "published": 2024}),
             "{not json",
             json.dumps({"title": "no text here"}),
             "",
             json.dumps(["a", "list"]),
             json.dumps({"text": "Beta fired Carol."})]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    items = read(path)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [(d.name, d.text) for d in docs] == [("a1", "Acme hired Bob."), ("batch-6", "Beta fired Carol.")]
    assert (docs[0].source, docs[0].published, docs[0].path) == ("Wire", "2024", str(path))
    assert [e.line for e in errors] == [2, 3, 5]
    assert str(errors[0]).startswith(f"{path}:2: not JSON")
    assert "text" in errors[1].message and "object" in errors[2].message


def test_folder_recursion_sorted_skipping_hidden_and_unsupported(tmp_path):
    for rel in ["b.txt", "a/z.md", "a/c/d.txt", "a.txt", "notes.pdf", ".hidden.txt", ".git/x.txt", "a/image.png"]:
        write(tmp_path / rel, f"content of {rel}\n")
    names = [str(Path(d.path).relative_to(tmp_path)) for d in read(tmp_path)]
    assert names == ["a/c/d.txt", "a/z.md", "a.txt", "b.txt"]


def test_explicit_unsupported_suffix_is_an_error(tmp_path):
    error = one(write(tmp_path / "report.pdf", "%PDF"))
    assert error.message == "unsupported file type '.pdf' (expected .txt, .md, .html, .jsonl)"


def test_missing_path_is_an_error_and_the_rest_goes_on(tmp_path):
    good = write(tmp_path / "ok.txt", "fine\n")
    error, doc = read(tmp_path / "nope.txt", good)
    assert str(error) == f"{tmp_path / 'nope.txt'}: no such file or directory"
    assert isinstance(doc, Document)


@pytest.mark.parametrize("content", ["", "  \n\t\n"], ids=["empty", "whitespace"])
def test_empty_or_whitespace_only_is_an_error(tmp_path, content):
    assert one(write(tmp_path / "e.txt", content)).message == "empty document"


def test_binary_file_is_an_error(tmp_path):
    assert one(write(tmp_path / "x.txt", b"abc\x00def")).message == "binary file (NUL bytes), not text"


def test_non_utf8_is_an_error_with_offset(tmp_path):
    error = one(write(tmp_path / "latin.txt", "Café".encode("latin-1")))
    assert error.message == "not UTF-8 (invalid byte at offset 3)"


def test_over_max_bytes_is_an_error(tmp_path):
    error = one(write(tmp_path / "big.txt", "x" * 2000), max_bytes=1000)
    assert error.message == "larger than the 1,000-byte limit (2,000 bytes)"


def test_jsonl_line_over_max_bytes_is_an_error_for_that_line(tmp_path):
    path = write(tmp_path / "c.jsonl", json.dumps({"text": "x" * 500}) + "\n" + json.dumps({"text": "ok"}) + "\n")
    error, doc = read(path, max_bytes=100)
    assert error.line == 1 and "100-byte limit" in error.message
    assert doc.text == "ok"


def test_crlf_and_lone_cr_are_normalised(tmp_path):
    doc = one(write(tmp_path / "w.txt", b"One\r\nTwo\rThree\r\n"))
    assert doc.text == "One\nTwo\nThree\n"


def test_bom_is_stripped(tmp_path):
    doc = one(write(tmp_path / "bom.md", b"\xef\xbb\xbf---\ntitle: T\n---\nBody\n"))
    assert (doc.text, doc.title) == ("Body\n", "T")


def test_cli_metadata_fills_only_missing_fields(tmp_path):
    path = write(tmp_path / "m.md", "---\nsource: Own Source\n---\nText.\n")
    doc = one(path, metadata={"source": "CLI", "author": "Cli Author", "published": "2023-05-01T08:00:00Z"})
    assert (doc.source, doc.author, doc.published) == ("Own Source", "Cli Author", "2023-05-01")


@pytest.mark.parametrize("given, expected", [
    ("2024-01-20T10:00:00Z", "2024-01-20"), ("2024-01", "2024-01"), ("2024", "2024"),
    ("20 January 2024", "20 January 2024"), ("2024-13-01", "2024-13-01"), ("last spring", "last spring"),
])
def test_published_is_normalised_when_parseable(given, expected):
    assert normalise_date(given) == expected


def test_same_text_gives_the_same_id(tmp_path):
    first = one(write(tmp_path / "one.txt", "Same words.\n"))
    second = one(write(tmp_path / "two.txt", "Same words.\r\n"))
    assert first.name != second.name and first.id == second.id


def test_unreadable_file_is_an_error(tmp_path):
    path = write(tmp_path / "locked.txt", "secret\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("permissions are not enforced (running as root)")
        error = one(path)
        assert isinstance(error, ReadError) and "Permission denied" in error.message
    finally:
        path.chmod(0o644)


def test_plain_text_and_jsonl_never_import_the_html_stack(tmp_path):
    """A broken or missing HTML stack (trafilatura, lxml's cleaner) must not stop .txt or .jsonl ingest."""
    import subprocess
    import sys

    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.jsonl", json.dumps({"text": ARTICLE}) + "\n")
    code = ("import sys; from actorgraph.cli import app; from actorgraph.read.files import iter_documents; "
            f"docs = list(iter_documents([{str(tmp_path)!r}])); "
            "assert len(docs) == 2 and all(d.text for d in docs), docs; "
            "assert 'trafilatura' not in sys.modules and 'lxml' not in sys.modules, 'HTML stack imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
