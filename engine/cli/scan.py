"""mediaopt scan ROOT...: catalog every media file under the roots from its headers."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import (
    BarProgress,
    add_catalog_option,
    add_json_option,
    console,
    human_bytes,
    interactive,
    open_catalog,
    print_json,
    shown,
)
from mediaopt.engine.cli.project_options import roots_from

if TYPE_CHECKING:
    from mediaopt.engine.model import ScanSummary


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="catalog the media under storage roots", description=__doc__)
    p.add_argument(
        "roots",
        nargs="*",
        metavar="ROOT",
        help="folders to scan (default: scan again the roots the catalog has scanned)",
    )
    add_catalog_option(p)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="probe processes (default: one per core; 0 probes in this process)",
    )
    p.add_argument(
        "--low-impact",
        action="store_true",
        help="one worker, nice 19, idle I/O priority, read pages dropped from cache",
    )
    p.add_argument(
        "--follow-symlinks", action="store_true", help="follow symlinks that lead out of the roots"
    )
    p.add_argument(
        "--executor",
        metavar="dask://HOST:PORT|local:N",
        help="spread the walk and probes over Dask distributed workers (a running "
        "scheduler, or N local worker processes); they write into the same catalog",
    )
    p.add_argument(
        "--root-resource",
        action="append",
        default=[],
        metavar="ROOT=RESOURCE",
        help="with --executor: scan ROOT only on the Dask workers started with "
        '`--resources "RESOURCE=N"` (those near its storage); repeatable',
    )
    p.add_argument(
        "--root-resources",
        metavar="FILE.toml",
        help='with --executor: the same pins from a file of `"ROOT" = "RESOURCE"` lines '
        "(--root-resource adds to it)",
    )
    p.add_argument(
        "--pin-wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long a pinned root waits for a worker offering its resource before it is "
        "reported and left as cataloged (default 300)",
    )
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> ScanSummary:
    if args.workers != 0 and not args.executor:
        from mediaopt.engine.scan.worker import start_fork_server

        start_fork_server()  # starts while the scanner is imported below
    from mediaopt.engine import api
    from mediaopt.engine.scan.lowimpact import be_gentle

    if args.low_impact:
        be_gentle()  # this process walks the tree: its stats yield to editors too
    progress = BarProgress() if interactive(args) else None
    with open_catalog(args) as catalog:
        summary = api.scan(
            roots_from(args.roots, catalog),
            catalog,
            workers=args.workers,
            low_impact=args.low_impact,
            follow_symlinks=args.follow_symlinks,
            progress=progress,
            executor=args.executor,
            root_resources=_pins(args),
            pin_wait=args.pin_wait,
        )
    if args.json:
        print_json(summary)
    else:
        console.print(
            f"{summary.assets} assets ({summary.sequences} sequences) from "
            f"{summary.files_seen} files, {human_bytes(summary.bytes)}; "
            f"probed {summary.probed}, unchanged {summary.reused}, removed {summary.removed} "
            f"in {summary.seconds:.1f} s",
            highlight=False,
        )
        console.print(f"catalog: {summary.catalog}", highlight=False, markup=False)
        for problem in summary.problems[:50]:
            console.print(
                f"  [red]![/red] {shown(f'{problem.path}: {problem.reason}', markup=True)}",
                highlight=False,
                markup=True,
            )
        if len(summary.problems) > 50:
            console.print(f"  ... and {len(summary.problems) - 50} more (see --json)")
    return summary


def _pins(args: argparse.Namespace) -> dict[str, str]:
    """--root-resources FILE, then each --root-resource (the later wins for a root)."""
    from mediaopt.engine.scan.placement import load_root_resources, parse_root_resources

    pins = load_root_resources(args.root_resources) if args.root_resources else {}
    return {**pins, **parse_root_resources(args.root_resource)}
