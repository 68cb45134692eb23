"""mediaopt stats: bytes and counts by kind, codec, resolution, folder or extension."""

from __future__ import annotations

import argparse

import msgspec

from mediaopt.engine.catalog import StatsRow
from mediaopt.engine.cli.output import (
    PathNames,
    add_catalog_option,
    add_json_option,
    console,
    human_bytes,
    open_catalog,
    print_json,
    table,
)


class StatsReport(msgspec.Struct, kw_only=True):
    by: str
    rows: list[StatsRow]
    total_files: int
    total_bytes: int


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="where the bytes are", description=__doc__)
    p.add_argument(
        "--by",
        default="kind",
        choices=["kind", "codec", "resolution", "folder", "extension", "status"],
    )
    p.add_argument("--under", metavar="PATH")
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        rows = catalog.stats(args.by, under=args.under)
        roots = [args.under] if args.under else catalog.roots()
    report = StatsReport(
        by=args.by,
        rows=rows,
        total_files=sum(r.files for r in rows),
        total_bytes=sum(r.bytes for r in rows),
    )
    if args.json:
        print_json(report)
        return 0
    folders = args.by == "folder"
    names = PathNames(roots if folders else [])
    names.say()
    t = table(args.by, "files", "bytes", paths=[args.by] if folders else [])
    for row in rows:
        t.add_row(names(row.key), str(row.files), human_bytes(row.bytes))
    from rich.text import Text  # a styled cell: string cells are plain text

    t.add_row(Text("total", style="bold"), str(report.total_files), human_bytes(report.total_bytes))
    console.print(t)
    return 0
