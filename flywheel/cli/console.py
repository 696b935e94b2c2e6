"""What every command shares: terminal output, the one policy for user errors, common options."""

from __future__ import annotations

import functools
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from flywheel.core.errors import FlywheelError

out = Console(soft_wrap=True)  # messages stay on one line when piped
err = Console(stderr=True, soft_wrap=True)

CatalogOpt = Annotated[Path, typer.Option("--catalog", "-c", help="DuckDB catalog file (images are stored in images/ beside it).")]
DEFAULT_CATALOG = Path("flywheel.duckdb")


def user_errors(fn):
    """Turn user mistakes into one red line and exit code 1; Ctrl-C into exit code 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # `kill PID` stops a run the way Ctrl-C does: batches committed, workers closed, one line.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            return fn(*args, **kwargs)
        except FlywheelError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted; committed batches are kept — rerun the same command to resume")
            raise typer.Exit(130) from None

    return wrapper
