"""Answers built from relation values written here: direct relations, paths through an
intermediate, flags, and a summary that never states a single-source claim as fact."""
import pytest

from actorgraph.answer.answer import Graph, answer, claims_of, parse_question, render_text
from actorgraph.models import Actor, Evidence, Mention, Relation

ACTORS = {name: Actor(id=name.lower().replace(" ", "-"), name=name, type=kind) for name, kind in [
    ("Taliban", "armed_group"), ("HTS", "armed_group"), ("al-Qaeda", "armed_group"), ("Turkey", "state"),
    ("Uzbek fighters", "contingent"), ("Aleppo", "place"), ("Qatar", "state"), ("Iran", "state")]}


def rel(s, p, o, modality="asserted", doc="d1", source=None, o2=None, kind=None, sentence=None):
    text = sentence or f"{s} {p} {o}."
    mention = lambda name: Mention(ACTORS[name], name, 0, len(name))  # noqa: E731
    return Relation(doc=doc, subject=mention(s), predicate=p, object=mention(o), modality=modality,
                    evidence=Evidence(text, 0, len(text)), object2=mention(o2) if o2 else None, kind=kind,
                    confidence=0.75, doc_id=doc, source=source)


@pytest.mark.parametrize("question, pair", [
    ("What is the relationship between the Taliban and Tahrir al-Sham?", ("the Taliban", "Tahrir al-Sham")),
    ("How is Turkey linked to HTS?", ("Turkey", "HTS")),
    ("How are Iran and the Houthis related?", ("Iran", "the Houthis")),
    ("what are the ties between RSF and UAE", ("RSF", "UAE")),
])
def test_parse_question(question, pair):
    assert parse_question(question) == pair


def test_unparseable_question():
    assert parse_question("Tell me everything") is None


def test_claims_group_instances_and_symmetric_directions():
    claims = claims_of([rel("Taliban", "cooperates_with", "HTS", doc="d1"),
                        rel("HTS", "cooperates_with", "Taliban", doc="d2")])
    assert len(claims) == 1 and len(claims[0].instances) == 2


def test_paths_through_parent_backer_and_fighters_with_reasons():
    relations = [
        rel("HTS", "derived_from", "al-Qaeda"), rel("Taliban", "cooperates_with", "al-Qaeda"),
        rel("Turkey", "supports", "HTS"), rel("Turkey", "cooperates_with", "Taliban", modality="hedged"),
        rel("Uzbek fighters", "supports", "HTS", kind="fighters"),
        rel("Uzbek fighters", "cooperates_with", "Taliban"),
        rel("Taliban", "endorses", "HTS", kind="congratulation"),
    ]
    result = answer("q", ACTORS["Taliban"], ACTORS["HTS"], relations)
    middles = {p["nodes"][1] for p in result["paths"] if len(p["nodes"]) == 3}
    assert middles == {"al-Qaeda", "Turkey", "Uzbek fighters"}
    reasons = {p["nodes"][1]: p["reason"] for p in result["paths"]}
    assert reasons["Uzbek fighters"] == "Shared fighters: Uzbek fighters"
    assert [d["predicate"] for d in result["direct"]] == ["endorses"]
    assert result["direct"][0]["evidence"][0]["text"] == "Taliban endorses HTS."
    assert result["sources"] == 1
    assert "uncorroborated" in {f["type"] for f in result["flags"]}
    assert "hedged" in {f["type"] for f in result["flags"]}


def test_summary_never_states_a_single_source_claim_as_fact():
    result = answer("q", ACTORS["Taliban"], ACTORS["HTS"], [rel("Taliban", "endorses", "HTS", kind="congratulation")])
    assert "One source states that Taliban congratulated HTS; this is uncorroborated." in result["summary"]
    assert "rests on one document" in result["summary"]


def test_corroboration_counts_independent_sources_not_copies():
    relations = [rel("Turkey", "supports", "HTS", doc="d1", source="Wire A"),
                 rel("Turkey", "supports", "HTS", doc="d2", source="Wire A"),
                 rel("Turkey", "supports", "HTS", doc="d3", source="Paper B")]
    result = answer("q", ACTORS["Turkey"], ACTORS["HTS"], relations)
    assert result["direct"][0]["sources"] == 2
    assert result["summary"].count("2 independent sources state that Turkey supports HTS") == 1
    assert "uncorroborated" not in {f["type"] for f in result["flags"]}


def test_denial_against_assertion_is_a_contradiction():
    relations = [rel("Turkey", "supports", "HTS", doc="d1", source="A"),
                 rel("Turkey", "supports", "HTS", modality="negated", doc="d2", source="B")]
    result = answer("q", ACTORS["Turkey"], ACTORS["HTS"], relations)
    assert result["direct"][0]["contradicted"] is True
    assert "contradicted" in {f["type"] for f in result["flags"]}
    assert "Sources disagree" in result["summary"]


def test_negated_relation_is_shown_but_is_no_link_in_a_path():
    relations = [rel("Iran", "supports", "Taliban", modality="negated"), rel("Iran", "supports", "HTS")]
    graph = Graph(claims_of(relations))
    assert graph.paths("taliban", "hts") == []
    result = answer("q", ACTORS["Iran"], ACTORS["Taliban"], relations)
    assert result["direct"][0]["modality"] == "negated"


def test_places_are_not_intermediates():
    relations = [rel("HTS", "controls", "Aleppo"), rel("Turkey", "controls", "Aleppo")]
    assert answer("q", ACTORS["Turkey"], ACTORS["HTS"], relations)["paths"] == []


def test_three_hop_path():
    relations = [rel("Taliban", "cooperates_with", "al-Qaeda"), rel("al-Qaeda", "cooperates_with", "Turkey"),
                 rel("Turkey", "supports", "HTS")]
    result = answer("q", ACTORS["Taliban"], ACTORS["HTS"], relations)
    assert result["paths"][0]["nodes"] == ["Taliban", "al-Qaeda", "Turkey", "HTS"]
    assert len(result["paths"][0]["edges"]) == 3


def test_mediation_between_the_pair_is_direct():
    relations = [rel("Qatar", "mediates", "Taliban", o2="Turkey")]
    result = answer("q", ACTORS["Taliban"], ACTORS["Turkey"], relations)
    assert [d["predicate"] for d in result["direct"]] == ["mediates"]
    assert result["paths"][0]["reason"] == "Common intermediary: Qatar"


def test_render_text_lists_evidence_and_flags():
    result = answer("q", ACTORS["Taliban"], ACTORS["HTS"], [rel("Taliban", "endorses", "HTS", modality="hedged")])
    text = render_text(result)
    assert '"Taliban endorses HTS." (d1, hedged)' in text
    assert "[hedged]" in text and "[uncorroborated]" in text


MEDIATED = """
import json
from actorgraph.answer.answer import answer
from actorgraph.models import Actor, Evidence, Mention, Relation
actor = lambda name: Actor(name.lower(), name, "state")
def mediation(mediator):
    text = f"{mediator} mediates between Kabul and Idlib."
    m = lambda name: Mention(actor(name), name, 0, len(name))
    return Relation(doc="d1", subject=m(mediator), predicate="mediates", object=m("Kabul"), object2=m("Idlib"),
                    modality="asserted", evidence=Evidence(text, 0, len(text)), confidence=0.75, doc_id="d1")
result = answer("q", actor("Kabul"), actor("Idlib"), [mediation(n) for n in ("Qatar", "Turkey", "Oman", "Egypt",
                                                                               "Norway", "Japan")])
print(json.dumps([c["subject"] for c in result["direct"]]))
"""


def test_the_same_question_gets_the_same_answer_whatever_the_hash_seed():
    """Mediators of a pair are listed in one order, not in a set's (which changes with PYTHONHASHSEED)."""
    import json
    import os
    import subprocess
    import sys

    orders = {subprocess.run([sys.executable, "-c", MEDIATED], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(4)}
    assert len(orders) == 1, orders
    assert sorted(json.loads(orders.pop())) == ["Egypt", "Japan", "Norway", "Oman", "Qatar", "Turkey"]
