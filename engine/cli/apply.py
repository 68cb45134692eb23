"""mediaopt apply PLAN.json: carry out a plan, a dry run unless --execute.

Archive copies to --archive-root, reads the copy back to verify its xxh128, writes an
ASC MHL manifest beside the archived tree, then removes the source. Delete moves into
the archive root's trash the same way, and only for lines marked safe unless
--confirm-destructive. Dedupe links a copy to its keeper after comparing them byte for
byte now. Each file is checked first: unchanged since the plan, inside the plan's roots,
used by no active project now (the projects are read again). Every step is journaled
(PLAN.json.journal); run the same command again after a crash to finish, or
`mediaopt undo JOURNAL` to put everything back.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import msgspec

from mediaopt.engine.cli.output import (
    add_catalog_option,
    add_json_option,
    console,
    human_bytes,
    open_catalog,
    print_json,
    table,
)
from mediaopt.engine.model import ApplyReport, Plan


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "apply", help="carry out a plan (dry run unless --execute)", description=__doc__
    )
    p.add_argument("plan", metavar="PLAN.json")
    p.add_argument("--only", action="extend", nargs="+", default=[], metavar="ID")
    p.add_argument(
        "--execute", action="store_true", dest="act", help="act; without it nothing changes"
    )
    p.add_argument("--archive-root", metavar="DIR", help="where archives and the trash go")
    p.add_argument(
        "--confirm-destructive", action="store_true", help="also carry out deletes not marked safe"
    )
    p.add_argument(
        "--hardlink", action="store_true", help="link duplicates by hard link where reflinks fail"
    )
    p.add_argument("--journal", metavar="FILE", help="journal file (default: PLAN.json.journal)")
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.actions import apply_plan

    plan = read_plan(args.plan)
    with open_catalog(args) as catalog:
        report = apply_plan(
            plan,
            args.plan,
            catalog=catalog,
            only=args.only or None,
            execute=args.act,
            archive_root=args.archive_root,
            confirm_destructive=args.confirm_destructive,
            hardlink=args.hardlink,
            journal=args.journal,
        )
    if args.json:
        print_json(report)
    else:
        show_apply(report)
    refused = any(f.reason for a in report.actions for f in a.files)
    return 1 if refused or report.problems else 0


def read_plan(path: str) -> Plan:
    try:
        return msgspec.json.decode(Path(path).read_bytes(), type=Plan)
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{path}: no such plan file") from exc
    except (OSError, msgspec.DecodeError) as exc:
        raise ValueError(f"{path}: not a mediaopt plan: {exc}") from exc


def show_apply(report: ApplyReport, limit: int = 40) -> None:
    """Print what an apply did, or would do (the demo calls this too)."""
    title = "Applied" if report.executed else "Dry run: nothing was changed"
    t = table("id", "action", "status", "bytes", "note", title=title, text=["note"])
    for outcome in report.actions[:limit]:
        refused = [f for f in outcome.files if f.reason]
        note = outcome.note or (f"{len(refused)} refused: {refused[0].reason}" if refused else "")
        t.add_row(outcome.id, str(outcome.kind), outcome.status, human_bytes(outcome.bytes), note)
    console.print(t)
    moved = sum(o.bytes for o in report.actions)
    verb = "freed from the sources" if report.executed else "would be freed"
    console.print(f"{human_bytes(moved)} {verb}", highlight=False)
    for place, before in report.free_before.items():
        after = report.free_after.get(place)
        if after is not None:
            console.print(
                f"  free on {place}: {human_bytes(before)} -> {human_bytes(after)} (statvfs)",
                highlight=False,
            )
    if report.journal:
        console.print(
            f"Journal: {report.journal} (mediaopt undo {report.journal})", highlight=False
        )
    for problem in report.problems:
        console.print(f"  ! {problem}", style="red", highlight=False, markup=False)
