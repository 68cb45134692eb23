"""mediaopt find: query the catalog by technical attribute."""

from __future__ import annotations

import argparse

from mediaopt.engine.catalog import parse_size
from mediaopt.engine.cli.output import (
    PathNames,
    add_catalog_option,
    add_json_option,
    console,
    human_bytes,
    open_catalog,
    print_json_lines,
    table,
)
from mediaopt.engine.model import AssetKind


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("find", help="query the catalog", description=__doc__)
    p.add_argument("--kind", choices=[k.value for k in AssetKind])
    p.add_argument("--codec", help="codec or format, case-insensitive substring (prores, exr)")
    p.add_argument("--min-width", type=int, metavar="W")
    p.add_argument("--fps", type=float, metavar="F")
    p.add_argument("--bit-depth", type=int, metavar="B")
    p.add_argument("--primaries", metavar="P", help="colour primaries, e.g. BT.709, BT.2020")
    p.add_argument("--larger-than", type=parse_size, metavar="SIZE", help="e.g. 500M, 2G")
    p.add_argument("--under", metavar="PATH")
    p.add_argument("--status", choices=["ok", "partial", "error"])
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with open_catalog(args) as catalog:
        found = catalog.find(
            kind=args.kind,
            codec=args.codec,
            min_width=args.min_width,
            fps=args.fps,
            bit_depth=args.bit_depth,
            primaries=args.primaries,
            larger_than=args.larger_than,
            under=args.under,
            status=args.status,
        )
        if args.json:
            print_json_lines(found)
            return 0
        names = PathNames([args.under] if args.under else catalog.roots())
        t = table("path", "kind", "codec", "resolution", "fps", "size", paths=["path"])
        for asset in found:
            v = asset.video or asset.audio
            res = f"{v.width}x{v.height}" if v and v.width else ""
            t.add_row(
                names(asset.path),
                str(asset.kind),
                (v.codec if v else asset.format) or "",
                res,
                f"{v.frame_rate:g}" if v and v.frame_rate else "",
                human_bytes(asset.bytes),
            )
        names.say()
        console.print(t)
    return 0
