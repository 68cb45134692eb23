"""mediaopt render: what render settings cost (analyze), what other settings would cost,
measured by re-encoding sample frames (what-if), and charts of both."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import (
    BarProgress,
    add_catalog_option,
    add_json_option,
    console,
    errors,
    human_bytes,
    interactive,
    open_catalog,
    print_json,
    shown,
    table,
)
from mediaopt.engine.cli.project_options import add_path_map_options, path_map_from

if TYPE_CHECKING:
    from mediaopt.engine.model import (
        DeclaredOutput,
        Recommendation,
        RenderAnalysis,
        RenderSettingsReport,
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render", help="render storage: analyze, what-if, chart", description=__doc__
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    a = actions.add_parser("analyze", help="bytes per frame by setting, drivers, outliers")
    a.add_argument("--under", metavar="PATH")
    add_catalog_option(a)
    add_json_option(a)
    a.set_defaults(run=run_analyze)

    w = actions.add_parser("what-if", help="re-encode sample frames with candidate settings")
    w.add_argument("sequence", help="a sequence's #### pattern, one of its frames, or a movie")
    w.add_argument(
        "--candidates", nargs="+", metavar="NAME", help="e.g. zip dwab:45 piz+half, prores-hq"
    )
    w.add_argument("--quality", default="psnr:50", help="lossless, psnr:DB, ssim:V (psnr:50)")
    w.add_argument("--samples", type=int, metavar="N", help="frames sampled (default 8)")
    w.add_argument("--spans", type=int, default=3, metavar="N", help="movies: spans sampled")
    w.add_argument("--span-frames", type=int, default=8, metavar="N", help="movies: span length")
    w.add_argument("--chart", metavar="FILE", help="also write the size/quality front (.png/.svg)")
    add_catalog_option(w)
    add_json_option(w)
    w.set_defaults(run=run_what_if)

    d = actions.add_parser(
        "settings", help="Write nodes / scene outputs: declared settings vs what is on disk"
    )
    d.add_argument("projects", nargs="+", metavar="PROJECT_FILE", help=".nk or .blend files")
    add_path_map_options(d)
    d.add_argument(
        "--what-if",
        dest="what_if",
        metavar="QUALITY",
        help="also re-encode each output with what the host can render (e.g. psnr:50)",
    )
    add_catalog_option(d)
    add_json_option(d)
    d.set_defaults(run=run_settings)

    c = actions.add_parser("chart", help="write charts of render storage (.png or .svg)")
    c.add_argument("kind", choices=["settings", "jobs"])
    c.add_argument("output", metavar="FILE")
    c.add_argument("--under", metavar="PATH")
    add_catalog_option(c)
    c.set_defaults(run=run_chart)


def run_analyze(args: argparse.Namespace) -> RenderAnalysis:
    from mediaopt.engine.render import analyze as analysis

    with open_catalog(args) as catalog:
        report = analysis.analyze(catalog, under=args.under)
    if args.json:
        print_json(report)
    else:
        show_analysis(report)
    return report


def run_what_if(args: argparse.Namespace) -> Recommendation:
    from mediaopt.engine.model import notation
    from mediaopt.engine.render import charts, whatif

    with open_catalog(args) as catalog:
        asset = catalog.get(notation.hashes(os.path.abspath(args.sequence)))
    result = whatif.what_if(
        asset or args.sequence,
        candidates=args.candidates,
        quality=args.quality,
        samples=whatif.DEFAULT_SAMPLES if args.samples is None else args.samples,
        spans=args.spans,
        span_frames=args.span_frames,
        progress=BarProgress() if interactive(args) else None,
    )
    if args.chart:
        charts.front_chart(result, args.chart)
    if args.json:
        print_json(result)
    else:
        show_recommendation(result)
    return result


def run_settings(args: argparse.Namespace) -> RenderSettingsReport:
    from mediaopt.engine.model import FileProblem, RenderSettingsReport
    from mediaopt.engine.production.readers import read_project
    from mediaopt.engine.render.declared import declared_outputs

    projects = [read_project(path) for path in args.projects]
    problems = [FileProblem(path=p.path, reason=e) for p in projects for e in p.errors]
    with open_catalog(args) as catalog:
        found = declared_outputs(
            projects,
            catalog,
            path_map=path_map_from(args),
            what_if_quality=args.what_if,
            progress=BarProgress() if interactive(args) else None,
        )
    report = RenderSettingsReport(outputs=found, problems=problems)
    if args.json:
        print_json(report)
        return report
    for output in found:
        show_declared(output)
    for problem in problems:
        errors.print(f"{problem.path}: {problem.reason}", markup=False, highlight=False)
    if not found:
        readable = "readable " if problems else ""
        console.print(f"no Write nodes or scene render outputs in these {readable}projects")
    return report


def show_declared(output: DeclaredOutput) -> None:
    frames = f" frames {output.frames[0]}-{output.frames[1]}" if output.frames else ""
    console.print(
        f"\n[bold]{shown(output.node, markup=True)}[/bold] in "
        + shown(f"{Path(output.project).name} -> {output.path}{frames}", markup=True),
        highlight=False,
        markup=True,
    )
    if output.unresolvable:
        console.print(f"  unresolvable: {output.unresolvable}", style="yellow", highlight=False)
    t = table("setting", "declared", "rendered", text=["declared", "rendered"])
    for key in ("format", "compression", "pixel_type", "channels", "resolution"):
        declared, rendered = output.declared_as.get(key, ""), output.rendered.get(key, "")
        if declared or rendered:
            t.add_row(key, declared, rendered)
    console.print(t)
    if output.outputs:
        console.print(
            f"  on disk: {', '.join(output.outputs)} ({human_bytes(output.rendered_bytes)})",
            highlight=False,
        )
    for line in output.mismatches:
        console.print(f"  mismatch: {line}", style="yellow", highlight=False)
    if output.recommendation is not None:
        console.print(f"  {output.recommendation.summary}", highlight=False)
    if output.change_text:
        console.print(
            f"  [bold]change:[/bold] {shown(output.change_text, markup=True)}",
            highlight=False,
            markup=True,
        )
    for note in output.notes + output.problems:
        console.print(f"  {note}", highlight=False)


def run_chart(args: argparse.Namespace) -> int:
    from mediaopt.engine.render import analyze as analysis
    from mediaopt.engine.render import charts, jobs

    with open_catalog(args) as catalog:
        if args.kind == "settings":
            written = charts.bytes_per_frame_chart(
                analysis.analyze(catalog, under=args.under), args.output
            )
        else:
            written = charts.jobs_over_time_chart(jobs.render_jobs(catalog), args.output)
    console.print(f"wrote {written}", highlight=False)
    return 0


def show_analysis(report: RenderAnalysis) -> None:
    console.print(
        f"{report.renders} renders, {report.frames:,} frames, {human_bytes(report.bytes)}; "
        f"{human_bytes(report.forecast_per_1000_frames)} per 1,000 frames at current settings",
        highlight=False,
    )
    t = table(
        "format",
        "compression",
        "pixels",
        "ch",
        "resolution",
        "renders",
        "per frame",
        "B/pixel",
        "per 1000 frames",
        title="By setting",
        text=["format", "compression", "pixels"],
    )
    for g in report.groups:
        t.add_row(
            g.format,
            g.compression,
            g.pixel_type,
            str(g.channels),
            g.resolution,
            str(g.renders),
            human_bytes(g.bytes_per_frame),
            f"{g.bytes_per_pixel:.2f}",
            human_bytes(g.forecast_per_1000_frames),
        )
    console.print(t)
    if report.driver:
        console.print(
            f"Size is driven most by [bold]{shown(report.driver, markup=True)}[/bold] "
            f"(all settings together explain R² = {report.fit_r2:.2f} of it):",
            markup=True,
        )
        for e in report.effects:
            console.print(
                f"  {e.setting:12} alone {e.explained:.2f}, unique {e.unique:.2f}", highlight=False
            )
    for label, rows in (("show", report.by_show), ("job", report.by_job), ("user", report.by_user)):
        if rows and not (len(rows) == 1 and rows[0].key == "(unknown)"):
            t = table(
                label,
                "renders",
                "frames",
                "bytes",
                "per 1000 frames",
                title=f"By {label}",
                text=[label],
            )
            for r in rows[:15]:
                t.add_row(
                    r.key,
                    str(r.renders),
                    f"{r.frames:,}",
                    human_bytes(r.bytes),
                    human_bytes(r.forecast_per_1000_frames),
                )
            console.print(t)
    if report.outliers:
        console.print(
            f"\n[bold]Frames far from their neighbours[/bold] ({len(report.outliers)}):",
            markup=True,
        )
        for o in report.outliers[:20]:
            console.print(
                f"  {Path(o.sequence).name} frame {o.frame}: {human_bytes(o.bytes)} vs "
                f"{human_bytes(o.neighbour_median)} ({o.ratio:.2f}x): {o.reason}",
                highlight=False,
            )
    for problem in report.problems:
        console.print(f"  {problem}", style="yellow", highlight=False)


def show_recommendation(result: Recommendation) -> None:
    t = table(
        "candidate",
        "size",
        "saved",
        "± (95%)",
        "quality",
        "data passes",
        "ok",
        "front",
        title=f"What-if on frames {result.sampled_frames}",
        text=["candidate", "quality"],
    )
    for c in result.candidates:
        quality = "bit-exact" if c.lossless else f"{c.psnr_db} dB, SSIM {c.ssim}"
        t.add_row(
            c.name,
            human_bytes(c.estimated_bytes),
            f"{c.saved_fraction:.0%}",
            human_bytes(c.error_bytes),
            quality,
            "alpha dropped" if c.drops_alpha else "exact" if c.data_passes_exact else "CHANGED",
            "yes" if c.acceptable else "no",
            "*" if c.on_front else "",
        )
    console.print(t)
    console.print(result.summary, highlight=False)
    if result.confidence:
        console.print(f"Confidence: {result.confidence}", highlight=False)
    for problem in result.problems:
        console.print(f"  {problem}", style="yellow", highlight=False)


def show_render_demo(catalog, under) -> None:
    """For `mediaopt demo`: print the render analysis and the recommendation for the
    largest EXR sequence under `under` (see engine/render/demo.py)."""
    from mediaopt.engine.demo.render_folder import render_demo

    report, recommendation = render_demo(catalog, under)
    console.print("\n[bold]Render storage[/bold]", markup=True)
    show_analysis(report)
    if recommendation is not None:
        show_recommendation(recommendation)
