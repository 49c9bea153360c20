"""The command line: a thin shell over the `Workspace` and the learn stage. The commands live by what
they work on: documents (`documents.py`), the stored graph (`graph.py`), annotated texts and the
model (`learn.py`); this module gathers them into one `actorgraph` program."""
from __future__ import annotations

import typer

from ..extract.errors import PipelineMissing, StaleModel
from ..graph.store import NoDatabase, SchemaMismatch
from . import documents, graph, judging, learn
from .common import fail

app = typer.Typer(help="Evidence-graded knowledge graphs of armed-conflict actors, built offline from text.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)
for command in (documents.ingest, documents.extract, graph.ask, graph.actors, graph.show, graph.merge, graph.split,
                graph.merges, graph.timeline, documents.profile, documents.attention, graph.serve, graph.export,
                judging.judge, judging.unjudge, judging.review, documents.demo):
    app.command()(command)
app.command(name="eval")(learn.evaluate)
app.command(name="train")(learn.train_command)
app.add_typer(learn.corpus_app, name="corpus")
app.add_typer(judging.judgements_app, name="judgements")


def main() -> None:
    try:
        app()
    except (PipelineMissing, SchemaMismatch, NoDatabase, StaleModel) as exc:
        fail(str(exc))
        raise SystemExit(1)
