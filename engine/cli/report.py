"""mediaopt report [--root R ...] -o FILE [--png-dir DIR]: one self-contained HTML page
of a production: an overview with the savings plan first, then the storage treemap,
growth and activity, orphans, duplicates, render storage, bandwidth, lineage and formats,
from the same record `mediaopt analyse --json` prints and the plan `mediaopt recommend`
makes. Paths are shown relative to the production root.

With no --root, the roots the catalog scanned are reported (never `/`)."""

from __future__ import annotations

import argparse

from mediaopt.engine.cli.analyse import add_analysis_options, analyse_and_plan_from, exit_status
from mediaopt.engine.cli.output import add_json_option, console, print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write an HTML report of a production", description=__doc__)
    p.add_argument("-o", "--output", default="mediaopt-report.html", metavar="FILE")
    p.add_argument(
        "--png-dir", metavar="DIR", help="also write each chart as a PNG file (slides, e-mail)"
    )
    p.add_argument(
        "--under", metavar="PATH", help="the same as --root PATH (kept for older scripts)"
    )
    p.add_argument("--title", default="Storage report")
    add_analysis_options(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.cli.output import open_catalog
    from mediaopt.engine.report import production_report, storage_report
    from mediaopt.engine.report.data import storage_data

    if args.under:
        args.roots = [*args.roots, args.under]
    # One read of the projects for the record and the plan; the plan is shown, not
    # applied, so its files are not read whole for hashes (`mediaopt recommend -o` is).
    record, plan = analyse_and_plan_from(args)
    with open_catalog(args) as catalog:
        if args.json:
            data = storage_data(record, catalog, plan)
            print_json(production_report(record, title=args.title, data=data))
            return exit_status(record)
        _, path = storage_report(
            record, catalog, plan, args.output, title=args.title, png_dir=args.png_dir
        )
    console.print(f"report: {path}", highlight=False, markup=False)
    if args.png_dir:
        console.print(f"charts: {args.png_dir}", highlight=False, markup=False)
    return exit_status(record)
