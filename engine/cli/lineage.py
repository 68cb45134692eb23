"""mediaopt lineage [PATH]: which media was made from which (proxies, transcodes, renders,
versions, conforms), from project files and inferred from names and headers."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import (
    PathNames,
    add_catalog_option,
    add_json_option,
    console,
    open_catalog,
    print_json,
    progress_bar,
    show_problems,
    table,
)
from mediaopt.engine.cli.project_options import add_project_options, roots_from, settings_from

if TYPE_CHECKING:
    from mediaopt.engine.model import LineageReport


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lineage", help="what was made from what", description=__doc__)
    p.add_argument(
        "path", nargs="?", metavar="PATH", help="only edges touching this file or folder"
    )
    p.add_argument(
        "--root",
        action="append",
        default=[],
        dest="roots",
        metavar="ROOT",
        help="where to look for media and projects (default: the roots the catalog has "
        "scanned; PATH's folder when PATH is under none of them)",
    )
    p.add_argument(
        "--perceptual",
        action="store_true",
        help="fingerprint movies and sequences not yet fingerprinted (decodes a few frames "
        "of each) to link the same footage in another format; cached fingerprints from "
        "`mediaopt dupes --near` are used without it",
    )
    add_project_options(p)
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> LineageReport:
    from mediaopt.engine.lineage.report import lineage_in
    from mediaopt.engine.production.session import open_session
    from mediaopt.engine.refs.pathmap import PathMap

    settings = settings_from(args)
    with open_catalog(args) as catalog, progress_bar(args) as progress:
        roots = roots_from(args.roots, catalog, near=args.path)
        session = open_session(
            catalog,
            roots,
            projects=args.project or None,
            path_map=PathMap.parse(settings.path_map),
            dormant_days=settings.dormant_days,
            fingerprint=args.perceptual,
            # Without --root the roots default to the path's folder or `/`: never walk a
            # whole file system looking for more projects than those named.
            only_projects=args.only_projects or not args.roots,
            progress=progress,
        )
    report = lineage_in(session, args.path)
    if args.json:
        print_json(report)
    else:
        show_lineage(report, roots)
        show_problems(report.problems)
    return report


def show_lineage(report: LineageReport, roots: Iterable[str] = ()) -> None:
    """Print lineage edges for a person, paths relative to the `roots` (the demo calls
    this too)."""
    names = PathNames(roots)
    if report.edges:
        names.say()
    t = table(
        "source",
        "derivative",
        "kind",
        "confidence",
        "evidence",
        paths=["source", "derivative"],
        text=["evidence"],
    )
    for e in report.edges:
        t.add_row(
            names(e.source),
            names(e.derivative),
            str(e.kind),
            f"{e.confidence:.2f}",
            names.in_text(e.evidence),
        )
    console.print(t)
