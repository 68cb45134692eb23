"""mediaopt compare A B: are two files the same content, and how do they differ."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import add_json_option, console, print_json, table

if TYPE_CHECKING:
    from mediaopt.engine.model import Comparison


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare two media files visually", description=__doc__)
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("-o", "--output", metavar="PNG", help="write the comparison picture here")
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> Comparison:
    from mediaopt.engine.dedup.compare import compare

    # A file that cannot be decoded raises MediaDecodeError, naming it: the file's
    # problem (exit status 1), not a usage error.
    result = compare(args.a, args.b, args.output)
    if args.json:
        print_json(result)
        return result
    verdict = "same content" if result.same_content else "different content"
    console.print(
        f"{verdict}: similarity {result.similarity:.3f}, {result.relation}", highlight=False
    )
    t = table("attribute", "A", "B", text=["A", "B"])
    for row in result.differences:
        t.add_row(row.attribute, row.a, row.b)
    console.print(t)
    if result.picture:
        console.print(f"picture: {result.picture}", highlight=False)
    return result
