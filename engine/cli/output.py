"""How commands print: JSON from the msgspec records, tables and progress for people."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable

import msgspec
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.units import human_bytes

_encoder = msgspec.json.Encoder()
console = Console()
errors = Console(stderr=True)


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
    t = Table(title=title, show_edge=False, header_style="bold")
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
