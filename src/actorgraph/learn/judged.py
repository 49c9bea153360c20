"""Analysts' judgements as training data: every judged document becomes NAME.txt + NAME.gold.yaml in
the gold format (docs/gold-format.md), marked `complete: false` with the entity pairs that were
judged, so the scorer and `actorgraph train --extra` use those pairs and skip the rest (an
unjudged relation is neither right nor wrong). Gold relations are what the analyst confirmed,
relabelled or added; rejected ones are listed apart, for the record."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..graph.judgements import ANALYST, ANALYST_BACKED, HIDDEN
from ..models import Document, Relation
from .evaluate import GOLD_SUFFIX, check_gold


def _entry(relation: Relation, names: dict[str, str]) -> dict:
    item = {"s": names[relation.subject.actor.id], "p": relation.predicate, "o": names[relation.object.actor.id]}
    if relation.object2:
        item["o2"] = names[relation.object2.actor.id]
    return {**item, "modality": relation.modality, "evidence": relation.evidence.text}


def gold_of(document: Document, relations: list[Relation], judged_ids: set[tuple[str, str]]) -> dict:
    """The gold annotation an analyst's judgements on one document amount to. `relations` are the
    document's (rejected ones included); `judged_ids` the actor-id pairs the judgements were about."""
    judged = [r for r in relations if r.judgement]
    actors = {m.actor.id: m.actor for r in judged for m in (r.subject, r.object, r.object2) if m}
    judged_actors = {i for pair in judged_ids for i in pair}
    actors.update({m.actor.id: m.actor for r in relations for m in (r.subject, r.object, r.object2)
                   if m and m.actor.id in judged_actors})
    names: dict[str, str] = {}
    for actor_id, actor in sorted(actors.items()):
        names[actor_id] = actor.name if actor.name not in names.values() else f"{actor.name} ({actor_id})"
    entities = {}
    for actor_id, actor in sorted(actors.items(), key=lambda kv: names[kv[0]]):
        forms = [actor.name, *(m.text for r in relations for m in (r.subject, r.object, r.object2)
                               if m and m.actor.id == actor_id and m.via != ANALYST),
                 *(a for a in actor.aliases if re.search(rf"\b{re.escape(a)}\b", document.text))]
        entities[names[actor_id]] = list(dict.fromkeys(f for f in forms if f.strip()))
    return {"document": document.name, "complete": False,
            "judged": sorted({tuple(sorted(names[i] for i in pair)) for pair in judged_ids
                              if all(i in names for i in pair)}),
            "entities": entities,
            "relations": [_entry(r, names) for r in judged if r.judgement in ANALYST_BACKED],
            "rejected": [_entry(r, names) for r in judged if r.judgement in HIDDEN]}


def write_judged(store, folder: str | Path) -> list[Path]:
    """Every judged document as NAME.txt + NAME.gold.yaml in `folder`; returns the gold files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    by_document: dict[str, set[tuple[str, str]]] = {}
    for j in store.judgements():
        pairs = by_document.setdefault(j.document_id, set())
        for s, o in ((j.subject_id, j.object_id), (j.new_subject_id, j.new_object_id),
                     (j.new_subject_id, j.new_object2_id)):
            if s and o:
                pairs.add(tuple(sorted(_canonical(store, x) for x in (s, o))))
    written = []
    for document_id, pairs in sorted(by_document.items()):
        document = store.document(document_id)
        gold = gold_of(document, store.relations(document_id=document_id, hidden=True), pairs)
        name = re.sub(r"[^0-9A-Za-z._-]+", "-", document.name).strip("-.") or document_id[:16]
        (folder / f"{name}.txt").write_text(document.text, "utf-8")
        target = folder / f"{name}{GOLD_SUFFIX}"
        gold["document"] = name
        target.write_text(yaml.safe_dump(_plain(gold), allow_unicode=True, sort_keys=False, width=120), "utf-8")
        check_gold(target, yaml.safe_load(target.read_text("utf-8")))
        written.append(target)
    return written


def _canonical(store, actor_id: str) -> str:
    actor = store.actor(actor_id)
    return actor.id if actor else actor_id


def _plain(value):
    """Tuples as lists, so the YAML is the plain kind the gold format uses."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
