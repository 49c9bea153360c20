"""Document profiles (genre, claims, sources, labels, misspellings, checkable claims) and source
attention, on texts written for these tests, the dev corpus and the reference article."""
import pytest

from actorgraph.extract.coref import resolve_anaphora
from actorgraph.extract.document import extract
from actorgraph.extract.mentions import find_mentions
from actorgraph.models import Document
from actorgraph.extract.profile import CHECK_NOTE, document_profile, genre, probable_misspellings
from actorgraph.answer.attention import attention
from actorgraph.extract.rhetoric import find_spans


def profile_of(nlp, text: str, name: str = "t", published: str | None = None, **kwargs) -> dict:
    document = Document(text=text, name=name, published=published)
    doc = nlp(text)
    mentions = resolve_anaphora(doc, find_mentions(doc))
    relations = extract(document, doc).relations
    return document_profile(document, doc, mentions, relations, find_spans(doc), **kwargs)


def genre_of(nlp, text: str) -> str:
    doc = nlp(text)
    return genre(doc, extract(Document(text=text, name="t"), doc).relations, find_spans(doc))[0]


def misspelt(nlp, text: str) -> dict[str, str]:
    doc = nlp(text)
    return {m["text"]: m["suggestion"] for m in probable_misspellings(doc, resolve_anaphora(doc, find_mentions(doc)))}


def test_misspelt_place_in_a_list_of_places(nlp):
    found = misspelt(nlp, "The militia now controls Latakia, Homa and Aleppo.")
    assert found == {"Homa": "Hama"}


def test_known_names_are_not_misspellings(nlp):
    assert misspelt(nlp, "Hamas fighters left Gaza for Rafah; Hama and Homs stayed calm.") == {}


def test_misspellings_carry_offsets_and_score(nlp):
    text = "Rebels entered Latakia, Homa and Idlib."
    doc = nlp(text)
    item = probable_misspellings(doc, resolve_anaphora(doc, find_mentions(doc)))[0]
    assert text[item["start"]:item["end"]] == "Homa" and 0 < item["score"] < 100


def test_genre_of_short_texts(nlp):
    assert genre_of(nlp, "The Ministry of Foreign Affairs condemns the attack and calls on the international "
                         "community to act. The Government reiterates its support for the victims.") == "statement"
    assert genre_of(nlp, "KARSHI, March 3 - Government forces retook the town on Monday, the army said. "
                         "Residents told reporters the rebels had left.") == "news"
    assert genre_of(nlp, "I believe we must stop pretending. How can anyone trust these thugs? "
                         "We should have acted years ago.") == "opinion"
    assert genre_of(nlp, "Analysts say the truce is likely to hold. The split suggests the group could "
                         "weaken in the long run.") == "analysis"


@pytest.mark.parametrize("name,expected", [
    ("d3-libya-opinion", "opinion"), ("d7-north-syria-opinion", "opinion"), ("d1-m23-goma", "news"),
    ("d5-wagner-mutiny", "news"), ("d6-kashmir-statement", "statement")])
def test_dev_genres(shared, nlp, name, expected):
    text = (shared / "dev" / f"{name}.txt").read_text("utf-8")
    assert genre_of(nlp, text) == expected
    headless = text.split("\n", 1)[1]
    assert genre_of(nlp, headless) == expected, "the guess should not rest on the headline word alone"


def test_profile_shares_sources_and_checks(nlp):
    text = ("Sources say Hayat Tahrir al-Sham captured Saraqib on Monday. India said that Pakistan has funded "
            "Lashkar-e-Taiba. Who can deny that Iran arms the Houthis?")
    profile = profile_of(nlp, text, published="2024-12-02")
    assert abs(sum(profile["claims"].values()) - 1) < 1e-6
    assert profile["claims"]["question"] > 0
    assert "India" in profile["sources"]["named"]
    assert "Sources say" in profile["sources"]["unnamed"]
    check = profile["checkable_claims"][0]
    assert (check["subject"], check["object"], check["note"]) == ("Hayat Tahrir al-Sham", "Saraqib", CHECK_NOTE)
    assert [r["technique"] for r in profile["not_evidence"]] == ["rhetorical_question"]
    confirmed = profile_of(nlp, text, published="2024-12-02", confirmed=lambda r: True)
    assert confirmed["checkable_claims"] == []


def test_reference_profile(shared, nlp):
    text = (shared / "examples" / "taliban-hts-opinion.txt").read_text("utf-8")
    profile = profile_of(nlp, text, name="reference")
    assert profile["genre"] == "opinion"
    assert {"text": "Homa", "suggestion": "Hama"}.items() <= profile["misspellings"][0].items()
    assert "terrorist" in profile["loaded_labels"]["Hayat Tahrir al-Sham"]
    assert {"burden_shifting", "rhetorical_question", "name_calling"} <= set(profile["rhetoric_counts"])
    assert any(c["object"] == "Homa" for c in profile["checkable_claims"])
    assert {r["technique"] for r in profile["not_evidence"]} == {"rhetorical_question", "imagined_ability"}


def test_attention_shares_by_window():
    docs = [
        {"source": "A", "published": "2024-12-02", "mentions": ["Taliban", "Taliban", "HTS"]},
        {"source": "A", "published": "2024-12-04", "mentions": ["HTS"]},
        {"source": "A", "published": "2024-12-20", "mentions": ["Iran"]},
        {"source": "B", "published": None, "mentions": ["Iran"]},
    ]
    rows = attention(docs, by="week")
    first = [r for r in rows if r["source"] == "A" and r["window"] == "2024-W49"]
    hts = next(r for r in first if r["actor"] == "HTS")
    assert (hts["documents"], hts["documents_share"], hts["mentions"], hts["mentions_share"]) == (2, 1.0, 2, 0.5)
    assert {r["window"] for r in rows if r["source"] == "B"} == {"undated"}
    monthly = attention(docs, by="month")
    assert {r["window"] for r in monthly if r["source"] == "A"} == {"2024-12"}
    with pytest.raises(ValueError):
        attention(docs, by="year")
