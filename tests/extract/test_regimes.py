"""Names whose referent changes with the regime, on both sides of each date, in extraction and in
answers (texts written for these tests; real SQLite files in tmp_path)."""
from __future__ import annotations

import pytest

from actorgraph.answer.answer import ask, resolve_actor
from actorgraph.extract.lexicon import gazetteer
from actorgraph.pipeline import ingest
from actorgraph.extract.regimes import country_named, governing
from actorgraph.graph.store import Store

DATES = [  # country, last day of one regime, first day of the next, who governed before and after
    ("afghanistan", "2021-08-14", "2021-08-15", "afghan-republic", "taliban"),
    ("afghanistan", "2001-11-12", "2001-11-13", "taliban", "afghan-republic"),
    ("syria", "2024-12-07", "2024-12-08", "syrian-government", "syrian-transitional-government"),
    ("sudan", "2019-04-10", "2019-04-11", "sudan-bashir-government", "sudan-transitional-government"),
    ("sudan", "2021-10-24", "2021-10-25", "sudan-transitional-government", "sudanese-armed-forces"),
    ("mali", "2020-08-17", "2020-08-18", "malian-civilian-government", "malian-transitional-government"),
    ("mali", "2021-05-23", "2021-05-24", "malian-transitional-government", "malian-junta"),
    ("burkina-faso", "2022-01-23", "2022-01-24", "burkinabe-civilian-government", "burkinabe-junta"),
    ("niger", "2023-07-25", "2023-07-26", "nigerien-civilian-government", "nigerien-junta"),
    ("myanmar", "2021-01-31", "2021-02-01", "myanmar-civilian-government", "myanmar-junta"),
    ("libya", "2021-03-14", "2021-03-15", "government-of-national-accord", "government-of-national-unity"),
    ("yemen", "2014-09-20", "2014-09-21", "yemeni-government", "houthis"),
]


@pytest.mark.parametrize("country, before, after, old, new", DATES, ids=[f"{d[0]}-{d[2]}" for d in DATES])
def test_the_governing_actor_changes_on_the_day(country, before, after, old, new):
    assert governing(country, before).id == old
    assert governing(country, after).id == new


@pytest.mark.parametrize("name, country", [
    ("Kabul", "afghanistan"), ("the Afghan government", "afghanistan"), ("interim Afghan authorities", "afghanistan"),
    ("Damascus", "syria"), ("the Syrian government", "syria"), ("Khartoum", "sudan"), ("Bamako", "mali"),
    ("the Nigerien authorities", "niger"), ("Naypyidaw", "myanmar"), ("Sanaa", "yemen"), ("Tripoli", "libya"),
    ("Afghanistan", None), ("the Yemeni government", None), ("the Taliban", None)])
def test_which_names_are_regime_names(name, country):
    assert country_named(name) == country


def facts(extraction):
    return {(r.subject.actor.name, r.predicate, r.object.actor.name, r.modality) for r in extraction.relations}


def test_a_text_is_read_as_of_its_date(run):
    text = "Kabul denied that it shelters the TTP."
    assert facts(run(text, published="2019-03-02")) == {("Islamic Republic of Afghanistan", "hosts", "TTP", "negated")}
    assert facts(run(text, published="2023-03-02")) == {("Taliban", "hosts", "TTP", "negated")}


def test_a_capital_taken_or_visited_stays_a_place_on_any_date(run):
    result = run("The Taliban captured Kabul. Hamas leaders later flew to Kabul.", published="2023-03-02")
    assert ("Taliban", "controls", "Kabul", "asserted") in facts(result)
    assert all(r.object.actor.name != "Taliban" for r in result.relations)


def test_a_relation_is_read_as_of_its_own_date(run):
    result = run("In 2019, Damascus attacked Hayat Tahrir al-Sham. Today the Syrian government condemned "
                 "Hayat Tahrir al-Sham.", published="2025-03-01")
    subjects = {r.subject.actor.name for r in result.relations if r.object.actor.name == "Hayat Tahrir al-Sham"}
    assert subjects == {"Assad government", "Syrian transitional government"}


def test_a_leaders_government_is_the_regime_he_led_on_the_date(run):
    result = run("In 2003 Omar al-Bashir's government armed the Janjaweed against the Darfur rebels.", published="2024-05-01")
    assert ("Bashir government", "supports", "Janjaweed") in {(s, p, o) for s, p, o, _ in facts(result)}


def test_a_pronoun_for_a_group_is_the_group_not_its_country(run):
    result = run("The Afghan Taliban returned to power in 2021. Since then they have provided safe havens to the TTP.",
                 published="2023-05-01")
    assert ("Taliban", "hosts", "TTP") in {(s, p, o) for s, p, o, _ in facts(result)}
    assert not any(r.subject.actor.name == "Afghanistan" for r in result.relations)


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory):
    folder = tmp_path_factory.mktemp("texts")
    (folder / "2019.md").write_text("---\ntitle: Border talks\nsource: Frontier Wire\npublished: 2019-06-10\n---\n"
                                    "The Afghan government accused the TTP of attacking Afghan border posts.\n")
    (folder / "2023.md").write_text("---\ntitle: Safe havens\nsource: Frontier Wire\npublished: 2023-02-03\n---\n"
                                    "The Afghan government denied that it shelters the TTP.\n")
    store = Store.open(str(tmp_path_factory.mktemp("db") / "graph.sqlite"))
    assert ingest([str(folder)], store).ok
    yield store
    store.close()


def test_ask_resolves_the_name_by_the_date_asked_about(before_and_after):
    store = before_and_after
    assert resolve_actor(store, "the Afghan government", "2019-06-01").id == "afghan-republic"
    assert resolve_actor(store, "the Afghan government", "2023-01-01").id == "taliban"
    assert resolve_actor(store, "the Afghan government").id == "taliban"
    then = ask(store, "What is the relationship between the Afghan government and the TTP?", "2019-12-31")
    now = ask(store, "What is the relationship between the Afghan government and the TTP?")
    assert then["pair"] == ["Islamic Republic of Afghanistan", "TTP"]
    assert [c["predicate"] for c in then["direct"]] == ["hostile_to"]
    assert now["pair"] == ["Taliban", "TTP"]
    assert [(c["predicate"], c["modality"]) for c in now["direct"]] == [("hosts", "negated")]


def test_regime_data_names_only_known_actors():
    gaz = gazetteer()
    for regime in gaz.regimes.values():
        assert regime.country in gaz.entries
        assert all(p.actor in gaz.entries for p in regime.periods)
