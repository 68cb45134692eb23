"""How commands print: JSON from the msgspec records, tables and progress for people."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import msgspec

from mediaopt.engine.cli.stdout import json_stream
from mediaopt.engine.units import human_bytes

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from mediaopt.engine.catalog import Catalog

__all__ = ["console", "errors", "human_bytes", "print_json", "print_json_lines", "table"]

_encoder = msgspec.json.Encoder()


class _LazyConsole:
    """A rich Console made on first use: importing rich costs more than a `--json`
    command's whole start-up should, and a JSON command never draws with it."""

    def __init__(self, **options: object):
        self._options = options
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)  # type: ignore[arg-type]
        return self._console

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


console: Console = _LazyConsole()  # type: ignore[assignment]
errors: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


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
        line = f"{path}: {reason}" if path is not None else str(problem)
        errors.print(f"problem: {line}", markup=False, highlight=False, soft_wrap=True)


def table(*columns: str, title: str | None = None) -> Table:
    from rich.table import Table

    t = Table(title=title, show_edge=False, header_style="bold")
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
