"""mediaopt demo [DIR]: build a small sample production, run every analysis on it, and
write the HTML report.

The production has two shows side by side: `commercial` (many media kinds, an EXR
sequence with a missing frame, broken files, a render folder) and `feature` (edits in
OTIO, EDL and FCP XML, a Nuke comp with render versions, proxies, a copy, paths written on
other OSes, a corrupt project). Everything is real media made by real encoders.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import BarProgress, console, human_bytes, interactive, table

if TYPE_CHECKING:
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.model import Plan, ScanSummary
    from mediaopt.engine.production.record import ProductionRecord


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build a sample production and analyse it", description=__doc__)
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="where to build it (default: a new temporary folder)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine import api
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.demo.caches import build_savings_extras
    from mediaopt.engine.demo.production import build_demo_production
    from mediaopt.engine.production.analyse import analyse
    from mediaopt.engine.production.record import AnalysisOptions
    from mediaopt.engine.refs.config import Settings
    from mediaopt.engine.report import storage_report

    base = Path(args.dir or tempfile.mkdtemp(prefix="mediaopt-demo-")).resolve()
    root = base / "production"
    catalog_path = base / "catalog.sqlite"  # beside the production: never inside a root
    console.print(f"Building a sample production in {root} ...", highlight=False)
    demo = build_demo_production(root)
    build_savings_extras(demo.commercial.root, demo.feature.root)  # host caches, a dormant project
    with Catalog(catalog_path) as catalog:
        summary = api.scan([root], catalog, progress=BarProgress() if interactive(args) else None)
        console.print(
            f"\nScanned {summary.files_seen} files into {summary.assets} assets "
            f"({summary.sequences} sequences, {human_bytes(summary.bytes)}) "
            f"in {summary.seconds:.1f} s; catalog: {catalog_path}",
            highlight=False,
        )
        _show_stats(catalog)
        _show_problems(summary)
        record = analyse(
            catalog,
            demo.roots,
            # The feature's projects were written on macOS, Windows and a file server: the
            # same --map rules a facility keeps in its config file. Each show keeps its own
            # media, so an unreadable project only casts doubt on its own show.
            Settings(path_map=demo.feature.maps, unreadable_scope_depth=1),
            # The demo shows every extra: its media is small, so each takes seconds.
            options=AnalysisOptions(
                near_duplicates=True,
                render_what_if=True,
                measure_bandwidth=True,
                timelines=[demo.cut],
                pictures=str(base),
            ),
        )
        show_record(record)
        plan = _plan(catalog, demo.roots, demo.feature.maps, base, record)
        _, report = storage_report(
            record, catalog, plan, base / "report.html", title="mediaopt demo production"
        )
    console.print()
    console.print(f"Try: mediaopt report --catalog {catalog_path} -o report.html", highlight=False)
    console.print(f"Try: mediaopt find --catalog {catalog_path} --kind sequence", highlight=False)
    # Last, so it is what a person sees when the demo ends.
    console.print(f"HTML report: {report}", highlight=False, soft_wrap=True)
    return 0


def show_record(record: ProductionRecord) -> None:
    """Each part of the record as the command of that analysis prints it."""
    from mediaopt.engine.cli import dupes
    from mediaopt.engine.cli.bandwidth import show_verdicts
    from mediaopt.engine.cli.lineage import show_lineage
    from mediaopt.engine.cli.orphans import show_orphans
    from mediaopt.engine.cli.projects import show_projects
    from mediaopt.engine.cli.render import show_analysis, show_recommendation

    console.print("\n[bold]Projects[/bold]", markup=True)
    show_projects(record.projects)
    console.print("\n[bold]Orphans[/bold]", markup=True)
    show_orphans(record.orphans)
    console.print("\n[bold]Lineage[/bold]", markup=True)
    show_lineage(record.lineage, record.roots)
    console.print("\n[bold]Duplicates[/bold]", markup=True)
    dupes.show(record.duplicates, limit=10, roots=record.roots)
    if record.options.pictures:
        console.print(f"comparison pictures in {record.options.pictures}", highlight=False)
    console.print("\n[bold]Render storage[/bold]", markup=True)
    for analysis in record.render:
        if analysis.renders:
            show_analysis(analysis)
    if record.render_what_if is not None:
        show_recommendation(record.render_what_if)
    console.print()
    for check in record.bandwidth_checks:
        show_verdicts(check.verdicts, title=f"Will it work: {Path(check.need.subject).name}")
    if record.problems:
        console.print(f"\n[bold]Problems[/bold] ({len(record.problems)}):", markup=True)
        for problem in record.problems:
            console.print(f"  {problem}", highlight=False, markup=False)


def _plan(
    catalog: Catalog, roots: list[str], maps: list[str], base: Path, record: ProductionRecord
) -> Plan:
    """The savings plan over the production, written to plan.json and run as a dry run;
    the report shows it too."""
    from mediaopt.engine.actions import apply_plan
    from mediaopt.engine.cli.apply import show_apply
    from mediaopt.engine.cli.recommend import show_plan, write_plan
    from mediaopt.engine.recommend import recommend
    from mediaopt.engine.refs.config import Settings

    settings = Settings(path_map=maps, unreadable_scope_depth=1)
    plan_path, archive = base / "plan.json", base / "archive"
    what_if = [record.render_what_if] if record.render_what_if is not None else []
    plan = recommend(
        catalog, roots, settings=settings, plan_file=str(plan_path), what_if=what_if, near=True
    )
    write_plan(plan, plan_path)
    console.print("\n[bold]Savings plan[/bold]", markup=True)
    show_plan(plan)
    report = apply_plan(
        plan,
        plan_path,
        catalog=catalog,
        archive_root=archive,
        confirm_destructive=True,
        hardlink=True,
    )
    show_apply(report)
    console.print(
        f"Carry it out: mediaopt apply {plan_path} --catalog {catalog.path} --execute "
        f"--archive-root {archive} --confirm-destructive --hardlink",
        highlight=False,
    )
    return plan


def _show_problems(summary: ScanSummary) -> None:
    console.print(
        f"\n[bold]Files that could not be read[/bold] ({len(summary.problems)}):", markup=True
    )
    for problem in summary.problems:
        console.print(f"  {Path(problem.path).name}: {problem.reason}", highlight=False)


def _show_stats(catalog: Catalog) -> None:
    t = table("kind", "files", "bytes", title="By kind")
    for row in catalog.stats("kind"):
        t.add_row(row.key, str(row.files), human_bytes(row.bytes))
    console.print(t)
