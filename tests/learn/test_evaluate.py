"""Scoring against gold annotations: hand-computed figures on a small invented document, gold-file
checks, the template round trip, and agreement with the reference scorer on the dev set."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from actorgraph.learn.evaluate import load_gold, load_predictions, predict, render, score, template, write_template

SHARED = Path(__file__).resolve().parents[3] / "shared"
REFERENCE = SHARED / "eval" / "score.py"
CLI = str(Path(sys.executable).parent / "actorgraph")
HEADLINE = ("typed_p_r_f1", "untyped_p_r_f1", "evidence_recall", "modality_acc")

TEXT = ("The Northern Front seized Port Vell in March. Officials in Castra said the Highland Militia "
        "armed the Northern Front. The Northern Front and the Coast Guard Brigade fought side by side. "
        "Envoys from Lumeria brokered talks between the Northern Front and the Castran government. "
        "The Highland Militia did not attack the Coast Guard Brigade.\n")

GOLD = """document: alpha
entities:
  Northern Front: [Northern Front, the Front, NF]
  Port Vell: [Port Vell]
  Highland Militia: [Highland Militia]
  Coast Guard Brigade: [Coast Guard Brigade]
  Lumeria: [Lumeria, Lumerian envoys]
  Castran government: [Castran government, Castra]
relations:
  - {s: Northern Front, p: controls, o: Port Vell, modality: asserted, time: "2024-03", evidence: "The Northern Front seized Port Vell"}
  - {s: Highland Militia, p: supports, o: Northern Front, modality: reported, evidence: "the Highland Militia armed the Northern Front"}
  - {s: Northern Front, p: cooperates_with, o: Coast Guard Brigade, evidence: "The Northern Front and the Coast Guard Brigade fought side by side"}
  - {s: Lumeria, p: mediates, o: Northern Front, o2: Castran government, modality: asserted, evidence: "brokered talks between the Northern Front and the Castran government"}
  - {s: Highland Militia, p: hostile_to, o: Coast Guard Brigade, modality: negated, evidence: "The Highland Militia did not attack the Coast Guard Brigade"}
"""


def rel(s, p, o, modality, evidence, o2=None, doc="alpha"):
    """A prediction in the extract contract's shape (only the fields scoring reads)."""
    node = lambda n: n if n is None or isinstance(n, dict) else {"name": n, "mention": n, "aliases": []}  # noqa: E731
    return {"doc": doc, "subject": node(s), "predicate": p, "object": node(o), "object2": node(o2),
            "modality": modality, "evidence": {"text": evidence}}


PREDICTIONS = [
    # found, right modality; the whole sentence covers the gold phrase; resolved through an alias
    rel({"name": "NF Forces", "mention": "NF"}, "controls", "Port Vell", "asserted",
        "The Northern Front seized Port Vell in March."),
    # found, wrong modality (reported -> asserted)
    rel("Highland Militia", "supports", "Northern Front", "asserted",
        "Officials in Castra said the Highland Militia armed the Northern Front."),
    # symmetric predicate the other way round; evidence shorter than the gold phrase still covers
    rel("Coast Guard Brigade", "cooperates_with", "the Front", "asserted", "fought side by side"),
    # mediates with the parties swapped: a typed match, but the evidence is elsewhere -> missed
    rel({"name": "Lumeria", "mention": "Lumerian envoys"}, "mediates", "Castran government", "asserted",
        "The Highland Militia did not attack the Coast Guard Brigade.", o2="Northern Front"),
    # two instances of one fact: the gold modality among the hits counts
    rel("Highland Militia", "hostile_to", "Coast Guard Brigade", "asserted",
        "The Highland Militia did not attack the Coast Guard Brigade."),
    rel("Highland Militia", "hostile_to", "Coast Guard Brigade", "negated",
        "The Highland Militia did not attack the Coast Guard Brigade."),
    # spurious: a wrong fact, an unknown actor, a non-symmetric fact reversed (its pair is right)
    rel("Northern Front", "hostile_to", "Castran government", "asserted", "Officials in Castra said"),
    rel("Ghost Legion", "supports", "Northern Front", "asserted", "nowhere"),
    rel("Northern Front", "supports", "Highland Militia", "asserted", "the Highland Militia armed"),
    # another document's prediction is not this document's
    rel("Northern Front", "controls", "Port Vell", "asserted", "The Northern Front seized", doc="beta"),
]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "alpha.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "alpha.gold.yaml").write_text(GOLD, encoding="utf-8")
    (tmp_path / "beta.txt").write_text("Nothing happened in Port Vell.\n", encoding="utf-8")
    (tmp_path / "beta.gold.yaml").write_text("document: beta\nentities: {Port Vell: []}\nrelations: []\n",
                                             encoding="utf-8")
    return tmp_path


def write_jsonl(path: Path, relations: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in relations), encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, "eval", *args], capture_output=True, text=True, timeout=600)


def test_scores_computed_by_hand(corpus: Path):
    golds = load_gold(corpus)
    result = score(golds, load_predictions(write_jsonl(corpus / "pred.jsonl", PREDICTIONS), golds))
    # 5 gold facts; 9 distinct predicted facts (8 in alpha, 1 in beta, where 'Northern Front' is
    # not an entity), 5 of them right: P 5/9, R 5/5
    assert (result.documents, result.gold_facts, result.predicted_facts) == (2, 5, 9)
    assert result.typed_p_r_f1 == (0.556, 1.0, 0.714)
    # gold pairs 6 (mediates gives two); predicted pairs 7 + 1 (object2 is not paired); 5 shared
    assert result.untyped_p_r_f1 == (0.625, 0.833, 0.714)
    assert result.evidence_recall == 0.8        # 4 of 5 instances found with covering evidence
    assert result.modality_acc == 0.75          # 3 of those 4 with the gold modality
    assert result.confusion == {"asserted": {"asserted": 2}, "negated": {"negated": 1},
                                "reported": {"asserted": 1}}
    rows = {r.predicate: (r.tp, r.predicted, r.gold, r.p, r.r, r.f1) for r in result.per_predicate}
    assert rows["supports"] == (1, 3, 1, 0.333, 1.0, 0.5)
    assert rows["hostile_to"] == (1, 2, 1, 0.5, 1.0, 0.667)
    assert rows["controls"] == (1, 2, 1, 0.5, 1.0, 0.667)
    assert rows["mediates"] == rows["cooperates_with"] == (1, 1, 1, 1.0, 1.0, 1.0)
    modalities = {m.modality: (m.gold, m.found, m.correct, m.accuracy) for m in result.per_modality}
    assert modalities == {"asserted": (3, 2, 2, 1.0), "reported": (1, 1, 0, 0.0), "negated": (1, 1, 1, 1.0)}
    assert result.missed == ('alpha: Lumeria mediates Northern Front / Castran government  [asserted] '
                             '"brokered talks between the Northern Front and the Castran go"',)
    assert sorted(result.spurious) == ["alpha: ?ghost legion supports Northern Front",
                                       "alpha: Northern Front hostile_to Castran government",
                                       "alpha: Northern Front supports Highland Militia",
                                       "beta: ?northern front controls Port Vell"]


def test_render_puts_the_four_figures_first(corpus: Path):
    golds = load_gold(corpus)
    result = score(golds, load_predictions(write_jsonl(corpus / "pred.jsonl", PREDICTIONS), golds))
    assert render(result)[0].splitlines() == ["typed P/R/F1: 0.556 1.000 0.714", "untyped P/R/F1: 0.625 0.833 0.714",
                                              "evidence recall: 0.800", "modality accuracy: 0.750"]
    assert "missed (1):" in render(result, show_errors=True)[-2]


def test_no_predictions_scores_zero(corpus: Path):
    result = score(load_gold(corpus), {})
    assert result.typed_p_r_f1 == result.untyped_p_r_f1 == (0.0, 0.0, 0.0)
    assert (result.evidence_recall, result.modality_acc, len(result.missed)) == (0.0, 0.0, 5)


def test_one_gold_file_takes_every_prediction(corpus: Path):
    golds = load_gold(corpus / "alpha.gold.yaml")
    by_doc = load_predictions(write_jsonl(corpus / "p.jsonl", [rel("NF", "controls", "Port Vell", "asserted",
                                                                   "seized Port Vell", doc="other-name")]), golds)
    assert len(by_doc["alpha"]) == 1 and score(golds, by_doc).typed_p_r_f1 == (1.0, 0.2, 0.333)


@pytest.mark.parametrize("edit, message", [
    (lambda g: g.replace("document: alpha\n", ""), "field 'document' missing"),
    (lambda g: g.replace(', evidence: "the Highland Militia armed the Northern Front"', ""),
     "relations[2]: field 'evidence' missing"),
    (lambda g: g.replace("{s: Northern Front, p: controls", "{p: controls"), "relations[1]: field 's' missing"),
    (lambda g: g.replace("p: controls", "p: conquers"), "field 'p' 'conquers': unknown predicate"),
    (lambda g: g.replace("modality: negated", "modality: denied"), "field 'modality' 'denied': unknown modality"),
    (lambda g: g.replace("seized Port Vell\"", "captured Port Vell\""), "field 'evidence'"),
    (lambda g: g.replace("o: Port Vell", "o: Port Vel"), "field 'o' 'Port Vel': not a name under 'entities'"),
    (lambda g: g.replace("entities:", "entities: [oops]\nx:"), "field 'entities'"),
    (lambda g: g + "  - {s: [unclosed\n", "not valid YAML"),
], ids=["document", "evidence", "subject", "predicate", "modality", "substring", "entity", "entities", "yaml"])
def test_malformed_gold_names_file_and_field(corpus: Path, edit, message):
    (corpus / "alpha.gold.yaml").write_text(edit(GOLD), encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_gold(corpus)
    assert "alpha.gold.yaml" in str(error.value) and message in str(error.value)


def test_evidence_is_only_checked_when_the_text_is_beside_the_gold(corpus: Path):
    (corpus / "alpha.txt").unlink()
    (corpus / "alpha.gold.yaml").write_text(GOLD.replace("seized Port Vell\"", "captured Port Vell\""))
    assert len(load_gold(corpus)[0]["relations"]) == 5


def test_empty_folder_and_missing_path(tmp_path: Path):
    for path in (tmp_path, tmp_path / "nope.gold.yaml"):
        with pytest.raises(ValueError, match="no such file, or no"):
            load_gold(path)


def test_malformed_prediction_line_names_file_and_line(corpus: Path):
    path = corpus / "pred.jsonl"
    path.write_text(json.dumps(PREDICTIONS[0]) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pred\.jsonl:3: not valid JSON"):
        load_predictions(path, load_gold(corpus))
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pred\.jsonl:1: expected a JSON object"):
        load_predictions(path, load_gold(corpus))


def test_template_round_trips_through_load_gold(tmp_path: Path):
    (tmp_path / "gamma.txt").write_text(TEXT, encoding="utf-8")
    predictions = PREDICTIONS[:3] + [
        rel({"name": 'Lumeria "Envoys": #1', "mention": "Envoys from Lumeria"}, "mediates", "Castran government",
            "hedged", "Envoys from Lumeria brokered talks", o2="Northern Front")]
    (tmp_path / "gamma.gold.yaml").write_text(template("gamma", predictions), encoding="utf-8")
    gold, = load_gold(tmp_path)
    assert gold["document"] == "gamma"
    assert gold["entities"]["Northern Front"] == ["Northern Front"]
    assert gold["entities"]["NF Forces"] == ["NF"]
    assert gold["entities"]['Lumeria "Envoys": #1'] == ["Envoys from Lumeria"]
    assert gold["relations"][3] == {"s": 'Lumeria "Envoys": #1', "p": "mediates", "o": "Castran government",
                                    "o2": "Northern Front", "modality": "hedged",
                                    "evidence": "Envoys from Lumeria brokered talks"}
    # scoring its own draft gives a perfect score
    by_doc = {"gamma": predictions}
    assert score([gold], by_doc).typed_p_r_f1 == (1.0, 1.0, 1.0)
    assert (tmp_path / "gamma.gold.yaml").read_text().startswith("# Drafted by `actorgraph eval --template`")


def test_template_refuses_to_overwrite(corpus: Path):
    before = (corpus / "alpha.gold.yaml").read_text()
    with pytest.raises(ValueError, match="already exists"):
        write_template(corpus / "alpha.txt")
    assert (corpus / "alpha.gold.yaml").read_text() == before
    done = run_cli("--template", str(corpus / "alpha.txt"))
    assert done.returncode == 1 and "already exists" in done.stderr


def test_cli_scores_a_predictions_file(corpus: Path):
    pred = write_jsonl(corpus / "pred.jsonl", PREDICTIONS)
    done = run_cli(str(corpus), "--predictions", str(pred), "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [result[k] for k in HEADLINE] == [[0.556, 1.0, 0.714], [0.625, 0.833, 0.714], 0.8, 0.75]
    assert set(result) >= {"documents", "gold_facts", "predicted_facts", "per_predicate", "per_modality",
                           "confusion", "missed", "spurious"}
    text = run_cli(str(corpus), "--predictions", str(pred), "--show-errors")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[:4] == ["typed P/R/F1: 0.556 1.000 0.714", "untyped P/R/F1: 0.625 0.833 0.714",
                                            "evidence recall: 0.800", "modality accuracy: 0.750"]
    assert "missed (1):" in text.stdout and "spurious (4):" in text.stdout


def test_cli_stops_on_a_malformed_predictions_line(corpus: Path):
    pred = corpus / "pred.jsonl"
    pred.write_text(json.dumps(PREDICTIONS[0]) + "\n{oops\n", encoding="utf-8")
    done = run_cli(str(corpus), "--predictions", str(pred))
    assert done.returncode == 1 and "pred.jsonl:2" in done.stderr and "typed" not in done.stdout


# --- agreement with the reference scorer (needs ../shared beside the repository) --------------

@pytest.fixture(scope="module")
def reference() -> Path:
    if not REFERENCE.is_file() or not (SHARED / "dev").is_dir():
        pytest.skip(f"reference scorer and dev set not found at {SHARED} (../shared beside the repository)")
    return REFERENCE


def reference_json(gold: Path, pred: Path) -> dict:
    done = subprocess.run([sys.executable, str(REFERENCE), str(gold), str(pred), "--json"],
                          capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


def test_hand_written_case_agrees_with_reference(reference: Path, corpus: Path):
    pred = write_jsonl(corpus / "pred.jsonl", PREDICTIONS)
    golds = load_gold(corpus)
    ours = score(golds, load_predictions(pred, golds)).as_json()
    theirs = reference_json(corpus, pred)
    assert {k: ours[k] for k in (*HEADLINE, "documents", "gold_facts", "predicted_facts", "missed")} == \
           {k: theirs[k] for k in (*HEADLINE, "documents", "gold_facts", "predicted_facts", "missed")}


@pytest.fixture(scope="module")
def dev_predictions(reference: Path, tmp_path_factory) -> Path:
    """Our extractor's output on the dev set, as the JSONL the reference scorer reads."""
    dev = SHARED / "dev"
    by_doc = predict(dev, load_gold(dev))
    return write_jsonl(tmp_path_factory.mktemp("dev") / "pred.jsonl", [r for rs in by_doc.values() for r in rs])


def test_dev_set_figures_match_reference(dev_predictions: Path):
    dev = SHARED / "dev"
    golds = load_gold(dev)
    ours = score(golds, load_predictions(dev_predictions, golds)).as_json()
    theirs = reference_json(dev, dev_predictions)
    assert theirs["predicted_facts"] > 0
    for key in (*HEADLINE, "documents", "gold_facts", "predicted_facts", "missed"):
        assert ours[key] == theirs[key], key


def test_cli_on_dev_set_matches_reference(dev_predictions: Path):
    dev = SHARED / "dev"
    done = run_cli(str(dev), "--predictions", str(dev_predictions), "--format", "json")
    assert done.returncode == 0, done.stderr
    ours, theirs = json.loads(done.stdout), reference_json(dev, dev_predictions)
    assert {k: ours[k] for k in HEADLINE} == {k: theirs[k] for k in HEADLINE}
