"""How relations are found, as plain values: kept apart from the extractor itself so that the CLI,
the web app and Ray workers can name the options without loading spaCy or the model."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Document
    from .document import Extraction


@dataclass(frozen=True)
class ExtractOptions:
    """How relations are found: the learned model (a model file, default the one shipped in the
    package) at a minimum confidence (default: the model's threshold, chosen by cross-validation
    on the training corpus), or the rules alone. Plain values, so Ray workers can take them."""

    min_confidence: float | None = None
    rules_only: bool = False
    model_path: str | None = None

    def __call__(self, document: Document, parsed) -> Extraction:
        from .document import extract
        from .model import model_at

        model = model_at(self.model_path) if self.model_path and not self.rules_only else None
        return extract(document, parsed, model=model, rules_only=self.rules_only, min_confidence=self.min_confidence)


DEFAULT_OPTIONS = ExtractOptions()
