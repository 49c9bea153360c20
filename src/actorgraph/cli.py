"""The command line: a thin shell over the library (pipeline, store, answer)."""
from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import answer as answering
from .fuse import DAY, claims_of, confirmed_by_others, timeline as fused_timeline, validity
from .models import relation_json
from .nlp import PipelineMissing, parse
from .profile import attention as source_attention, render_profile
from .pipeline import ExtractOptions, extract_all, ingest as run_ingest, profile_of, read_all
from .relmodel import StaleModel
from .cli_learn import corpus_app, train_command
from .store import NoDatabase, SchemaMismatch, Store
from .terminal import err, fail as _fail, out

app = typer.Typer(help="Evidence-graded knowledge graphs of armed-conflict actors, built offline from text.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)
app.command(name="train")(train_command)
app.add_typer(corpus_app, name="corpus")

DB_HELP = ("Database: a SQLite file path, postgresql://user@host/db or another SQLAlchemy URL "
           "(default: $ACTORGRAPH_DB or ./actorgraph.sqlite).")
DEMO_QUESTION = "What is the relationship between the RSF and the United Arab Emirates?"


MinConfidence = Annotated[Optional[float], typer.Option(
    "--min-confidence", help="Keep relations at least this confident (0-1; default: the model's threshold, "
                             "chosen by cross-validation on the training corpus).")]
RulesOnly = Annotated[bool, typer.Option("--rules-only", help="Use the rule frames alone, without the learned model.")]
ModelFile = Annotated[Optional[Path], typer.Option(
    "--model", help="A model file from `actorgraph train` (default: the one shipped, or $ACTORGRAPH_MODEL).")]


def _extract_options(min_confidence: float | None, rules_only: bool, model: Path | None) -> ExtractOptions:
    """The extraction options, checked: a confidence in 0-1 and a model file that loads."""
    from .relmodel import model_at

    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        _fail(f"--min-confidence must be between 0 and 1, not {min_confidence}")
        raise typer.Exit(2)
    if model is not None:
        try:
            model_at(str(model))
        except (OSError, ValueError, KeyError) as exc:
            _fail(f"{model}: not a model file from `actorgraph train` ({exc})")
            raise typer.Exit(2)
    return ExtractOptions(min_confidence, rules_only, str(model) if model else None)


def _metadata(**values: Optional[str]) -> dict:
    return {k: v for k, v in values.items() if v}


def _row(table: Table, *values) -> None:
    """Text from documents is data, never rich markup ('[1]' in a quote must print as is)."""
    table.add_row(*(escape(str(v)) for v in values))


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="Files or folders (.txt .md .html .jsonl)."),
           db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
           source: Optional[str] = typer.Option(None, help="Outlet, for files that do not name one."),
           title: Optional[str] = typer.Option(None), author: Optional[str] = typer.Option(None),
           url: Optional[str] = typer.Option(None), language: Optional[str] = typer.Option(None),
           published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD)."),
           max_bytes: int = typer.Option(20_000_000, help="Largest file accepted."),
           engine: Annotated[str, typer.Option(
               "--engine", help="local (one process) or ray (parallel workers; needs the ray extra).")] = "local",
           workers: Annotated[Optional[int], typer.Option(
               "--workers", help="With --engine ray: parallel workers, one CPU each (default 2).")] = None,
           address: Annotated[Optional[str], typer.Option(
               "--address", help="With --engine ray: an existing cluster (auto or ray://HOST:PORT) "
                                 "instead of a local one started for this command.")] = None,
           min_confidence: MinConfidence = None, rules_only: RulesOnly = False, model: ModelFile = None) -> None:
    """Read documents, extract actors and relations, and store them (one transaction per document)."""
    extraction = _extract_options(min_confidence, rules_only, model)
    if engine not in {"local", "ray"}:
        _fail(f"--engine must be local or ray, not {engine!r}")
        raise typer.Exit(2)
    if engine == "local" and (workers is not None or address is not None):
        _fail("--workers and --address need --engine ray")
        raise typer.Exit(2)
    if workers is not None and workers < 1:
        _fail(f"--workers must be at least 1, not {workers}")
        raise typer.Exit(2)
    store = Store.open(db)
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=err, transient=False) as progress:
        task = progress.add_task("reading", total=None)
        options = dict(metadata=_metadata(source=source, title=title, author=author, url=url,
                                          language=language, published=published),
                       max_bytes=max_bytes, options=extraction,
                       on_total=lambda n: progress.update(task, total=n, description=""),
                       on_progress=lambda name: progress.update(task, advance=1, description=name))
        if engine == "ray":
            from .parallel import RayEngineError, ingest_ray

            try:
                report = ingest_ray([str(p) for p in paths], store, workers=workers or 2, address=address, **options)
            except RayEngineError as exc:  # no Ray installed, no cluster at --address, or Ray failed
                store.close()
                progress.stop()
                _fail(str(exc))
                raise typer.Exit(1) from exc
        else:
            report = run_ingest([str(p) for p in paths], store, **options)
    store.close()
    for line in report.errors:
        _fail(line)
    out.print(f"{report.added} added, {report.skipped} already stored, {len(report.errors)} failed; "
              f"{report.relations} relations")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def extract(files: list[Path] = typer.Argument(..., help="Files or folders to read."),
            format: str = typer.Option("jsonl", "--format", help="jsonl or table."),
            max_bytes: int = typer.Option(20_000_000, help="Largest file accepted."),
            min_confidence: MinConfidence = None, rules_only: RulesOnly = False, model: ModelFile = None) -> None:
    """Print the relations found in documents, without a database."""
    if format not in {"jsonl", "table"}:
        _fail(f"--format must be jsonl or table, not {format!r}")
        raise typer.Exit(2)
    options = _extract_options(min_confidence, rules_only, model)
    documents, errors = read_all([str(f) for f in files], max_bytes=max_bytes)
    table = Table("doc", "subject", "predicate", "object", "modality", "confidence", "evidence")
    for _, extraction in extract_all(documents, options=options):
        for relation in extraction.relations:
            if format == "jsonl":
                sys.stdout.write(json.dumps(relation_json(relation), ensure_ascii=False) + "\n")
            else:
                obj = relation.object.actor.name + (f" / {relation.object2.actor.name}" if relation.object2 else "")
                _row(table, relation.doc, relation.subject.actor.name, relation.predicate, obj,
                     relation.modality, f"{relation.confidence:.2f}", relation.evidence.text[:90])
    if format == "table":
        out.print(table)
    for error in errors:
        _fail(str(error))
    if errors:
        raise typer.Exit(1)


@app.command()
def ask(question: str = typer.Argument(..., help='e.g. "What is the relationship between A and B?", or a name'),
        other: Optional[str] = typer.Argument(None, help="A second name: `ask A B` asks how A and B are related."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        format: str = typer.Option("text", "--format", help="text or json."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help="Answer for a date (YYYY, YYYY-MM or YYYY-MM-DD).")
        ) -> None:
    """Answer "What is the relationship between A and B?" ("How are A and B connected?", "Is A linked to
    B?", "A and B", or two names) with direct relations, paths, evidence and caveats about the sources."""
    if as_of and not DAY.fullmatch(as_of):
        _fail(f"--as-of must be YYYY, YYYY-MM or YYYY-MM-DD, not {as_of!r}")
        raise typer.Exit(2)
    store = Store.open(db, create=False)
    try:
        result = answering.ask(store, question, as_of, other)
    except ValueError as exc:
        _fail(str(exc))
        raise typer.Exit(1)
    finally:
        store.close()
    if format == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(answering.render_text(result), highlight=False, markup=False)


@app.command()
def actors(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
           limit: int = typer.Option(50, help="How many to list.")) -> None:
    """List the actors in the database, most connected first."""
    store = Store.open(db, create=False)
    table = Table("id", "name", "type", "mentions", "relations")
    for row in store.actors()[:limit]:
        _row(table, row["id"], row["name"], row["type"], str(row["mentions"]), str(row["relations"]))
    store.close()
    out.print(table)


def _named(store: Store, name: str):
    found = answering.resolve_actor(store, name)
    if found is None:
        store.close()
        _fail(f"no actor called {name!r} in the database")
        raise typer.Exit(1)
    return found


@app.command()
def show(actor: str = typer.Argument(..., help="A name or alias."),
         db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Show one actor: its aliases and every relation with its evidence."""
    store = Store.open(db, create=False)
    found = _named(store, actor)
    relations = store.relations([found.id])
    store.close()
    out.print(f"[bold]{escape(found.name)}[/bold] ({found.type}, id {found.id})")
    if found.aliases:
        out.print("aliases: " + ", ".join(found.aliases[:20]), highlight=False, markup=False)
    table = Table("subject", "predicate", "object", "modality", "doc", "evidence")
    for r in relations:
        _row(table, r.subject.actor.name, r.predicate, r.object.actor.name, r.modality, r.doc, r.evidence.text[:100])
    out.print(table)


@app.command()
def merge(keep: str = typer.Argument(..., help="The actor to keep (name, alias or id)."),
          other: str = typer.Argument(..., help="The actor that is the same (name, alias or id)."),
          db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Correct the graph: OTHER is the same actor as KEEP. Survives re-ingest; undo with `split`."""
    _correct(db, lambda store: store.merge(_named(store, keep).id, _named(store, other).id), "merged", "into")


@app.command()
def split(actor: str = typer.Argument(..., help="The id of a merged actor (see `actorgraph merges`)."),
          db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Correct the graph: undo a merge and keep the two actors apart from then on."""
    _correct(db, lambda store: store.split(actor), "split", "from")


def _correct(db: Optional[str], change, done: str, joint: str) -> None:
    """Apply a user's correction to the store; a refused one is an error line and exit 1."""
    store = Store.open(db, create=False)
    try:
        link = change(store)
    except ValueError as exc:
        _fail(str(exc))
        raise typer.Exit(1)
    finally:
        store.close()
    out.print(f"{done} {link.actor_id} {joint} {link.into_id}", highlight=False, markup=False)


@app.command()
def merges(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List every merge of actors across documents, with who made it and why."""
    store = Store.open(db, create=False)
    table = Table("merged id", "into", "origin", "reason")
    for link in store.links():
        _row(table, link.actor_id, link.into_id, link.origin, link.reason)
    store.close()
    out.print(table)


@app.command()
def timeline(actor: str = typer.Argument(..., help="A name or alias."),
             other: Optional[str] = typer.Argument(None, help="A second actor: only their shared history."),
             db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """An actor's relations (or a pair's) in the order they held, with source, modality and grade."""
    store = Store.open(db, create=False)
    actors = [_named(store, actor)] + ([_named(store, other)] if other else [])
    relations = store.relations([a.id for a in actors])
    store.close()
    grades = {id(r): c.grade for c in claims_of(relations) for r in c.instances}
    table = Table("from", "to", "subject", "predicate", "object", "modality", "grade", "source", "evidence")
    for r in fused_timeline(relations, {a.id for a in actors}):
        valid_from, valid_to = validity(r)
        _row(table, valid_from or "?", valid_to or "", r.subject.actor.name, r.predicate, r.object.actor.name,
             r.modality, grades[id(r)], r.source or r.doc, r.evidence.text[:90])
    out.print(table)


@app.command()
def profile(doc: str = typer.Argument(..., help="A file, or a stored document's name, title or id."),
            db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
            format: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """Critical reading of one document: genre, how firmly it claims, rhetoric, sources, labels put on
    actors, probable misspellings, and territorial claims no other stored source confirms. A file is
    profiled without a database when there is none (then no claim is checked against other sources)."""
    is_file = Path(doc).is_file()
    try:
        store = Store.open(db, create=False)
    except NoDatabase:
        if not is_file:
            raise
        store = None
    if is_file:
        documents, errors = read_all([doc])
        if errors:
            if store:
                store.close()
            _fail(str(errors[0]))
            raise typer.Exit(1)
        document = documents[0]
    else:
        document = store.document(doc)
        if document is None:
            store.close()
            _fail(f"no file or stored document called {doc!r}")
            raise typer.Exit(1)
    parsed = next(parse([document.text]))
    confirmed = store and (lambda r: confirmed_by_others(store.relations([r.subject.actor.id]), r))
    result = profile_of(document, parsed, confirmed)
    if store:
        store.close()
    if format == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(render_profile(result), highlight=False, markup=False)


@app.command()
def attention(source: str = typer.Argument(..., help="An outlet, as documents name it (any case)."),
              by: str = typer.Option("week", "--by", help="day, week, month or all."),
              db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
              format: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """What an outlet writes about: per time window, the share of its documents and of its actor
    mentions that go to each actor."""
    if by not in {"day", "week", "month", "all"}:
        _fail(f"--by must be day, week, month or all, not {by!r}")
        raise typer.Exit(2)
    store = Store.open(db, create=False)
    documents = store.mentions_by_document(source)
    store.close()
    if not documents:
        _fail(f"no stored documents from the source {source!r}")
        raise typer.Exit(1)
    rows = source_attention(documents, by)
    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("window", "actor", "documents", "share of documents", "mentions", "share of mentions",
                  title=f"attention of {source}")
    for row in rows:
        _row(table, row["window"], row["actor"], f"{row['documents']}/{row['window_documents']}",
             f"{row['documents_share']:.0%}", row["mentions"], f"{row['mentions_share']:.0%}")
    out.print(table)


@app.command()
def serve(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
          host: str = typer.Option("127.0.0.1", help="Address to listen on (elsewhere than loopback, writes need --token)."),
          port: int = typer.Option(8000, help="Port to listen on."),
          token: Optional[str] = typer.Option(None, envvar="ACTORGRAPH_TOKEN",
                                              help="Token that uploads and corrections must send (Bearer)."),
          max_upload_mb: float = typer.Option(20.0, help="Largest upload accepted, in MB."),
          create: bool = typer.Option(False, "--create", help="Start on an empty database when none exists "
                                                              "(to fill it with uploads).")) -> None:
    """The analyst's workbench: the HTTP API (docs at /docs) and the graph page, over one database."""
    import uvicorn

    from .serve import create_app

    application = create_app(db, host=host, token=token, max_upload_bytes=int(max_upload_mb * 1_000_000),
                             create=create)
    if application.state.cytoscape is None:
        _fail("Cytoscape.js is not installed, so the page cannot draw graphs: run `npm ci` in the repository")
    if not application.state.writes:
        _fail(f"listening on {host} without a token: uploads and corrections are disabled")
    shown = f"[{host}]" if ":" in host else host
    err.print(f"actorgraph on http://{shown}:{port}/ (API docs: /docs); Ctrl-C stops it", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def export(output: Optional[str] = typer.Option(
               None, "--output", "-o", help="File to write (a folder for csv); standard output when left out or '-'."),
           format: str = typer.Option("graphml", "--format", help="ftm, graphml, gexf, csv or json."),
           actor: Optional[str] = typer.Option(None, help="Only the network around this actor."),
           hops: int = typer.Option(2, help="With --actor: how many relation steps around it."),
           db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Export the graph (or the network around an actor) for Gephi, Aleph/FollowTheMoney, a spreadsheet
    or code; to standard output unless --output names a file, so `export --format ftm | ftm validate` works."""
    from .export import FORMATS, select, to_bytes, write

    to_stdout = output in (None, "-")
    if format not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
        raise typer.Exit(2)
    if to_stdout and format == "csv":
        _fail("--format csv writes a folder of two files: give it with --output DIR")
        raise typer.Exit(2)
    store = Store.open(db, create=False)
    try:
        selection = select(store, _named(store, actor).id if actor else None, hops)
    except ValueError as exc:
        _fail(str(exc))
        raise typer.Exit(1)
    finally:
        store.close()
    if to_stdout:
        sys.stdout.buffer.write(to_bytes(selection, format)[0])
        sys.stdout.flush()
        return
    write(selection, format, output)
    out.print(f"{len(selection.actors)} actors, {len(selection.relations)} relations -> {output}",
              highlight=False, markup=False)


def demo_corpus() -> Path:
    return Path(str(resources.files("actorgraph").joinpath("data", "demo")))


@app.command()
def demo(db: str = typer.Option("actorgraph-demo.sqlite", "--db", help="Where to build the demo database.")) -> None:
    """Ingest the bundled demo corpus (the war in Sudan), print a summary and answer one question."""
    try:
        ingest([demo_corpus()], db=db, source=None, title=None, author=None, url=None, language=None,
               published=None, max_bytes=20_000_000)
    except typer.Exit as exit_:
        if exit_.exit_code:
            raise
    store = Store.open(db)
    stats = store.stats()
    table = Table("documents", "actors", "mentions", "relations", title=f"demo database: {db}")
    _row(table, *(str(stats[k]) for k in ("documents", "actors", "mentions", "relations")))
    out.print(table)
    predicates = Table("predicate", "relations")
    for name, count in sorted(stats["predicates"].items(), key=lambda kv: -kv[1]):
        _row(predicates, name, count)
    out.print(predicates)
    result = answering.ask(store, DEMO_QUESTION)
    store.close()
    out.print(f"\n[bold]{DEMO_QUESTION}[/bold]")
    out.print(answering.render_text(result), highlight=False, markup=False)


@app.command(name="eval")
def evaluate_command(
        gold_dir: Optional[Path] = typer.Argument(
            None, help="A folder of NAME.gold.yaml files (each beside its NAME.txt), or one gold file."),
        predictions: Optional[Path] = typer.Option(
            None, "--predictions", help="Score this JSONL file (the extract contract) instead of running the extractor."),
        format: str = typer.Option("text", "--format", help="text or json."),
        show_errors: bool = typer.Option(False, "--show-errors", help="Also list missed and spurious facts."),
        template: Optional[Path] = typer.Option(
            None, "--template", help="Write FILE.gold.yaml beside FILE.txt from current predictions, to correct by hand."),
        min_confidence: MinConfidence = None, rules_only: RulesOnly = False, model: ModelFile = None) -> None:
    """Score relations against gold annotations: the reference scorer's four figures, then tables.

    A malformed line in --predictions is reported as FILE:LINE and the command exits 1 without
    scoring: figures from part of a file would look like a real result. With --template, only the
    template is written (GOLD_DIR is not needed)."""
    from .evaluate import load_gold, load_predictions, predict, render, score, write_template

    if format not in {"text", "json"}:
        _fail(f"--format must be text or json, not {format!r}")
        raise typer.Exit(2)
    if template is None and gold_dir is None:
        _fail("give a GOLD_DIR to score (or --template FILE.txt to draft a gold file)")
        raise typer.Exit(2)
    options = _extract_options(min_confidence, rules_only, model)
    try:
        if template is not None:
            out.print(str(write_template(template)), highlight=False, markup=False, soft_wrap=True)
            return
        golds = load_gold(gold_dir)
        if predictions is not None:
            by_doc = load_predictions(predictions, golds)
        else:
            with Progress(TextColumn("[bold]eval"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          TextColumn("{task.description}"), console=err, transient=False) as progress:
                task = progress.add_task("reading", total=None)
                by_doc = predict(gold_dir, golds, options=options,
                                 on_total=lambda n: progress.update(task, total=n, description=""),
                                 on_progress=lambda name: progress.update(task, advance=1, description=name))
    except (ValueError, OSError) as exc:
        _fail(str(exc))
        raise typer.Exit(1)
    result = score(golds, by_doc)
    if format == "json":
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
        return
    for item in render(result, show_errors):
        if isinstance(item, str):
            out.print(item, highlight=False, markup=False, soft_wrap=True)
        else:
            out.print(item)


def main() -> None:
    try:
        app()
    except (PipelineMissing, SchemaMismatch, NoDatabase, StaleModel) as exc:
        _fail(str(exc))
        raise SystemExit(1)
