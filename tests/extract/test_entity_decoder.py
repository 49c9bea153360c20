"""The entity recogniser decoded with arrays finds spaCy's own entities, token for token, and hands
spaCy what it cannot decide."""
import pytest
import spacy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE

from actorgraph.cli.documents import demo_corpus
from actorgraph.extract import entity_decoder
from actorgraph.extract import nlp as pipeline

# Written for this test: multi-word names of groups, states, people and dates; a name at the very end
# and one cut by a sentence boundary; runs of spaces and line breaks; a one-token text; an empty one.
TEXTS = [
    "The Rapid Support Forces and the Sudanese Armed Forces fought in Khartoum on 15 April 2023.",
    "Abdel Fattah al-Burhan met Mohamed Hamdan Dagalo in Jeddah. Saudi Arabia and the United States mediated.",
    "Fighters of the Islamic State in Iraq and the Levant crossed into Syria  \n\n  near Abu Kamal last week",
    "Iran armed the Houthis, Washington said; Hezbollah denied it, according to Al Jazeera",
    "Kabul",
    "",
    "Wagner Group mercenaries guard President Faustin-Archange Touadera in Bangui, the Central African Republic",
]


@pytest.fixture(scope="module")
def stock():
    """spaCy's recogniser with its C loop, on the same numpy products as the project's parse."""
    nlp = spacy.load(pipeline.PIPELINE)
    pipeline.multiply_through_numpy(nlp)
    return nlp


@pytest.fixture()
def decoded():
    nlp = spacy.load(pipeline.PIPELINE)
    pipeline.multiply_through_numpy(nlp)
    assert entity_decoder.swap_in(nlp)
    return nlp


def _entities(docs) -> list[list[list[int]]]:
    return [doc.to_array([ENT_IOB, ENT_TYPE, ENT_KB_ID]).tolist() for doc in docs]


def _decoder(nlp) -> entity_decoder.EntityDecoder:
    return nlp.get_pipe("entity_decoder").apply


def test_the_project_pipeline_decodes_entities_in_the_recognisers_place(nlp):
    assert nlp.pipe_names[-1] == "entity_decoder" and "ner" not in nlp.pipe_names


def test_the_decoder_finds_the_recognisers_entities(stock, decoded):
    assert _entities(decoded.pipe(TEXTS, batch_size=4)) == _entities(stock.pipe(TEXTS, batch_size=4))
    found = [[(e.text, e.label_) for e in doc.ents] for doc in decoded.pipe(TEXTS)]
    assert ("Abdel Fattah al-Burhan", "PERSON") in found[1] and found[3][-1] == ("Al Jazeera", "ORG")
    assert _decoder(decoded).decided > 0


def test_a_doc_on_its_own_is_decoded_as_the_recogniser_does(stock, decoded):
    for text in TEXTS:
        assert _entities([decoded(text)]) == _entities([stock(text)]), text


def test_the_demo_corpus_gets_the_recognisers_entities(stock, decoded):
    texts = [path.read_text(encoding="utf-8") for path in sorted(demo_corpus().glob("*.txt"))]
    assert texts and _entities(decoded.pipe(texts, batch_size=16)) == _entities(stock.pipe(texts, batch_size=16))


def test_the_dev_texts_get_the_recognisers_entities(stock, decoded, shared_texts):
    assert _entities(decoded.pipe(shared_texts, batch_size=16)) == _entities(stock.pipe(shared_texts, batch_size=16))
    decoder = _decoder(decoded)
    assert decoder.decided > decoder.deferred


def test_a_doc_with_entities_already_set_goes_to_spacys_decoder(stock, decoded):
    def preset(nlp):
        with nlp.select_pipes(disable=[nlp.pipe_names[-1]]):
            doc = nlp(TEXTS[1])
        doc.set_ents([doc.char_span(0, 22, label="PERSON")], default="unmodified")
        return nlp.get_pipe(nlp.pipe_names[-1])(doc)

    decoder = _decoder(decoded)
    assert _entities([preset(decoded)]) == _entities([preset(stock)])
    assert decoder.deferred == 1 and decoder.decided == 0


def test_scores_too_close_to_call_go_to_spacys_decoder(stock, decoded, monkeypatch):
    monkeypatch.setattr(entity_decoder, "ROUNDING", 1e9)
    assert _entities(decoded.pipe(TEXTS[:3], batch_size=8)) == _entities(stock.pipe(TEXTS[:3], batch_size=8))
    decoder = _decoder(decoded)
    assert decoder.decided == 0 and decoder.deferred == 3


def test_a_recogniser_it_cannot_decode_is_left_in_place():
    beam = spacy.blank("en")
    beam.add_pipe("beam_ner")
    assert entity_decoder.swap_in(beam) is False and "beam_ner" in beam.pipe_names
    assert entity_decoder.swap_in(beam, "beam_ner") is False
    assert entity_decoder.swap_in(spacy.blank("en")) is False
