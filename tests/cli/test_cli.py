"""The command line as a user runs it: the installed `actorgraph` command in a subprocess, on files
and SQLite databases in tmp_path."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXE, cli

@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "a.txt").write_text(
        "Rebels take the north\n\nThe Kivu Liberation Front (KLF) captured the town of Walikale in March 2024. "
        "Rwanda supplied the KLF with weapons, according to UN experts. Rwanda denied arming the group.\n")
    (folder / "b.md").write_text("---\ntitle: Brief\nsource: Lakes Monitor\npublished: 2024-05-02\n---\n"
                                 "Uganda hosts the Kivu Liberation Front. Rwanda backs Uganda's army.\n")
    (folder / "bad.jsonl").write_text('{"id": "j1", "text": "Burundi condemned the KLF."}\n{not json\n')
    (folder / "empty.txt").write_text("")
    return folder


@pytest.fixture(scope="module")
def ingested(corpus, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    db = tmp_path_factory.mktemp("db") / "graph.sqlite"
    return db, cli("ingest", str(corpus), "--db", str(db), cwd=corpus)


def test_readme_demo_command_end_to_end(tmp_path):
    result = cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "actorgraph-demo.sqlite").exists()
    assert "What is the relationship between the RSF and the United Arab Emirates?" in result.stdout
    assert "Rapid Support Forces" in result.stdout and "United Arab Emirates" in result.stdout
    again = cli("demo", cwd=tmp_path)
    assert again.returncode == 0 and "0 added" in again.stdout


def test_ingest_reports_bad_files_and_keeps_the_rest(ingested, corpus):
    db, result = ingested
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any("bad.jsonl:2" in line for line in errors)
    assert any("empty.txt" in line and "empty" in line for line in errors)
    assert "3 added" in result.stdout


def test_reingest_is_a_no_op(ingested, corpus):
    db, _ = ingested
    again = cli("ingest", str(corpus / "a.txt"), "--db", str(db), cwd=corpus)
    assert again.returncode == 0 and "0 added, 1 already stored" in again.stdout


def test_extract_jsonl_contract(corpus):
    result = cli("extract", str(corpus / "a.txt"), "--format", "jsonl", cwd=corpus)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    text = (corpus / "a.txt").read_text()
    assert rows
    for row in rows:
        assert {"doc", "subject", "predicate", "kind", "object", "object2", "modality", "attributed_to", "time",
                "evidence", "confidence"} <= row.keys()
        assert {"id", "name", "type", "mention"} <= row["subject"].keys()
        assert row["doc"] == "a"
        assert text[row["evidence"]["start"]:row["evidence"]["end"]] == row["evidence"]["text"]
    supports = [r for r in rows if r["predicate"] == "supports" and r["subject"]["name"] == "Rwanda"]
    assert {r["modality"] for r in supports} == {"reported", "negated"}


def test_extract_table_and_failures(corpus):
    result = cli("extract", str(corpus / "a.txt"), str(corpus / "missing.txt"), "--format", "table", cwd=corpus)
    assert result.returncode == 1
    assert "Kivu Liberation Front" in result.stdout
    assert "missing.txt" in result.stderr


def test_ask_json_contract(ingested, corpus):
    db, _ = ingested
    result = cli("ask", "How is Rwanda linked to the Kivu Liberation Front?", "--format", "json", "--db", str(db),
                 cwd=corpus)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["pair"] == ["Rwanda", "Kivu Liberation Front"]
    assert {"question", "direct", "paths", "sources", "flags", "summary"} <= answer.keys()
    assert any(d["predicate"] == "supports" for d in answer["direct"])
    assert "Uganda" in {node for path in answer["paths"] for node in path["nodes"]}
    assert answer["sources"] == 2


def test_ask_unknown_actor_is_a_clear_error(ingested, corpus):
    db, _ = ingested
    result = cli("ask", "What is the relationship between Atlantis and Rwanda?", "--db", str(db), cwd=corpus)
    assert result.returncode == 1 and "no actor called 'Atlantis'" in result.stderr


def test_actors_and_show_by_alias(ingested, corpus):
    db, _ = ingested
    listing = cli("actors", "--db", str(db), cwd=corpus)
    assert listing.returncode == 0 and "Kivu Liberation Front" in listing.stdout
    shown = cli("show", "the kivu liberation front", "--db", str(db), cwd=corpus)
    assert shown.returncode == 0 and "controls" in shown.stdout
    assert shown.stdout.startswith("Kivu Liberation Front") and "KLF" in shown.stdout.splitlines()[1]


def test_database_from_environment(corpus, tmp_path):
    db = tmp_path / "env.sqlite"
    result = cli("ingest", str(corpus / "b.md"), cwd=tmp_path, env={"ACTORGRAPH_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_text_that_looks_like_markup_prints_as_is(tmp_path):
    (tmp_path / "m.txt").write_text("Turkey armed the Syrian National Army in 2019 [bold]citation needed[/bold].\n")
    result = cli("extract", str(tmp_path / "m.txt"), "--format", "table", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[bold]citation" in result.stdout


def test_corrections_timeline_profile_and_attention(ingested, corpus, tmp_path):
    db = tmp_path / "copy.sqlite"
    db.write_bytes(ingested[0].read_bytes())
    merged = cli("merge", "Kivu Liberation Front", "Burundi", "--db", str(db), cwd=corpus)
    assert merged.returncode == 0 and "merged burundi into x-kivu-liberation-front" in merged.stdout
    assert "burundi" in cli("merges", "--db", str(db), cwd=corpus).stdout
    assert cli("split", "burundi", "--db", str(db), cwd=corpus).returncode == 0
    again = cli("split", "burundi", "--db", str(db), cwd=corpus)
    assert again.returncode == 1 and "not merged" in again.stderr
    history = cli("timeline", "KLF", "--db", str(db), cwd=corpus)
    assert history.returncode == 0 and "2024-03" in history.stdout
    profile = json.loads(cli("profile", str(corpus / "a.txt"), "--format", "json", "--db", str(db), cwd=corpus).stdout)
    assert profile["genre"] in {"news", "analysis", "opinion", "statement"}
    assert {c["object"] for c in profile["checkable_claims"]} == {"Walikale"}
    attention = json.loads(cli("attention", "lakes monitor", "--format", "json", "--db", str(db), cwd=corpus).stdout)
    assert {row["actor"] for row in attention} >= {"Uganda", "Kivu Liberation Front"}
    missing = cli("attention", "Nobody", "--db", str(db), cwd=corpus)
    assert missing.returncode == 1 and "no stored documents" in missing.stderr
    bad_date = cli("ask", "How is Rwanda linked to Uganda?", "--as-of", "last year", "--db", str(db), cwd=corpus)
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr


def test_export_writes_each_format(ingested, corpus, tmp_path):
    import networkx as nx

    db, _ = ingested
    done = cli("export", "--db", str(db), "--format", "graphml", "--output", str(tmp_path / "g.graphml"), cwd=corpus)
    assert done.returncode == 0, done.stderr
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert f"{graph.number_of_nodes()} actors, {graph.number_of_edges()} relations" in done.stdout
    near = cli("export", "--db", str(db), "--format", "csv", "--actor", "KLF", "--hops", "1",
               "--output", str(tmp_path / "klf"), cwd=corpus)
    assert near.returncode == 0, near.stderr
    assert (tmp_path / "klf" / "nodes.csv").is_file() and (tmp_path / "klf" / "edges.csv").is_file()
    assert "Kivu Liberation Front" in (tmp_path / "klf" / "nodes.csv").read_text()
    wrong = cli("export", "--db", str(db), "--format", "xls", "--output", str(tmp_path / "x"), cwd=corpus)
    assert wrong.returncode == 2 and "ftm, graphml, gexf, csv, json" in wrong.stderr.replace("\n", " ")
    unknown = cli("export", "--db", str(db), "--actor", "Atlantis", "--output", str(tmp_path / "y"), cwd=corpus)
    assert unknown.returncode == 1 and "Atlantis" in unknown.stderr
    assert not (tmp_path / "y").exists()


@pytest.mark.parametrize("command", [
    ("ask", "What is the relationship between Rwanda and the KLF?"), ("actors",), ("show", "KLF"),
    ("timeline", "KLF"), ("export", "--format", "json"), ("merges",), ("attention", "Lakes Monitor"),
    ("serve", "--port", "0")])
def test_read_commands_refuse_a_missing_database_and_create_nothing(tmp_path, command):
    missing = tmp_path / "nowhere" / "missing.sqlite"
    result = cli(*command, "--db", str(missing), cwd=tmp_path)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: no database at {missing} (build one with: actorgraph ingest FILES --db {missing})"]
    assert not missing.exists() and not missing.parent.exists()


def test_profile_of_a_file_needs_no_database(corpus, tmp_path):
    result = cli("profile", str(corpus / "a.txt"), "--format", "json", "--db", str(tmp_path / "none.sqlite"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["relations"] > 0 and not (tmp_path / "none.sqlite").exists()


def test_export_writes_standard_output_for_pipes(ingested, corpus, tmp_path):
    import networkx as nx
    from followthemoney import model

    db, _ = ingested
    graphml = cli("export", "--db", str(db), "--format", "graphml", cwd=corpus)
    assert graphml.returncode == 0, graphml.stderr
    (tmp_path / "out.graphml").write_text(graphml.stdout)
    assert nx.read_graphml(tmp_path / "out.graphml").number_of_edges() > 0
    ftm = cli("export", "--db", str(db), "--format", "ftm", "-o", "-", cwd=corpus)
    entities = [model.get_proxy(json.loads(line), cleaned=False) for line in ftm.stdout.splitlines()]
    assert {e.schema.name for e in entities} >= {"Organization", "Article", "UnknownLink"}
    validated = subprocess.run([str(Path(EXE).with_name("ftm")), "validate"], input=ftm.stdout,
                               capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0, validated.stderr
    assert len(validated.stdout.splitlines()) == len(entities)
    csv = cli("export", "--db", str(db), "--format", "csv", cwd=corpus)
    assert csv.returncode == 2 and "--output DIR" in csv.stderr


def test_ingest_again_extracts_anew_and_keeps_judgements(tmp_path):
    (tmp_path / "a.txt").write_text("Rwanda supplied the Kivu Liberation Front with weapons, UN experts said.\n")
    db = str(tmp_path / "g.sqlite")
    assert cli("ingest", str(tmp_path / "a.txt"), "--db", db, cwd=tmp_path).returncode == 0
    queue = json.loads(cli("review", "--format", "json", "--db", db, cwd=tmp_path).stdout)
    judged = cli("judge", str(queue[0]["relation_id"]), "reject", "--author", "ana", "--db", db, cwd=tmp_path)
    assert judged.returncode == 0 and judged.stdout.startswith("judgement 1: reject Rwanda supports")
    again = cli("ingest", str(tmp_path / "a.txt"), "--again", "--db", db, cwd=tmp_path)
    assert again.returncode == 0 and "0 added, 0 already stored, 1 extracted again" in again.stdout, again.stderr
    listed = json.loads(cli("judgements", "list", "--format", "json", "--db", db, cwd=tmp_path).stdout)
    assert [(j["verdict"], j["author"]) for j in listed] == [("reject", "ana")]
    assert json.loads(cli("review", "--format", "json", "--db", db, cwd=tmp_path).stdout) == []
    wrong = cli("judge", "abc", "reject", "--db", db, cwd=tmp_path)
    assert wrong.returncode == 2 and "relation id" in wrong.stderr


def test_judge_add_names_a_new_actor_with_its_type(tmp_path):
    text = "Rwanda supplied the Kivu Liberation Front with weapons through a Goma trading house, UN experts said.\n"
    (tmp_path / "a.txt").write_text(text)
    db = str(tmp_path / "g.sqlite")
    assert cli("ingest", str(tmp_path / "a.txt"), "--db", db, cwd=tmp_path).returncode == 0
    add = ("judge", "add", "a", "--span", f"0:{len(text.strip())}", "--subject", "Goma trading house",
           "--predicate", "supports", "--object", "Kivu Liberation Front", "--db", db)
    unknown = cli(*add, cwd=tmp_path)
    assert unknown.returncode == 1 and "give its type" in unknown.stderr and "armed_group" in unknown.stderr
    malformed = cli(*add, "--new-actor", "Goma trading house", cwd=tmp_path)
    assert malformed.returncode == 2 and "NAME=TYPE" in malformed.stderr
    made = cli(*add, "--new-actor", "Goma trading house=organisation", cwd=tmp_path)
    assert made.returncode == 0 and "add Goma trading house supports Kivu Liberation Front" in made.stdout, made.stderr
    listed = cli("actors", "--db", db, cwd=tmp_path)
    assert listed.returncode == 0 and "Goma trading house" in listed.stdout and "organisation" in listed.stdout
