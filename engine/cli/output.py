"""How commands print: JSON from the msgspec records, tables and progress for people."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import msgspec

from mediaopt.engine.cli.stdout import json_stream
from mediaopt.engine.units import human_bytes

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from mediaopt.engine.catalog import Catalog

__all__ = [
    "console",
    "errors",
    "human_bytes",
    "print_json",
    "print_json_lines",
    "shown",
    "table",
]

_encoder = msgspec.json.Encoder()

# C0 and C1 control characters but tab and newline: ESC starts terminal sequences (`ESC[2J`
# clears the screen, an unterminated `ESC]0;` swallows what follows into the title).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: object, *, markup: bool = False) -> str:
    """`text` as it may reach a terminal: control characters and lone surrogates (names
    that are not UTF-8) written as visible escapes, and with `markup`, rich markup
    escaped too, for the few messages printed with markup on. File names and reasons
    come from untrusted storage and files: every table cell and message goes through
    here (tables and both consoles do it themselves)."""
    text = str(text)
    if not text.isprintable():
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if not markup:
        return text
    from rich.markup import escape

    return escape(text)


def _safe_console(**options: Any) -> Console:
    """A rich console that shows strings as text: markup is off unless a call turns it on
    for a constant string (`markup=True`, data inside passed through
    `shown(markup=True)`), and control characters never reach the terminal. Made on
    first use (rich is imported here, not at start-up)."""
    from rich.console import Console

    class _Console(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
            markup = kwargs.get("markup")
            cleaned = [
                shown(o, markup=False) if isinstance(o, str) and not markup else o for o in objects
            ]
            super().print(*cleaned, **kwargs)

    return _Console(markup=False, **options)


class _LazyConsole:
    """A rich Console made on first use: importing rich costs more than a `--json`
    command's whole start-up should, and a JSON command never draws with it. It is a
    safe one (see `_safe_console`): markup off, control characters escaped."""

    def __init__(self, **options: object):
        self._options = options
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        if self._console is None:
            self._console = _safe_console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def __setattr__(self, name: str, value: object) -> None:
        # `console.width = 1000` (a test, a host) is meant for the real console.
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.real, name, value)

    def __delattr__(self, name: str) -> None:
        # Undoing such a setting (pytest's monkeypatch deletes what it set): the next use
        # makes a console with the defaults again.
        if name.startswith("_"):
            object.__delattr__(self, name)
        else:
            self._console = None


console: Console = _LazyConsole()  # type: ignore[assignment]
errors: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def _safe_table(**options: Any) -> Table:
    """A table whose string cells and title are shown as text (see `shown`), never as
    markup: a file named `[red]x[/red]` or holding `[/bold]` is shown as named."""
    from rich.table import Table
    from rich.text import Text

    class SafeTable(Table):
        def add_row(self, *renderables: Any, **kwargs: Any) -> None:  # type: ignore[override]
            cells = [Text(shown(r)) if isinstance(r, str) else r for r in renderables]
            super().add_row(*cells, **kwargs)

    title = options.pop("title", None)
    return SafeTable(title=Text(shown(title)) if title else None, **options)


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalog",
        metavar="PATH|URL",
        help="catalog file, or postgresql://USER@HOST/DB for a shared catalog "
        "(default: $MEDIAOPT_CATALOG, else the user data dir)",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="print JSON (the msgspec records; see `mediaopt schema`)",
    )


def open_catalog(args: argparse.Namespace) -> Catalog:
    from mediaopt.engine.catalog import Catalog

    return Catalog(args.catalog)


def print_json(value: object) -> None:
    """Print one record as JSON: in `--json` mode to the real stdout, which nothing else
    writes to (see stdout.py)."""
    out = json_stream()
    out.write(_encoder.encode(value) + b"\n")
    out.flush()


def print_json_lines(values: Iterable[object]) -> None:
    out = json_stream()
    for value in values:
        out.write(_encoder.encode(value) + b"\n")
    out.flush()


def show_problems(problems: Iterable[object]) -> None:
    """Each input that could not be read, one line on stderr naming it and why. Takes
    FileProblem records or plain `path: reason` strings."""
    for problem in problems:
        path, reason = getattr(problem, "path", None), getattr(problem, "reason", None)
        if path is None:
            line = str(problem)
        elif str(reason).startswith(f"{path}: "):  # readers' messages name the file already
            line = str(reason)
        else:
            line = f"{path}: {reason}"
        errors.print(f"problem: {line}", markup=False, highlight=False, soft_wrap=True)


def table(*columns: str, title: str | None = None) -> Table:
    t = _safe_table(title=title, show_edge=False, header_style="bold")
    for column in columns:
        justify = "right" if column in ("bytes", "files", "size", "fps", "count") else "left"
        t.add_column(column, justify=justify, overflow="fold")
    return t


def interactive(args: argparse.Namespace) -> bool:
    """Progress bars only for a person watching: never in --json mode or when stderr, where
    the bar is drawn, is piped or a file (stdout sent to a file still leaves a person at
    the terminal, as with curl)."""
    return not getattr(args, "json", False) and sys.stderr.isatty() and not os.environ.get("CI")


@contextlib.contextmanager
def progress_bar(args: argparse.Namespace) -> Iterator[BarProgress | None]:
    """A bar for a long command when a person watches (see `interactive`), else None;
    taken down however the command ends."""
    bar = BarProgress() if interactive(args) else None
    try:
        yield bar
    finally:
        if bar is not None:
            bar.done()


class BarProgress:
    """The engine's Progress interface drawn as a rich progress bar on stderr."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[volume]}"),
            TimeElapsedColumn(),
            console=errors.real,  # type: ignore[attr-defined]
            transient=True,
        )
        self._task = None
        self._bytes = 0
        self.problems = 0

    def phase(self, name: str, total: int | None = None) -> None:
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task(name, total=total, volume="")
        else:
            self._bar.update(self._task, description=name, total=total)

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        self._bytes += nbytes
        if self._task is not None:
            self._bar.update(self._task, advance=files, volume=human_bytes(self._bytes))

    def problem(self, path: str, reason: str) -> None:
        self.problems += 1

    def done(self) -> None:
        self._bar.stop()
