"""mediaopt compare A B: are two files the same content, and how do they differ."""

from __future__ import annotations

import argparse

from mediaopt.engine.cli.output import add_json_option, console, print_json, table
from mediaopt.engine.dedup.compare import compare
from mediaopt.engine.fingerprint.errors import MediaDecodeError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare two media files visually", description=__doc__)
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("-o", "--output", metavar="PNG", help="write the comparison picture here")
    add_json_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = compare(args.a, args.b, args.output)
    except MediaDecodeError as exc:
        raise ValueError(str(exc)) from exc
    if args.json:
        print_json(result)
        return 0
    verdict = "same content" if result.same_content else "different content"
    console.print(
        f"{verdict}: similarity {result.similarity:.3f}, {result.relation}", highlight=False
    )
    t = table("attribute", "A", "B")
    for row in result.differences:
        t.add_row(row.attribute, row.a, row.b)
    console.print(t)
    if result.picture:
        console.print(f"picture: {result.picture}", highlight=False)
    return 0
