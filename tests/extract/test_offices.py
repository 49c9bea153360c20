"""A person named with a title holds an office in what the title names, on sentences written for
these tests; a title that names nothing gives nothing."""
import pytest

from actorgraph.extract.document import token_mentions
from actorgraph.extract.offices import office_holders, read_title
from actorgraph.extract.syntax import Arguments
from conftest import facts


def offices(nlp, text: str) -> set[tuple[str, str, str]]:
    doc = nlp(text)
    mentions = token_mentions(doc, None)
    return {(c.subject.mention.actor.name, c.predicate, c.object.mention.actor.name)
            for c in office_holders(doc, mentions, Arguments(mentions))}


@pytest.mark.parametrize("text, expected", [
    ("Pakistani Prime Minister Shehbaz Sharif said Islamabad would act.", ("Shehbaz Sharif", "leads", "Pakistan")),
    ("Nigeria's President Bola Tinubu flew to Abuja.", ("Bola Tinubu", "leads", "Nigeria")),
    ("UN Secretary-General Antonio Guterres spoke on Monday.", ("Antonio Guterres", "leads", "United Nations")),
    ("The Ethiopian army chief, Birhanu Jula, met the envoy.", ("Birhanu Jula", "member_of", "Ethiopia")),
    ("Mangal Bagh, the chief of Lashkar-e-Islam, was killed.", ("Mangal Bagh", "leads", "Lashkar-e-Islam")),
    ("The Prime Minister of Armenia, Nikol Pashinyan, spoke.", ("Nikol Pashinyan", "leads", "Armenia")),
    ("Taliban chief spokesman Zabihullah Mujahid said the group would respond.",
     ("Zabihullah Mujahid", "member_of", "Taliban")),
    ("US Secretary of State Antony Blinken arrived in Doha.", ("Antony Blinken", "member_of", "United States")),
])
def test_a_title_that_names_a_state_or_group_gives_the_office(nlp, text, expected):
    assert expected in offices(nlp, text)


@pytest.mark.parametrize("text", [
    "President Ilham Aliyev spoke on Monday.",
    "Defence Minister Sergei Shoigu visited the front.",
    "Government spokesman Patrick Muyaya denied the report.",
])
def test_a_title_that_names_nothing_gives_nothing(nlp, text):
    assert offices(nlp, text) == set()


def test_a_deputy_of_a_leader_is_a_member(nlp):
    assert ("Marwan Issa", "member_of", "Hamas") in offices(nlp, "Hamas deputy commander Marwan Issa was killed.")


def test_title_words_are_joined_as_the_press_writes_them(nlp):
    doc = nlp("UN Secretary-General Antonio Guterres and Prime Minister Imran Khan met.")
    assert read_title(list(doc[0:4])).words == ("un", "secretary-general")
    assert read_title(list(doc[7:9])).words == ("prime-minister",)


def test_office_holders_reach_the_extracted_relations(run):
    found = facts(run("Ethiopian Prime Minister Abiy Ahmed flew to Asmara on Sunday."))
    assert ("Abiy Ahmed", "leads", "Ethiopia") in found


@pytest.mark.parametrize("text, expected", [
    ("UN rights chief Volker Turk condemned the strike.", ("Volker Turk", "member_of", "United Nations")),
    ("The Kenyan head of mission, John Otieno, resigned.", ("John Otieno", "member_of", "Kenya")),
])
def test_the_chief_of_a_part_is_a_member_of_the_whole(nlp, text, expected):
    found = offices(nlp, text)
    assert expected in found and (expected[0], "leads", expected[2]) not in found


@pytest.mark.parametrize("text, expected", [
    ("Israel said it had killed Hassan Farhat, a Hamas commander, in Sidon.", ("Hassan Farhat", "member_of", "Hamas")),
    ("Ali Hassan, a senior YBS commander, was wounded.", ("Ali Hassan", "member_of", "YBS")),
])
def test_a_leaders_title_with_an_article_is_one_of_several(nlp, text, expected):
    found = offices(nlp, text)
    assert expected in found
    assert (expected[0], "leads", expected[2]) not in found
