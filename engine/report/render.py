"""Render storage as a report section: what each setting costs, and the measured what-if."""

from __future__ import annotations

from mediaopt.engine.model import Recommendation, RenderAnalysis
from mediaopt.engine.report.model import Section, Table
from mediaopt.engine.units import human_bytes


def render_section(analysis: RenderAnalysis, recommendation: Recommendation | None) -> Section:
    tables = [
        Table(
            caption="Bytes per frame by setting",
            columns=[
                "format",
                "compression",
                "pixel type",
                "channels",
                "resolution",
                "frames",
                "per frame",
                "bytes",
            ],
            rows=[
                [
                    g.format,
                    g.compression,
                    g.pixel_type,
                    str(g.channels),
                    g.resolution,
                    str(g.frames),
                    human_bytes(g.bytes_per_frame),
                    human_bytes(g.bytes),
                ]
                for g in analysis.groups
            ],
        )
    ]
    if analysis.outliers:
        tables.append(
            Table(
                caption="Frames far from their neighbours",
                columns=["sequence", "frame", "bytes", "ratio", "reason"],
                rows=[
                    [o.sequence, str(o.frame), human_bytes(o.bytes), f"{o.ratio:.1f}x", o.reason]
                    for o in analysis.outliers
                ],
            )
        )
    headline = {"Render bytes": human_bytes(analysis.bytes)}
    summary = f"{analysis.renders} renders, {analysis.frames} frames."
    if analysis.driver:
        summary += f" The setting that drives size most is {analysis.driver}."
    if recommendation is not None:
        summary += f" {recommendation.summary}"
        headline["What-if saving"] = human_bytes(recommendation.saved_bytes)
        tables.append(
            Table(
                caption=f"What-if on {recommendation.sequence} (measured on frames "
                f"{', '.join(map(str, recommendation.sampled_frames))})",
                columns=["candidate", "estimated", "saved", "PSNR dB", "SSIM", "acceptable"],
                rows=[
                    [
                        c.name,
                        human_bytes(c.estimated_bytes),
                        f"{c.saved_fraction:.0%}",
                        "lossless" if c.lossless else f"{c.psnr_db:.1f}" if c.psnr_db else "-",
                        f"{c.ssim:.4f}" if c.ssim is not None else "-",
                        "yes" if c.acceptable else "no",
                    ]
                    for c in recommendation.candidates
                ],
            )
        )
    return Section(
        title="Render storage",
        summary=summary,
        headline=headline,
        tables=tables,
        notes=list(analysis.problems),
    )
