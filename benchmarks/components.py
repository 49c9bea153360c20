"""Where the parse's time goes: each component of the project's pipeline (`extract.nlp.load()`)
timed on its own over the benchmark corpus, at the pipeline's batch size, the components run one
after another over every document (as `nlp.pipe` would, without interleaving batches).

    python -m benchmarks.components                 # 1,000 synthetic documents, ~1 min
    python -m benchmarks.components --docs 300

It tells which lever the parse offers: a component we could drop, or replace by a table as the
attribute ruler and the lemmatizer were (`extract/tag_rules.py`, `extract/lemma_table.py`). Writes results/components.{json,md}.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from actorgraph.extract import nlp

from .corpus import write_corpus

HERE = Path(__file__).parent


def component_seconds(texts: list[str]) -> dict[str, float]:
    """Seconds per component (the tokenizer first) over `texts`, after a short warm-up."""
    pipeline = nlp.load()
    list(pipeline.pipe(texts[:2 * nlp.BATCH_SIZE], batch_size=nlp.BATCH_SIZE))
    started = time.perf_counter()
    docs = [pipeline.make_doc(text) for text in texts]
    seconds = {"tokenizer": time.perf_counter() - started}
    for name, component in pipeline.pipeline:
        started = time.perf_counter()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=nlp.BATCH_SIZE))
        else:
            docs = [component(doc) for doc in docs]
        seconds[name] = time.perf_counter() - started
    return seconds


def markdown(result: dict) -> str:
    total = sum(result["seconds"].values())
    m = result["machine"]
    lines = [f"# The parse by component ({result['docs']:,} documents)", "",
             f"{m['date']} on {m['cpu']}, {m['cores']} cores; spaCy pipeline {m['pipeline']} (batch "
             f"{result['batch_size']}), actorgraph {m['actorgraph']} ({m['git']}).", "",
             "| component | seconds | share |", "|---|---|---|"]
    lines += [f"| {name} | {value:.2f} | {value / total:.0%} |" for name, value in result["seconds"].items()]
    lines += [f"| all | {total:.2f} | 100% |", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Seconds of each pipeline component on the benchmark corpus.")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    from .report import machine

    corpus = write_corpus(args.docs, args.data, args.seed)
    texts = [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines() if line.strip()]
    result = {"docs": len(texts), "batch_size": nlp.BATCH_SIZE, "seconds": component_seconds(texts),
              "machine": machine()}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "components.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.out / "components.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
