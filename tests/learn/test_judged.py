"""Judgements become training data: a real database, real judgements through the command line, the
judged documents written as partial gold, checked and scored by `actorgraph eval`, and read by
training with only the judged pairs."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import cli

from actorgraph.learn.data import read_annotated
from actorgraph.learn.evaluate import load_gold

TEXT = ("Kigali has armed the M23 rebels in North Kivu, a UN panel said. The M23 fought the Congolese army "
        "near Goma. Talks in Luanda mediated between Rwanda and Congo.")


def relations_of(db: Path, tmp_path: Path) -> list[dict]:
    shown = cli("review", "--limit", "100", "--format", "json", "--db", str(db), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def test_judged_documents_are_written_as_partial_gold_that_eval_and_train_accept(tmp_path: Path):
    (tmp_path / "kivu.txt").write_text(TEXT, "utf-8")
    db = tmp_path / "g.sqlite"
    assert cli("ingest", str(tmp_path / "kivu.txt"), "--db", str(db), cwd=tmp_path).returncode == 0
    found = {r["predicate"]: r for r in relations_of(db, tmp_path)}
    rejected, relabelled = found["supports"], found["hostile_to"]
    assert cli("judge", str(rejected["relation_id"]), "reject", "--note", "wrong", "--db", str(db),
               cwd=tmp_path).returncode == 0
    done = cli("judge", str(relabelled["relation_id"]), "relabel", "--predicate", "pressures", "--modality", "hedged",
               "--db", str(db), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    at = TEXT.index("Talks")
    refused = cli("judge", "add", "kivu", "--span", f"{at}:{at + 20}", "--subject", "Luanda", "--predicate",
                  "mediates", "--object", "Rwanda", "--db", str(db), cwd=tmp_path)
    assert refused.returncode == 1 and "object2 is needed for mediates" in refused.stderr
    claim = "Kigali has armed the M23 rebels in North Kivu, a UN panel said"
    added = cli("judge", "add", "kivu", "--span", f"0:{len(claim)}", "--subject", "United Nations", "--predicate",
                "hostile_to", "--object", "Rwanda", "--db", str(db), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    out = tmp_path / "judged"
    written = cli("judgements", "export", str(out), "--db", str(db), cwd=tmp_path)
    assert written.returncode == 0 and "1 judged documents" in written.stdout, written.stderr
    gold = yaml.safe_load((out / "kivu.gold.yaml").read_text("utf-8"))
    assert gold["complete"] is False and (out / "kivu.txt").read_text("utf-8") == TEXT
    assert {(g["s"], g["p"], g["o"], g["modality"], g["evidence"]) for g in gold["relations"]} == {
        ("M23", "pressures", "FARDC", "hedged", relabelled["evidence"]["text"]),
        ("United Nations", "hostile_to", "Rwanda", "asserted", claim)}
    assert {(g["s"], g["p"], g["o"]) for g in gold["rejected"]} == {("Rwanda", "supports", "M23"),
                                                                     ("M23", "hostile_to", "FARDC")}
    assert all(claim not in forms for forms in gold["entities"].values()), "an analyst's span is not a name"
    load_gold(out)
    scored = cli("eval", str(out), "--format", "json", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    figures = json.loads(scored.stdout)
    assert figures["gold_facts"] == len({(g["s"], g["p"], g["o"], g.get("o2")) for g in gold["relations"]})
    assert "kivu: Rwanda supports M23" in figures["spurious"], "a rejected relation still found counts against"
    assert not any("Luanda" in line for line in figures["spurious"]), "an unjudged pair counts neither way"
    judged = {tuple(sorted(pair)) for pair in gold["judged"]}
    [example] = read_annotated([out])
    names = gold["entities"]
    for pair in example.pairs:
        ends = tuple(sorted(next((k for k, forms in names.items() if m.mention.text in forms), "?")
                            for m in (pair.subject, pair.object)))
        assert ends in judged
