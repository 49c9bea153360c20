"""Pipeline slots for components that replace one of spaCy's by a table or decoder built from it
(`tag_rules`, `lemma_table`, `entity_decoder`). spaCy makes a component by name from a factory,
without the object it replaces, so the slot is created empty and handed its table afterwards."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

SLOTS = ("tag_rules", "lemma_table", "entity_decoder")


class TableSlot:
    """Runs the callable set in `apply` on each Doc (none set: the Doc passes unchanged)."""

    def __init__(self):
        self.apply: Callable[[Doc], Doc] | None = None

    def __call__(self, doc: Doc) -> Doc:
        return self.apply(doc) if self.apply is not None else doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """Batches go to what the slot runs when it takes them (`entity_decoder`), else Doc by Doc."""
        if hasattr(self.apply, "pipe"):
            yield from self.apply.pipe(docs, batch_size=batch_size)
        else:
            yield from map(self, docs)


def _make_slot(nlp: Language, name: str) -> TableSlot:
    return TableSlot()


for _slot in SLOTS:
    Language.factory(_slot, func=_make_slot)


def replace_by(nlp: Language, name: str, slot: str, apply: Callable[[Doc], Doc]) -> None:
    """Put `apply` in the slot named `slot` where the component `name` was, and remove that one."""
    nlp.add_pipe(slot, name=slot, before=name, config={})
    nlp.get_pipe(slot).apply = apply
    nlp.remove_pipe(name)
