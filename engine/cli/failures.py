"""How the command ends when its surroundings fail it, decided in one place for every
subcommand: a closed pipe, a catalog file that cannot be used."""

from __future__ import annotations

import os
import sys

__all__ = ["EXIT_CLOSED_PIPE", "closed_pipe"]

# A catalog that cannot be used (engine.catalog.CatalogError: its message says what is
# wrong with which file and what to do) ends the command as a usage error: see
# status.USAGE_ERRORS, which names it without importing the catalog.

EXIT_CLOSED_PIPE = 141
"""128 + SIGPIPE: what a shell reports for a program whose reader went away
(`mediaopt find --json | head -2`), as `yes | head` does."""


def closed_pipe() -> int:
    """End quietly after stdout's reader closed the pipe. Python would otherwise print
    a BrokenPipeError traceback, and again while flushing stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_CLOSED_PIPE
