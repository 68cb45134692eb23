"""The process's exit status: one enum, decided in one place (`mediaopt.engine.cli.main`).

Commands return the record(s) they printed; main turns them into a status here, the way
httpie's `ExitStatus` and `core.raw_main` do. Nothing in this module imports an engine, so
the console's start-up stays cheap.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class ExitStatus(enum.IntEnum):
    OK = 0
    """Everything was read."""
    PROBLEMS = 1
    """The command ran, but some inputs could not be read; each is listed with a reason."""
    USAGE = 2
    """The command could not run as asked: bad arguments, a missing file, a bad catalog."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C (128 + SIGINT, as shells report it)."""


USAGE_ERRORS = frozenset(
    {
        "builtins.ValueError",
        "builtins.FileNotFoundError",
        "builtins.NotADirectoryError",
        "builtins.IsADirectoryError",
        "mediaopt.engine.scan.errors.ScanError",
        "mediaopt.engine.catalog.schema.CatalogVersionError",
        "mediaopt.engine.catalog.backend.CatalogError",
    }
)
"""Errors that mean the command could not do what it was asked (named, not imported: the
modules that define them are heavy, and only the error path needs to know)."""

PROBLEM_ERRORS = frozenset({"mediaopt.engine.fingerprint.errors.MediaDecodeError"})
"""Errors that mean an input file could not be read: the file's problem, not the user's."""


def status_of_error(exc: BaseException) -> ExitStatus | None:
    """The status an exception ends the command with, or None when it is a defect that
    should show its traceback."""
    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}
    if names & PROBLEM_ERRORS:
        return ExitStatus.PROBLEMS
    if names & USAGE_ERRORS:
        return ExitStatus.USAGE
    return None


def status_of(outcome: object) -> ExitStatus:
    """What a command's outcome means: an explicit status (or int) as it is; a record, or
    a list of records, is PROBLEMS when any carries problems."""
    if outcome is None:
        return ExitStatus.OK
    if isinstance(outcome, int):
        return ExitStatus(outcome)
    records: Iterable[object] = outcome if isinstance(outcome, (list, tuple)) else [outcome]
    return ExitStatus.PROBLEMS if any(has_problems(r) for r in records) else ExitStatus.OK


def has_problems(record: object) -> bool:
    """A record's problems: its `problems` list, or an asset record in status `error`."""
    if getattr(record, "problems", None):
        return True
    return str(getattr(record, "status", "")) == "error"
