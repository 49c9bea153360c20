"""Caveats about the sources behind an answer, for an analyst who must brief on it: for each
document the answer rests on, its genre, the rhetoric that undercuts it (burden shifting and
rhetorical questions first, with their sentences), the loaded labels it puts on actors, whom it
credits (named or unnamed sources), and which of the answer's claims rest only on opinion pieces.
Built from what ingest stored (profiles and rhetoric spans); nothing is parsed again."""
from __future__ import annotations

from ..extract.rhetoric import RhetoricSpan, rhetoric
from ..graph.fuse import Claim
from .wording import clause

FIRST = ("burden_shifting", "rhetorical_question", "imagined_ability", "demand")
LOADED_REGISTERS = ("pejorative", "laudatory")
MAX_SENTENCES = 3
MAX_LISTED = 8


def _rank(technique: str) -> int:
    return FIRST.index(technique) if technique in FIRST else len(FIRST)


def _ordered(spans: list[RhetoricSpan]) -> list[RhetoricSpan]:
    """The techniques that undercut evidence first, then the rest, each in text order."""
    return sorted(spans, key=lambda s: (_rank(s.technique), s.start))


def _loaded(labels: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Only loaded labels (pejorative or laudatory), most used first, per actor."""
    registers = rhetoric().actor_labels
    found = {}
    for actor, counts in labels.items():
        kept = {label: n for label, n in counts.items() if registers.get(label) in LOADED_REGISTERS}
        if kept:
            found[actor] = dict(sorted(kept.items(), key=lambda kv: (-kv[1], kv[0])))
    return dict(sorted(found.items(), key=lambda kv: -sum(kv[1].values())))


def document_caveats(meta: dict, profile: dict | None, spans: list[RhetoricSpan]) -> dict:
    """One document's caveats; `profile` is None for documents stored before profiles were kept."""
    techniques = rhetoric().techniques
    shown, counts = [], {}
    for span in _ordered(spans):
        counts[span.technique] = counts.get(span.technique, 0) + 1
        if span.technique in FIRST and counts[span.technique] <= MAX_SENTENCES:
            shown.append({"technique": span.technique, "label": techniques[span.technique].label,
                          "text": span.text, "start": span.start, "end": span.end})
    genre = (profile or {}).get("genre")
    return {"doc": meta.get("name"), "doc_id": meta.get("id"), "title": meta.get("title"), "source": meta.get("source"),
            "published": meta.get("published"), "genre": genre, "opinion": genre == "opinion",
            "profiled": profile is not None, "rhetoric": shown,
            "rhetoric_counts": dict(sorted(counts.items(), key=lambda kv: (_rank(kv[0]), -kv[1], kv[0]))),
            "labels": _loaded((profile or {}).get("loaded_labels") or {}),
            "sources": (profile or {}).get("sources") or {"named": [], "unnamed": []}}


def caveats(claims: list[Claim], documents: dict[str, dict], profiles: dict[str, dict],
            spans: dict[str, list[RhetoricSpan]]) -> dict:
    """The `caveats` of an answer: per document (`documents`: metadata by id), the claims whose
    evidence sits only in opinion pieces, and the lines a reader sees first."""
    items = [document_caveats(documents[i], profiles.get(i), spans.get(i, [])) for i in sorted(
        documents, key=lambda i: (documents[i].get("published") or "", documents[i].get("name") or ""))]
    opinion = {item["doc_id"] for item in items if item["opinion"]}
    only_opinion = list(dict.fromkeys(clause(c) for c in claims
                                      if c.counted and all((r.doc_id or r.doc) in opinion for r in c.counted)))
    return {"documents": items, "opinion_only": only_opinion, "lines": _lines(items, only_opinion)}


def _lines(items: list[dict], only_opinion: list[str]) -> list[str]:
    lines = []
    for item in items:
        name = item["title"] or item["doc"]
        kind = f"an {item['genre']} piece" if item["genre"] in {"opinion", "analysis"} else (
            f"a {item['genre']}" if item["genre"] else "a document never profiled")
        head = f"{name} ({item['source'] or 'source unknown'}) is {kind}"
        counts = ", ".join(f"{rhetoric().techniques[t].label.lower()} x{n}" for t, n in item["rhetoric_counts"].items())
        lines.append(head + (f"; rhetoric: {counts}" if counts else "") + ".")
        for span in item["rhetoric"]:
            lines.append(f"  {span['label']}: \"{span['text']}\"")
        for actor, labels in item["labels"].items():
            lines.append(f"  calls {actor} " + ", ".join(f"\"{label}\" {n}x" for label, n in labels.items()))
        sources = item["sources"]
        if sources.get("named") or sources.get("unnamed"):
            lines.append(f"  sources named: {', '.join(sources.get('named') or []) or 'none'}; unnamed: "
                         f"{', '.join(sources.get('unnamed') or []) or 'none'}")
    if only_opinion and all(item["opinion"] for item in items):
        lines.append("Every claim here rests on opinion pieces only.")
    elif only_opinion:
        unique = list(dict.fromkeys(only_opinion))
        lines.append("Resting only on opinion pieces: " + "; ".join(unique[:MAX_LISTED])
                     + (f" and {len(unique) - MAX_LISTED} more" if len(unique) > MAX_LISTED else "") + ".")
    return lines


def short(items: list[dict]) -> str | None:
    """What kind of documents an answer rests on, for its summary ('an opinion piece that shifts
    the burden of proof and argues through rhetorical questions')."""
    if len(items) != 1 or not items[0]["genre"]:
        return None
    item = items[0]
    kind = {"opinion": "an opinion piece", "analysis": "an analysis", "statement": "an official statement",
            "news": "a news report"}.get(item["genre"], f"a {item['genre']}")
    traits = [phrase for technique, phrase in (("burden_shifting", "shifts the burden of proof"),
                                               ("rhetorical_question", "argues through rhetorical questions"))
              if item["rhetoric_counts"].get(technique)]
    labelled = sum(n for labels in item["labels"].values() for n in labels.values())
    if labelled:
        traits.append(f"uses loaded labels {labelled} times")
    return kind + (" that " + ", ".join(traits[:-1]) + (" and " if len(traits) > 1 else "") + traits[-1]
                   if traits else "")
