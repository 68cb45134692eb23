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

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli.output import BarProgress, console, human_bytes, interactive, table
from mediaopt.engine.model import ScanSummary
from mediaopt.engine.report import Section, build_report, write_html


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build a sample production and analyse it", description=__doc__)
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="where to build it (default: a new temporary folder)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.demo.commercial import build_sample_production
    from mediaopt.engine.demo.feature import build_orphan_production
    from mediaopt.engine.demo.render_folder import build_render_folder

    base = Path(args.dir or tempfile.mkdtemp(prefix="mediaopt-demo-")).resolve()
    root = base / "production"
    catalog_path = base / "catalog.sqlite"  # beside the production: never inside a root
    console.print(f"Building a sample production in {root} ...", highlight=False)
    commercial = build_sample_production(root / "commercial")
    renders = build_render_folder(Path(commercial.root) / "show").parents[1]
    feature = build_orphan_production(root / "feature")
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
        # Each analysis prints its own view and hands the report one or more sections.
        sections = [
            *_production(catalog, [feature.root, commercial.root], feature.maps),
            _duplicates(catalog, base / "comparisons"),
            _renders(catalog, str(renders)),
            *_bandwidth(
                commercial.root,
                str(Path(feature.root) / "show" / "edit" / "cut.otio"),
                catalog,
                base / "bandwidth_cut.svg",
            ),
        ]
        report = write_html(
            build_report(catalog, title="mediaopt demo production", extra=sections),
            base / "report.html",
        )
    console.print(f"\nHTML report: {report}", highlight=False)
    console.print(f"Try: mediaopt find --catalog {catalog_path} --kind sequence", highlight=False)
    return 0


def _production(catalog: Catalog, roots: list[str], maps: list[str]) -> list[Section]:
    from mediaopt.engine.cli.projects import show_production
    from mediaopt.engine.production.analysis import analyse_production
    from mediaopt.engine.refs.config import Settings
    from mediaopt.engine.report.production import (
        lineage_section,
        orphans_section,
        projects_section,
    )

    # The feature's projects were written on macOS, Windows and a file server: the same
    # --map rules a facility keeps in its config file. Each show keeps its own media, so an
    # unreadable project only casts doubt on its own show.
    settings = Settings(path_map=maps, unreadable_scope_depth=1)
    analysis = analyse_production(catalog, roots, settings=settings)
    show_production(analysis)
    return [
        projects_section(analysis.projects),
        orphans_section(analysis.orphans),
        lineage_section(analysis.lineage),
    ]


def _duplicates(catalog: Catalog, pictures: Path) -> Section:
    from mediaopt.engine.cli import dupes
    from mediaopt.engine.dedup.api import find_duplicates, write_contact_sheets
    from mediaopt.engine.report.dupes import dupes_section

    console.print("\n[bold]Duplicates[/bold]", markup=True)
    report = find_duplicates(catalog, near=True)
    dupes.show(report, limit=10)
    written = write_contact_sheets(report, pictures)
    console.print(f"{len(written)} comparison pictures in {pictures}", highlight=False)
    return dupes_section(report, [str(p) for p in written])


def _renders(catalog: Catalog, under: str) -> Section:
    from mediaopt.engine.cli.render import show_analysis, show_recommendation
    from mediaopt.engine.demo.render_folder import render_demo
    from mediaopt.engine.report.render import render_section

    analysis, recommendation = render_demo(catalog, under)
    console.print("\n[bold]Render storage[/bold]", markup=True)
    show_analysis(analysis)
    if recommendation is not None:
        show_recommendation(recommendation)
    return render_section(analysis, recommendation)


def _bandwidth(folder: str, timeline: str, catalog: Catalog, chart: Path) -> list[Section]:
    from mediaopt.engine.bandwidth import will_it_work
    from mediaopt.engine.cli.bandwidth import demo_check, show_verdicts
    from mediaopt.engine.report.bandwidth import bandwidth_section

    console.print()
    sections = [bandwidth_section(demo_check(folder, catalog))]
    # The cut, clip by clip over time: its curve against what the storage gives.
    cut = will_it_work(timeline, catalog=catalog, seconds=2.0, max_bytes=200_000_000, chart=chart)
    show_verdicts(cut.verdicts, title=f"Will it work: {Path(timeline).name}")
    sections.append(bandwidth_section(cut, title=f"Bandwidth: {Path(timeline).name}"))
    return sections


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
