"""mediaopt undo JOURNAL: put back everything an apply did.

Sources removed by archive or delete are copied back from the archive or the trash (their
hash checked against the one verified at apply time) with their mode, owner and times;
hard-linked duplicates get their own copy again; the archive copies and manifests the
apply wrote are removed. Safe to run again if it is interrupted.
"""

from __future__ import annotations

import argparse

from mediaopt.engine.cli.output import add_json_option, console, print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("undo", help="put back everything an apply did", description=__doc__)
    p.add_argument("journal", metavar="JOURNAL")
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.actions import undo_journal

    report = undo_journal(args.journal)
    if args.json:
        print_json(report)
    else:
        console.print(
            f"Restored {len(report.restored)} files; removed {len(report.removed_copies)} "
            "archive and trash copies",
            highlight=False,
        )
        for problem in report.problems:
            console.print(f"  ! {problem}", style="red", highlight=False, markup=False)
    return 1 if report.problems else 0
