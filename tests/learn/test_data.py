"""Training data from gold annotations: labels on candidate pairs, folds by conflict, rule records."""
from actorgraph.extract.document import _with_doc_aliases, token_mentions
from actorgraph.extract.frames import candidates
from actorgraph.extract.features import labels as ontology_labels, pairs
from actorgraph.learn.data import (Annotated, at_thresholds, cell_weights, choose_predicate_thresholds,
                                   conflict_folds, gold_labels, rule_precision)
from actorgraph.models import Document

TEXT = "Turkey armed the Syrian National Army. Egypt mediated between Hamas and Israel."
GOLD = {"document": "t", "entities": {"Turkey": ["Turkey"], "SNA": ["Syrian National Army"], "Egypt": ["Egypt"],
                                      "Hamas": ["Hamas"], "Israel": ["Israel"]},
        "relations": [{"s": "Turkey", "p": "supports", "o": "SNA", "evidence": "Turkey armed the Syrian National Army"},
                      {"s": "Egypt", "p": "mediates", "o": "Hamas", "o2": "Israel",
                       "evidence": "Egypt mediated between Hamas and Israel"}]}


def annotated(nlp, group="a", gold=GOLD) -> Annotated:
    doc = nlp(TEXT)
    mentions = token_mentions(doc)
    found = pairs(doc, mentions, candidates(doc, mentions))
    targets = [None if labels is None else labels[0] for labels in gold_labels(gold, TEXT, found,
                                                                               _with_doc_aliases(mentions))]
    return Annotated(gold, group, Document(text=TEXT, name="t"), doc, found, targets)


def test_gold_relations_label_the_pairs_of_their_sentence_in_their_direction(nlp):
    example = annotated(nlp)
    labelled = {(p.subject.mention.actor.name, p.object.mention.actor.name): t
                for p, t in zip(example.pairs, example.targets) if t}
    assert labelled == {("Turkey", "Syrian National Army"): {"supports"}, ("Egypt", "Hamas"): {"mediates"},
                        ("Egypt", "Israel"): {"mediates"}}


REPEATED = "Turkey armed the Syrian National Army. Egypt mediated between Hamas and Israel. Turkey armed the SNA again."


def test_a_fact_said_again_in_another_sentence_is_neither_positive_nor_negative_there(nlp):
    doc = nlp(REPEATED)
    mentions = token_mentions(doc)
    found = pairs(doc, mentions, candidates(doc, mentions))
    gold = {**GOLD, "entities": {**GOLD["entities"], "SNA": ["Syrian National Army", "SNA"]}}
    targets, elsewhere = (list(side) for side in zip(*gold_labels(gold, REPEATED, found, _with_doc_aliases(mentions))))
    example = Annotated(gold, "a", Document(text=REPEATED, name="t"), doc, found, targets, 2.0, elsewhere)
    turkey = [n for n, p in enumerate(found) if (p.subject.mention.actor.name, p.object.mention.text) in {
        ("Turkey", "Syrian National Army"), ("Turkey", "SNA")}]
    assert [(targets[n], elsewhere[n]) for n in turkey] == [({"supports"}, set()), (set(), {"supports"})]
    weights = cell_weights([example])
    supports = ontology_labels().index("supports")
    assert [weights[n, supports] for n in turkey] == [2.0, 0.0]
    assert weights[turkey[1]].sum() == 2.0 * (len(ontology_labels()) - 1), "only that fact is left out"
    record = rule_precision([example])
    assert record["verb-frame:supports:arm"] == 1.0, "the repeat counts neither for nor against the frame"


def test_folds_keep_a_conflict_together(nlp):
    examples = [annotated(nlp, group) for group in ["a", "a", "b", "c", "c", "c", "d", "e", "f"]]
    folds = conflict_folds(examples, 3)
    assert sorted(i for fold in folds for i in fold) == list(range(9))
    for group in "abcdef":
        assert len({k for k, fold in enumerate(folds) for i in fold if examples[i].group == group}) == 1


def test_rule_records_are_shrunk_towards_the_average_frame(nlp):
    no_mediation = dict(GOLD, relations=GOLD["relations"][:1])
    record = rule_precision([annotated(nlp, gold=no_mediation)] * 3)
    assert record["verb-frame:supports:arm"] > record["*"] > record["verb-frame:mediates:mediate"] > 0
    assert record["*"] == 0.333  # for frames never seen: the average frame (3 right of 9 hits)


def test_a_partial_annotation_trains_only_on_the_pairs_it_judged(nlp):
    partial = {**GOLD, "complete": False, "judged": [["Turkey", "SNA"]], "relations": GOLD["relations"][:1]}
    example = annotated(nlp, gold=partial)
    named = {(p.subject.mention.actor.name, p.object.mention.actor.name): t
             for p, t in zip(example.pairs, example.targets)}
    assert named[("Turkey", "Syrian National Army")] == {"supports"}
    assert all(t is None for (s, o), t in named.items() if "Turkey" not in (s, o)), \
        "pairs nobody judged are neither positive nor negative"


def test_a_weight_counts_as_that_many_copies_of_a_row():
    import numpy as np
    from scipy.sparse import csr_matrix
    from actorgraph.learn.data import fit_logistic

    rng = np.random.default_rng(0)
    X = csr_matrix((rng.random((60, 8)) > 0.6).astype(np.float32))
    Y = np.zeros((60, 13), dtype=bool)
    Y[:, 0] = rng.random(60) > 0.5
    weight = np.where(np.arange(60) < 20, 3.0, 1.0)
    weighted = fit_logistic(X, Y, 1.0, weight)
    copies = np.r_[np.arange(60), np.arange(20), np.arange(20)]
    repeated = fit_logistic(X[copies], Y[copies], 1.0)
    plain = fit_logistic(X, Y, 1.0)
    assert np.allclose(weighted[0][0], repeated[0][0], atol=1e-3)
    assert not np.allclose(weighted[0][0], plain[0][0], atol=1e-3)


def predicted(subject: str, predicate: str, obj: str, confidence: float) -> dict:
    return {"subject": {"name": subject, "mention": subject}, "predicate": predicate,
            "object": {"name": obj, "mention": obj}, "modality": "asserted", "confidence": confidence,
            "evidence": {"text": f"{subject} {obj}"}}


def test_a_predicate_the_model_scores_cautiously_gets_a_lower_threshold_of_its_own():
    gold = {**GOLD, "relations": [*GOLD["relations"], {"s": "Hamas", "p": "hostile_to", "o": "Israel",
                                                       "evidence": "Hamas and Israel"}]}
    predictions = {"t": [predicted("Turkey", "supports", "Syrian National Army", 0.2),  # right, scored low
                         predicted("Egypt", "hostile_to", "Israel", 0.2),               # wrong, scored as low
                         predicted("Hamas", "hostile_to", "Israel", 0.6)]}
    thresholds = choose_predicate_thresholds([gold], predictions, floor_precision=0.5, start=0.3)
    assert thresholds["supports"] <= 0.2 < thresholds["hostile_to"]
    assert {(r["subject"]["name"], r["predicate"]) for r in at_thresholds(predictions, thresholds)["t"]} == {
        ("Turkey", "supports"), ("Hamas", "hostile_to")}


def test_no_threshold_of_its_own_buys_recall_below_the_precision_floor():
    predictions = {"t": [predicted("Turkey", "supports", "Syrian National Army", 0.6),
                         predicted("Egypt", "supports", "Israel", 0.2), predicted("Turkey", "supports", "Egypt", 0.2)]}
    assert choose_predicate_thresholds([GOLD], predictions, floor_precision=0.9, start=0.3) == {"supports": 0.3}
