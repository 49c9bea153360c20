"""A seeded synthetic corpus of conflict-news prose, so ingest can be measured at any size.

Sentences come from `templates.yaml` filled with actors of the right type from the packaged
gazetteer; every one of the 13 predicates and every modality occurs, in wire, analysis and brief
styles. Same seed, same corpus: runs on different machines measure the same texts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml

from actorgraph.extract.lexicon import gazetteer

TEMPLATES = Path(__file__).with_name("templates.yaml")
CAST = {"G": ("armed_group", 3), "S": ("state", 2), "P": ("person", 2), "L": ("place", 2),
        "O": ("organisation", 1), "Q": ("population", 1)}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FIRST_DAY, DAYS = date(2019, 1, 1), 7 * 365


@cache
def templates() -> dict:
    return yaml.safe_load(TEMPLATES.read_text("utf-8"))


@cache
def names_by_type() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Canonical name and ASCII aliases of every gazetteer actor, grouped by type (sorted: seed-stable)."""
    grouped: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for entry in sorted(gazetteer().entries.values(), key=lambda e: e.actor.id):
        actor = entry.actor
        aliases = tuple(a for a in actor.aliases if a.isascii() and len(a) > 2)
        grouped.setdefault(actor.type, []).append((actor.name, aliases))
    return grouped


class _DocumentWriter:
    """Fills templates for one document from its cast and the style's modality mix."""

    def __init__(self, rng: random.Random, style: dict, outlet: str, published: date):
        self.rng, self.style, self.t = rng, style, templates()
        self.slots: dict[str, str] = {"outlet": outlet, "year": str(published.year - rng.randint(0, 6)),
                                      "pub_month": published.strftime("%B"), "pub_day": str(published.day),
                                      "weekday": rng.choice(WEEKDAYS)}
        for prefix, (kind, count) in CAST.items():
            for i, (name, aliases) in enumerate(rng.sample(names_by_type()[kind], count), start=1):
                use_alias = aliases and rng.random() < 0.25
                self.slots[f"{prefix}{i}"] = rng.choice(aliases) if use_alias else name
        self.slots["L1_upper"] = self.slots["L1"].upper()

    def fill(self, template: str, **extra: str) -> str:
        vocab = {k: self.rng.choice(v) for k, v in self.t["vocab"].items()}
        return template.format(**self.slots, **vocab, n=self.rng.randint(3, 90), **extra)

    def relation_sentence(self) -> str:
        predicate = self.rng.choice(sorted(self.t["relations"]))
        spec = self.t["relations"][predicate]
        modalities = self.style["modalities"]
        modality = self.rng.choices(list(modalities), weights=list(modalities.values()))[0]
        explicit = [text for m, text in spec.get("explicit", []) if m == modality]
        if modality in self.t["wrappers"] and (not explicit or self.rng.random() < 0.6):
            clause = self.fill(self.rng.choice(spec["asserted"]))
            wrapper = self.rng.choice(self.t["wrappers"][modality])
            return _cap(self.fill(wrapper, clause=clause, clause_cap=_cap(clause)))
        if explicit:
            return _cap(self.fill(self.rng.choice(explicit)))
        if modality == "asserted":
            return _cap(self.fill(self.rng.choice(spec["asserted"]))) + "."
        return self.relation_sentence()

    def sentences(self) -> list[str]:
        lead = self.fill(self.rng.choice(self.style["leads"]))
        body = [self.fill(self.rng.choice(self.t["filler"])) if self.rng.random() < 0.15 else self.relation_sentence()
                for _ in range(self.rng.randint(7, 14))]
        return [lead, *body]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _layout(style_name: str, sentences: list[str], rng: random.Random) -> str:
    """Wire copy in short paragraphs, analysis in longer ones, briefs as one line per item."""
    lead, body = sentences[0], sentences[1:]
    if style_name == "brief":
        return "\n".join([lead, *(f"- {s}" for s in body)])
    size = (2, 3) if style_name == "wire" else (3, 5)
    paragraphs, i = [lead], 0
    while i < len(body):
        step = rng.randint(*size)
        paragraphs.append(" ".join(body[i:i + step]))
        i += step
    return "\n\n".join(paragraphs)


def generate(docs: int, seed: int = 0) -> Iterator[dict]:
    """`docs` distinct documents (distinct texts: the store identifies a document by its hash)."""
    rng, t, seen = random.Random(seed), templates(), set()
    styles = sorted(t["styles"])
    weights = [t["styles"][s]["weight"] for s in styles]
    made = 0
    while made < docs:
        style_name = rng.choices(styles, weights=weights)[0]
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        writer = _DocumentWriter(rng, t["styles"][style_name], rng.choice(t["outlets"]), published)
        text = _layout(style_name, writer.sentences(), rng)
        digest = hashlib.sha256(text.encode()).digest()
        if digest in seen:
            continue
        seen.add(digest)
        made += 1
        yield {"id": f"bench-{seed}-{made:06d}", "title": writer.fill(rng.choice(t["titles"])),
               "source": writer.slots["outlet"], "published": published.isoformat(), "text": text}


def write_corpus(docs: int, out_dir: str | Path, seed: int = 0) -> Path:
    """Write `corpus-<docs>-s<seed>.jsonl` under out_dir (reused if already there) and return its path."""
    path = Path(out_dir) / f"corpus-{docs}-s{seed}.jsonl"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with open(partial, "w", encoding="utf-8") as handle:
        for doc in generate(docs, seed):
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic conflict-news corpus as JSONL.")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--out", default="benchmarks/data")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(write_corpus(args.docs, args.out, args.seed))


if __name__ == "__main__":
    main()
