"""The spaCy pipeline as the extractor sees it."""
import pytest

from actorgraph.extract.nlp import PipelineMissing, line_breaks, load


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
