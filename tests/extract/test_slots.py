"""A slot takes the place of the component it replaces and runs the table it is handed."""
import spacy

from actorgraph.extract.slots import TableSlot, replace_by


def _upper_lemmas(doc):
    for token in doc:
        token.lemma_ = token.text.upper()
    return doc


def test_a_slot_takes_the_replaced_components_place_and_runs_what_it_was_handed():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("merge_entities")
    replace_by(nlp, "lemmatizer", "lemma_table", _upper_lemmas)
    assert nlp.pipe_names == ["sentencizer", "lemma_table", "merge_entities"]
    assert [t.lemma_ for t in nlp("Kabul denied it.")] == ["KABUL", "DENIED", "IT", "."]


def test_an_empty_slot_passes_the_doc_unchanged():
    doc = spacy.blank("en")("Kabul denied it.")
    assert TableSlot()(doc) is doc and [t.lemma_ for t in doc] == ["", "", "", ""]


class _Batches:
    """Runs as a slot's callable and records the batches it is handed."""

    def __init__(self):
        self.handed: list[tuple[int, int]] = []

    def __call__(self, doc):
        return doc

    def pipe(self, docs, *, batch_size):
        docs = list(docs)
        self.handed.append((len(docs), batch_size))
        yield from docs


def test_a_slot_hands_a_stream_to_what_it_runs_when_that_takes_batches():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    runner = _Batches()
    replace_by(nlp, "sentencizer", "entity_decoder", runner)
    assert [doc.text for doc in nlp.pipe(["a", "b", "c"], batch_size=2)] == ["a", "b", "c"]
    assert runner.handed == [(3, 2)]
