"""A timeline's bandwidth curve against the storage's capacity, as a standalone SVG.

SVG written directly: a step curve and two lines need no plotting library in the
dependency tree (matplotlib alone would outweigh the engine), and it opens in any browser.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from mediaopt.engine.bandwidth.need import segment_need, timeline_scale
from mediaopt.engine.bandwidth.timeline import timecode_at
from mediaopt.engine.model import TimelineCurve, Verdict, Workflow

WIDTH, HEIGHT = 900, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50
MB = 1e6


def curve_svg(curve: TimelineCurve, workflow: Workflow, verdict: Verdict | None = None) -> str:
    """The workflow's need over the timeline (MB/s), the storage's capacity for it and
    the capacity left after headroom; the peak marked with its timecode."""
    steps = []
    for seg in curve.segments:
        movie, sequence, *_ = segment_need(curve, seg, workflow)
        steps.append((seg.start_s, seg.end_s, (movie + sequence) * timeline_scale(workflow)))
    duration = max(curve.duration_s, max((e for _, e, _ in steps), default=0.0), 1e-6)
    top = max((v for *_, v in steps), default=0.0)
    if verdict is not None:
        top = max(top, verdict.capacity_bytes_per_s)
    top = (top or 1.0) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + t / duration * plot_w

    def y(v: float) -> float:
        return TOP + plot_h - v / top * plot_h

    points = [f"{x(0):.1f},{y(0):.1f}"]
    for start, end, value in steps:
        points += [f"{x(start):.1f},{y(0):.1f}", f"{x(start):.1f},{y(value):.1f}"]
        points += [f"{x(end):.1f},{y(value):.1f}", f"{x(end):.1f},{y(0):.1f}"]
    title = f"{curve.name or Path(curve.path).name}: {workflow.name} need vs storage"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="15">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{y(0)}" x2="{WIDTH - RIGHT}" y2="{y(0)}" stroke="black"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{y(0)}" stroke="black"/>',
        f'<polyline fill="#9ecae1" stroke="#3182bd" points="{" ".join(points)}"/>',
    ]
    for i in range(5):
        v = top * i / 4
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v / MB:.0f}</text>'
        )
    parts.append(f'<text x="12" y="{TOP - 8}">MB/s</text>')
    for i in range(5):
        t = duration * i / 4
        parts.append(
            f'<text x="{x(t):.1f}" y="{y(0) + 18:.1f}" text-anchor="middle">'
            f"{escape(timecode_at(curve, t))}</text>"
        )
    if verdict is not None:
        cap, usable = (
            verdict.capacity_bytes_per_s,
            verdict.capacity_bytes_per_s / (1 + verdict.headroom),
        )
        parts += [
            _hline(x(0), x(duration), y(cap), "#d62728", "", f"storage {cap / MB:.0f} MB/s"),
            _hline(
                x(0),
                x(duration),
                y(usable),
                "#ff7f0e",
                ' stroke-dasharray="6 4"',
                f"with {verdict.headroom:.0%} headroom {usable / MB:.0f} MB/s",
            ),
        ]
    if steps:
        start, _, value = max(steps, key=lambda s: (s[2], -s[0]))
        parts.append(
            f'<text x="{x(start) + 4:.1f}" y="{max(y(value) - 6, TOP + 10):.1f}">peak '
            f"{value / MB:.1f} MB/s at {escape(timecode_at(curve, start))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_chart(
    path: str | os.PathLike[str],
    curve: TimelineCurve,
    workflow: Workflow,
    verdict: Verdict | None = None,
) -> Path:
    out = Path(path)
    out.write_text(curve_svg(curve, workflow, verdict), encoding="utf-8")
    return out


def _hline(x1: float, x2: float, y: float, colour: str, dash: str, label: str) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="{colour}" '
        f'stroke-width="2"{dash}/>'
        f'<text x="{x2 - 4:.1f}" y="{y - 5:.1f}" text-anchor="end" fill="{colour}">'
        f"{escape(label)}</text>"
    )
