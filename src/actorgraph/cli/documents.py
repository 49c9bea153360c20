"""Commands that read documents: ingest them, extract from them without a database, profile one,
measure an outlet's attention, and the demo."""
from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import workspace as library
from ..answer.answer import render_text
from ..extract.profile import render_profile
from ..graph.store import NoDatabase
from .common import Db, MinConfidence, ModelFile, RulesOnly, err, extract_options, fail, out, row, workspace

DEMO_QUESTION = "What is the relationship between the RSF and the United Arab Emirates?"


def ingest(paths: list[Path] = typer.Argument(..., help="Files or folders (.txt .md .html .jsonl)."),
           db: Db = None,
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
           min_confidence: MinConfidence = None, rules_only: RulesOnly = False, model: ModelFile = None,
           jobs: Annotated[Optional[int], typer.Option(
               "--jobs", "-j", help="Worker processes that parse and extract (default: the number of cores); "
                                    "one writer keeps input order, so the graph is the same.")] = None,
           again: Annotated[bool, typer.Option(
               "--again", help="Extract documents already stored again (after a model upgrade), replacing "
                               "their relations; analysts' judgements on them are applied again.")] = False) -> None:
    """Read documents, extract actors and relations, and store them (one transaction per document)."""
    options = extract_options(min_confidence, rules_only, model)
    if engine not in {"local", "ray"}:
        fail(f"--engine must be local or ray, not {engine!r}")
        raise typer.Exit(2)
    if jobs is not None and (jobs < 1 or engine != "local"):
        fail(f"--jobs must be at least 1, not {jobs}" if jobs < 1 else "--jobs is for the local engine "
             "(with --engine ray, use --workers)")
        raise typer.Exit(2)
    if again and engine != "local":
        fail("--again runs on the local engine only")
        raise typer.Exit(2)
    if engine == "local" and (workers is not None or address is not None):
        fail("--workers and --address need --engine ray")
        raise typer.Exit(2)
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1, not {workers}")
        raise typer.Exit(2)
    metadata = {k: v for k, v in dict(source=source, title=title, author=author, url=url, language=language,
                                      published=published).items() if v}
    with workspace(db, create=True) as ws, Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err, transient=False) as progress:
        task = progress.add_task("reading", total=None)
        try:
            report = ws.ingest(paths, metadata=metadata, max_bytes=max_bytes, options=options, engine=engine,
                               workers=workers, address=address, again=again,
                               jobs=(jobs or _cores()) if engine == "local" else 1,
                               on_total=lambda n: progress.update(task, total=n, description=""),
                               on_progress=lambda name: progress.update(task, advance=1, description=name))
        except RuntimeError as exc:  # RayEngineError: no Ray installed, no cluster at --address, or Ray failed
            progress.stop()
            fail(str(exc))
            raise typer.Exit(1) from exc
    for line in report.errors:
        fail(line)
    again_note = f", {report.replaced} extracted again" if again else ""
    out.print(f"{report.added} added, {report.skipped} already stored{again_note}, {len(report.errors)} failed; "
              f"{report.relations} relations")
    if not report.ok:
        raise typer.Exit(1)


def extract(files: list[Path] = typer.Argument(..., help="Files or folders to read."),
            format: str = typer.Option("jsonl", "--format", help="jsonl or table."),
            max_bytes: int = typer.Option(20_000_000, help="Largest file accepted."),
            min_confidence: MinConfidence = None, rules_only: RulesOnly = False, model: ModelFile = None) -> None:
    """Print the relations found in documents, without a database."""
    if format not in {"jsonl", "table"}:
        fail(f"--format must be jsonl or table, not {format!r}")
        raise typer.Exit(2)
    options = extract_options(min_confidence, rules_only, model)
    relations, errors = library.extract_files(files, options=options, max_bytes=max_bytes)
    table = Table("doc", "subject", "predicate", "object", "modality", "confidence", "evidence")
    for relation in relations:
        if format == "jsonl":
            sys.stdout.write(json.dumps(relation, ensure_ascii=False) + "\n")
        else:
            second = relation["object2"]
            row(table, relation["doc"], relation["subject"]["name"], relation["predicate"],
                relation["object"]["name"] + (f" / {second['name']}" if second else ""), relation["modality"],
                f"{relation['confidence']:.2f}", relation["evidence"]["text"][:90])
    if format == "table":
        out.print(table)
    for error in errors:
        fail(str(error))
    if errors:
        raise typer.Exit(1)


def profile(doc: str = typer.Argument(..., help="A file, or a stored document's name, title or id."),
            db: Db = None, format: str = typer.Option("text", "--format", help="text or json.")) -> None:
    """Critical reading of one document: genre, how firmly it claims, rhetoric, sources, labels put on
    actors, probable misspellings, and territorial claims no other stored source confirms. A file is
    profiled without a database when there is none (then no claim is checked against other sources)."""
    try:
        with workspace(db) as ws:
            result = ws.profile(doc)
    except NoDatabase:
        if not Path(doc).is_file():
            raise
        try:
            result = library.profile(doc)
        except ValueError as exc:
            fail(str(exc))
            raise typer.Exit(1)
    if format == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(render_profile(result), highlight=False, markup=False)


def attention(source: str = typer.Argument(..., help="An outlet, as documents name it (any case)."),
              by: str = typer.Option("week", "--by", help="day, week, month or all."), db: Db = None,
              format: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """What an outlet writes about: per time window, the share of its documents and of its actor
    mentions that go to each actor."""
    if by not in library.WINDOWS:
        fail(f"--by must be day, week, month or all, not {by!r}")
        raise typer.Exit(2)
    with workspace(db) as ws:
        rows = ws.attention(source, by)
    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("window", "actor", "documents", "share of documents", "mentions", "share of mentions",
                  title=f"attention of {source}")
    for item in rows:
        row(table, item["window"], item["actor"], f"{item['documents']}/{item['window_documents']}",
            f"{item['documents_share']:.0%}", item["mentions"], f"{item['mentions_share']:.0%}")
    out.print(table)


def demo_corpus() -> Path:
    return Path(str(resources.files("actorgraph").joinpath("data", "demo")))


def demo(db: str = typer.Option("actorgraph-demo.sqlite", "--db", help="Where to build the demo database.")) -> None:
    """Ingest the bundled demo corpus (the war in Sudan), print a summary and answer one question."""
    try:
        ingest([demo_corpus()], db=db, source=None, title=None, author=None, url=None, language=None,
               published=None, max_bytes=20_000_000)
    except typer.Exit as exit_:
        if exit_.exit_code:
            raise
    with workspace(db) as ws:
        stats = ws.stats()
        result = ws.ask(DEMO_QUESTION)
    table = Table("documents", "actors", "mentions", "relations", title=f"demo database: {db}")
    row(table, *(str(stats[k]) for k in ("documents", "actors", "mentions", "relations")))
    out.print(table)
    predicates = Table("predicate", "relations")
    for name, count in sorted(stats["predicates"].items(), key=lambda kv: -kv[1]):
        row(predicates, name, count)
    out.print(predicates)
    out.print(f"\n[bold]{DEMO_QUESTION}[/bold]")
    out.print(render_text(result), highlight=False, markup=False)


def _cores() -> int:
    from ..processes import default_jobs  # loads the pipeline's modules: only when ingesting

    return default_jobs()
