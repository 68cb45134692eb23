"""The `mediaopt` command: one module per subcommand, each a thin layer over the API."""

from __future__ import annotations

import argparse
from types import ModuleType

from mediaopt.engine.catalog import CatalogVersionError
from mediaopt.engine.cli import (
    bandwidth,
    compare,
    demo,
    dupes,
    farm,
    find,
    info,
    lineage,
    orphans,
    projects,
    refs,
    render,
    report,
    scan,
    schema,
    stats,
)
from mediaopt.engine.cli.failures import REPORTED, closed_pipe
from mediaopt.engine.cli.output import errors
from mediaopt.engine.scan.errors import ScanError

COMMANDS: list[ModuleType] = [
    scan,
    info,
    find,
    stats,
    refs,
    projects,
    orphans,
    lineage,
    dupes,
    compare,
    render,
    farm,
    bandwidth,
    report,
    demo,
    schema,
]

EXIT_OK = 0
EXIT_PROBLEMS = 1
"""The command ran, but some files could not be read; they are listed."""
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediaopt",
        description="Where a media production's storage goes, and how to get it back.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:
        return closed_pipe()
    except (ScanError, CatalogVersionError, ValueError, FileNotFoundError, *REPORTED) as exc:
        errors.print(
            f"mediaopt {args.command}: {exc}", markup=False, highlight=False, soft_wrap=True
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        errors.print("interrupted")
        return 130
