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
    "PathNames",
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


_NUMBERS = {
    *("bytes", "files", "size", "fps", "count", "refs", "resolved", "unresolved", "renders"),
    *("frames", "saved", "per frame", "per 1000 frames", "B/pixel", "confidence", "ch"),
    *("similarity", "streams", "max streams", "files/s", "MB/s", "seconds", "read", "spare"),
    "± (95%)",
}
"""Columns of numbers and sizes: right-aligned, as are those whose name ends in ` MB/s`."""


def table(
    *columns: str,
    title: str | None = None,
    paths: Iterable[str] = (),
    text: Iterable[str] = (),
) -> Table:
    """A table for a terminal of any width. The `paths` columns fold (a path breaks at
    any character, as it has no spaces to wrap at) and the `text` columns wrap at words:
    they take what the terminal has left. Every other column (numbers, sizes, kinds,
    dates, states) keeps its values on one line, so a size never reads as `1.2` over
    `GB`. Show paths relative to the production's roots through `PathNames`."""
    from rich import box

    long_paths, long_text = set(paths), set(text)
    # A rule under the header and two spaces between columns, no vertical lines: 80
    # columns hold a path and six short columns.
    t = _safe_table(
        title=title,
        show_edge=False,
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for column in columns:
        justify = "right" if column in _NUMBERS or column.endswith(" MB/s") else "left"
        if column in long_paths:
            t.add_column(column, overflow="fold", min_width=12)
        elif column in long_text:
            t.add_column(column, overflow="fold")
        else:
            t.add_column(column, justify=justify, no_wrap=True)
    return t


class PathNames:
    """Paths as tables show them: relative to the production's roots, which are said
    once above the table (`note`). One root: paths below it start there. Several: below
    the folder they share, or, sharing none but `/`, each below its own root, starting
    with that root's name. A path under no root is shown whole."""

    def __init__(self, roots: Iterable[str | os.PathLike[str]]):
        roots = sorted({os.path.abspath(os.fspath(r)) for r in roots})
        self.roots = roots
        self._bases: list[tuple[str, str]] = []  # (root with separator, shown prefix)
        if len(roots) == 1:
            self._bases = [(_with_sep(roots[0]), "")]
        elif roots:
            common = os.path.commonpath(roots)
            if os.path.dirname(common) != common:  # not `/` (nor a drive's root)
                self._bases = [(_with_sep(common), "")]
                self.roots = [common]
            else:
                names = [os.path.basename(r) or r for r in roots]
                if len(set(names)) == len(names):
                    pairs = zip(roots, names, strict=True)
                    self._bases = [(_with_sep(r), n + os.sep) for r, n in pairs]
        # The longest base first: a path under nested bases is shown below the innermost.
        self._bases.sort(key=lambda b: -len(b[0]))

    def __call__(self, path: str | None) -> str:
        if not path:
            return path or ""
        for base, prefix in self._bases:
            if path.startswith(base):
                return prefix + path[len(base) :]
            if path == base[:-1]:
                return prefix.rstrip(os.sep) or "."
        return path

    def in_text(self, text: str) -> str:
        """A sentence with the paths in it shown as `__call__` shows them."""
        for base, prefix in self._bases:
            text = text.replace(base, prefix)
        return text

    def note(self) -> str | None:
        """The line that says what the paths are relative to, None when they are whole."""
        if not self._bases:
            return None
        if len(self._bases) == 1 and not self._bases[0][1]:
            return f"paths relative to {self.roots[0]}"
        each = ", ".join(f"{p}... = {b}..." for b, p in sorted(self._bases))
        return f"paths relative to their root: {each}"

    def say(self) -> None:
        """Print `note` (before the first table of a command)."""
        line = self.note()
        if line:
            console.print(line, style="dim", highlight=False, markup=False, soft_wrap=True)


def _with_sep(folder: str) -> str:
    return folder.rstrip(os.sep) + os.sep


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
