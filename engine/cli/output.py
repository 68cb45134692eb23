"""How commands print: JSON from the msgspec records, tables and progress for people."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable
from typing import Any

import msgspec
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.units import human_bytes

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
    return escape(text) if markup else text


class _Console(Console):
    """A console that shows strings as text: markup is off unless a call turns it on for
    a constant string (`markup=True`, data inside passed through `shown(markup=True)`),
    and control characters never reach the terminal."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        markup = kwargs.get("markup")
        cleaned = [
            shown(o, markup=False) if isinstance(o, str) and not markup else o for o in objects
        ]
        super().print(*cleaned, **kwargs)


console = _Console(markup=False)
errors = _Console(stderr=True, markup=False)


class SafeTable(Table):
    """A table whose string cells and title are shown as text (see `shown`), never as
    markup: a file named `[red]x[/red]` or holding `[/bold]` is shown as named."""

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:  # type: ignore[override]
        cells = [Text(shown(r)) if isinstance(r, str) else r for r in renderables]
        super().add_row(*cells, **kwargs)


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        help="catalog file (default: $MEDIAOPT_CATALOG, else the user data dir)",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="print JSON (the msgspec records; see `mediaopt schema`)",
    )


def open_catalog(args: argparse.Namespace) -> Catalog:
    return Catalog(args.catalog)


def print_json(value: object) -> None:
    sys.stdout.buffer.write(_encoder.encode(value) + b"\n")
    sys.stdout.flush()


def print_json_lines(values: Iterable[object]) -> None:
    out = sys.stdout.buffer
    for value in values:
        out.write(_encoder.encode(value) + b"\n")
    sys.stdout.flush()


def table(*columns: str, title: str | None = None) -> Table:
    t = SafeTable(title=Text(shown(title)) if title else None, show_edge=False, header_style="bold")
    for column in columns:
        justify = "right" if column in ("bytes", "files", "size", "fps", "count") else "left"
        t.add_column(column, justify=justify, overflow="fold")
    return t


def interactive(args: argparse.Namespace) -> bool:
    """Progress bars only for a person watching: never in --json mode or when piped."""
    return not getattr(args, "json", False) and sys.stderr.isatty() and not os.environ.get("CI")


class BarProgress:
    """The engine's Progress interface drawn as a rich progress bar on stderr."""

    def __init__(self) -> None:
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[volume]}"),
            TimeElapsedColumn(),
            console=errors,
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
