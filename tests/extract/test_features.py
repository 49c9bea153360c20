"""Candidate pairs and their features, on sentences written for these tests."""
from actorgraph.extract.frames import candidates
from actorgraph.extract.document import token_mentions
from actorgraph.extract.features import labels, pair_trigger, pairs


def test_every_pair_of_actors_in_a_sentence_both_ways(nlp):
    doc = nlp("Turkey armed the Syrian National Army. Russia condemned the move.")
    mentions = token_mentions(doc)
    found = pairs(doc, mentions, candidates(doc, mentions))
    assert [(p.subject.mention.actor.name, p.object.mention.actor.name) for p in found] == [
        ("Turkey", "Syrian National Army"), ("Syrian National Army", "Turkey")]
    forward, backward = found
    assert dict(forward.rules).keys() == {"supports"} and not backward.rules
    assert "rule:supports" in forward.features and "rule_rev:supports" in backward.features
    assert "path:nsubj^ vdobj" in forward.features and "path:dobj^ vnsubj" in backward.features
    assert any(f.startswith("cframe:supports:nsubj:dobj") for f in forward.features)
    assert pair_trigger(forward).lemma_ == "arm"


def test_the_nearest_mentions_represent_a_pair_and_places_alone_are_no_pair(nlp):
    doc = nlp("Hamas said on Monday that Israel had struck Gaza City and Khan Younis, and Hamas fought back.")
    found = pairs(doc, token_mentions(doc), [])
    names = {(p.subject.mention.actor.name, p.object.mention.actor.name) for p in found}
    assert ("Gaza City", "Khan Younis") not in names and ("Khan Younis", "Gaza City") not in names
    hamas_israel = next(p for p in found if p.subject.mention.actor.name == "Hamas"
                        and p.object.mention.actor.name == "Israel")
    assert hamas_israel.subject.start == 0


def test_labels_are_the_ontology_predicates():
    assert len(labels()) == 13 and "hostile_to" in labels() and "mediates" in labels()
