"""The summary's wording, over every combination of sources per modality (0, 1 or 2 independent
sources for each of the six modalities, 729 cases): one template per case, a count never worded
wrongly, and what only asks or imagines never counted as a claim."""
import itertools
import re

import pytest

from actorgraph.answer.answer import answer
from actorgraph.models import Actor, Evidence, Mention, Relation

A = Actor("taliban", "Taliban", "armed_group")
B = Actor("ttp", "TTP", "armed_group")
MODALITIES = ("asserted", "reported", "hedged", "negated", "question", "conditional")
WRONG = re.compile(r"\b(0 sources?|1 sources|1 statements|1 more sources|one sources|One sources)\b|\bsources (says|suggests|denies)\b")


def instance(modality: str, n: int) -> Relation:
    text = f"Sentence {n} ({modality}) about the Taliban and the TTP."
    return Relation(doc=f"{modality}-{n}", doc_id=f"{modality}-{n}", subject=Mention(A, "Taliban", 0, 7),
                    predicate="supports", object=Mention(B, "TTP", 10, 13), modality=modality,
                    evidence=Evidence(text, 0, len(text)), source=f"Outlet {modality} {n}", confidence=0.8,
                    attributed_to="Pakistan" if modality == "reported" else None)


CASES = list(itertools.product(range(3), repeat=len(MODALITIES)))


@pytest.mark.parametrize("counts", CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_every_combination_has_one_well_formed_summary(counts):
    relations = [instance(m, i) for m, n in zip(MODALITIES, counts) for i in range(n)]
    result = answer("q", A, B, relations)
    summary = result["summary"]
    by = dict(zip(MODALITIES, counts))
    claimed = by["asserted"] + by["reported"] + by["hedged"] + by["negated"]
    assert not WRONG.search(summary), summary
    assert len(result["not_claimed"]) == by["question"] + by["conditional"]
    assert all(item["why"] in {"question", "conditional"} for item in result["not_claimed"])
    assert {c["modality"] for c in result["direct"]} <= {"asserted", "reported", "hedged", "negated"}
    assert result["sources"] == claimed
    if not claimed:
        assert result["direct"] == [] and summary.startswith("No direct relation between Taliban and TTP")
    else:
        assert summary.startswith("1 direct relation links Taliban and TTP.")
    unclaimed = by["question"] + by["conditional"]
    if unclaimed == 1:
        assert "One statement only asks or imagines a link between them" in summary
    elif unclaimed:
        assert f"{unclaimed} statements only ask or imagine a link between them" in summary
    else:
        assert "only asks" not in summary and "only ask " not in summary
    contradicted = (by["asserted"] or by["reported"]) and by["negated"]
    if contradicted:
        assert "Sources disagree on whether Taliban supports TTP" in summary
    elif by["asserted"] >= 2:
        assert f"{by['asserted']} independent sources state that Taliban supports TTP." in summary
    elif by["asserted"] == 1:
        assert "One source states that Taliban supports TTP; this is uncorroborated." in summary
    elif by["reported"]:
        source = "one source" if by["reported"] == 1 else f"{by['reported']} sources"
        assert f"According to {source}, Pakistan says that Taliban supports TTP." in summary
    elif by["hedged"]:
        assert ("One source suggests" if by["hedged"] == 1 else f"{by['hedged']} sources suggest") in summary
    elif by["negated"]:
        assert ("One source denies" if by["negated"] == 1 else f"{by['negated']} sources deny") in summary
    if claimed and by["asserted"] and not contradicted:
        weaker = by["reported"] + by["hedged"]
        if weaker == 1:
            assert "One more source only reports or hedges it." in summary
        elif weaker:
            assert f"{weaker} more sources only report or hedge it." in summary
