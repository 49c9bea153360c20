"""The Python API as a notebook uses it: a Workspace over a real SQLite file in tmp_path, and the
example notebook run end to end as a script (so it cannot rot)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import actorgraph as ag
from actorgraph.graph.store import NoDatabase
from actorgraph.views import Invalid, NotFound

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebook.py"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("texts")
    (folder / "a.txt").write_text("Rebels take the north\n\nThe Kivu Liberation Front (KLF) captured Walikale in "
                                  "March 2024. Rwanda supplied the KLF with weapons, according to UN experts.\n")
    (folder / "b.txt").write_text("Uganda hosts the Kivu Liberation Front. Burundi condemned the KLF.\n")
    with ag.open(str(tmp_path_factory.mktemp("db") / "graph.sqlite")) as ws:
        report = ws.ingest(folder, source="Lakes Monitor", published="2024-05-02")
        assert report.ok and report.added == 2
        yield ws


def test_ask_two_names_as_the_cli_answers(workspace):
    answer = workspace.ask("Rwanda", "KLF")
    assert answer["pair"] == ["Rwanda", "Kivu Liberation Front"]
    assert [(c["predicate"], c["modality"]) for c in answer["direct"]] == [("supports", "reported")]
    assert answer == workspace.ask("What is the relationship between Rwanda and the KLF?") | {
        "question": answer["question"]}


def test_actors_and_relations_are_tables(workspace):
    import pandas

    actors = workspace.actors()
    assert isinstance(actors, pandas.DataFrame) and "Kivu Liberation Front" in set(actors["name"])
    hosted = workspace.relations(actor="KLF", predicate="hosts")
    assert isinstance(hosted, pandas.DataFrame) and len(hosted) == 1
    assert hosted.iloc[0]["subject"]["name"] == "Uganda" and hosted.iloc[0]["source"] == "Lakes Monitor"
    rows = workspace.relations(actor="KLF", min_grade="F6", frame=False)
    assert isinstance(rows, list) and {r["predicate"] for r in rows} >= {"supports", "hosts", "controls"}
    assert workspace.relations(actor="KLF", min_grade="A1", frame=False) == []


def test_networkx_export_timeline_and_extract(workspace, tmp_path):
    graph = workspace.to_networkx()
    assert graph.number_of_edges() == len(workspace.relations(frame=False))
    assert {graph.nodes[n]["name"] for n in graph} >= {"Rwanda", "Kivu Liberation Front", "Uganda"}
    path = workspace.export("graphml", tmp_path / "g.graphml", actor="KLF", hops=1)
    assert path.is_file() and b"Walikale" in workspace.export("json")
    assert [r["predicate"] for r in workspace.timeline("KLF", "Walikale")] == ["controls"]
    found = workspace.extract("Turkey armed the Syrian National Army in 2019.")
    assert [(r["subject"]["name"], r["predicate"]) for r in found] == [("Turkey", "supports")]


def test_refusals_name_what_is_wrong(workspace, tmp_path):
    with pytest.raises(NotFound, match="no actor called 'Atlantis'"):
        workspace.relations(actor="Atlantis")
    with pytest.raises(Invalid, match="unknown predicate"):
        workspace.relations(predicate="likes")
    with pytest.raises(Invalid, match="min_grade"):
        workspace.relations(min_grade="Z9")
    with pytest.raises(NoDatabase):
        ag.open(str(tmp_path / "missing.sqlite"), create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_the_example_notebook_runs_end_to_end(tmp_path):
    env = {**os.environ, "ACTORGRAPH_NOTEBOOK_DB": str(tmp_path / "sudan.sqlite")}
    done = subprocess.run([sys.executable, str(NOTEBOOK)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    assert "documents added" in done.stdout and "FollowTheMoney entities" in done.stdout
    assert (tmp_path / "sudan.sqlite").is_file()


def test_judgements_hold_through_a_re_ingest_and_an_extraction_again(tmp_path):
    (tmp_path / "a.txt").write_text("Rwanda supplied the Kivu Liberation Front with weapons, according to UN experts. "
                                    "Burundi condemned the KLF.\n")
    with ag.open(str(tmp_path / "g.sqlite")) as ws:
        ws.ingest(tmp_path / "a.txt")
        supports = next(r for r in ws.relations(frame=False) if r["predicate"] == "supports")
        made = ws.judge(supports["relation_id"], "reject", note="not what the experts said", author="ana")
        assert (made["verdict"], made["author"], made["subject"]) == ("reject", "ana", "Rwanda")
        assert ws.ask("Rwanda", "KLF")["direct"] == []
        assert ws.ingest(tmp_path / "a.txt").skipped == 1
        again = ws.ingest(tmp_path / "a.txt", again=True)
        assert (again.added, again.replaced, again.skipped) == (0, 1, 0)
        assert ws.ask("Rwanda", "KLF")["direct"] == [] and len(ws.judgements()) == 1
        assert [r["judgement"] for r in ws.claim("Rwanda", "supports", "KLF")["rejected"]] == ["rejected"]
        with pytest.raises(Invalid, match="relabel needs"):
            ws.judge(supports["relation_id"], "relabel")
        with pytest.raises(NotFound):
            ws.unjudge(12345)
        ws.unjudge(made["id"])
        assert [c["predicate"] for c in ws.ask("Rwanda", "KLF")["direct"]] == ["supports"]
        assert ws.review(question="Rwanda and KLF")[0]["predicate"] == "supports"


def test_the_page_view_fused_from_stored_sums_is_the_view_fused_from_every_instance(tmp_path):
    """The demo corpus ingested; around each of its best linked actors, the edges `graph_view` fuses
    from `claim_sources` (no instance read) are those fusing every instance among the same actors
    gives: modality, grade, sources, contradiction, rhetoric, full count, and the dates."""
    from actorgraph.answer.paths import neighbourhood
    from actorgraph.graph.fuse import claims_of
    from actorgraph.graph.fuse import span
    from actorgraph.views import network

    demo = Path(ag.__file__).parent / "data" / "demo"
    with ag.open(str(tmp_path / "demo.sqlite")) as ws:
        assert ws.ingest(demo).ok
        centers = [a["id"] for a in ws.store.actors()[:6]]
        assert len(centers) == 6
        for center in centers:
            kept, _ = neighbourhood(ws.store, center, 1)
            instances = [r for r in ws.store.relations(sorted(kept))
                         if {m.actor.id for m in (r.subject, r.object, r.object2) if m} <= kept]
            claims = claims_of(instances)
            expected = network(ws.store.actor(center), claims, span(claims), lambda c: True)
            view = ws.graph_view(center)
            assert view["edges"], center
            assert sorted(view["edges"], key=lambda e: e["id"]) == sorted(expected["edges"], key=lambda e: e["id"])
            assert view["dates"] == expected["dates"]
