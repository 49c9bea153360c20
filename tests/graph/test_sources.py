"""Sources and independence: the registry (packaged and user-merged), near-duplicate detection on
realistic wire copy, what counts as one independent source, and the Admiralty grades."""
import json
from itertools import product

import pytest
from datasketch import MinHash

from actorgraph.graph.sources import (DuplicateIndex, as_minhash, credibility, grade, independent_key,
                                      load_registry, modality_counts, registry, shingles, signature)

WIRE = """KHARTOUM, June 3 (Reuters) - Sudan's paramilitary Rapid Support Forces shelled the besieged city \
of El Fasher on Monday, killing at least 14 civilians and wounding dozens more, local volunteers and a medical \
charity said. The Saudi Hospital, the last major hospital still operating in the city, was hit twice during the \
bombardment, according to Medecins Sans Frontieres, which supports the facility. The RSF, which has fought the \
Sudanese army since April 2023, has surrounded El Fasher for months as it tries to seize the army's last \
stronghold in the western region of Darfur. A spokesman for the RSF denied targeting civilians and accused the \
army of using residential areas to launch attacks. The United Nations has warned that an assault on the city \
could trigger a new wave of ethnic killings like those seen in El Geneina last year. Aid groups say more than \
800,000 people are trapped in El Fasher with dwindling supplies of food, water and medicine."""

# The same story as a newspaper ran it: its own headline, another dateline, one sentence edited.
SYNDICATED = """Paramilitaries shell Darfur city, hospital hit
EL FASHER, Sudan (Reuters) - Sudan's paramilitary Rapid Support Forces shelled the besieged city of El Fasher \
on Monday, killing at least 14 civilians and wounding dozens more, local volunteers and a medical charity said. \
The Saudi Hospital, the last major hospital still operating in the city, was hit twice during the bombardment, \
according to Medecins Sans Frontieres, which supports the facility. The RSF, which has fought the Sudanese army \
since April 2023, has surrounded El Fasher for months as it tries to seize the army's last stronghold in the \
western region of Darfur. A spokesman for the paramilitary force denied that its fighters had targeted civilians \
and accused the army of using residential areas to launch attacks. The United Nations has warned that an \
assault on the city could trigger a new wave of ethnic killings like those seen in El Geneina last year. Aid \
groups say more than 800,000 people are trapped in El Fasher with dwindling supplies of food, water and \
medicine."""

# Two other outlets on the same day and event, in their own words; one quotes MSF as the wire did.
REPORTAGE = """Residents of El Fasher described a night of relentless shelling as the Rapid Support Forces \
pressed their siege of the North Darfur capital on Monday. "The shells fell on the market and on houses near the \
hospital; we buried our neighbours in the morning," said Adam Yahya, a teacher who has sheltered with his family \
in a school since May. Doctors at the Saudi Hospital said that at least a dozen people were killed and that the \
maternity ward had been damaged. The paramilitary group, which is led by Mohamed Hamdan Dagalo, known as \
Hemedti, said in a statement that its fighters were responding to army artillery fire from inside the city. \
Sudan's army, headed by General Abdel Fattah al-Burhan, has held El Fasher with the help of former rebel groups \
from Darfur. UN officials say the fighting has cut the last road used by aid convoys, and that famine is \
spreading across the region."""

ANALYSIS = """The bombardment of El Fasher on Monday is the latest sign that the Rapid Support Forces intend \
to take the whole of Darfur before any ceasefire talks resume in Jeddah. The Saudi Hospital, the last major \
hospital still operating in the city, was hit twice during the bombardment, according to Medecins Sans \
Frontieres. Diplomats in Port Sudan say the army cannot break the siege without help from the Joint Forces, a \
coalition of former Darfuri rebel movements that abandoned their neutrality last year. The United Arab Emirates, \
which a UN panel of experts has accused of sending weapons to the RSF through Chad, denies any role. For the \
800,000 people inside the city, the question is whether the roads south to Tawila will stay open long enough \
for them to leave, and whether anyone will protect them on the way."""


@pytest.fixture
def fresh_registry(monkeypatch):
    """Each registry test loads the registry anew and leaves the packaged one cached after."""
    monkeypatch.delenv("ACTORGRAPH_SOURCES", raising=False)
    registry.cache_clear()
    yield monkeypatch
    registry.cache_clear()


def test_packaged_registry_is_conservative():
    reg = registry()
    profiles = list(reg.profiles.values())
    assert len(profiles) >= 30
    assert not [p.name for p in profiles if p.reliability == "A"]
    by_kind = lambda kind: {p.reliability for p in profiles if p.kind == kind}  # noqa: E731
    assert by_kind("wire") == by_kind("un") == {"B"}
    assert by_kind("state_media") == {"D"}
    assert by_kind("partisan") == {"E"}
    assert by_kind("newspaper") | by_kind("broadcaster") | by_kind("think_tank") == {"C"}


@pytest.mark.parametrize("source, url, expected", [
    ("Reuters", None, "B"),
    ("Thomson Reuters", None, "B"),
    ("reuters.com", None, "B"),
    ("www.reuters.com", None, "B"),
    (None, "https://www.reuters.com/world/africa/sudan-2024-06-03/", "B"),
    (None, "https://news.un.org/en/story/2024/06/1150736", "B"),
    ("The Guardian", None, "C"),
    ("guardian", None, "C"),
    (None, "https://www.bbc.co.uk/news/world-africa-1", "C"),
    ("RT", None, "D"),
    ("Amaq", None, "E"),
    ("Al-Naba'", None, "E"),
    ("Nile Valley Gazette", None, "F"),
    ("Nile Valley Gazette", "https://apnews.com/article/sudan", "B"),
    (None, "https://example.org/sudan", "F"),
    (None, "https://notreuters.com/x", "F"),
    (None, None, "F"),
])
def test_reliability_by_name_alias_and_domain(source, url, expected):
    assert registry().reliability(source, url) == expected


def test_profile_carries_the_entry():
    profile = registry().profile(None, "https://www.aljazeera.com/news/2024/6/3/x")
    assert profile.name == "Al Jazeera" and profile.kind == "broadcaster" and "Qatar" in profile.note
    assert registry().profile("Some Blog") is None


def test_user_file_is_merged_over_the_packaged_one(fresh_registry, tmp_path):
    user = tmp_path / "my.yaml"
    user.write_text("""
sources:
  - {name: reuters, reliability: A}
  - name: Nile Valley Gazette
    reliability: c
    kind: newspaper
    domains: [www.nilevalley.example]
credibility: {confirmed: 4}
""")
    fresh_registry.setenv("ACTORGRAPH_SOURCES", str(user))
    registry.cache_clear()
    reg = registry()
    assert reg.reliability("Reuters") == reg.reliability("Thomson Reuters") == "A"
    assert reg.reliability(None, "https://reuters.com/x") == "A"
    assert reg.reliability("Nile Valley Gazette") == "C"
    assert reg.reliability(None, "http://sport.nilevalley.example/a") == "C"
    assert reg.reliability("AFP") == "B"
    assert reg.credibility.confirmed == 4 and reg.credibility.probable == 2
    assert credibility(3, 0, 0, 0, 0) == 2


def test_invalid_user_entries_are_rejected(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - {name: X, reliability: G}\n")
    with pytest.raises(ValueError, match="reliability"):
        load_registry(bad)
    bad.write_text("sources:\n  - {name: X, reliability: C, kind: tabloid}\n")
    with pytest.raises(ValueError, match="kind"):
        load_registry(bad)
    bad.write_text("credibility: {probable: 0}\n")
    with pytest.raises(ValueError, match="credibility"):
        load_registry(bad)


def test_shingles_fold_case_and_punctuation():
    text = " ".join(f"Word{i}," for i in range(30))
    assert shingles(text) == shingles(text.upper().replace(",", " ;"))
    assert len(shingles(text)) == 26 and "word0 word1 word2 word3 word4" in shingles(text)
    assert shingles(text, k=3) == {" ".join(f"word{j}" for j in range(i, i + 3)) for i in range(28)}


def test_short_texts_are_one_shingle():
    assert shingles("RSF shells El Fasher, killing 14.") == {"rsf shells el fasher killing 14"}
    assert shingles("  ...  ") == set()


def test_signature_is_seeded_and_survives_json():
    sig = signature(WIRE)
    assert len(sig) == 128 and sig == signature(WIRE)
    again = as_minhash(json.loads(json.dumps(sig)))
    assert isinstance(again, MinHash) and again.jaccard(as_minhash(sig)) == 1.0
    assert as_minhash(signature(SYNDICATED)).jaccard(again) > 0.7
    assert as_minhash(signature(REPORTAGE)).jaccard(again) < 0.1


def test_syndicated_copy_is_one_story_and_other_reporting_is_not():
    index = DuplicateIndex()
    assert index.add("wire", signature(WIRE)) == "wire"
    assert index.add("reportage", signature(REPORTAGE)) == "reportage"
    assert index.add("copy", signature(SYNDICATED)) == "wire"
    assert index.add("analysis", signature(ANALYSIS)) == "analysis"
    assert index.add("copy", signature(SYNDICATED)) == "wire"
    assert index.root("copy") == "wire" and "analysis" in index


def test_copy_of_a_copy_joins_the_earliest_cluster():
    index = DuplicateIndex()
    index.add("copy", signature(SYNDICATED))
    index.add("wire", signature(WIRE))
    trimmed = WIRE.rsplit(" Aid groups", 1)[0]
    assert index.add("wire", signature(WIRE)) == "copy"
    assert index.add("trimmed", signature(trimmed)) == "copy"


def test_index_rebuilds_from_stored_rows():
    index = DuplicateIndex()
    rows = [(doc_id, signature(text)) for doc_id, text in
            [("wire", WIRE), ("copy", SYNDICATED), ("reportage", REPORTAGE)]]
    stored = [(doc_id, json.loads(json.dumps(sig)), index.add(doc_id, sig)) for doc_id, sig in rows]
    rebuilt = DuplicateIndex.from_signatures(stored)
    assert [rebuilt.root(d) for d, _, _ in stored] == ["wire", "wire", "reportage"]
    assert rebuilt.add("again", signature(SYNDICATED.replace("Darfur city", "town"))) == "wire"
    assert rebuilt.add("analysis", signature(ANALYSIS)) == "analysis"


def test_short_texts_match_only_the_same_text():
    index = DuplicateIndex()
    assert index.add("a", signature("RSF shells El Fasher, killing 14.")) == "a"
    assert index.add("b", signature("rsf shells  el fasher - killing 14")) == "a"
    assert index.add("c", signature("RSF shells El Fasher, killing 15.")) == "c"
    assert index.add("d", signature("Breaking: RSF shells El Fasher, killing 14.")) == "d"
    assert index.add("e", signature("")) == "e"


def test_independent_key():
    assert independent_key("Al Jazeera", "copy", "wire", "Reuters") == "source:reuters"
    assert independent_key("Reuters", "wire", "wire", "Reuters") == "source:reuters"
    assert independent_key("reuters.com", "d2", "d2", None) == independent_key("Thomson Reuters", "d3", "d3", None)
    assert independent_key("Nile Valley Gazette", "d4", "d4", None) == "source:nile valley gazette"
    assert independent_key(None, "d5", "d5", None) == "doc:d5"
    assert independent_key("The Guardian", "copy", "blog-post", None) == "doc:blog-post"


@pytest.mark.parametrize("counts, expected", [
    ((3, 0, 0, 0, 0), 1),
    ((5, 2, 1, 0, 1), 1),
    ((2, 0, 0, 0, 0), 2),
    ((2, 3, 4, 0, 0), 2),
    ((3, 0, 0, 1, 0), 2),
    ((2, 0, 0, 1, 0), 3),
    ((1, 0, 0, 0, 0), 3),
    ((1, 5, 5, 0, 0), 3),
    ((0, 2, 0, 0, 0), 3),
    ((0, 1, 1, 0, 0), 3),
    ((0, 9, 9, 0, 0), 3),
    ((0, 1, 0, 0, 0), 4),
    ((0, 0, 1, 0, 0), 4),
    ((1, 0, 0, 1, 0), 4),
    ((3, 0, 0, 3, 0), 4),
    ((1, 2, 0, 2, 0), 4),
    ((0, 3, 0, 1, 0), 4),
    ((1, 0, 0, 2, 0), 5),
    ((0, 1, 0, 2, 0), 5),
    ((0, 0, 0, 1, 0), 5),
    ((0, 0, 0, 1, 4), 5),
    ((0, 0, 0, 0, 2), 6),
    ((0, 0, 0, 0, 0), 6),
])
def test_credibility_table(counts, expected):
    assert credibility(*counts) == expected


def test_without_an_asserting_source_a_claim_is_never_1_or_2():
    for reported, hedged, negated, other in product(range(6), repeat=4):
        assert credibility(0, reported, hedged, negated, other) >= 3


def test_a_hedged_single_source_claim_cannot_be_1():
    assert credibility(asserted=0, reported=0, hedged=1, negated=0, other=0) == 4
    assert credibility(**modality_counts([("source:bbc", "hedged")] * 4)) == 4
    assert grade(["B"], credibility(0, 0, 1, 0, 0)) == "B4"


def test_denials_never_raise_a_judgeable_grade():
    for asserted, reported, hedged, negated in product(range(5), repeat=4):
        if asserted + reported + hedged:
            assert (credibility(asserted, reported, hedged, negated + 1, 0)
                    >= credibility(asserted, reported, hedged, negated, 0))


def test_modality_counts_count_each_source_once_at_its_firmest():
    pairs = [("source:reuters", "asserted"), ("source:reuters", "hedged"), ("source:bbc", "reported"),
             ("source:bbc", "hedged"), ("doc:x", "hedged"), ("source:tass", "negated"),
             ("source:afp", "asserted"), ("source:afp", "negated"), ("doc:y", "question"),
             ("doc:z", "conditional"), ("doc:z", "hedged")]
    assert modality_counts(pairs) == {"asserted": 2, "reported": 1, "hedged": 2, "negated": 2, "other": 1}
    assert modality_counts([]) == {"asserted": 0, "reported": 0, "hedged": 0, "negated": 0, "other": 0}


def test_grade_takes_the_best_asserting_source():
    assert grade(["C", "B", "F"], 2) == "B2"
    assert grade([], 3) == "F3"
    assert grade(["f", "e"], 1) == "E1"
    assert grade([registry().reliability("Nile Valley Gazette")], 3) == "F3"
    with pytest.raises(ValueError):
        grade(["G"], 3)
    with pytest.raises(ValueError):
        grade(["B"], 7)
