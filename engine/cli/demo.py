"""mediaopt demo [DIR]: build a small sample production, scan it and show what was found."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli.output import BarProgress, console, human_bytes, interactive, table
from mediaopt.engine.model import ScanSummary
from mediaopt.engine.report import Section, build_report, write_html
from mediaopt.engine.report.bandwidth import bandwidth_section


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build a sample production and analyse it", description=__doc__)
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="where to build it (default: a new temporary folder)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.fixtures.production import build_sample_production

    base = Path(args.dir or tempfile.mkdtemp(prefix="mediaopt-demo-")).resolve()
    production_root = base / "production"
    catalog_path = base / "catalog.sqlite"  # beside the production: never inside a root
    console.print(f"Building a sample production in {production_root} ...", highlight=False)
    production = build_sample_production(production_root)
    with Catalog(catalog_path) as catalog:
        summary = api.scan(
            [production.root], catalog, progress=BarProgress() if interactive(args) else None
        )
        console.print(
            f"\nScanned {summary.files_seen} files into {summary.assets} assets "
            f"({summary.sequences} sequences, {human_bytes(summary.bytes)}) "
            f"in {summary.seconds:.1f} s; catalog: {catalog_path}",
            highlight=False,
        )
        _show_stats(catalog)
        _show_assets(catalog)
        _show_problems(summary)
        # Each analysis prints its own view and contributes a section to the report.
        sections = [_bandwidth(production.root, catalog)]
        report = write_html(
            build_report(catalog, title="mediaopt demo production", extra=sections),
            base / "report.html",
        )
    console.print(f"\nHTML report: {report}", highlight=False)
    console.print(f"Try: mediaopt find --catalog {catalog_path} --kind sequence", highlight=False)
    return 0


def _show_problems(summary: ScanSummary) -> None:
    console.print(f"\n[bold]Files that could not be read[/bold] ({len(summary.problems)}):")
    for problem in summary.problems:
        console.print(f"  {Path(problem.path).name}: {problem.reason}", highlight=False)


def _bandwidth(root: str, catalog: Catalog) -> Section:
    from mediaopt.engine.cli.bandwidth import demo_check

    console.print()
    return bandwidth_section(demo_check(root, catalog))


def _show_stats(catalog: Catalog) -> None:
    t = table("kind", "files", "bytes", title="By kind")
    for row in catalog.stats("kind"):
        t.add_row(row.key, str(row.files), human_bytes(row.bytes))
    console.print(t)


def _show_assets(catalog: Catalog) -> None:
    t = table("asset", "format", "codec", "resolution", "notes", title="Cataloged media")
    for asset in catalog.find(status="ok"):
        v = asset.video or asset.audio
        res = f"{v.width}x{v.height}" if v and v.width else ""
        notes = ""
        if asset.sequence:
            seq = asset.sequence
            notes = f"frames {seq.first_frame}-{seq.last_frame}"
            if seq.missing_frames:
                notes += f", missing {seq.missing_frames}"
        elif asset.start_timecode:
            notes = f"TC {asset.start_timecode}" + (f" reel {asset.reel}" if asset.reel else "")
        codec = (v.codec_profile and f"{v.codec} {v.codec_profile}") or (v.codec if v else "")
        t.add_row(Path(asset.path).name, asset.format or "", codec or "", res, notes)
    console.print(t)
