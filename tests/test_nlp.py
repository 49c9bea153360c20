"""The spaCy pipeline as the extractor sees it."""
import pytest

from actorgraph.extract.nlp import PipelineMissing, load


def test_a_line_break_ends_a_sentence_without_cutting_the_next_line(nlp):
    doc = nlp("Arms deal\n\nTurkey armed the Syrian National Army in northern Syria, officials said.\n"
              "2015 - The group split.")
    assert [s.text.strip() for s in doc.sents] == [
        "Arms deal", "Turkey armed the Syrian National Army in northern Syria, officials said.",
        "2015 - The group split."]


def test_a_missing_pipeline_says_how_to_install_it():
    with pytest.raises(PipelineMissing, match="pip install"):
        load("no_such_pipeline_xyz")
