"""Commands over the stored graph: questions, actors, timelines, corrections, exports and the
workbench."""
from __future__ import annotations

import json
import sys
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..answer.answer import render_text
from ..graph.fuse import DAY
from ..serve.cache import DEFAULT_SIZE as DEFAULT_CACHE
from .common import Db, err, fail, out, row, workspace


def ask(question: str = typer.Argument(..., help='e.g. "What is the relationship between A and B?", or a name'),
        other: Optional[str] = typer.Argument(None, help="A second name: `ask A B` asks how A and B are related."),
        db: Db = None, format: str = typer.Option("text", "--format", help="text or json."),
        as_of: Optional[str] = typer.Option(None, "--as-of", help="Answer for a date (YYYY, YYYY-MM or YYYY-MM-DD).")
        ) -> None:
    """Answer "What is the relationship between A and B?" ("How are A and B connected?", "Is A linked to
    B?", "A and B", or two names) with direct relations, paths, evidence and caveats about the sources."""
    if as_of and not DAY.fullmatch(as_of):
        fail(f"--as-of must be YYYY, YYYY-MM or YYYY-MM-DD, not {as_of!r}")
        raise typer.Exit(2)
    with workspace(db) as ws:
        result = ws.ask(question, other, as_of=as_of)
    if format == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(render_text(result), highlight=False, markup=False)


def actors(db: Db = None, limit: int = typer.Option(50, help="How many to list.")) -> None:
    """List the actors in the database, most connected first."""
    with workspace(db) as ws:
        rows = ws.actors(limit=limit, frame=False)
    table = Table("id", "name", "type", "mentions", "relations")
    for item in rows:
        row(table, item["id"], item["name"], item["type"], str(item["mentions"]), str(item["relations"]))
    out.print(table)


def show(actor: str = typer.Argument(..., help="A name or alias."), db: Db = None) -> None:
    """Show one actor: its aliases and every relation with its evidence."""
    with workspace(db) as ws:
        found = ws.actor(actor)
        relations = ws.relations(found.id, frame=False)
    out.print(f"[bold]{escape(found.name)}[/bold] ({found.type}, id {found.id})")
    if found.aliases:
        out.print("aliases: " + ", ".join(found.aliases[:20]), highlight=False, markup=False)
    table = Table("id", "subject", "predicate", "object", "modality", "judgement", "doc", "evidence")
    for r in relations:
        row(table, r["relation_id"], r["subject"]["name"], r["predicate"], r["object"]["name"], r["modality"],
            r["judgement"] or "", r["doc"], r["evidence"]["text"][:100])
    out.print(table)


def merge(keep: str = typer.Argument(..., help="The actor to keep (name, alias or id)."),
          other: str = typer.Argument(..., help="The actor that is the same (name, alias or id)."), db: Db = None) -> None:
    """Correct the graph: OTHER is the same actor as KEEP. Survives re-ingest; undo with `split`."""
    with workspace(db) as ws:
        link = ws.merge(keep, other)
    out.print(f"merged {link.actor_id} into {link.into_id}", highlight=False, markup=False)


def split(actor: str = typer.Argument(..., help="The id of a merged actor (see `actorgraph merges`)."),
          db: Db = None) -> None:
    """Correct the graph: undo a merge and keep the two actors apart from then on."""
    with workspace(db) as ws:
        link = ws.split(actor)
    out.print(f"split {link.actor_id} from {link.into_id}", highlight=False, markup=False)


def merges(db: Db = None) -> None:
    """List every merge of actors across documents, with who made it and why."""
    with workspace(db) as ws:
        rows = ws.merges()
    table = Table("merged id", "into", "origin", "reason")
    for item in rows:
        row(table, item["actor_id"], item["into_id"], item["origin"], item["reason"])
    out.print(table)


def timeline(actor: str = typer.Argument(..., help="A name or alias."),
             other: Optional[str] = typer.Argument(None, help="A second actor: only their shared history."),
             db: Db = None) -> None:
    """An actor's relations (or a pair's) in the order they held, with source, modality and grade."""
    with workspace(db) as ws:
        rows = ws.timeline(actor, other)
    table = Table("from", "to", "subject", "predicate", "object", "modality", "grade", "source", "evidence")
    for r in rows:
        row(table, r["valid_from"] or "?", r["valid_to"] or "", r["subject"]["name"], r["predicate"],
            r["object"]["name"], r["modality"], r["grade"], r["source"] or r["doc"], r["evidence"]["text"][:90])
    out.print(table)


def export(output: Optional[str] = typer.Option(
               None, "--output", "-o", help="File to write (a folder for csv); standard output when left out or '-'."),
           format: str = typer.Option("graphml", "--format", help="ftm, graphml, gexf, csv or json."),
           actor: Optional[str] = typer.Option(None, help="Only the network around this actor."),
           hops: int = typer.Option(2, help="With --actor: how many relation steps around it."), db: Db = None) -> None:
    """Export the graph (or the network around an actor) for Gephi, Aleph/FollowTheMoney, a spreadsheet
    or code; to standard output unless --output names a file, so `export --format ftm | ftm validate` works."""
    from ..export import FORMATS

    to_stdout = output in (None, "-")
    if format not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
        raise typer.Exit(2)
    if to_stdout and format == "csv":
        fail("--format csv writes a folder of two files: give it with --output DIR")
        raise typer.Exit(2)
    with workspace(db) as ws:
        if to_stdout:
            sys.stdout.buffer.write(ws.export(format, None, actor, hops))
            sys.stdout.flush()
            return
        chosen = ws.selection(actor, hops)
        ws.export(format, output, actor, hops)
    out.print(f"{len(chosen.actors)} actors, {len(chosen.relations)} relations -> {output}",
              highlight=False, markup=False)


def serve(db: Db = None,
          host: str = typer.Option("127.0.0.1", help="Address to listen on (elsewhere than loopback, writes need --token)."),
          port: int = typer.Option(8000, help="Port to listen on."),
          token: Optional[str] = typer.Option(None, envvar="ACTORGRAPH_TOKEN",
                                              help="Token that uploads and corrections must send (Bearer); "
                                                   "NAME:SECRET names who the judgements made on the page are by."),
          user: Optional[str] = typer.Option(None, envvar="ACTORGRAPH_USER",
                                             help="Who the judgements made on the page are by (default: the "
                                                  "token's NAME, else the account running the server)."),
          max_upload_mb: float = typer.Option(20.0, help="Largest upload accepted, in MB."),
          create: bool = typer.Option(False, "--create", help="Start on an empty database when none exists "
                                                              "(to fill it with uploads)."),
          workers: int = typer.Option(1, min=1, help="Server processes: reads are answered on that many cores; "
                                                     "uploads are still ingested one at a time."),
          cache: int = typer.Option(DEFAULT_CACHE, min=0, help="Answers each worker keeps until the database "
                                                               "changes (0: none).")) -> None:
    """The analyst's workbench: the HTTP API (docs at /docs) and the graph page, over one database."""
    import os

    import uvicorn

    from ..serve.app import create_app
    from ..serve.workers import serve_workers

    if workers > 1 and os.name == "nt":
        fail("--workers above 1 needs POSIX file locks: run one worker on Windows")
        raise typer.Exit(2)
    settings = dict(db=db, host=host, token=token, max_upload_bytes=int(max_upload_mb * 1_000_000), create=create,
                    user=user, cache_size=cache)
    application = create_app(**settings)
    if application.state.cytoscape is None:
        fail("Cytoscape.js is not installed, so the page cannot draw graphs: run `npm ci` in the repository")
    if not application.state.writes:
        fail(f"listening on {host} without a token: uploads and corrections are disabled")
    shown = f"[{host}]" if ":" in host else host
    err.print(f"actorgraph on http://{shown}:{port}/ (API docs: /docs); Ctrl-C stops it", highlight=False)
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level="warning")
        return
    application.state.workspace.close()  # it created and migrated the database once; each worker opens its own
    try:
        serve_workers(settings, workers, port)
    except OSError as error:
        fail(f"cannot listen on {shown}:{port}: {error.strerror or error}")
        raise typer.Exit(1) from None
