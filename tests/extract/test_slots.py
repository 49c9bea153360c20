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
