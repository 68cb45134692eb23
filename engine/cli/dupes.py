"""mediaopt dupes: exact and near-duplicate groups among cataloged media (scan first)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import (
    BarProgress,
    PathNames,
    add_catalog_option,
    add_json_option,
    console,
    errors,
    human_bytes,
    interactive,
    open_catalog,
    print_json,
    table,
)

if TYPE_CHECKING:
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.model import DupesReport


SHOWN = 50
"""Groups listed by default: a tree of thousands of groups is read through --json or a
report, and a table that long takes longer to draw than to find."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dupes", help="find duplicate and near-duplicate media", description=__doc__)
    p.add_argument("--near", action="store_true", help="also near-duplicates (re-encodes, ...)")
    p.add_argument("--kind", choices=["image", "video", "audio"])
    p.add_argument("--contact-sheet", metavar="DIR", help="write one comparison PNG per group")
    p.add_argument("--low-impact", action="store_true", help="idle priority, no page cache")
    p.add_argument(
        "--all",
        action="store_true",
        help=f"list every group (by default the {SHOWN} that free the most; --json has all)",
    )
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> DupesReport:
    from mediaopt.engine.dedup import find_duplicates, write_contact_sheets
    from mediaopt.engine.scan.lowimpact import be_gentle

    if args.low_impact:
        be_gentle()
    with open_catalog(args) as catalog:
        roots = catalog.roots()
        report = find_duplicates(
            catalog,
            near=args.near,
            kind=args.kind,
            low_impact=args.low_impact,
            progress=BarProgress() if interactive(args) else None,
        )
    if args.contact_sheet:
        write_contact_sheets(report, args.contact_sheet)
    if args.json:
        print_json(report)
    else:
        show(report, None if args.all else SHOWN, roots=roots)
        if args.contact_sheet:
            console.print(f"Comparison pictures in {args.contact_sheet}", highlight=False)
    return report


def show(report: DupesReport, limit: int | None = None, roots: Iterable[str] = ()) -> None:
    """Print duplicate groups for a person: keeper first, bytes reclaimable per group,
    paths relative to the `roots`."""
    names = PathNames(roots)
    if report.groups:
        names.say()
    t = table(
        "group",
        "copy",
        "size",
        "similarity",
        "relation",
        title="Duplicate groups",
        paths=["copy"],
        text=["relation"],
    )
    # The groups that free the most, numbered as in --json and the comparison pictures.
    numbered = sorted(enumerate(report.groups, 1), key=lambda n: -n[1].reclaimable_bytes)
    for number, group in numbered[:limit]:
        for k, member in enumerate(group.members):
            t.add_row(
                f"{number} {group.kind}" if k == 0 else "",
                ("keep " if k == 0 else "     ") + names(member.path),
                human_bytes(member.bytes),
                f"{member.similarity:.3f}",
                member.relation or f"keeper; frees {human_bytes(group.reclaimable_bytes)}",
            )
    console.print(t)
    console.print(
        f"{len(report.groups)} groups, {human_bytes(report.reclaimable_bytes)} reclaimable",
        highlight=False,
    )
    if limit is not None and len(report.groups) > limit:
        console.print(
            f"listed: the {limit} groups that free the most; --all lists every group, "
            "--json gives them as a record",
            highlight=False,
        )
    for problem in report.problems:
        errors.print(f"  {problem.path}: {problem.reason}", markup=False, highlight=False)


def demo_duplicates(catalog: Catalog, pictures: str | Path, limit: int = 10) -> DupesReport:
    """For `mediaopt demo`: find exact and near duplicates in a scanned catalog, print
    them with the bytes reclaimable, and write one comparison picture per group."""
    from mediaopt.engine.dedup import find_duplicates, write_contact_sheets

    report = find_duplicates(catalog, near=True)
    show(report, limit, roots=catalog.roots())
    written = write_contact_sheets(report, pictures)
    console.print(f"{len(written)} comparison pictures in {pictures}", highlight=False)
    return report
