"""Rhetoric spans: lexicon cues, rhetorical questions, burden shifting, labels put on actors, the
labelled set in tests/data, and the reference opinion article when ../shared is present."""
from pathlib import Path

from actorgraph.extract.coref import resolve_anaphora
from actorgraph.extract.document import extract
from actorgraph.extract.mentions import find_mentions
from actorgraph.models import Document
from actorgraph.extract.rhetoric import (evaluate_file, excluded_from_evidence, find_spans, format_table,
                                         loaded_labels, rhetoric, score_spans)

LABELLED = Path(__file__).parents[1] / "data" / "rhetoric-spans.yaml"
HELD_OUT = Path(__file__).parents[1] / "data" / "rhetoric-spans-heldout.yaml"


def techniques(spans) -> set[str]:
    return {s.technique for s in spans}


def sentence_with(text: str, word: str) -> tuple[int, int]:
    """Character range of the sentence (by . ? ! or line break) holding `word`."""
    at = text.index(word)
    start = max(text.rfind(c, 0, at) for c in ".?!\n") + 1
    end = min((i for i in (text.find(c, at) for c in ".?!\n") if i >= 0), default=len(text)) + 1
    return start, end


def labels_of(nlp, text: str) -> dict:
    doc = nlp(text)
    return loaded_labels(doc, resolve_anaphora(doc, find_mentions(doc)))


def test_lexicon_is_data_with_semeval_names():
    lex = rhetoric()
    assert lex.disqualifying == {"rhetorical_question", "burden_shifting", "imagined_ability", "demand"}
    assert lex.techniques["name_calling"].semeval == "Name_Calling-Labeling"
    assert lex.actor_labels["terrorist"] == "pejorative"


def test_offsets_point_into_the_text(nlp):
    doc = nlp("The so-called council is a puppet of foreign powers. Sources say its thugs fled.")
    spans = find_spans(doc)
    assert {"doubt", "name_calling", "vague_attribution"} <= techniques(spans)
    assert all(doc.text[s.start:s.end] == s.text and 0 < s.confidence <= 1 for s in spans)


def test_burden_shifting_spans_the_sentence_and_disqualifies(run, nlp):
    text = "If Rwanda denies it, let Kigali prove that Rwanda does not arm the M23."
    spans = find_spans(nlp(text))
    shift = next(s for s in spans if s.technique == "burden_shifting")
    assert shift.text == text
    relations = run(text).relations
    assert relations
    assert all(excluded_from_evidence(spans, r.evidence.start, r.evidence.end) == shift for r in relations)


def test_cued_question_is_surer_than_a_plain_one(nlp):
    cued = find_spans(nlp("The talks failed. Who can deny that Iran arms the Houthis?"))
    plain = find_spans(nlp("The talks failed. Will the ceasefire hold next month?"))
    assert [s.technique for s in cued] == ["rhetorical_question"]
    assert [s.technique for s in plain] == ["rhetorical_question"]
    assert cued[0].confidence > plain[0].confidence


def test_question_in_rhetoric_is_not_evidence(run, nlp):
    text = "Is it not obvious that Pakistan supports Lashkar-e-Taiba?"
    spans = find_spans(nlp(text))
    relation = next(r for r in run(text).relations if r.predicate == "supports")
    assert excluded_from_evidence(spans, relation.evidence.start, relation.evidence.end).technique == \
        "rhetorical_question"


def test_asserted_sentence_next_to_a_question_still_counts(run, nlp):
    text = "Turkey armed the Syrian National Army in 2019. Why would anyone doubt it?"
    spans = find_spans(nlp(text))
    relation = next(r for r in run(text).relations if r.predicate == "supports")
    assert excluded_from_evidence(spans, relation.evidence.start, relation.evidence.end) is None


def test_headline_and_interview_questions_are_not_rhetorical(nlp):
    headline = nlp("Will the truce hold in the south?\nThe two sides agreed to a truce on Sunday, officials said.")
    interview = nlp("Q: Who supplies the fuel?\nA: A local contractor.\nQ: When did you arrive?\nA: In June.")
    assert "rhetorical_question" not in techniques(find_spans(headline))
    assert "rhetorical_question" not in techniques(find_spans(interview))


def test_plain_news_has_no_rhetoric(nlp):
    doc = nlp("The envoy met both delegations in Geneva on Thursday. The talks will resume next week, "
              "a UN spokesperson said.")
    assert find_spans(doc) == []


def test_slogans_and_repetition(nlp):
    slogans = find_spans(nlp("Glory to the fighters of the north! VICTORY IS COMING."))
    assert [s.technique for s in slogans] == ["slogans", "slogans"]
    repeated = find_spans(nlp("The council lied about bread, the council lied about fuel, the council lied again."))
    assert "repetition" in techniques(repeated)


def test_labels_put_on_actors(nlp):
    found = labels_of(nlp, "The terrorist group Hayat Tahrir al-Sham seized Idlib. Lashkar-e-Taiba, a terrorist "
                           "organisation, attacked Pahalgam. The Taliban should be considered a terrorist threat.")
    assert found["Hayat Tahrir al-Sham"]["terrorist"] == 1
    assert found["Lashkar-e-Taiba"]["terrorist"] == 1
    assert found["Taliban"]["terrorist"] == 1


def test_label_inside_a_name_is_not_a_label(nlp):
    found = labels_of(nlp, "The attack was claimed by The Resistance Front, a proxy of Lashkar-e-Taiba.")
    assert "The Resistance Front" not in found


def test_score_spans_overlap_matching():
    gold = [("doubt", 0, 9), ("name_calling", 20, 26)]
    predicted = [("doubt", 4, 12), ("name_calling", 40, 45)]
    table = score_spans(gold, predicted)
    assert table["doubt"]["precision"] == 1.0 and table["name_calling"]["recall"] == 0.0
    assert table["all"]["f1"] == 0.5


def test_labelled_set_micro_f1(nlp):
    table = evaluate_file(LABELLED, nlp)
    print("\n" + format_table(table))
    assert table["all"]["gold"] >= 40
    assert table["all"]["f1"] >= 0.6


def test_held_out_set_is_reported(nlp):
    """Written after tuning and never tuned on: the floor only guards against regressions."""
    table = evaluate_file(HELD_OUT, nlp)
    print("\n" + format_table(table))
    assert table["all"]["precision"] >= 0.8 and table["all"]["f1"] >= 0.5


def test_reference_article(shared, nlp):
    text = (shared / "examples" / "taliban-hts-opinion.txt").read_text("utf-8")
    doc = nlp(text)
    spans = find_spans(doc)
    by = {}
    for span in spans:
        by.setdefault(span.technique, []).append(span)
    refute = text.index("refut")
    assert any(s.start <= refute < s.end for s in by["burden_shifting"])
    except_at = text.index("except")
    question = next(s for s in by["rhetorical_question"] if s.start <= except_at < s.end)
    assert not any(s.start == 0 for s in by["rhetorical_question"])
    assert any(s.text.lower().startswith("terrorist") for s in by["name_calling"])
    mentions = resolve_anaphora(doc, find_mentions(doc))
    assert loaded_labels(doc, mentions)["Hayat Tahrir al-Sham"]["terrorist"] >= 3
    relations = extract(Document(text=text, name="reference"), doc).relations
    flagged = [r for r in relations if question.start <= r.evidence.start < question.end]
    assert flagged
    for relation in flagged:
        assert excluded_from_evidence(spans, relation.evidence.start, relation.evidence.end) == question
    start, end = sentence_with(text, "refut")
    for relation in relations:
        if start <= relation.evidence.start < end:
            assert excluded_from_evidence(spans, relation.evidence.start, relation.evidence.end) is not None
