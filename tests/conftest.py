"""Shared fixtures: the real spaCy pipeline (loaded once) and paths to ../shared when present."""
from __future__ import annotations

from pathlib import Path

import pytest

from actorgraph.extract import extract
from actorgraph.models import Document
from actorgraph.nlp import load

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def nlp():
    return load()


@pytest.fixture(scope="session")
def run(nlp):
    """Extract relations from a short text written in the test."""
    def _run(text: str, name: str = "t", published: str | None = None):
        document = Document(text=text, name=name, published=published)
        return extract(document, nlp(text))
    return _run


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "ontology.yaml").exists():
        pytest.skip("../shared (dev corpus, examples and reference scorer) is not beside the repository")
    return SHARED


def facts(extraction) -> set[tuple[str, str, str]]:
    return {(r.subject.actor.name, r.predicate, r.object.actor.name) for r in extraction.relations}
