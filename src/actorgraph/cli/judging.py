"""Commands for an analyst's corrections of relations: judge one (confirm, reject, relabel) or add a
missed one, take a judgement back, the review queue, and the judgements as training data."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .common import Db, fail, out, row, workspace

judgements_app = typer.Typer(help="List the analysts' judgements, or write them out as training data.",
                             no_args_is_help=True)
Text = Optional[str]


def judge(target: str = typer.Argument(..., help="A relation id (see `review`, `show`, `ask --format json`), "
                                                 "or `add` to add a relation the extractor missed."),
          action: str = typer.Argument(..., help="confirm, reject or relabel; after `add`, the document "
                                                 "(id, name or title)."),
          predicate: Text = typer.Option(None, help="The right predicate (relabel, add)."),
          subject: Text = typer.Option(None, help="The right subject: a name, alias or id (relabel, add)."),
          object: Text = typer.Option(None, "--object", help="The right object (relabel, add)."),  # noqa: A002
          object2: Text = typer.Option(None, help="The second party, for mediates (add)."),
          modality: Text = typer.Option(None, help="The right modality (relabel, add; default asserted)."),
          span: Text = typer.Option(None, help="START:END, the characters that state the relation (add)."),
          new_actor: Optional[list[str]] = typer.Option(None, help="NAME=TYPE: a party not yet in the database, "
                                                                   "added with that type (add; repeatable)."),
          note: Text = typer.Option(None, help="Why, for whoever reads the judgement later."),
          author: Text = typer.Option(None, envvar="ACTORGRAPH_USER", help="Who judges (default: your account)."),
          db: Db = None) -> None:
    """Judge one relation instance: `judge 42 reject --note "..."`, `judge 42 relabel --predicate
    supports`, `judge 42 confirm`, or add a missed one: `judge add DOC --span 120:180 --subject A
    --predicate supports --object B` (`--new-actor "A=armed_group"` when A is not in the database yet).
    Kept across re-ingests and new models; undo with `unjudge`."""
    with workspace(db) as ws:
        if target == "add":
            if not (span and subject and predicate and object):
                fail("judge add needs --span, --subject, --predicate and --object")
                raise typer.Exit(2)
            if any("=" not in item for item in new_actor or []):
                fail("--new-actor takes NAME=TYPE, e.g. --new-actor 'Sokoto cell=armed_group'")
                raise typer.Exit(2)
            made = ws.add_relation(action, span, subject, predicate, object, object2=object2,
                                   modality=modality or "asserted", note=note, author=author,
                                   new_actors=dict(item.rsplit("=", 1) for item in new_actor or []))
        else:
            if not target.isdigit():
                fail(f"the first argument is a relation id (a number) or `add`, not {target!r}")
                raise typer.Exit(2)
            made = ws.judge(int(target), action, subject=subject, predicate=predicate, object=object,
                            modality=modality, note=note, author=author)
    out.print(f"judgement {made['id']}: {_line(made)}", highlight=False, markup=False, soft_wrap=True)


def unjudge(judgement: int = typer.Argument(..., help="The judgement's id (printed by `judge`; see "
                                                      "`judgements list`)."), db: Db = None) -> None:
    """Take a judgement back: the relations are again as the extractor found them."""
    with workspace(db) as ws:
        gone = ws.unjudge(judgement)
    out.print(f"judgement {gone['id']} taken back: {_line(gone)}", highlight=False, markup=False, soft_wrap=True)


def review(question: Annotated[Optional[str], typer.Option(
               "--question", "-q", help="Only the relations behind this question's answer.")] = None,
           limit: int = typer.Option(20, help="How many to list."),
           format: str = typer.Option("table", "--format", help="table or json."), db: Db = None) -> None:
    """The review queue: relations no analyst has judged, least confident first (or those behind one
    answer). Judge them with `actorgraph judge ID confirm|reject|relabel`."""
    if format not in {"table", "json"}:
        fail(f"--format must be table or json, not {format!r}")
        raise typer.Exit(2)
    with workspace(db) as ws:
        items = ws.review(limit, question)
    if format == "json":
        sys.stdout.write(json.dumps(items, ensure_ascii=False) + "\n")
        return
    table = Table("id", "confidence", "subject", "predicate", "object", "modality", "document", "evidence")
    for r in items:
        row(table, r["relation_id"], r["confidence"], r["subject"]["name"], r["predicate"], r["object"]["name"],
            r["modality"], r["doc"], r["evidence"]["text"][:90])
    out.print(table)


@judgements_app.command("list")
def list_judgements(document: Annotated[Optional[str], typer.Option(help="Only this document's.")] = None,
                    format: str = typer.Option("table", "--format", help="table or json."), db: Db = None) -> None:
    """Every judgement, oldest first: who, when, what and why."""
    with workspace(db) as ws:
        items = ws.judgements(document)
    if format == "json":
        sys.stdout.write(json.dumps(items, ensure_ascii=False) + "\n")
        return
    table = Table("id", "verdict", "judgement", "author", "when", "note")
    for j in items:
        row(table, j["id"], j["verdict"], _line(j), j["author"], j["created_at"], j["note"] or "")
    out.print(table)


@judgements_app.command("export")
def export_judgements(folder: Path = typer.Argument(..., help="Where to write NAME.txt + NAME.gold.yaml."),
                      db: Db = None) -> None:
    """Write the judged documents as partial gold annotations (docs/gold-format.md) for
    `actorgraph train corpus/train --extra FOLDER` and `actorgraph eval FOLDER`."""
    from ..learn.judged import write_judged

    with workspace(db) as ws:
        written = write_judged(ws.store, folder)
    out.print(f"{len(written)} judged documents written to {folder}", highlight=False, markup=False)


def _line(j: dict) -> str:
    """A judgement in a few words: 'reject A supports B' or 'relabel A supports B -> A hostile_to B'."""
    before = " ".join(x for x in (j["subject"], j["predicate"], j["object"]) if x)
    after = " ".join(x for x in (j["new_subject"], j["new_predicate"], j["new_object"]) if x)
    mood = f" [{j['new_modality']}]" if j["new_modality"] else ""
    if j["verdict"] == "add":
        return f"add {after}{mood} at {j['evidence_start']}:{j['evidence_end']}"
    return f"{j['verdict']} {before}" + (f" -> {after}{mood}" if j["verdict"] == "relabel" else "")
