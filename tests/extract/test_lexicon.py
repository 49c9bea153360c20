"""The packaged domain data: ontology copy, gazetteer and cue lexicons."""
from collections import Counter
from pathlib import Path

import yaml

from actorgraph.extract.lexicon import SAFE_LOADER, cues, gazetteer, load_gazetteer, ontology
from actorgraph.names import normalize

PREDICATES = {"derived_from", "member_of", "leads", "cooperates_with", "supports", "hosts", "endorses", "mediates",
              "shares_ideology", "pressures", "hostile_to", "controls", "detains"}


def test_ontology_has_the_thirteen_predicates():
    assert set(ontology().predicates) == PREDICATES
    assert ontology().predicates["mediates"].arity == 3
    assert set(ontology().modalities) == {"asserted", "hedged", "question", "conditional", "negated", "reported"}


def test_ontology_copy_matches_the_shared_contract(shared):
    contract = yaml.safe_load((shared / "ontology.yaml").read_text())
    assert set(contract["predicates"]) == set(ontology().predicates)
    assert set(contract["entity_types"]) == set(ontology().entity_types)


def test_gazetteer_covers_at_least_150_real_actors_of_each_kind():
    entries = gazetteer().entries
    assert len(entries) >= 150
    kinds = Counter(e.actor.type for e in entries.values())
    assert kinds["armed_group"] >= 40 and kinds["state"] >= 40 and kinds["person"] >= 25


def test_gazetteer_aliases_transliterations_and_script():
    gaz = gazetteer()
    jolani = {gaz.lookup(n).id for n in ("al-Jolani", "al-Julani", "al-Golani", "Ahmed al-Sharaa", "أبو محمد الجولاني")}
    assert len(jolani) == 1
    assert gaz.lookup("Daesh").id == gaz.lookup("ISIS").id == gaz.lookup("the Islamic State").id
    assert gaz.lookup("ISKP").id != gaz.lookup("Islamic State").id


def test_gazetteer_references_resolve_and_ids_are_unique():
    gaz = gazetteer()
    for entry in gaz.entries.values():
        assert not entry.actor.id.startswith("x-")
        for ref in (*entry.leads, *entry.predecessors):
            assert ref in gaz.entries, f"{entry.actor.id} refers to unknown {ref}"


def test_no_alias_is_claimed_by_two_actors():
    owners: dict[str, set[str]] = {}
    for entry in gazetteer().entries.values():
        for alias in (entry.actor.name, *entry.actor.aliases):
            owners.setdefault(normalize(alias), set()).add(entry.actor.id)
    assert {alias: ids for alias, ids in owners.items() if len(ids) > 1} == {}


def test_user_gazetteer_file_replaces_the_packaged_one(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("actors:\n  - {id: kivu-front, name: Kivu Front, type: armed_group, aliases: [KF]}\n")
    gaz = load_gazetteer(path)
    assert gaz.lookup("the Kivu Front").name == "Kivu Front" and len(gaz.entries) == 1


def test_user_gazetteer_with_an_unknown_type_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("actors:\n  - {id: x1, name: X, type: spaceship}\n")
    try:
        load_gazetteer(path)
    except ValueError as exc:
        assert "spaceship" in str(exc)
    else:
        raise AssertionError("an unknown type was accepted")


def test_every_cue_names_an_ontology_predicate():
    lexicon = cues()
    used = {f.predicate for f in (*lexicon.verb_frames, *lexicon.noun_frames, *lexicon.phrases)}
    assert used <= PREDICATES
    assert used == PREDICATES


def test_field_groups_add_armed_groups_the_gazetteer_lacks(monkeypatch):
    assert not [i for i in gazetteer().entries if i.startswith("phx-")], "off unless asked for"
    monkeypatch.setenv("ACTORGRAPH_FIELD_GROUPS", "1")
    gaz = load_gazetteer()
    field = [e.actor for e in gaz.entries.values() if e.actor.id.startswith("phx-")]
    assert len(field) >= 300 and {a.type for a in field} == {"armed_group"}
    assert gaz.lookup("Irish National Liberation Army").id == gaz.lookup("INLA").id


def test_field_groups_lend_names_to_the_gazetteers_own_actor_and_take_none(monkeypatch):
    monkeypatch.setenv("ACTORGRAPH_FIELD_GROUPS", "1")
    gaz = load_gazetteer()
    assert gaz.lookup("Organization of the Oppressed on Earth").id == "hezbollah"
    assert gaz.lookup("Taliban").id == "taliban"
    raw = yaml.safe_load((Path(__file__).parents[2] / "src/actorgraph/data/phoenix_groups.yaml").read_text())
    names = {normalize(n) for a in raw["actors"] for n in (a["name"], *a["aliases"])}
    assert not names & {"new order", "direct action", "falcon", "hassan nasrallah", "sheikh hassan nasrallah"}


def test_field_groups_are_left_out_of_a_users_gazetteer(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTORGRAPH_FIELD_GROUPS", "1")
    path = tmp_path / "mine.yaml"
    path.write_text("actors:\n  - {id: kivu-front, name: Kivu Front, type: armed_group}\n")
    assert load_gazetteer(path).lookup("Irish National Liberation Army") is None
    assert load_gazetteer().lookup("Irish National Liberation Army") is not None


def test_lexicon_words_that_yaml_1_1_reads_as_booleans_stay_words():
    """'on', 'off' and 'no' are a preposition, a particle and a negation cue in cues.yaml; PyYAML's
    YAML 1.1 reading made them booleans, and the frames that named them never matched."""
    assert yaml.load("[on, off, no, yes, true, False]", Loader=SAFE_LOADER) == ["on", "off", "no", "yes", True, False]
    lexicon = cues()
    for frame in (*lexicon.verb_frames, *lexicon.noun_frames):
        assert all(isinstance(way, str) for way in frame.via), frame
    assert "no" in lexicon.modality["negation_words"]
    assert "on" in next(f for f in lexicon.noun_frames if "attack" in f.nouns).via


def test_attacks_on_an_actor_are_hostility(run):
    found = {(r.subject.actor.name, r.predicate, r.object.actor.name) for r in run(
        "Hezbollah launched attacks on Israel in October.").relations}
    assert ("Hezbollah", "hostile_to", "Israel") in found
