"""The project's annotated corpus (`corpus/`): every text and gold file checked, near-copies found,
and the corpus report written from the files themselves, so `corpus/README.md` never drifts from
what is there. The split is fixed by conflict in `corpus/conflicts.yaml` before any score is seen.
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..extract.lexicon import ontology
from ..graph.sources import as_minhash, signature
from .evaluate import DEFAULT_MODALITY, GOLD_SUFFIX, check_gold, text_beside

MIN_WORDS, MAX_WORDS = 150, 600
NEAR_COPY = 0.5
SPLITS = ("train", "test", "loop")


@dataclass(frozen=True)
class Conflict:
    slug: str
    name: str
    region: str
    split: str


@dataclass(frozen=True)
class Layout:
    """What `conflicts.yaml` fixes: the genres a text may have and each conflict's split."""
    genres: dict[str, str]
    conflicts: dict[str, Conflict]


@dataclass(frozen=True)
class Entry:
    """One annotated text of the corpus, as read from its two files."""
    gold_file: Path
    gold: dict
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def split(self) -> str:
        return self.gold_file.parent.name


def load_layout(root: Path) -> Layout:
    data = yaml.safe_load((root / "conflicts.yaml").read_text("utf-8"))
    conflicts = {slug: Conflict(slug, c["name"], c["region"], c["split"]) for slug, c in data["conflicts"].items()}
    return Layout(genres=dict(data["genres"]), conflicts=conflicts)


def gold_paths(root: Path) -> list[Path]:
    return sorted(p for split in SPLITS for p in (root / split).glob("*" + GOLD_SUFFIX))


def _entry_problems(entry: Entry, layout: Layout) -> list[str]:
    """What is wrong with one file beyond the scorer's own checks: metadata, length, split,
    evidence that runs over a line, surface forms the text never uses."""
    gold, where, problems = entry.gold, str(entry.gold_file), []
    if gold["document"] != entry.gold_file.name.removesuffix(GOLD_SUFFIX):
        problems.append(f"{where}: field 'document' {gold['document']!r} is not the file's name")
    conflict = layout.conflicts.get(gold.get("conflict"))
    if conflict is None:
        problems.append(f"{where}: field 'conflict' {gold.get('conflict')!r} is not in conflicts.yaml")
    elif conflict.split != entry.split:
        problems.append(f"{where}: conflict {conflict.slug!r} belongs in {conflict.split}/, not {entry.split}/")
    if gold.get("genre") not in layout.genres:
        problems.append(f"{where}: field 'genre' {gold.get('genre')!r} is not one of {', '.join(layout.genres)}")
    if not MIN_WORDS <= entry.words <= MAX_WORDS:
        problems.append(f"{where}: the text has {entry.words} words (allowed {MIN_WORDS}-{MAX_WORDS})")
    lowered = entry.text.lower()
    for name, forms in gold["entities"].items():
        for form in forms or []:
            if form.lower() not in lowered:
                problems.append(f"{where}: entities[{name!r}]: surface form {form!r} does not occur in the text")
    for i, rel in enumerate(gold.get("relations") or [], start=1):
        if "\n" in rel["evidence"]:
            problems.append(f"{where}: relations[{i}]: field 'evidence' spans a line break")
        if rel["p"] == "mediates" and not rel.get("o2"):
            problems.append(f"{where}: relations[{i}]: 'mediates' needs o2 (the second party)")
    return problems


def read_entries(paths: list[Path]) -> tuple[list[Entry], list[str]]:
    """Each gold file with its text; a file that fails the scorer's checks is a problem line."""
    entries, problems = [], []
    for path in paths:
        try:
            gold = check_gold(path, yaml.safe_load(path.read_text("utf-8")))
            entries.append(Entry(path, gold, text_beside(path).read_text("utf-8")))
        except (ValueError, OSError, yaml.YAMLError) as exc:
            problems.append(str(exc).splitlines()[0])
    return entries, problems


def near_copies(entries: list[Entry], threshold: float = NEAR_COPY) -> list[tuple[str, str, float]]:
    """Pairs of texts whose MinHash Jaccard estimate reaches the threshold, highest first."""
    hashes = [(e.gold["document"], as_minhash(signature(e.text))) for e in entries]
    pairs = [(a, b, round(ha.jaccard(hb), 3)) for (a, ha), (b, hb) in itertools.combinations(hashes, 2)]
    return sorted((p for p in pairs if p[2] >= threshold), key=lambda p: -p[2])


def max_similarity(entries: list[Entry]) -> float:
    hashes = [as_minhash(signature(e.text)) for e in entries]
    return max((a.jaccard(b) for a, b in itertools.combinations(hashes, 2)), default=0.0)


def check(root: Path, only: list[Path] | None = None) -> list[str]:
    """Every problem in the corpus (or in the named gold files), one line each, naming the file."""
    layout = load_layout(root)
    entries, problems = read_entries(only or gold_paths(root))
    for entry in entries:
        problems += _entry_problems(entry, layout)
    everything = entries if only is None else read_entries(gold_paths(root))[0]
    names = {e.gold["document"] for e in entries}
    problems += [f"{a} and {b}: near-copies (MinHash Jaccard {j})" for a, b, j in near_copies(everything)
                 if a in names or b in names]
    return problems


def stats(entries: list[Entry]) -> dict:
    """Counts the report shows: per split, conflict, genre, predicate and modality."""
    rel = [r for e in entries for r in e.gold.get("relations") or []]
    return {
        "documents": len(entries), "words": sum(e.words for e in entries), "relations": len(rel),
        "conflicts": Counter(e.gold["conflict"] for e in entries),
        "genres": Counter(e.gold["genre"] for e in entries),
        "predicates": Counter(r["p"] for r in rel),
        "modalities": Counter(r.get("modality", DEFAULT_MODALITY) for r in rel),
    }


def _table(header: tuple[str, ...], rows) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def report(root: Path) -> str:
    """`corpus/README.md`: what the corpus holds, counted from its files."""
    layout, onto = load_layout(root), ontology()
    entries, _ = read_entries(gold_paths(root))
    by_split = {s: [e for e in entries if e.split == s] for s in SPLITS}
    total, parts = stats(entries), {s: stats(es) for s, es in by_split.items()}
    lines = ["# The annotated corpus", "",
             "Texts written for this project about real armed conflicts, each with a gold annotation in the",
             "format of `docs/gold-format.md` and the conventions of the development corpus's guide. Generated by",
             "`actorgraph corpus report corpus` from the files; do not edit by hand.", "",
             "The split is by conflict (`conflicts.yaml`, fixed before any score was seen): `train/` fits the",
             "learned extractor and chooses its threshold by cross-validation; `test/` is only scored; `loop/` is",
             "one conflict for the analyst-correction loop (odd-numbered texts judged, even-numbered scored).", ""]
    lines += _table(("split", "documents", "words", "relations", "conflicts"),
                    [(s, p["documents"], p["words"], p["relations"], len(p["conflicts"])) for s, p in parts.items()]
                    + [("all", total["documents"], total["words"], total["relations"], len(total["conflicts"]))])
    lines += ["", f"Largest MinHash Jaccard between two texts: {max_similarity(entries):.3f} (near-copy at {NEAR_COPY}).",
              "", "## Conflicts", ""]
    lines += _table(("conflict", "region", "split", "documents", "relations"),
                    [(c.name, c.region, c.split, total["conflicts"].get(slug, 0),
                      sum(len(e.gold.get("relations") or []) for e in entries if e.gold["conflict"] == slug))
                     for slug, c in layout.conflicts.items()])
    lines += ["", "## Genres", ""]
    lines += _table(("genre", "what", *SPLITS), [(g, what, *(parts[s]["genres"].get(g, 0) for s in SPLITS))
                                                  for g, what in layout.genres.items()])
    lines += ["", "## Relations per predicate", ""]
    lines += _table(("predicate", *SPLITS, "all"), [(p, *(parts[s]["predicates"].get(p, 0) for s in SPLITS),
                                                     total["predicates"].get(p, 0)) for p in onto.predicates])
    lines += ["", "## Relations per modality", ""]
    lines += _table(("modality", *SPLITS, "all"), [(m, *(parts[s]["modalities"].get(m, 0) for s in SPLITS),
                                                    total["modalities"].get(m, 0)) for m in onto.modalities])
    return "\n".join(lines) + "\n"

