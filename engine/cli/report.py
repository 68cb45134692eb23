"""mediaopt report -o FILE: a self-contained HTML report of the catalog."""

from __future__ import annotations

import argparse

from mediaopt.engine.cli.output import (
    add_catalog_option,
    add_json_option,
    console,
    open_catalog,
    print_json,
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write an HTML report of the catalog", description=__doc__)
    p.add_argument("-o", "--output", default="mediaopt-report.html", metavar="FILE")
    p.add_argument("--under", metavar="PATH", help="only assets under this folder")
    p.add_argument("--title", default="Storage report")
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.report import build_report, write_html

    with open_catalog(args) as catalog:
        report = build_report(catalog, title=args.title, under=args.under)
    if args.json:
        print_json(report)
        return 0
    path = write_html(report, args.output)
    console.print(f"report: {path}", highlight=False, markup=False)
    return 0
