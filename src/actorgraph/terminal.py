"""The terminal the commands write to: results on standard output, errors and progress on standard
error, one line per error (never wrapped), document text never read as rich markup."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape

out = Console()
err = Console(stderr=True)


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
