"""mediaopt report [--root R ...] -o FILE: a self-contained HTML report of a production:
catalog, projects, orphans, lineage, duplicates, render storage, bandwidth and every
problem, from the same record `mediaopt analyse --json` prints.

With no --root, the roots the catalog scanned are reported (never `/`)."""

from __future__ import annotations

import argparse

from mediaopt.engine.cli.analyse import add_analysis_options, analyse_from, exit_status
from mediaopt.engine.cli.output import add_json_option, console, print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write an HTML report of a production", description=__doc__)
    p.add_argument("-o", "--output", default="mediaopt-report.html", metavar="FILE")
    p.add_argument(
        "--under", metavar="PATH", help="the same as --root PATH (kept for older scripts)"
    )
    p.add_argument("--title", default="Storage report")
    add_analysis_options(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.report import production_report, write_html

    if args.under:
        args.roots = [*args.roots, args.under]
    record = analyse_from(args)
    report = production_report(record, title=args.title)
    if args.json:
        print_json(report)
        return exit_status(record)
    path = write_html(report, args.output)
    console.print(f"report: {path}", highlight=False, markup=False)
    return exit_status(record)
