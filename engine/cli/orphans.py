"""mediaopt orphans --root R...: media under the roots that no active project needs.

Reads the catalog (run `mediaopt scan` on the roots first) and the project files under the
roots, or those given with --project. Unsure means kept: what might be meant by a
reference that did not resolve, or used by a project that could not be read, is listed as
uncertain, never as an orphan.
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
from mediaopt.engine.cli.project_options import (
    add_project_options,
    add_scope_depth_option,
    roots_from,
    settings_from,
)

if TYPE_CHECKING:
    from mediaopt.engine.model import OrphanReport


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("orphans", help="media no active project needs", description=__doc__)
    p.add_argument(
        "--root",
        action="extend",
        nargs="+",
        default=[],
        metavar="ROOT",
        dest="roots",
        help="where to look (default: the roots the catalog has scanned)",
    )
    p.add_argument(
        "--grace-days", type=float, metavar="N", help="never call files changed since (14)"
    )
    add_scope_depth_option(p)
    add_project_options(p)
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> OrphanReport:
    from mediaopt.engine.production.analysis import find_orphans
    from mediaopt.engine.refs.pathmap import PathMap

    settings = settings_from(args)
    with open_catalog(args) as catalog, progress_bar(args) as progress:
        report = find_orphans(
            catalog,
            roots_from(args.roots, catalog),
            projects=args.project or None,
            path_map=PathMap.parse(settings.path_map),
            grace_days=settings.grace_days,
            dormant_days=settings.dormant_days,
            unreadable_scope_depth=settings.unreadable_scope_depth,
            only_projects=args.only_projects,
            progress=progress,
        )
    if args.json:
        print_json(report)
    else:
        show_orphans(report)
        show_problems(report.problems)
    return report


def show_orphans(report: OrphanReport, limit: int = 200) -> None:
    """Print an orphan report for a person (the demo calls this too)."""
    from rich.text import Text  # a styled cell: string cells are plain text

    names = PathNames(report.roots)
    names.say()
    t = table(
        "project", "kind", "refs", "resolved", "state", title="Projects read", paths=["project"]
    )
    for p in report.projects:
        state = (
            Text("could not read", style="red") if p.errors else "active" if p.active else "dormant"
        )
        t.add_row(names(p.path), p.kind, str(p.references), str(p.resolved), state)
    console.print(t)
    for p in report.projects:
        for error in p.errors[:3]:
            console.print(f"  ! {names.in_text(error)}", style="red", highlight=False, markup=False)
    t = table(
        "orphan", "category", "size", "reason", title="Orphans", paths=["orphan"], text=["reason"]
    )
    for o in report.orphans[:limit]:
        t.add_row(names(o.path), str(o.category), human_bytes(o.bytes), names.in_text(o.reason))
    console.print(t)
    t = table("uncertain (kept)", "size", "reason", paths=["uncertain (kept)"], text=["reason"])
    for u in report.uncertain[:limit]:
        t.add_row(names(u.path), human_bytes(u.bytes), names.in_text(u.reason))
    console.print(t)
    for u in report.unresolved_references[:limit]:
        ref = u.reference
        what = names(ref.path) or f"clip {ref.name or '?'} reel {ref.reel or '?'}"
        nearest = ", ".join(names(c) for c in u.candidates[:3])
        near = f"; nearest: {nearest}" if nearest else ""
        console.print(
            f"  unresolved in {names(u.project)}: {what}{near}", highlight=False, markup=False
        )
    console.print(
        f"{len(report.orphans)} orphans, {human_bytes(report.orphan_bytes)}; "
        f"{len(report.uncertain)} uncertain; kept {report.referenced} referenced, "
        f"{report.kept_as_source} as sources, {report.kept_recent} changed in the last "
        f"{report.grace_days:g} days (since {_since(report.grace_days)})",
        highlight=False,
    )
    if report.restricted_to:
        console.print(
            f"  restricted to {', '.join(report.restricted_to)} (--only-projects): other "
            "projects under the roots were not read, and may use what is listed as orphans",
            style="yellow",
            highlight=False,
            markup=False,
        )
    for problem in report.unlisted_folders:
        console.print(
            f"  ! {problem.path}: {problem.reason}; what a project in it could use is kept",
            style="red",
            highlight=False,
            markup=False,
        )
    for folder in report.folder_projects:
        console.print(
            f"  no project file under {folder}: its tree is one project "
            f"({report.kept_in_folder_projects} assets kept); name its projects with --project",
            highlight=False,
            markup=False,
        )


def _since(days: float) -> str:
    moment = datetime.datetime.now() - datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%d")
