"""mediaopt projects ROOT...: projects under the roots, their size and last activity.

Projects are the project files found under the roots (or given with --project) and the
folders a convention names (`--convention '{show}/{seq}/{shot}'`, or in the config file).
"""

from __future__ import annotations

import argparse
import datetime
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import (
    PathNames,
    add_catalog_option,
    add_json_option,
    console,
    human_bytes,
    open_catalog,
    print_json,
    progress_bar,
    show_problems,
    table,
)
from mediaopt.engine.cli.project_options import add_project_options, roots_from, settings_from

if TYPE_CHECKING:
    from mediaopt.engine.model import ProjectsReport
    from mediaopt.engine.production.analysis import ProductionAnalysis


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("projects", help="projects, their size and activity", description=__doc__)
    p.add_argument(
        "roots", nargs="*", metavar="ROOT", help="default: the roots the catalog has scanned"
    )
    p.add_argument(
        "--convention",
        action="append",
        default=[],
        metavar="PATTERN",
        help="folder convention relative to a root, e.g. '{show}/{seq}/{shot}' (repeatable)",
    )
    add_project_options(p)
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> ProjectsReport:
    from mediaopt.engine.production.session import open_session
    from mediaopt.engine.projects.summary import summarise_projects
    from mediaopt.engine.refs.pathmap import PathMap

    settings = settings_from(args)
    with open_catalog(args) as catalog, progress_bar(args) as progress:
        session = open_session(
            catalog,
            roots_from(args.roots, catalog),
            projects=args.project or None,
            path_map=PathMap.parse(settings.path_map),
            dormant_days=settings.dormant_days,
            only_projects=args.only_projects,
            progress=progress,
        )
    report = summarise_projects(
        session, conventions=settings.conventions, dormant_days=settings.dormant_days
    )
    if args.json:
        print_json(report)
    else:
        show_projects(report)
        show_problems(report.problems)
    return report


def show_projects(report: ProjectsReport) -> None:
    """Print projects for a person (the demo calls this too)."""
    from rich.text import Text  # a styled cell: string cells are plain text

    names = PathNames(report.roots)
    names.say()
    # Unresolved references go with the status, not in a column of their own: eight
    # columns leave a path no room on an 80-column terminal.
    t = table(
        "project",
        "kind",
        "files",
        "bytes",
        "first",
        "last",
        "status",
        paths=["project"],
        text=["status"],
    )
    # "active, 12 unresolved" wraps after the state: the width goes to the path.
    t.columns[-1].max_width = 11
    for p in report.projects:
        status = Text("unreadable", style="red") if p.errors else Text(p.status)
        if p.unresolved:
            status.append(f", {p.unresolved} unresolved")
        t.add_row(
            names(p.path),
            p.kind,
            str(p.files),
            human_bytes(p.bytes),
            _date(p.first_modified),
            _date(p.last_activity),
            status,
        )
    console.print(t)
    if report.restricted_to:
        console.print(
            f"restricted to {', '.join(report.restricted_to)} (--only-projects): projects "
            "under the roots were not read",
            style="yellow",
            highlight=False,
        )


def _date(seconds: float | None) -> str:
    if not seconds:
        return "-"
    return datetime.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d")


def show_production(analysis: ProductionAnalysis) -> None:
    """Projects, orphans with their bytes, and lineage, for a person: what `mediaopt demo`
    prints after `analyse_production`."""
    from mediaopt.engine.cli.lineage import show_lineage
    from mediaopt.engine.cli.orphans import show_orphans

    console.print("\n[bold]Projects[/bold]", markup=True)
    show_projects(analysis.projects)
    console.print("\n[bold]Orphans[/bold]", markup=True)
    show_orphans(analysis.orphans)
    console.print("\n[bold]Lineage[/bold]", markup=True)
    show_lineage(analysis.lineage, analysis.orphans.roots)
