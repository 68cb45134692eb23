"""mediaopt bandwidth need|measure|check: what the work needs, what storage delivers, and
whether it will work."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from mediaopt.engine.catalog import parse_size
from mediaopt.engine.cli.output import (
    add_catalog_option,
    add_json_option,
    console,
    open_catalog,
    print_json,
    progress_bar,
    shown,
    table,
)
from mediaopt.engine.cli.project_options import add_path_map_options, path_map_from

if TYPE_CHECKING:
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.model import CheckReport, NeedReport, StorageMeasurement, Verdict

MB = 1e6
DEFAULT_HEADROOM = 0.25
"""Spare capacity a verdict asks for (the engine's `bandwidth.DEFAULT_HEADROOM`; a test
keeps the two equal, so --help need not import the engine)."""


class _WorkflowsEpilog(argparse.RawDescriptionHelpFormatter):
    """Writes the workflows' formulas into --help only when help is shown: reading them
    imports the bandwidth engine, which a command's start-up should not pay for."""

    def add_text(self, text: str | None) -> None:
        super().add_text(workflows_help() if text is _WORKFLOWS else text)


_WORKFLOWS = "(workflows)"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bandwidth", help="storage bandwidth: need, measure, check", description=__doc__
    )
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")

    n = verbs.add_parser(
        "need",
        help="what a timeline, asset or folder needs per workflow",
        description="What a timeline, asset or folder needs from storage, per workflow.",
        epilog=_WORKFLOWS,
        formatter_class=_WorkflowsEpilog,
    )
    n.add_argument("path", metavar="PROJECT_FILE|PATH")
    _workflow_options(n)
    n.add_argument("--fps", type=float, help="playback rate of image sequences (default 24)")
    add_path_map_options(n)
    add_catalog_option(n)
    add_json_option(n)
    n.set_defaults(run=run_need)

    m = verbs.add_parser("measure", help="what the storage under PATH delivers (read-only)")
    m.add_argument("path", metavar="PATH")
    _measure_options(m)
    add_json_option(m)
    m.set_defaults(run=run_measure)

    c = verbs.add_parser(
        "check",
        help="will it work: each workflow's need against storage",
        epilog=_WORKFLOWS,
        formatter_class=_WorkflowsEpilog,
    )
    c.add_argument("path", metavar="PROJECT_FILE|PATH")
    where = c.add_mutually_exclusive_group()
    where.add_argument(
        "--storage", metavar="DIR", help="storage to measure (default: where the media is)"
    )
    where.add_argument(
        "--measurement", metavar="FILE", help="a `bandwidth measure --json` result to reuse"
    )
    _workflow_options(c)
    c.add_argument("--headroom", type=float, default=DEFAULT_HEADROOM, metavar="H")
    c.add_argument("--chart", metavar="FILE.svg", help="write the timeline's curve vs capacity")
    _measure_options(c)
    add_path_map_options(c)
    add_catalog_option(c)
    add_json_option(c)
    c.set_defaults(run=run_check)


def workflows_help() -> str:
    """Each workflow profile and its formula, for --help: the defaults, changed by
    MEDIAOPT_WORKFLOWS when it names a readable file."""
    from mediaopt.engine import bandwidth
    from mediaopt.engine.bandwidth.workflows import formula

    try:
        profiles = bandwidth.load_workflows()
    except bandwidth.BandwidthError:
        profiles = {w.name: w for w in bandwidth.DEFAULT_WORKFLOWS}
    lines = ["workflows (need = the busiest second, in bytes/s):"]
    for w in profiles.values():
        lines += textwrap.wrap(
            f"{w.name}: {w.description}", width=88, initial_indent="  ", subsequent_indent="      "
        )
        lines.append(f"      timeline:    {formula(w, timeline=True)}")
        lines.append(f"      media alone: {formula(w, timeline=False)}")
    return "\n".join(lines)


def _workflow_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workflow", action="append", metavar="W", help="a workflow (repeatable; default: all)"
    )
    p.add_argument("--workflows", metavar="FILE", help="TOML/JSON file of workflow profiles")


def _measure_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seconds", type=float, default=6.0, help="time budget (default 6)")
    p.add_argument("--max-bytes", type=parse_size, default="2GB", help="read budget (2GB)")
    p.add_argument("--streams", type=int, default=4, help="concurrent streams to test (4)")
    p.add_argument("--scratch", metavar="DIR", help="also test writes, in this folder only")
    p.add_argument("--low-impact", action="store_true", help="idle I/O priority, 50 MB/s cap")


def run_need(args: argparse.Namespace) -> NeedReport:
    from mediaopt.engine import bandwidth

    with open_catalog(args) as catalog, progress_bar(args) as progress:
        report = bandwidth.need(
            args.path,
            catalog=catalog,
            workflows=args.workflow,
            workflows_file=args.workflows,
            fps=args.fps,
            progress=progress,
            path_map=path_map_from(args),
        )
    if args.json:
        print_json(report)
    else:
        show_need(report)
    return report


def run_measure(args: argparse.Namespace) -> StorageMeasurement:
    from mediaopt.engine import bandwidth

    with progress_bar(args) as progress:
        result = bandwidth.measure(
            args.path,
            seconds=args.seconds,
            max_bytes=args.max_bytes,
            streams=args.streams,
            scratch=args.scratch,
            low_impact=args.low_impact,
            progress=progress,
        )
    if args.json:
        print_json(result)
    else:
        show_measurement(result)
    return result


def run_check(args: argparse.Namespace) -> CheckReport:
    """A failing verdict is the answer, shown in the table and the JSON; the exit status
    says only whether everything could be read (README, "Exit codes")."""
    from mediaopt.engine import bandwidth

    storage: str | StorageMeasurement | None = args.storage
    if args.measurement:
        storage = _load_measurement(Path(args.measurement))
    with open_catalog(args) as catalog, progress_bar(args) as progress:
        report = bandwidth.will_it_work(
            args.path,
            storage=storage,
            catalog=catalog,
            workflows=args.workflow,
            workflows_file=args.workflows,
            headroom=args.headroom,
            seconds=args.seconds,
            max_bytes=args.max_bytes,
            streams=args.streams,
            scratch=args.scratch,
            path_map=path_map_from(args),
            low_impact=args.low_impact,
            chart=args.chart,
            progress=progress,
        )
    if args.json:
        print_json(report)
    else:
        show_check(report)
    return report


def _load_measurement(path: Path) -> StorageMeasurement:
    import msgspec

    from mediaopt.engine import bandwidth
    from mediaopt.engine.model import StorageMeasurement

    try:
        return msgspec.json.decode(path.read_bytes(), type=StorageMeasurement)
    except OSError as exc:
        raise bandwidth.BandwidthError(f"{path}: cannot read ({exc.strerror})") from None
    except msgspec.DecodeError as exc:
        raise bandwidth.BandwidthError(f"{path}: not a storage measurement ({exc})") from None


def show_need(report: NeedReport) -> None:
    curve = report.timeline
    if curve is not None:
        console.print(
            f"[bold]{shown(curve.name or Path(curve.path).name, markup=True)}[/bold]: "
            f"{len(curve.clips)} clips, {curve.duration_s:.1f} s; peak "
            f"{curve.peak_bytes_per_s / MB:.1f} MB/s at {curve.peak_timecode} "
            f"({shown(', '.join(curve.peak_clips), markup=True)}), average "
            f"{curve.average_bytes_per_s / MB:.1f} MB/s",
            highlight=False,
            markup=True,
        )
    elif report.assets:
        t = table(
            "asset",
            "average MB/s",
            "peak MB/s",
            "peak from",
            "files/s",
            title="Media",
            paths=["asset"],
        )
        for n in sorted(report.assets, key=lambda n: -n.peak_bytes_per_s)[:30]:
            t.add_row(
                Path(n.path).name,
                f"{n.average_bytes_per_s / MB:.2f}",
                f"{n.peak_bytes_per_s / MB:.2f}",
                str(n.peak_source),
                f"{n.file_opens_per_s:.0f}",
            )
        console.print(t)
    t = table(
        "workflow", "need MB/s", "files/s", "streams", "peak at", title="Needs", text=["workflow"]
    )
    for w in report.workflows:
        t.add_row(
            w.workflow,
            f"{w.bytes_per_s / MB:.1f}",
            f"{w.file_opens_per_s:.0f}",
            str(w.streams),
            w.peak_timecode or "",
        )
    console.print(t)
    _show_problems(report.problems)


def show_measurement(m: StorageMeasurement) -> None:
    t = table("test", "MB/s", "files/s", "streams", "read", "seconds", "cache", title=m.path)
    for r in m.tests:
        t.add_row(
            r.name,
            f"{r.bytes_per_s / MB:.1f}",
            f"{r.files_per_s:.0f}" if r.files_per_s else "",
            str(r.streams),
            f"{r.bytes / MB:.0f} MB",
            f"{r.seconds:.2f}",
            r.cache_bypass,
        )
    console.print(t)
    _show_problems(m.problems)
    for note in m.notes:
        console.print(f"note: {note}", highlight=False, markup=False)


def show_verdicts(verdicts: list[Verdict], title: str = "Will it work") -> None:
    """The will-it-work table; the demo calls this with `bandwidth.will_it_work(...)`."""
    from rich.text import Text  # a styled cell: table cells given as strings are plain text

    t = table(
        "workflow",
        "need MB/s",
        "have MB/s",
        "files/s",
        "spare",
        "result",
        "max streams",
        title=title,
        text=["workflow"],
    )
    for v in verdicts:
        files = f"{v.need_file_opens_per_s:.0f}"
        if v.capacity_file_opens_per_s:
            files += f" / {v.capacity_file_opens_per_s:.0f}"
        t.add_row(
            v.workflow,
            f"{v.need_bytes_per_s / MB:.1f}",
            f"{v.capacity_bytes_per_s / MB:.0f}",
            files,
            f"{(1 / v.utilisation - 1) if v.utilisation else 0:.0%}" if v.utilisation else "-",
            Text("pass", style="green") if v.passes else Text("FAIL", style="red"),
            str(v.max_streams),
        )
    console.print(t)
    for v in verdicts:
        for line in v.advice:
            console.print(f"  {v.workflow}: {line}", highlight=False)


def show_check(report: CheckReport) -> None:
    show_need(report.need)
    show_measurement(report.storage)
    show_verdicts(report.verdicts, title=f"Will it work: {Path(report.need.subject).name}")
    if report.chart:
        console.print(f"chart: {report.chart}", highlight=False)


def demo_check(subject: str | Path, catalog: Catalog | None = None) -> CheckReport:
    """For `mediaopt demo`: a short, gentle check of a sample timeline or folder against
    the storage it sits on (2 s, 200 MB at most), printed as the will-it-work table."""
    from mediaopt.engine import bandwidth

    report = bandwidth.will_it_work(subject, catalog=catalog, seconds=2.0, max_bytes=200_000_000)
    show_verdicts(report.verdicts, title=f"Will it work: {Path(report.need.subject).name}")
    return report


def _show_problems(problems: list[str]) -> None:
    for problem in problems:
        console.print(f"problem: {problem}", style="yellow", highlight=False)
