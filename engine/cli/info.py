"""mediaopt info FILE: one file's or sequence's full record."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import (
    add_catalog_option,
    add_json_option,
    console,
    print_json,
    shown,
)

if TYPE_CHECKING:
    from mediaopt.engine.model import Asset


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info", help="one file's or sequence's technical record", description=__doc__
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="a file, a frame of a sequence, or a sequence (####, %%04d, @@@@, $F4)",
    )
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> Asset:
    import msgspec

    from mediaopt.engine import api

    asset = api.info(args.file, args.catalog)  # looks in the catalog only if one exists
    if args.json:
        print_json(asset)
    else:
        record = msgspec.to_builtins(asset)
        streams = record.pop("streams", [])
        sequence = record.pop("sequence", None)
        for key, value in record.items():
            console.print(f"[bold]{key}[/bold]: {shown(value, markup=True)}", markup=True)
        if sequence:
            frames = sequence.pop("frame_bytes")
            missing = sequence.pop("missing_frames")
            console.print(f"[bold]sequence[/bold]: {shown(sequence, markup=True)}", markup=True)
            console.print(
                f"  missing frames: {missing or 'none'}; frame sizes "
                f"{min(frames)}..{max(frames)} bytes",
                highlight=False,
            )
        for stream in streams:
            console.print(
                f"[bold]stream {stream.pop('index', 0)}[/bold]: {shown(stream, markup=True)}",
                highlight=False,
                markup=True,
            )
    return asset
