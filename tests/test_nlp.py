"""The spaCy pipeline as the extractor sees it."""
import pytest
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, MORPH, POS, SENT_START, TAG
from thinc.api import Model
from threadpoolctl import threadpool_info

from actorgraph.extract.nlp import PipelineMissing, line_breaks, load

PARSE = [TAG, POS, MORPH, DEP, HEAD, SENT_START, ENT_IOB, ENT_TYPE]

# Written for this test: names of groups, states and people, a dateline, a list, a quotation.
TEXTS = [
    "MOGADISHU, March 3 (Wire) - Al-Shabaab fighters attacked an African Union base near Baidoa on "
    "Tuesday, the Somali army said, and the group claimed the raid in a statement on its radio.",
    "The Houthis, backed by Iran, fired drones at Saudi Arabia; Riyadh said it intercepted them.",
    "\"We have no links to the ELN,\" said Ivan Marquez, who leads the Segunda Marquetalia.",
    "Wagner, the Kremlin-backed mercenaries, guard President Touadera in Bangui.",
]


def test_a_line_break_ends_a_sentence_without_cutting_the_next_line(nlp):
    doc = nlp("Arms deal\n\nTurkey armed the Syrian National Army in northern Syria, officials said.\n"
              "2015 - The group split.")
    assert [s.text.strip() for s in doc.sents] == [
        "Arms deal", "Turkey armed the Syrian National Army in northern Syria, officials said.",
        "2015 - The group split."]


def test_a_missing_pipeline_says_how_to_install_it():
    with pytest.raises(PipelineMissing, match="pip install"):
        load("no_such_pipeline_xyz")


def _breaks_token_by_token(doc):
    """The rule of `line_breaks` as it reads, visiting each token."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            first = doc[token.i + 1]
            first.is_sent_start = True
            if first.i + 1 < len(doc) and "\n" not in first.whitespace_ and not doc[first.i + 1].is_space:
                doc[first.i + 1].is_sent_start = False
    return doc


@pytest.mark.parametrize("text", [
    "\nLeading break. Then text.\n", "Headline\nTurkey armed them.\n\n\n2015 - Split.\r\nEnd",
    "A\n", "\n", "No break at all.", "One\nword\nper\nline", "Spaced  \n  out \n\n lines \n"])
def test_line_breaks_found_from_the_text_mark_what_a_visit_of_each_token_marks(nlp, text):
    tokenize = nlp.tokenizer
    ours, theirs = line_breaks(tokenize(text)), _breaks_token_by_token(tokenize(text))
    assert [t.is_sent_start for t in ours] == [t.is_sent_start for t in theirs]


def _parse(doc):
    return doc.to_array(PARSE).tolist(), [str(t.morph) for t in doc]


def test_the_layers_multiply_through_numpy_on_one_blas_thread(nlp):
    components = [component for _, component in nlp.pipeline if isinstance(getattr(component, "model", None), Model)]
    assert components and all(not layer.ops.use_blis for c in components for layer in c.model.walk())
    assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}


def test_numpys_products_parse_and_find_names_as_blis_does(nlp, spacy_as_installed):
    for ours, theirs in zip(nlp.pipe(TEXTS), spacy_as_installed.pipe(TEXTS)):
        assert _parse(ours) == _parse(theirs), ours.text
        assert ours.ents


def test_numpys_products_parse_the_dev_texts_as_blis_does(nlp, spacy_as_installed, shared_texts):
    differing = [n for n, (ours, theirs) in enumerate(zip(nlp.pipe(shared_texts), spacy_as_installed.pipe(shared_texts)))
                 if _parse(ours) != _parse(theirs)]
    assert shared_texts and differing == []
