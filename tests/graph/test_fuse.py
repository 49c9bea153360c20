"""Fusing documents: independent sources, copies, contradictions, grades and time, on small
multi-source corpora written for these tests and ingested into real SQLite files."""
from __future__ import annotations

import json

import pytest

from actorgraph.answer.answer import ask
from actorgraph.graph.fuse import as_of, claims_of, contradictions, timeline, valid_on, validity
from actorgraph.models import Actor, Evidence, Mention, Relation, TimeSpan
from actorgraph.pipeline import ingest
from actorgraph.graph.store import Store

WIRE = ("Turkey armed the Syrian National Army in northern Syria, officials said on Monday, in a shift that "
        "analysts expect to reshape the front lines around Manbij. The shipments included armoured vehicles, "
        "mortars and anti-tank missiles delivered through the border crossing at Kilis over three nights. "
        "Commanders of the group confirmed the deliveries and said training by Turkish officers would follow "
        "in the coming weeks. The Kurdish-led Syrian Democratic Forces condemned the move and called on "
        "Washington to intervene before fighting spreads to the Euphrates valley and the dams that supply "
        "power to much of the region.")


def _jsonl(path, *docs: dict) -> str:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return str(path)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(str(tmp_path / "fused.sqlite"))
    yield opened
    opened.close()


def test_syndicated_copy_is_not_counted_twice(tmp_path, store):
    copy = WIRE.replace("on Monday", "on Monday, according to the agency")
    path = _jsonl(tmp_path / "wire.jsonl",
                  {"id": "orig", "source": "Reuters", "published": "2024-11-04", "text": "Arms\n\n" + WIRE},
                  {"id": "copy", "source": "Daily Echo", "published": "2024-11-05", "text": "Turkey arms SNA\n\n" + copy},
                  {"id": "own", "source": "Levant Post", "published": "2024-11-06",
                   "text": "Own reporting\n\nTurkey supplied the Syrian National Army with drones in October 2024."})
    assert ingest([path], store).added == 3
    result = ask(store, "How is Turkey linked to the Syrian National Army?")
    supports = next(d for d in result["direct"] if d["predicate"] == "supports")
    assert supports["corroboration"]["reported"] == 1
    assert supports["corroboration"]["asserted"] == 1
    assert result["sources"] == 3 and result["independent_sources"] == 2


def test_denial_produces_a_contradiction_with_both_sides(tmp_path, store):
    path = _jsonl(tmp_path / "d.jsonl",
                  {"id": "a", "source": "Kivu Monitor", "published": "2024-03-01",
                   "text": "Report\n\nRwanda armed the M23 rebels during the offensive on Goma."},
                  {"id": "b", "source": "Lakes Herald", "published": "2024-03-02",
                   "text": "Reply\n\nRwanda denied arming the M23 rebels."})
    ingest([path], store)
    result = ask(store, "What is the relationship between Rwanda and M23?")
    claim = next(d for d in result["direct"] if d["predicate"] == "supports")
    assert claim["contradicted"] and claim["credibility"] >= 4
    dispute = next(c for c in result["contradictions"] if c["type"] == "denial")
    assert {e["modality"] for e in dispute["one"]} == {"asserted"}
    assert {e["modality"] for e in dispute["other"]} == {"negated"}
    assert "contradicted" in {f["type"] for f in result["flags"]}


def test_rebrand_keeps_both_actors_and_its_date(tmp_path, store):
    path = _jsonl(tmp_path / "r.jsonl", {"id": "r", "source": "Levant Post", "published": "2020-05-01",
                                         "text": "History\n\nIn January 2017 Jabhat Fateh al-Sham rebranded as "
                                                 "Hayat Tahrir al-Sham."})
    ingest([path], store)
    hts, jfs = store.find_actors("HTS")[0], store.find_actors("Jabhat Fateh al-Sham")[0]
    assert hts.id != jfs.id and jfs.name == "Jabhat Fateh al-Sham"  # a rebrand is a group of its own
    lineage = [r for r in store.relations([hts.id]) if r.predicate == "derived_from"]
    assert lineage and lineage[0].object.actor.id == jfs.id and lineage[0].kind == "successor"
    assert validity(lineage[0])[0] == "2017-01"
    assert [r.predicate for r in timeline(store.relations([hts.id]), {hts.id, jfs.id})] == ["derived_from"]


def test_grades_follow_corroboration_and_source_reliability(tmp_path, store):
    docs = [{"id": f"d{i}", "source": outlet, "published": "2024-06-0" + str(i + 1),
             "text": f"Brief {i}\n\nIran supplied the Houthis with missiles in {year}."}
            for i, (outlet, year) in enumerate([("Reuters", 2023), ("Associated Press", 2022),
                                                ("Agence France-Presse", 2021)])]
    ingest([_jsonl(tmp_path / "g.jsonl", *docs)], store)
    claim = next(c for c in claims_of(store.relations()) if c.predicate == "supports")
    assert claim.count("asserted") == 3 and claim.grade == "B1"
    single = claims_of([r for r in store.relations() if r.doc == "d0"])[0]
    assert single.grade == "B3"


def _relation(subject: str, obj: str, start: str | None, published: str, value="past", end=None, doc="d",
              source=None, predicate="controls") -> Relation:
    mention = lambda name, kind: Mention(Actor(name.lower(), name, kind), name, 0, len(name))  # noqa: E731
    time = TimeSpan(start=start, end=end, text=start or "formerly", value=value) if start or end else None
    return Relation(doc=doc, subject=mention(subject, "armed_group"), predicate=predicate,
                    object=mention(obj, "place"), modality="asserted", evidence=Evidence("x", 0, 1),
                    time=time, published=published, doc_id=doc, source=source)


def test_rival_control_claims_at_the_same_time_contradict_and_sequential_ones_do_not():
    same = [_relation("HTS", "Aleppo", None, "2024-12-01", doc="a"),
            _relation("SNA", "Aleppo", None, "2024-12-03", doc="b")]
    assert [c.kind for c in contradictions(claims_of(same))] == ["control"]
    sequence = [_relation("HTS", "Aleppo", "2016", "2024-12-01", doc="a", end="2016"),
                _relation("SNA", "Aleppo", "2024", "2024-12-03", doc="b", end="2024")]
    assert contradictions(claims_of(sequence)) == []


def test_validity_and_as_of():
    formerly = _relation("IMU", "Taliban", None, "2015-06-01", value="past", end="2015-06-01",
                         predicate="cooperates_with")
    since = _relation("PKK", "Turkey", "1984", "2020-01-01", value="ongoing_since", predicate="hostile_to")
    undated = _relation("HTS", "Idlib", None, "2024-12-01", value=None)
    assert validity(since) == ("1984", None) and valid_on(since, "2000")
    assert validity(undated) == ("2024-12-01", None) and not valid_on(undated, "2019")
    assert as_of([since, undated], "2019-01-01") == [since]
    assert validity(formerly)[1] == "2015-06-01"
