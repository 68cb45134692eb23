"""mediaopt recommend [--root R...]: one ranked savings plan, with the evidence for each line.

Reads the catalog (scan the roots first), the project files under the roots (or those
given with --project) and what every analysis finds, and writes a plan: archive dormant
projects and orphans, delete host caches and regenerable derivatives whose source is
kept, delete superseded renders, link exact duplicates, trim image sequences to the
frames projects use plus handles; near-duplicates, measured render what-ifs and movie
trims are listed for a person. Nothing is changed: `mediaopt apply PLAN` carries it out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import msgspec

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
from mediaopt.engine.cli.project_options import (
    add_project_options,
    add_scope_depth_option,
    settings_from,
)
from mediaopt.engine.model import Plan, Recommendation


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recommend", help="a ranked savings plan with evidence", description=__doc__)
    p.add_argument(
        "--root",
        action="extend",
        nargs="+",
        default=[],
        metavar="ROOT",
        dest="roots",
        help="roots to plan for (default: the roots the catalog was scanned with)",
    )
    p.add_argument("-o", "--output", metavar="PLAN.json", help="write the plan here")
    p.add_argument(
        "--what-if",
        action="append",
        default=[],
        metavar="FILE.json",
        help="a `mediaopt render what-if --json` result to turn into a render-settings line",
    )
    p.add_argument("--near", action="store_true", help="also list near-duplicates for review")
    p.add_argument("--no-dupes", action="store_true", help="skip duplicate detection")
    p.add_argument("--handles", type=int, default=8, metavar="N", help="frames kept either side")
    p.add_argument("--grace-days", type=float, metavar="N", help="never touch files changed since")
    add_scope_depth_option(p)
    add_project_options(p)
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.recommend import recommend

    settings = settings_from(args)
    what_if = [_read_what_if(path) for path in args.what_if]
    with open_catalog(args) as catalog:
        roots = args.roots or catalog.roots()
        if not roots:
            raise ValueError("no --root given and the catalog records no scanned roots")
        plan = recommend(
            catalog,
            roots,
            settings=settings,
            projects=args.project or None,
            what_if=what_if,
            near=args.near,
            dupes=not args.no_dupes,
            handles=args.handles,
            plan_file=args.output or "plan.json",
        )
    if args.output:
        write_plan(plan, args.output)
    if args.json:
        print_json(plan)
    else:
        show_plan(plan)
        if args.output:
            console.print(f"Plan written to {args.output}", highlight=False)
    return 1 if plan.problems else 0


def write_plan(plan: Plan, path: str | Path) -> None:
    Path(path).write_bytes(msgspec.json.format(msgspec.json.encode(plan)) + b"\n")


def _read_what_if(path: str) -> Recommendation:
    try:
        return msgspec.json.decode(Path(path).read_bytes(), type=Recommendation)
    except (OSError, msgspec.DecodeError) as exc:
        raise ValueError(f"{path}: not a render what-if result: {exc}") from exc


def show_plan(plan: Plan, limit: int = 40) -> None:
    """Print a plan for a person (the demo calls this too)."""
    names = PathNames(plan.roots)
    names.say()
    t = table("id", "action", "risk", "bytes", "what", title="Savings plan", text=["what"])
    for action in plan.actions[:limit]:
        kind = f"{action.kind}" + (" (estimate)" if action.estimate_only else "")
        what = names.in_text(action.title)
        t.add_row(action.id, kind, str(action.risk), human_bytes(action.bytes), what)
    console.print(t)
    if len(plan.actions) > limit:
        console.print(f"... and {len(plan.actions) - limit} more lines", highlight=False)
    totals = plan.totals
    share = totals.reclaimable / totals.bytes_under_roots if totals.bytes_under_roots else 0.0
    console.print(
        f"Reclaimable: {human_bytes(totals.reclaimable)} of "
        f"{human_bytes(totals.bytes_under_roots)} under the roots ({share:.0%}); "
        f"estimates for a person: {human_bytes(totals.estimated)}",
        highlight=False,
    )
    for category, n in totals.by_category.items():
        console.print(f"  {category}: {human_bytes(n)}", highlight=False)
    for problem in plan.problems:
        console.print(f"  ! {problem}", style="red", highlight=False, markup=False)
