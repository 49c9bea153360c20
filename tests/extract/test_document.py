"""Relations from short texts written for these tests, one behaviour each."""
from actorgraph.extract.document import extract
from actorgraph.models import Document
from conftest import facts


def test_verb_frame_with_passive_agent(run):
    result = run("The Syrian National Army was armed and trained by Turkey in 2019.")
    names = {(r.subject.actor.name, r.predicate) for r in result.relations}
    assert ("Turkey", "supports") in names


def test_relative_clause_and_capture(run):
    result = run("Hayat Tahrir al-Sham, which captured Aleppo in late 2024, is led by Abu Mohammad al-Jolani.")
    found = facts(result)
    assert ("Hayat Tahrir al-Sham", "controls", "Aleppo") in found
    assert ("Abu Mohammad al-Jolani", "leads", "Hayat Tahrir al-Sham") in found


def test_offshoot_noun_and_lineage(run):
    result = run("Hayat Tahrir al-Sham is an offshoot of Jabhat al-Nusra, itself a branch of al-Qaeda.")
    found = facts(result)
    assert ("Hayat Tahrir al-Sham", "derived_from", "Jabhat al-Nusra") in found


def test_denial_is_negated(run):
    result = run("Rwanda denies arming the M23 rebels.")
    relation = next(r for r in result.relations if r.predicate == "supports")
    assert relation.subject.actor.name == "Rwanda"
    assert relation.modality == "negated"


def test_report_keeps_who_said_it(run):
    result = run("India said that Pakistan has funded Lashkar-e-Taiba.")
    relation = next(r for r in result.relations if r.predicate == "supports")
    assert relation.modality == "reported"
    assert relation.attributed_to == "India"


def test_hedge(run):
    result = run("It seems that Turkey supplied the SNA with drones.")
    assert {r.modality for r in result.relations if r.predicate == "supports"} == {"hedged"}


def test_question(run):
    result = run("Did Iran arm the Houthis?")
    assert [r.modality for r in result.relations if r.predicate == "supports"] == ["question"]


def test_pronoun_resolved_to_actor(run):
    result = run("The Taliban took Kabul in August 2021. They also hosted al-Qaeda.")
    assert ("Taliban", "hosts", "al-Qaeda") in facts(result)


def test_mediation_has_two_parties(run):
    result = run("Qatar brokered a ceasefire between Israel and Hamas in November 2023.")
    relation = next(r for r in result.relations if r.predicate == "mediates")
    assert relation.subject.actor.name == "Qatar"
    assert {relation.object.actor.name, relation.object2.actor.name} == {"Israel", "Hamas"}


def test_evidence_offsets_point_into_text(run):
    text = "Background first.\nTurkey backs the Syrian National Army."
    result = run(text)
    relation = next(r for r in result.relations if r.predicate == "supports")
    assert text[relation.evidence.start:relation.evidence.end] == relation.evidence.text
    assert relation.evidence.text.startswith("Turkey backs")


def test_time_from_since(run):
    result = run("The PKK has fought Turkey since 1984.")
    relation = next(r for r in result.relations if r.predicate == "hostile_to")
    assert relation.time.start == "1984" and relation.time.value == "ongoing_since"


def test_no_relation_between_an_actor_and_itself(run):
    result = run("Turkey supports Turkey.")
    assert not result.relations


def test_peoples_listed_as_fighters_are_contingents(run):
    result = run("The offensive was helped by foreign fighters such as the Chechens and Uyghurs. "
                 "All of these groups are allies of the Taliban.")
    allies = {r.subject.actor.name for r in result.relations if r.predicate == "cooperates_with"}
    assert {"Chechen fighters", "Uyghur fighters"} <= allies
    assert all(r.subject.actor.type == "contingent" for r in result.relations if r.predicate == "cooperates_with")


def test_contingent_within_a_group_is_a_member(run):
    result = run("Ankara now openly backs the Uzbek factions within the Taliban.")
    assert ("Uzbek factions", "member_of", "Taliban") in facts(result)


def test_the_two_sides_are_the_last_two_parties_other_than_the_mediator(run):
    result = run("Hamas and Fatah met in Cairo. Egypt has mediated between the two sides since 2017.")
    relation = next(r for r in result.relations if r.predicate == "mediates")
    assert relation.subject.actor.name == "Egypt"
    assert {relation.object.actor.name, relation.object2.actor.name} == {"Hamas", "Fatah"}


def test_middleman_named_by_a_misattached_apposition(run):
    result = run("The real link between the Taliban and HTS is the middleman between the two groups, "
                 "the Turkish government.")
    relation = next(r for r in result.relations if r.predicate == "mediates")
    assert relation.subject.actor.name == "Turkey"
    assert {relation.object.actor.name, relation.object2.actor.name} == {"Taliban", "Hayat Tahrir al-Sham"}


def test_subjectless_verb_takes_the_topmost_actor_not_the_nearest(run):
    result = run("2016 onwards - The African Union mission, made up of troops from Kenya, Uganda and "
                 "Ethiopia, fights al-Shabaab across southern Somalia.")
    hostile = {r.subject.actor.name for r in result.relations if r.predicate == "hostile_to"}
    assert "Ethiopia" not in hostile


def test_two_states_are_never_members_of_each_other(run):
    result = run("The region includes the modern countries of Syria, Jordan and parts of southern Turkey.")
    assert not [r for r in result.relations if r.predicate == "member_of"]


def test_part_of_only_as_a_predicate(run):
    assert ("M23", "member_of", "AFC") in facts(run("The M23 is part of the AFC."))
    hosted = run("The UAE appears to host part of Hemedti's business network.")
    assert not [r for r in hosted.relations if r.predicate == "member_of"]


def test_weapons_received_from_a_state_are_its_support(run):
    found = facts(run("Hezbollah received weapons and money from Iran for years."))
    assert ("Iran", "supports", "Hezbollah") in found


def test_rounding_up_people_is_detention(run):
    found = facts(run("Ethiopian soldiers rounded up dozens of Tigrayans in the capital."))
    assert ("Ethiopia", "detains", "Tigrayans") in found


def test_firing_at_an_actor_is_hostility_to_the_rule_frames_alone(nlp):
    text = "Hezbollah has fired thousands of rockets at Israel since October."
    found = facts(extract(Document(text=text, name="t"), nlp(text), rules_only=True))
    assert ("Hezbollah", "hostile_to", "Israel") in found


def test_ruling_a_place_is_control(run):
    found = facts(run("Al-Shabaab still governs the town of Jilib."))
    assert ("al-Shabaab", "controls", "Jilib") in found


def rule_facts(nlp, text: str) -> set[tuple[str, str, str]]:
    return facts(extract(Document(text=text, name="t"), nlp(text), rules_only=True))


def test_thanking_an_actor_is_endorsement(nlp):
    assert ("Hamas", "endorses", "Iran") in rule_facts(nlp, "Hamas thanked Iran for its steadfast position.")


def test_sharing_anothers_creed_is_shared_ideology(nlp):
    assert ("TTP", "shares_ideology", "Taliban") in rule_facts(
        nlp, "The TTP shares the Deobandi creed of the Afghan Taliban.")
    assert ("Taliban", "shares_ideology", "al-Qaeda") in rule_facts(nlp, "The Taliban share the same creed with al-Qaeda.")


def test_a_groups_armed_wing_is_its_member(nlp):
    found = rule_facts(nlp, "Hamas's armed wing, the Izz al-Din al-Qassam Brigades, claimed the attack.")
    assert any(s.endswith("Qassam Brigades") and p == "member_of" and o == "Hamas" for s, p, o in found)


def test_the_wing_or_province_of_a_group_is_its_member_not_its_offshoot(nlp):
    found = rule_facts(nlp, "The PYD's armed wing, the YPG, holds the town.")
    assert ("YPG", "member_of", "PYD") in found and ("YPG", "derived_from", "PYD") not in found
    found = rule_facts(nlp, "ISWAP, the West African province of the Islamic State, struck Monguno.")
    assert ("ISWAP", "member_of", "Islamic State") in found and ("ISWAP", "derived_from", "Islamic State") not in found


def test_the_head_of_one_part_is_a_member_not_the_leader(nlp):
    found = rule_facts(nlp, "Yasser al-Atta, the army's deputy commander, met the envoy of the Sudanese Armed Forces.")
    assert not any(p == "leads" for _, p, _ in found)
    found = rule_facts(nlp, "Abbas Nilforoushan, a commander of the IRGC, was killed.")
    assert ("Abbas Nilforoushan", "member_of", "Islamic Revolutionary Guard Corps") in found
    assert not any(p == "leads" for _, p, _ in found)
