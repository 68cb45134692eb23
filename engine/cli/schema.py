"""mediaopt schema: the JSON Schema of what each command prints with --json."""

from __future__ import annotations

import argparse

from mediaopt.engine.cli.output import print_json

OUTPUTS: dict[str, tuple[str, str, bool]] = {
    "scan": ("mediaopt.engine.model", "ScanSummary", False),
    "info": ("mediaopt.engine.model", "Asset", False),
    "find": ("mediaopt.engine.model", "Asset", True),
    "stats": ("mediaopt.engine.cli.stats", "StatsReport", False),
    "refs": ("mediaopt.engine.cli.refs", "RefsReport", True),
    "projects": ("mediaopt.engine.model", "ProjectsReport", False),
    "orphans": ("mediaopt.engine.model", "OrphanReport", False),
    "lineage": ("mediaopt.engine.model", "LineageReport", False),
    "dupes": ("mediaopt.engine.model", "DupesReport", False),
    "compare": ("mediaopt.engine.model", "Comparison", False),
    "render-analyze": ("mediaopt.engine.model", "RenderAnalysis", False),
    "render-what-if": ("mediaopt.engine.model", "Recommendation", False),
    "render-settings": ("mediaopt.engine.model", "RenderSettingsReport", False),
    "farm": ("mediaopt.engine.model", "RenderJob", False),
    "farm-post-job": ("mediaopt.engine.model", "RenderJob", False),
    "bandwidth-need": ("mediaopt.engine.model", "NeedReport", False),
    "bandwidth-measure": ("mediaopt.engine.model", "StorageMeasurement", False),
    "bandwidth-check": ("mediaopt.engine.model", "CheckReport", False),
    "report": ("mediaopt.engine.report", "Report", False),
    "analyse": ("mediaopt.engine.production.record", "ProductionRecord", False),
    "production": ("mediaopt.engine.production.record", "ProductionRecord", False),
    "plan": ("mediaopt.engine.model", "Plan", False),
    "recommend": ("mediaopt.engine.model", "Plan", False),
    "apply": ("mediaopt.engine.model", "ApplyReport", False),
    "undo": ("mediaopt.engine.model", "UndoReport", False),
    "watch": ("mediaopt.engine.model.watch", "WatchEvent", True),
}
"""Command (`render-what-if` for `render what-if`) -> (module, record type, JSON lines).
A command marked JSON lines prints one record per line; its schema is the line's."""


def output_type(command: str) -> type:
    """The msgspec record a command's --json prints (one per line for JSON lines)."""
    import importlib

    module, name, _ = OUTPUTS[command]
    return getattr(importlib.import_module(module), name)


def json_lines(command: str) -> bool:
    return OUTPUTS[command][2]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema", help="JSON Schema of a command's --json output", description=__doc__
    )
    p.add_argument(
        "command",
        nargs="?",
        choices=sorted(OUTPUTS),
        help="e.g. orphans, render-what-if (default: all)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import msgspec

    if args.command:
        print_json(msgspec.json.schema(output_type(args.command)))
    else:
        print_json({name: msgspec.json.schema(output_type(name)) for name in OUTPUTS})
    return 0
