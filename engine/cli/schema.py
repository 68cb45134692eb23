"""mediaopt schema: the JSON Schema of what each command prints with --json."""

from __future__ import annotations

import argparse

import msgspec

from mediaopt.engine.cli.output import print_json
from mediaopt.engine.cli.refs import RefsReport
from mediaopt.engine.cli.stats import StatsReport
from mediaopt.engine.model import (
    ApplyReport,
    Asset,
    CheckReport,
    Comparison,
    DupesReport,
    LineageReport,
    NeedReport,
    OrphanReport,
    Plan,
    ProjectsReport,
    Recommendation,
    RenderAnalysis,
    RenderJob,
    ScanSummary,
    StorageMeasurement,
    UndoReport,
)
from mediaopt.engine.report import Report

OUTPUTS: dict[str, object] = {
    "scan": ScanSummary,
    "info": Asset,
    "find": Asset,
    "stats": StatsReport,
    "refs": RefsReport,
    "projects": ProjectsReport,
    "orphans": OrphanReport,
    "lineage": LineageReport,
    "dupes": DupesReport,
    "compare": Comparison,
    "render-analyze": RenderAnalysis,
    "render-what-if": Recommendation,
    "farm": RenderJob,
    "bandwidth-need": NeedReport,
    "bandwidth-measure": StorageMeasurement,
    "bandwidth-check": CheckReport,
    "report": Report,
    "plan": Plan,
    "recommend": Plan,
    "apply": ApplyReport,
    "undo": UndoReport,
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema", help="JSON Schema of a command's --json output", description=__doc__
    )
    p.add_argument("command", nargs="?", choices=sorted(OUTPUTS))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.command:
        print_json(msgspec.json.schema(OUTPUTS[args.command]))
    else:
        print_json({name: msgspec.json.schema(t) for name, t in OUTPUTS.items()})
    return 0
