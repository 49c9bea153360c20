"""Question latency: `ask` on synthetic graphs of a given number of relations, built straight into the
store's tables (no NLP), so graph size can reach 1M relations in minutes.

Endpoints follow a Zipf law over ~relations/10 actors, so a few hubs carry many relations, as
"United States" or "Islamic State" do in real news; `ask` reads the neighbourhood of both actors,
so hubs are what makes it slow or fast.
"""
from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timezone
from itertools import accumulate
from pathlib import Path

from sqlalchemy import insert

from actorgraph.answer.answer import ask
from actorgraph.answer.ready import settle
from actorgraph.graph.claims import rebuild
from actorgraph.extract.lexicon import ontology
from actorgraph.names import normalize
from actorgraph.graph.schema import ActorRow, AliasRow, DocumentRow, RelationRow
from actorgraph.graph.store import Store

from .profiling import profile_to

Advance = Callable[[int], None]
ZIPF_EXPONENT = 0.9
CHUNK = 20_000
TYPES = {"armed_group": 35, "state": 15, "person": 30, "organisation": 10, "place": 10}
MODALITIES = {"asserted": 50, "reported": 25, "hedged": 12, "negated": 6, "conditional": 4, "question": 3}
OUTLETS = ("Reuters", "AFP", "AP", "Al Jazeera", "BBC", "Crisis Group", "Long War Journal", "ACLED")


def _noop(_: int) -> None:
    return None


def _chunks(rows, size: int = CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _relation_rows(n: int, actors: list[str], documents: list[str], rng: random.Random):
    """`n` relation rows with Zipf-distributed endpoints (ranks shuffled so hubs are not the first ids)."""
    ranked = actors[:]
    rng.shuffle(ranked)
    cum = list(accumulate(1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(ranked))))
    predicates = sorted(ontology().predicates)
    modalities, weights = list(MODALITIES), list(MODALITIES.values())
    for i in range(n):
        s, o = rng.choices(ranked, cum_weights=cum, k=2)
        while o == s:
            o = rng.choice(ranked)
        predicate = rng.choice(predicates)
        o2 = rng.choice(ranked) if predicate == "mediates" else None
        start = rng.randrange(0, 800)
        yield {"document_id": rng.choice(documents), "subject_id": s, "object_id": o, "object2_id": o2,
               "predicate": predicate, "kind": None, "modality": rng.choices(modalities, weights)[0],
               "attributed_to": None, "time_start": None, "time_end": None, "time_text": None, "time_value": None,
               "evidence_text": f"Synthetic evidence sentence {i}.", "evidence_start": start,
               "evidence_end": start + 30, "extractor": "synthetic", "confidence": round(rng.uniform(0.4, 0.9), 2),
               "subject_mention": s, "subject_start": start, "subject_end": start + 5, "subject_via": "gazetteer",
               "object_mention": o, "object_start": start + 15, "object_end": start + 20, "object_via": "gazetteer",
               "object2_mention": o2, "object2_start": o2 and start + 25, "object2_end": o2 and start + 29,
               "object2_via": o2 and "gazetteer"}


def build_graph(db: Path, relations: int, seed: int = 0, advance: Advance = _noop) -> dict:
    """Bulk-insert documents, actors, aliases and `relations` relations (executemany in chunks),
    then sum up their claims."""
    rng = random.Random(seed)
    store = Store.open(str(db))
    n_actors, n_docs = max(relations // 10, 50), max(relations // 20, 10)
    actors = [f"syn-{i:07d}" for i in range(n_actors)]
    types = rng.choices(list(TYPES), weights=list(TYPES.values()), k=n_actors)
    names = {a: f"Actor {i}" for i, a in enumerate(actors)}
    documents = [f"syn-doc-{i:07d}" for i in range(n_docs)]
    now = datetime.now(timezone.utc).isoformat()
    start = time.perf_counter()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        for batch in _chunks({"id": d, "name": d, "title": None, "url": None, "source": rng.choice(OUTLETS),
                              "author": None, "published": f"202{rng.randrange(5)}-0{rng.randrange(1, 10)}-15",
                              "language": "en", "path": None, "text": "Synthetic document.", "added_at": now}
                             for d in documents):
            conn.execute(insert(DocumentRow.__table__), batch)
        for batch in _chunks({"id": a, "name": names[a], "type": t} for a, t in zip(actors, types)):
            conn.execute(insert(ActorRow.__table__), batch)
        for batch in _chunks({"actor_id": a, "alias": names[a], "alias_norm": normalize(names[a])} for a in actors):
            conn.execute(insert(AliasRow.__table__), batch)
    for batch in _chunks(_relation_rows(relations, actors, documents, rng)):
        with store.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.execute(insert(RelationRow.__table__), batch)
        advance(len(batch))
    with store.engine.begin() as conn:
        rebuild(conn)  # rows written past the store: its summed claims are made in one pass
    seconds = time.perf_counter() - start
    stats = store.stats()
    store.close()
    return {"relations": stats["relations"], "actors": stats["actors"], "documents": stats["documents"],
            "build_seconds": seconds, "db_mb": db.stat().st_size / 2**20}


def _pairs(n_actors: int, count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed + 1)
    return [tuple(f"Actor {i}" for i in rng.sample(range(n_actors), 2)) for _ in range(count)]


def measure_ask(db: Path, n_actors: int, pairs: int = 200, budget: float = 90.0, seed: int = 0,
                advance: Advance = _noop) -> dict:
    """p50/p95 of `ask` over random actor pairs; stops early (and says so) once `budget` seconds pass."""
    store = Store.open(str(db))
    questions = [f"What is the relationship between {a} and {b}?" for a, b in _pairs(n_actors, pairs, seed)]
    ask(store, questions[-1])
    settle()  # as a `serve` worker does once started
    latencies, started = [], time.perf_counter()
    for question in questions:
        t0 = time.perf_counter()
        ask(store, question)
        latencies.append((time.perf_counter() - t0) * 1000)
        advance(1)
        if time.perf_counter() - started > budget:
            break
    store.close()
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {"asked": len(latencies), "planned": pairs, "stopped_early": len(latencies) < pairs,
            "p50_ms": pick(0.50), "p95_ms": pick(0.95), "max_ms": ordered[-1],
            "mean_ms": statistics.fmean(ordered)}


def profile_ask(db: Path, n_actors: int, out: Path, asks: int = 5, seed: int = 0, top: int = 25) -> None:
    """cProfile a few asks on the largest graph, to show which function the latency goes to."""
    store = Store.open(str(db))
    questions = [f"What is the relationship between {a} and {b}?" for a, b in _pairs(n_actors, asks, seed)]
    profile_to(out, f"cProfile of {asks} ask() calls on {db.name}.\n\n",
               lambda: [ask(store, question) for question in questions], top)
    store.close()