"""Modality read off the parse, on sentences written for these tests."""
import pytest

from actorgraph.extract.modality import modality_of


def trigger(nlp, text, word):
    doc = nlp(text)
    return next(t for t in doc if t.text == word)


@pytest.mark.parametrize("text, word, expected", [
    ("Turkey armed the rebels.", "armed", "asserted"),
    ("Turkey did not arm the rebels.", "arm", "negated"),
    ("Turkey has no ties to the rebels.", "ties", "negated"),
    ("Turkey denied arming the rebels.", "arming", "negated"),
    ("Turkey may have armed the rebels.", "armed", "hedged"),
    ("It seems that Turkey armed the rebels.", "armed", "hedged"),
    ("Turkey is widely reported to have armed the rebels.", "armed", "hedged"),
    ("We cannot deny that Turkey armed the rebels.", "armed", "hedged"),
    ("Did Turkey arm the rebels?", "arm", "question"),
    ("If Turkey armed the rebels, the war would last.", "armed", "conditional"),
    ("Officials said that Turkey armed the rebels.", "armed", "reported"),
    ("According to officials, Turkey armed the rebels.", "armed", "reported"),
    ("Turkey armed the rebels, officials said.", "armed", "reported"),
])
def test_modality(nlp, text, word, expected):
    assert modality_of(trigger(nlp, text, word))[0] == expected


def test_reported_claim_keeps_its_speaker(nlp):
    modality, speaker = modality_of(trigger(nlp, "The ministry said that Turkey armed the rebels.", "armed"))
    assert modality == "reported" and speaker.text == "ministry"


@pytest.mark.parametrize("text, speaker", [
    ("According to the panel, Turkey armed the rebels.", "panel"),
    ("According to the UN panel of experts, Turkey armed the rebels.", "panel"),
    ("According to Western diplomats, Turkey armed the rebels.", "diplomats"),
])
def test_according_to_names_the_noun_not_its_determiner(nlp, text, speaker):
    modality, found = modality_of(trigger(nlp, text, "armed"))
    assert modality == "reported" and found.text == speaker


def test_speaker_of_a_subject_clause_is_not_a_report(nlp):
    text = "The group's founder, a cleric, called on his followers to disarm."
    assert modality_of(trigger(nlp, text, "founder"))[0] == "asserted"
