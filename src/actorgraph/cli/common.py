"""What every command shares: the terminal (results on standard output, errors and progress on
standard error, one line per error, document text never read as rich markup), the options of
extraction and the database, and opening a `Workspace` that closes itself."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..answer.answer import UnknownActor
from ..extract.options import ExtractOptions
from ..views import Invalid, NotFound
from ..workspace import Workspace, open as open_workspace

out = Console()
err = Console(stderr=True)

DB_HELP = ("Database: a SQLite file path, postgresql://user@host/db or another SQLAlchemy URL "
           "(default: $ACTORGRAPH_DB or ./actorgraph.sqlite).")
Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
MinConfidence = Annotated[Optional[float], typer.Option(
    "--min-confidence", help="Keep relations at least this confident (0-1; default: the model's threshold, "
                             "chosen by cross-validation on the training corpus).")]
RulesOnly = Annotated[bool, typer.Option("--rules-only", help="Use the rule frames alone, without the learned model.")]
ModelFile = Annotated[Optional[Path], typer.Option(
    "--model", help="A model file from `actorgraph train` (default: the one shipped, or $ACTORGRAPH_MODEL).")]


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def row(table: Table, *values) -> None:
    """Text from documents is data, never rich markup ('[1]' in a quote must print as is)."""
    table.add_row(*(escape(str(v)) for v in values))


def extract_options(min_confidence: float | None, rules_only: bool, model: Path | None) -> ExtractOptions:
    """The extraction options, checked: a confidence in 0-1 and a model file that loads."""
    from ..extract.model import model_at

    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        fail(f"--min-confidence must be between 0 and 1, not {min_confidence}")
        raise typer.Exit(2)
    if model is not None:
        try:
            model_at(str(model))
        except (OSError, ValueError, KeyError) as exc:
            fail(f"{model}: not a model file from `actorgraph train` ({exc})")
            raise typer.Exit(2)
    return ExtractOptions(min_confidence, rules_only, str(model) if model else None)


@contextmanager
def workspace(db: str | None, create: bool = False) -> Iterator[Workspace]:
    """The database as a workspace, closed afterwards; what it refuses (an unknown actor, a bad
    parameter, a question it does not understand) is one error line and exit 1."""
    ws = open_workspace(db, create=create)
    try:
        yield ws
    except (NotFound, UnknownActor, Invalid, ValueError) as exc:
        fail(str(exc.args[0] if isinstance(exc, LookupError) and exc.args else exc))
        raise typer.Exit(1)
    finally:
        ws.close()
