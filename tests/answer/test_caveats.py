"""What an answer says about the sources it rests on, and what it sets apart as asked or imagined
rather than claimed: on an opinion piece written for these tests and on the reference article
(from ../shared, skipped when absent); real SQLite files in tmp_path."""
from __future__ import annotations

import pytest

from actorgraph.answer.answer import UnknownActor, ask, parse_question
from actorgraph.pipeline import ingest
from actorgraph.graph.store import Store

OPINION = """Opinion: Who shelters the killers?

The terrorist TTP keeps killing our soldiers, and the terrorists of the TTP plan their raids from Afghan soil.
Why does Kabul look away when TTP gunmen kill policemen in Bannu? The Taliban can easily expel the TTP tomorrow.
The Taliban have sheltered the TTP since 2021. If these facts are false, let the Taliban refute them.
"""


@pytest.fixture(scope="module")
def opinion_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("texts")
    (folder / "op.md").write_text("---\ntitle: Who shelters the killers?\nsource: Frontier Daily\n"
                                  "published: 2024-02-01\n---\n" + OPINION)
    store = Store.open(str(tmp_path_factory.mktemp("db") / "graph.sqlite"))
    assert ingest([str(folder)], store).ok
    yield store
    store.close()


def test_questions_and_imagined_abilities_are_set_apart_and_never_counted(opinion_store):
    result = ask(opinion_store, "What is the relationship between the Taliban and the TTP?")
    whys = {item["why"] for item in result["not_claimed"]}
    assert "imagined ability" in whys
    texts = [e["text"] for c in result["direct"] for e in c["evidence"]]
    assert not any(t.startswith(("Why does Kabul", "The Taliban can easily")) for t in texts)
    assert all(not p["edges"] or all(not e["text"].startswith("The Taliban can easily")
                                     for c in p["edges"] for e in c["evidence"]) for p in result["paths"])
    assert "only asks or imagines" in result["summary"] or "only ask or imagine" in result["summary"]


def test_caveats_name_the_genre_the_rhetoric_and_the_labels(opinion_store):
    result = ask(opinion_store, "What is the relationship between the Taliban and the TTP?")
    caveats = result["caveats"]
    [document] = caveats["documents"]
    assert document["genre"] == "opinion" and document["opinion"] and document["source"] == "Frontier Daily"
    shown = {span["technique"]: span["text"] for span in document["rhetoric"]}
    assert shown["burden_shifting"].startswith("If these facts are false, let the Taliban refute them")
    assert shown["rhetorical_question"].startswith("Why does Kabul look away")
    assert document["labels"].get("TTP", {}).get("terrorist", 0) >= 1
    assert any(line.startswith('  calls TTP "terrorist"') for line in caveats["lines"])
    assert list(document["rhetoric_counts"])[:2] == ["burden_shifting", "rhetorical_question"]
    assert "Every claim here rests on opinion pieces only." in caveats["lines"]
    assert "an opinion piece that shifts the burden of proof" in result["summary"]


def test_more_ways_to_ask_give_the_same_answer(opinion_store):
    asked = [ask(opinion_store, q) for q in ("What is the relationship between the Taliban and the TTP?",
                                             "How are the Taliban and the TTP connected?",
                                             "Is the Taliban linked to the TTP?", "Taliban and TTP")]
    asked.append(ask(opinion_store, "Taliban", other="TTP"))
    assert len({(tuple(a["pair"]), len(a["direct"]), len(a["not_claimed"])) for a in asked}) == 1
    assert parse_question("Is Turkey linked to HTS?") == ("Turkey", "HTS")


def test_an_unknown_name_suggests_the_closest_actors(opinion_store):
    with pytest.raises(UnknownActor, match=r"^no actor called 'the Talibn' in the database; did you mean Taliban\?$"):
        ask(opinion_store, "What is the relationship between the Talibn and the TTP?")


@pytest.fixture(scope="module")
def reference(shared, tmp_path_factory):
    store = Store.open(str(tmp_path_factory.mktemp("ref") / "ref.sqlite"))
    assert ingest([str(shared / "examples" / "taliban-hts-opinion.txt")], store).ok
    yield store
    store.close()


def test_the_reference_answer_reads_with_care(reference):
    result = ask(reference, "What is the relationship between the Taliban and Tahrir al-Sham?")
    [document] = result["caveats"]["documents"]
    assert document["genre"] == "opinion"
    shown = {span["technique"] for span in document["rhetoric"]}
    assert {"burden_shifting", "rhetorical_question"} <= shown
    assert any("terrorist" in labels for labels in document["labels"].values())
    evidence = [e["text"] for c in result["direct"] for e in c["evidence"]]
    evidence += [e["text"] for p in result["paths"] for c in p["edges"] for e in c["evidence"]]
    imagined = [i for i in result["not_claimed"] if i["why"] == "imagined ability"]
    assert imagined and not any(i["text"] in evidence for i in imagined)
    assert not any("let the Taliban issue a refutation" in t for t in evidence)
    assert not any(t.startswith("What could be the reason") for t in evidence)
