"""The annotated corpus in the repository: every file passes the checks, the report is the one the
command generates, and the checks catch what they claim to (on copies in tmp_path)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from actorgraph.learn.corpus import check, gold_paths, load_layout, near_copies, read_entries, report, stats

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_the_corpus_passes_every_check():
    assert check(CORPUS) == []


def test_the_corpus_report_is_generated_from_the_files():
    assert (CORPUS / "README.md").read_text("utf-8") == report(CORPUS)


def test_the_corpus_meets_its_floor_and_is_split_by_conflict():
    entries, problems = read_entries(gold_paths(CORPUS))
    assert not problems
    total = stats(entries)
    assert total["documents"] >= 160 and total["relations"] >= 1600 and len(total["conflicts"]) >= 20
    assert min(total["predicates"].values()) >= 60 and len(total["predicates"]) == 13
    assert min(total["modalities"].values()) >= 30 and len(total["modalities"]) == 6
    assert len(total["genres"]) == 5
    layout = load_layout(CORPUS)
    by_split = {s: {e.gold["conflict"] for e in entries if e.split == s} for s in ("train", "test")}
    assert not by_split["train"] & by_split["test"]
    assert all(layout.conflicts[c].split == s for s, cs in by_split.items() for c in cs)
    assert 0.15 <= sum(e.split == "test" for e in entries) / len(entries) <= 0.25


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Two texts of the real corpus copied with its layout, to break on purpose."""
    root = tmp_path / "corpus"
    (root / "train").mkdir(parents=True)
    (root / "test").mkdir()
    shutil.copy(CORPUS / "conflicts.yaml", root)
    for gold in sorted((CORPUS / "train").glob("sudan-0[12]-*.gold.yaml")):
        shutil.copy(gold, root / "train")
        shutil.copy(gold.with_name(gold.name.replace(".gold.yaml", ".txt")), root / "train")
    return root


def test_checks_name_the_file_and_field(small_corpus):
    assert check(small_corpus) == []
    gold_file = sorted((small_corpus / "train").glob("*.gold.yaml"))[0]
    gold = yaml.safe_load(gold_file.read_text())
    gold["genre"] = "poem"
    gold["relations"][0]["evidence"] = "words that are not in the text"
    gold_file.write_text(yaml.safe_dump(gold, allow_unicode=True))
    problems = check(small_corpus)
    assert len(problems) == 1 and str(gold_file) in problems[0] and "'evidence'" in problems[0]
    gold = yaml.safe_load(gold_file.read_text())
    gold["relations"] = gold["relations"][1:]
    gold_file.write_text(yaml.safe_dump(gold, allow_unicode=True))
    assert check(small_corpus) == [f"{gold_file}: field 'genre' 'poem' is not one of wire, analysis, opinion, "
                                   "statement, profile"]


def test_a_conflict_in_the_wrong_split_and_a_near_copy_are_found(small_corpus):
    first = sorted((small_corpus / "train").glob("*.gold.yaml"))[0]
    text = first.with_name(first.name.replace(".gold.yaml", ".txt"))
    copy = small_corpus / "test" / text.name.replace("sudan-01", "sudan-09")
    shutil.copy(text, copy)
    gold = yaml.safe_load(first.read_text())
    gold["document"] = copy.stem
    copy.with_name(copy.stem + ".gold.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True))
    problems = check(small_corpus)
    assert any("belongs in train/, not test/" in p for p in problems)
    entries, _ = read_entries(gold_paths(small_corpus))
    assert [{a, b} for a, b, _ in near_copies(entries)] == [{"sudan-01-wire", "sudan-09-wire"}]
