"""Critical reading of one document and of a source's attention: genre guess, how claims are
committed to, rhetoric, named vs unnamed sources, labels put on actors, probable misspellings of
place names and territorial claims to check. Pure functions over a parse and the extractor's
output; the store and CLI feed them (cue data in data/rhetoric.yaml)."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..models import Document, Relation
from .lexicon import gazetteer, package_yaml
from .rhetoric import RhetoricSpan, excluded_from_evidence, loaded_labels
from .tokens import table

if TYPE_CHECKING:
    from spacy.tokens import Doc

GENRES = ("news", "analysis", "opinion", "statement")
MODALITIES = ("asserted", "hedged", "reported", "negated", "question", "conditional")
PLACE_LABELS = {"GPE", "LOC", "FAC"}
CHECK_NOTE = "check against other sources of the date"
QUOTED = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d")
DATELINE = re.compile(
    r"^[A-Z][A-Z .'\-]{2,}(?:, [A-Za-z .]+)?, [A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})? [-\u2013\u2014]", re.MULTILINE)


@cache
def _settings() -> dict:
    """The genre and misspelling sections of rhetoric.yaml."""
    raw = package_yaml("rhetoric.yaml")
    return {"genre": raw["genre"], "scoring": raw["genre_scoring"], "misspellings": raw["misspellings"]}


def _place_names() -> dict[str, str]:
    """Lower-cased gazetteer names, aliases and seats of places and states -> canonical name."""
    allowed = set(_settings()["misspellings"]["types"])
    names: dict[str, str] = {}
    for entry in gazetteer().entries.values():
        if entry.actor.type in allowed:
            for name in (entry.actor.name, *entry.actor.aliases, *entry.seats):
                names.setdefault(name.lower(), name)
    return names


def _max_distance(length: int) -> int:
    """Edits allowed for a name of this length: the entry for the longest length not above it."""
    table = {int(k): int(v) for k, v in _settings()["misspellings"]["max_distance"].items()}
    return max(((k, v) for k, v in table.items() if k <= length), default=(0, 0))[1]


def _place_like(doc: Doc, mentions: list) -> list[tuple[int, int]]:
    """Token spans that name a place the gazetteer does not know: NER places, unknown place
    actors, and unknown names listed with known places ("Latakia, Homa, Aleppo")."""
    place_tokens = {i for m in mentions if m.mention.actor.type == "place" for i in range(m.start, m.end)}
    known = {i for m in mentions if not m.mention.actor.id.startswith("x-") for i in range(m.start, m.end)}
    spans = {(e.start, e.end) for e in doc.ents if e.label_ in PLACE_LABELS}
    spans |= {(m.start, m.end) for m in mentions if m.mention.actor.id.startswith("x-")
              and m.mention.actor.type == "place"}
    unknown = {i: (m.start, m.end) for m in mentions if m.mention.actor.id.startswith("x-")
               for i in range(m.start, m.end)}
    for token in doc:
        if token.i in known or not token.is_title or not token.is_alpha:
            continue
        listed = [token.head] if token.dep_ in {"conj", "appos"} else []
        listed += [c for c in token.children if c.dep_ in {"conj", "appos"}]
        if any(t.i in place_tokens for t in listed):
            left = min([token.i, *(c.i for c in token.children if c.dep_ == "compound")])
            spans.add(unknown.get(token.i, (left, token.i + 1)))
    return sorted(spans)


def probable_misspellings(doc: Doc, mentions: list) -> list[dict]:
    """Place-like names close to, but not exactly, a gazetteer place or state ("Homa" -> "Hama"):
    a reader should not trust a claim about a place the writer may have mistyped."""
    spec = _settings()["misspellings"]
    names = _place_names()
    gaz = gazetteer()
    found: dict[tuple[int, int], dict] = {}
    for start, end in _place_like(doc, mentions):
        span = doc[start:end]
        while len(span) > 1 and span[0].lower_ in {"the", "a", "an"}:
            span = span[1:]
        text = span.text
        if len(text) < int(spec["min_length"]) or gaz.lookup(text) is not None:
            continue
        lowered = text.lower()
        best = None
        for name, canonical in names.items():
            if name[0] != lowered[0] or abs(len(name) - len(lowered)) > _max_distance(len(lowered)):
                continue
            distance = Levenshtein.distance(lowered, name)
            score = fuzz.ratio(lowered, name)
            if 0 < distance <= _max_distance(len(lowered)) and score >= float(spec["min_ratio"]):
                if best is None or score > best[1]:
                    best = (canonical, score)
        if best:
            found[(span.start_char, span.end_char)] = {
                "text": text, "start": span.start_char, "end": span.end_char,
                "suggestion": best[0], "score": round(best[1], 1)}
    return [found[k] for k in sorted(found)]


@cache
def _whole_words(phrase: str) -> re.Pattern:
    """A phrase (lower-cased) as a whole-word pattern, compiled once."""
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")


def _count(phrases, text: str) -> int:
    """Whole-word occurrences of the phrases in `text` (the regex only runs for those the text contains)."""
    return sum(len(_whole_words(p.lower()).findall(text)) for p in phrases if p.lower() in text)


def genre(doc: Doc, relations: list[Relation], spans: list[RhetoricSpan]) -> tuple[str, dict]:
    """The most likely genre and every genre's score: cue phrases per 10 sentences outside
    quotations, a heading word ("Opinion:"), first person and rhetoric for opinion, datelines and
    reported claims for news; rhetoric inside quotations is the quoted speaker's. Ties go to the
    earlier genre in (news, analysis, opinion, statement)."""
    cues = _settings()["genre"]
    scoring = _settings()["scoring"]
    tokens = table(doc)
    text = tokens.text
    first = text.strip().partition("\n")[0]
    quoted = [m.span() for m in QUOTED.finditer(text)]
    unquoted = QUOTED.sub(" ", text).lower()
    per = float(scoring["per_sentences"]) / max(1, len(tokens.sentences))
    scores = {}
    for name in GENRES:
        spec = cues[name]
        score = _count(spec["cues"], unquoted) * float(spec["weight"]) * per
        if re.match(rf"\s*(?:{'|'.join(re.escape(h) for h in spec['heading'])})\b", first.lower()):
            score += float(scoring["heading_weight"])
        scores[name] = score
    opinion = cues["opinion"]
    counted = [s for s in spans if s.technique not in set(scoring["opinion_ignores"])
               and not any(a <= s.start and s.end <= b for a, b in quoted)]
    questions = sum(s.technique == "rhetorical_question" for s in spans)
    scores["opinion"] += per * (_count(opinion["first_person"], unquoted) * float(opinion["first_person_weight"])
                                + len(counted) * float(opinion["rhetoric_weight"]) / 2
                                + questions * float(opinion["question_weight"]))
    reported = sum(r.modality == "reported" for r in relations) / len(relations) if relations else 0.0
    scores["news"] += (float(cues["news"]["dateline_weight"]) * bool(DATELINE.search(text))
                       + reported * float(scoring["news_reported_share_weight"]))
    scores = {k: round(v, 3) for k, v in scores.items()}
    return max(GENRES, key=lambda g: (scores[g], -GENRES.index(g))), scores


def _sources(doc: Doc, mentions: list, relations: list[Relation], spans: list[RhetoricSpan]) -> dict:
    """Speakers credited with claims: named when an actor or a proper noun, unnamed when a generic
    noun or pronoun ("analysts", "officials", "he"), plus every vague attribution in the text."""
    actors = {m.mention.actor.name.lower() for m in mentions} | {
        m.mention.text.lower() for m in mentions if m.mention.via != "coref"}
    named, unnamed = [], []
    for speaker in dict.fromkeys(r.attributed_to for r in relations if r.attributed_to):
        at = table(doc).text.find(speaker)
        words = doc.char_span(at, at + len(speaker), alignment_mode="expand") if at >= 0 else None
        proper = words is not None and any(t.pos_ == "PROPN" or t.ent_type_ for t in words)
        (named if speaker.lower() in actors or proper else unnamed).append(speaker)
    unnamed += [s.text for s in spans if s.technique == "vague_attribution"]
    return {"named": named, "unnamed": list(dict.fromkeys(unnamed))}


def _relation_brief(relation: Relation) -> dict:
    return {"subject": relation.subject.actor.name, "predicate": relation.predicate,
            "object": relation.object.actor.name, "modality": relation.modality,
            "evidence": {"text": relation.evidence.text, "start": relation.evidence.start,
                         "end": relation.evidence.end}}


def document_summary(document: Document, doc: Doc, mentions: list, relations: list[Relation],
                     spans: list[RhetoricSpan]) -> dict:
    """The part of a profile that an answer's caveats need, small enough to keep with every document:
    genre, rhetoric counts, named and unnamed sources, loaded labels per actor."""
    kind, scores = genre(doc, relations, spans)
    return {"genre": kind, "genre_scores": scores, "rhetoric_counts": dict(Counter(s.technique for s in spans)),
            "sources": _sources(doc, mentions, relations, spans),
            "loaded_labels": {a: dict(c) for a, c in loaded_labels(doc, mentions).items()}}


def document_profile(document: Document, doc: Doc, mentions: list, relations: list[Relation],
                     spans: list[RhetoricSpan], *,
                     confirmed: Callable[[Relation], bool] | None = None) -> dict:
    """Everything a critical reader wants before trusting one document. `confirmed(relation)`
    says whether another source in the store backs a territorial claim; without it every claim
    of control is listed to check."""
    kind, scores = genre(doc, relations, spans)
    modalities = Counter(r.modality for r in relations)
    total = len(relations)
    not_evidence = []
    for relation in relations:
        span = excluded_from_evidence(spans, relation.evidence.start, relation.evidence.end)
        if span is not None:
            not_evidence.append({**_relation_brief(relation), "technique": span.technique,
                                 "span": {"start": span.start, "end": span.end}})
    checks = [{**_relation_brief(r), "published": r.published or document.published, "note": CHECK_NOTE}
              for r in relations if r.predicate == "controls" and not (confirmed and confirmed(r))]
    return {
        "document": document.name,
        "genre": kind,
        "genre_scores": scores,
        "claims": {m: modalities[m] / total if total else 0.0 for m in MODALITIES},
        "relations": total,
        "rhetoric": [asdict(s) for s in spans],
        "rhetoric_counts": dict(Counter(s.technique for s in spans)),
        "not_evidence": not_evidence,
        "sources": _sources(doc, mentions, relations, spans),
        "loaded_labels": {a: dict(c) for a, c in loaded_labels(doc, mentions).items()},
        "misspellings": probable_misspellings(doc, mentions),
        "checkable_claims": checks,
    }


def render_profile(result: dict) -> str:
    """The profile for a terminal, one section a line group."""
    scores = ", ".join(f"{g} {v}" for g, v in sorted(result["genre_scores"].items(), key=lambda kv: -kv[1]))
    claims = ", ".join(f"{m} {share:.0%}" for m, share in result["claims"].items() if share)
    lines = [f"{result['document']}: {result['genre']} ({scores})",
             f"claims: {result['relations']} relations; {claims or 'none'}"]
    if result["rhetoric"]:
        lines.append("rhetoric:")
        lines += [f"  [{s['technique']}] {s['text'][:100]} ({s['confidence']})" for s in result["rhetoric"]]
    for item in result["not_evidence"]:
        lines.append(f"not evidence ({item['technique']}): {item['subject']} {item['predicate']} {item['object']}")
    named, unnamed = result["sources"]["named"], result["sources"]["unnamed"]
    lines.append(f"sources: named {', '.join(named) or 'none'}; unnamed {', '.join(unnamed) or 'none'}")
    for actor, labels in result["loaded_labels"].items():
        lines.append(f"labels for {actor}: " + ", ".join(f"{k} x{v}" for k, v in labels.items()))
    for item in result["misspellings"]:
        lines.append(f"probable misspelling: {item['text']} -> {item['suggestion']} ({item['score']})")
    for item in result["checkable_claims"]:
        lines.append(f"{item['note']}: {item['subject']} {item['predicate']} {item['object']} "
                     f"({item.get('published') or 'undated'})")
    return "\n".join(lines)
