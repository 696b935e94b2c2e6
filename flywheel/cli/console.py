"""What every command shares: terminal output, progress, the one policy for user errors, common
options, and the help layout.

Data is printed as it is: both consoles have markup, emoji codes and highlighting off, so a value
such as `d.line([p, q])`, `:x:` or `[/]` reaches the user unchanged. Styling is given explicitly
(`Text`, `style=`), never by markup inside a string that might hold data.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console, RenderableType
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Column, Table
from rich.text import Text
from typer import rich_utils as typer_rich_utils
from typer.core import TyperArgument, TyperGroup, TyperOption

from flywheel.core.errors import FlywheelError


class Executor(StrEnum):
    """Where the tasks of `synthesize`, `evolve` and `eval` run (run/pool.py::make_pool)."""

    local = "local"
    ray = "ray"

# A pipe or a log has no width: a value is never cut or wrapped at 80 columns there.
PIPED_WIDTH = 100_000


def _console(stderr: bool) -> Console:
    con = Console(stderr=stderr, soft_wrap=True, markup=False, emoji=False, highlight=False)
    if not con.is_terminal:
        con.width = PIPED_WIDTH
    return con


out = _console(stderr=False)
err = _console(stderr=True)

DEFAULT_CATALOG = Path("flywheel.duckdb")
CatalogOpt = Annotated[Path, typer.Option(
    "--catalog", "-c", envvar="FLYWHEEL_CATALOG",
    help="DuckDB catalog file (its images are stored in images/ beside it); default ./flywheel.duckdb.")]


def user_errors(fn):
    """Turn user mistakes into one red line and exit code 1; Ctrl-C into exit code 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # `kill PID` stops a run the way Ctrl-C does: batches committed, workers closed, one line.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            return fn(*args, **kwargs)
        except FlywheelError as exc:
            err.print(Text.assemble(("error:", "red"), " ", str(exc)))
            raise typer.Exit(1) from None
        except duckdb.Error as exc:  # e.g. a full disk under a catalog write outside a batch
            err.print(Text.assemble(("error:", "red"), " ", f"catalog: {str(exc).strip().splitlines()[0]}"))
            raise typer.Exit(1) from None
        except OSError as exc:  # every I/O error is one line naming the file and the cause
            where = f" {exc.filename}" if exc.filename else ""
            err.print(Text.assemble(("error:", "red"), " ", f"cannot access{where}: {exc.strerror or exc}"))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted; committed batches are kept — rerun the same command to resume")
            raise typer.Exit(130) from None

    return wrapper


def stopped(message: str) -> None:
    """A run that ended early on purpose (a budget): one red-labelled line on stderr."""
    err.print(Text.assemble(("stopped:", "red"), " ", message))


# -- tables and code --------------------------------------------------------------------------------
def table(*headers: str, **kwargs) -> Table:
    """A table whose cells fold instead of ending in '…': a long value is wrapped, never cut."""
    return Table(*(Column(h, overflow="fold") for h in headers), **kwargs)


def write(text: str) -> None:
    """Text to stdout byte for byte (rich would expand tabs and drop carriage returns)."""
    out.file.write(text if text.endswith("\n") else text + "\n")
    out.file.flush()


def field(name: str, value: str) -> None:
    """`name: value` with the value as it is: styled name on a terminal, exact bytes in a pipe."""
    if out.is_terminal:
        out.print(Text.assemble((f"{name}: ", "bold"), value))
    else:
        write(f"{name}: {value}")


def print_code(code: str) -> None:
    """Code on a terminal is syntax highlighted (wrapped, never cut); in a pipe it is written byte for byte."""
    if out.is_terminal:
        out.print(Syntax(code, "python", word_wrap=True))
    else:
        write(code)


# -- progress ---------------------------------------------------------------------------------------
def _progress_every() -> float:
    """Seconds between progress lines in a log; FLYWHEEL_PROGRESS_EVERY changes it."""
    raw = os.environ.get("FLYWHEEL_PROGRESS_EVERY", "10")
    try:
        return max(0.1, float(raw))
    except ValueError:
        raise FlywheelError(f"FLYWHEEL_PROGRESS_EVERY must be a number of seconds, not {raw!r}") from None


QUIET = False  # set by `flywheel --quiet`: no progress at all


class Reporter:
    """Progress of one long command, on stderr only (stdout keeps just the result).

    On a terminal it is a live rich bar per phase. When stderr is not a terminal (a logged run) the
    same state is written as one plain line per phase every FLYWHEEL_PROGRESS_EVERY seconds
    (default 10), even while no phase reports, plus a last line when the command ends — so a log
    shows that a run is alive and how far it got.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.t0 = time.monotonic()
        self.lock = threading.Lock()
        self.phases: dict[str, tuple[int, int | None, str]] = {}  # phase -> (done, total, note)
        self.live = not QUIET and err.is_terminal
        self.bar: Progress | None = None
        self.tasks: dict[str, int] = {}
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None

    def __enter__(self) -> Reporter:
        if QUIET:
            return self
        if self.live:
            # markup=False: a note or phase may hold data (a file name), shown as it is
            self.bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                                TextColumn("{task.fields[count]}", markup=False),
                                TextColumn("{task.fields[note]}", markup=False), TimeElapsedColumn(), console=err)
            self.bar.start()
        else:
            self._line(f"{self.label}: started")
            self.ticker = threading.Thread(target=self._tick, daemon=True)
            self.ticker.start()
        return self

    def __exit__(self, exc_type, *_) -> None:
        if QUIET:
            return
        if self.bar is not None:
            self.bar.stop()
            return
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join()
        if self.phases:
            self._report()
        self._line(f"{self.label}: {'finished' if exc_type is None else 'stopped'} after {self._elapsed()}")

    def update(self, done: int, total: int | None = None, note: str = "", phase: str | None = None) -> None:
        """`done` of `total` (None: unknown) in `phase` (default: the command's own label)."""
        phase = phase or self.label
        with self.lock:
            self.phases[phase] = (done, total, note)
            if self.bar is not None:
                count = f"{done}/{total}" if total is not None else str(done)
                if phase not in self.tasks:
                    self.tasks[phase] = self.bar.add_task(phase, total=total, count=count, note=note)
                self.bar.update(self.tasks[phase], completed=done, total=total, count=count, note=note)

    def clear(self) -> None:
        """Drop every phase (a round ended and its table is about to be printed)."""
        with self.lock:
            if self.bar is not None:
                for task in self.tasks.values():
                    self.bar.remove_task(task)
            self.tasks.clear()
            if self.bar is None and self.phases:
                self._report()
            self.phases.clear()

    def print(self, renderable: RenderableType) -> None:
        """A message for the log, above the live bar on a terminal."""
        (self.bar.console if self.bar is not None else err).print(renderable)

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self.t0:.0f}s"

    def _line(self, text: str) -> None:
        err.print(text)
        err.file.flush()

    def _report(self) -> None:
        if not self.phases:
            self._line(f"{self.label}: running, {self._elapsed()}")
        for phase, (done, total, note) in self.phases.items():
            count = f"{done}/{total}" if total is not None else str(done)
            self._line(f"{phase}: {count}{' ' + note if note else ''} · {self._elapsed()}")

    def _tick(self) -> None:
        every = _progress_every()
        while not self.stop.wait(every):
            with self.lock:
                self._report()


@contextmanager
def progress(label: str) -> Iterator[Reporter]:
    """`with progress("export") as p: … p.update(done, total)`: the one progress display of the CLI."""
    with Reporter(label) as rep:
        yield rep


# -- help -----------------------------------------------------------------------------------------
class _Positional(TyperArgument):
    """A positional argument in help: its name (SQL, FILE …) and help text, no `<str>` type label,
    and `SQL` rather than `{SQL}` in the usage line."""

    def display_type_rich(self, ctx) -> str | None:
        return None

    def get_usage_pieces(self, ctx) -> list[str]:
        name = self.display_name_raw.upper()
        return [name if self.required else f"[{name}]"]


def _tidy(params: list) -> None:
    for p in params:
        if isinstance(p, TyperOption) and p.is_flag and p.metavar is None:
            p.metavar = ""  # a flag takes no value: no `<bool>` label beside it
        elif isinstance(p, TyperArgument) and type(p) is TyperArgument:
            p.__class__ = _Positional  # same state, only the two help methods above differ
            p.metavar = p.metavar or p.name.upper()


class Group(TyperGroup):
    """Every command group of the CLI (`typer.Typer(cls=Group)`): help without type labels on flags
    and positionals; value options keep theirs (`<int>`, `<path>`, `<table|json|csv>`, `[x>=1]`)."""

    def get_params(self, ctx) -> list:
        params = super().get_params(ctx)
        _tidy(params)
        return params

    def get_command(self, ctx, cmd_name: str):
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None and not isinstance(cmd, TyperGroup):
            _tidy([*cmd.params, cmd.get_help_option(ctx)])
        return cmd



def _usage_error(exc) -> None:
    """A mistyped command line is one line, like every other user mistake (typer draws a boxed panel).

    Typer calls `rich_utils.rich_format_error` for every click usage error; the exit code (2) stays
    click's.
    """
    ctx = getattr(exc, "ctx", None)
    hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    err.print(Text.assemble(("error:", "red"), " ", exc.format_message(), hint))


typer_rich_utils.rich_format_error = _usage_error
