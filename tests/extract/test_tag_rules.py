"""The attribute ruler as a table gives spaCy's own annotations, token for token."""
import spacy
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from actorgraph.extract import nlp as pipeline
from actorgraph.extract.tag_rules import compiled, swap_in

ANNOTATIONS = [POS, MORPH, LEMMA, TAG, DEP]

# Written for this test: auxiliaries as main verbs, pronouns as objects, contractions, spaced
# tokens, determiners standing alone, subordinators and colloquial forms the ruler treats apart.
TEXTS = [
    "The Taliban have denied that they did it. They did not host the TTP, a spokesman said.",
    "Y'all ain't seen nothin' yet , he told them ;  that was all .\n\nIslamabad says it is so.",
    "Whether or not Kabul had a hand in it, the attacks that followed were blamed on it.",
    "I gave it to you because you asked for it.  Those who fought were few; this is theirs.",
    "Do they have fighters? They do, and have had them since 2021 - or so Pakistan's army says.",
    "",
    "   \n ",
]


def _annotations(doc: Doc) -> tuple:
    return doc.to_array(ANNOTATIONS).tolist(), [str(t.morph) for t in doc], [t.lemma_ for t in doc]


def test_the_project_pipeline_runs_the_table_in_the_rulers_place(nlp):
    assert "tag_rules" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    assert nlp.pipe_names.index("tag_rules") < nlp.pipe_names.index("lemma_table")


def test_the_table_annotates_as_spacys_ruler_does(nlp, spacy_as_installed):
    for text, ours in zip(TEXTS, nlp.pipe(TEXTS)):
        assert _annotations(ours) == _annotations(spacy_as_installed(text)), text


def test_the_table_annotates_the_dev_texts_as_spacys_ruler_does(nlp, spacy_as_installed, shared_texts):
    differing = [n for n, (ours, theirs) in enumerate(zip(nlp.pipe(shared_texts), spacy_as_installed.pipe(shared_texts)))
                 if _annotations(ours) != _annotations(theirs)]
    assert shared_texts and differing == []


def _tagged(vocab) -> Doc:
    return Doc(vocab, words=["They", "do", "n't", "host", "it", "."], tags=["PRP", "VBP", "RB", "VB", "PRP", "."],
               heads=[3, 3, 3, 3, 3, 3], deps=["nsubj", "aux", "neg", "ROOT", "dobj", "punct"])


def _ruler(vocab, rules) -> AttributeRuler:
    ruler = AttributeRuler(vocab)
    for patterns, attrs, index in rules:
        ruler.add(patterns, attrs, index)
    return ruler


def test_a_later_rule_overrides_an_earlier_one_and_two_token_rules_reach_their_index():
    vocab = spacy.blank("en").vocab
    ruler = _ruler(vocab, [
        ([[{"TAG": "VBP"}]], {"POS": "VERB", "MORPH": "Tense=Pres"}, 0),
        ([[{"TAG": "VBP", "DEP": {"IN": ["aux", "auxpass"]}}]], {"POS": "AUX"}, 0),
        ([[{"LOWER": "do"}, {"LOWER": {"REGEX": "^n'?t$"}}]], {"LEMMA": "not"}, -1),
        ([[{"TAG": {"NOT_IN": ["VB", ""]}, "LOWER": "it"}]], {"MORPH": "Case=Acc"}, 0),
    ])
    table = compiled(ruler)
    assert table is not None
    expected, ours = ruler(_tagged(vocab)), table(_tagged(vocab))
    assert _annotations(ours) == _annotations(expected)
    assert [t.pos_ for t in ours][1] == "AUX" and ours[2].lemma_ == "not" and str(ours[4].morph) == "Case=Acc"


def test_a_full_cache_is_emptied_and_the_annotations_stay_the_same(spacy_as_installed):
    installed = spacy_as_installed
    table = compiled(installed.get_pipe("attribute_ruler"))
    table.MAX_CACHED = 3
    with installed.select_pipes(disable=["attribute_ruler", "lemmatizer"]):
        ours = [table(doc) for doc in installed.pipe(TEXTS)]
    with installed.select_pipes(disable=["lemmatizer"]):
        expected = list(installed.pipe(TEXTS))
    assert len(table._outcomes) <= 3
    assert [_annotations(doc) for doc in ours] == [_annotations(doc) for doc in expected]


def test_a_rule_the_table_cannot_read_leaves_spacys_ruler_in_place():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "the"}, {"IS_TITLE": True, "OP": "+"}]], {"POS": "DET"})
    assert compiled(ruler) is None
    assert swap_in(nlp) is False
    assert nlp.pipe_names == ["attribute_ruler"]
