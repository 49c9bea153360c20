"""The rule lemmatizer read from a table gives spaCy's own lemmas, token for token."""
import spacy

from actorgraph.extract import nlp as pipeline
from actorgraph.extract.lemma_table import LemmaTable, swap_in

# Written for this test: the same forms as nouns and verbs, base forms and inflections, irregular
# plurals and past tenses, contractions, numbers, punctuation and spaces.
TEXTS = [
    "The fighters fought; the fight was fought by fighters who had been fighting since 2019.",
    "Militias armed by Tehran arm themselves. Its arms, and theirs, were better than ours ,  he said .",
    "Children's leaves left the men's feet wetter than the geese's; they've gone, hasn't she?",
    "",
]


def _lemmas(docs) -> list[list[str]]:
    return [[t.lemma_ for t in doc] for doc in docs]


def test_the_project_pipeline_runs_the_table_in_the_lemmatizers_place(nlp):
    assert "lemma_table" in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    assert nlp.pipe_names.index("lemma_table") == len(nlp.pipe_names) - 2  # before ner, as spaCy ships it


def test_the_table_gives_the_lemmatizers_lemmas():
    installed = spacy.load(pipeline.PIPELINE)
    swapped = spacy.load(pipeline.PIPELINE)
    assert swap_in(swapped)
    for text in TEXTS:
        assert _lemmas([swapped(text)]) == _lemmas([installed(text)]), text


def test_the_table_gives_the_dev_texts_the_lemmatizers_lemmas(shared):
    texts = [path.read_text(encoding="utf-8") for path in sorted((shared / "dev").glob("*.txt"))]
    installed = spacy.load(pipeline.PIPELINE)
    swapped = spacy.load(pipeline.PIPELINE)
    swap_in(swapped)
    assert texts and _lemmas(swapped.pipe(texts)) == _lemmas(installed.pipe(texts))


def test_a_lemma_already_set_is_kept_and_a_full_table_is_emptied():
    nlp = spacy.load(pipeline.PIPELINE)
    table = LemmaTable(nlp.get_pipe("lemmatizer"))
    table.MAX_CACHED = 2
    with nlp.select_pipes(disable=["lemmatizer"]):
        doc = nlp("The fighters were fighting.")
    doc[1].lemma_ = "combatant"
    table(doc)
    assert [t.lemma_ for t in doc] == ["the", "combatant", "be", "fight", "."]
    assert len(table._lemmas) <= 2


def test_a_lemmatizer_that_overwrites_or_looks_up_is_left_in_place():
    overwriting = spacy.blank("en")
    overwriting.add_pipe("lemmatizer", config={"mode": "rule", "overwrite": True})
    lookup = spacy.blank("en")
    lookup.add_pipe("lemmatizer", config={"mode": "lookup"})
    for nlp in (overwriting, lookup):
        assert swap_in(nlp) is False and "lemmatizer" in nlp.pipe_names
    assert swap_in(spacy.blank("en")) is False
