"""Charts of render storage, as PNG and SVG (the HTML report embeds either).

matplotlib runs on its Agg backend, never a display: the charts are written from cron
jobs and farm hooks with no screen.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from mediaopt.engine.model import Recommendation, RenderAnalysis, RenderJob  # noqa: E402

FORMATS = ("png", "svg")


def bytes_per_frame_chart(analysis: RenderAnalysis, path: str | os.PathLike[str]) -> Path:
    """Horizontal bars: mean bytes per frame of each setting group."""
    groups = analysis.groups[:20]
    labels = [
        f"{g.format} {g.compression} {g.pixel_type} {g.channels}ch {g.resolution}" for g in groups
    ]
    fig, ax = plt.subplots(figsize=(9, 0.4 * len(groups) + 1.5))
    ax.barh(range(len(groups)), [g.bytes_per_frame / 1e6 for g in groups], color="#4c72b0")
    ax.set_yticks(range(len(groups)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("MB per frame")
    driver = f"; size driven most by {analysis.driver}" if analysis.driver else ""
    ax.set_title(f"Bytes per frame by render setting{driver}")
    return _save(fig, path)


def front_chart(recommendation: Recommendation, path: str | os.PathLike[str]) -> Path:
    """Size against quality of every what-if candidate, the front joined by a line."""
    fig, ax = plt.subplots(figsize=(8, 5))
    cands = recommendation.candidates
    ceiling = max([c.psnr_db for c in cands if c.psnr_db] + [60.0]) + 10

    def quality(c) -> float:
        return ceiling if c.lossless else (c.psnr_db or 0.0)

    for ok, colour, label in ((True, "#2a9d2a", "meets quality"), (False, "#c44", "does not")):
        pts = [c for c in cands if c.acceptable is ok]
        ax.scatter(
            [c.saved_fraction * 100 for c in pts],
            [quality(c) for c in pts],
            c=colour,
            label=label,
        )
    for c in cands:
        ax.annotate(c.name, (c.saved_fraction * 100, quality(c)), fontsize=7, alpha=0.8)
    front = sorted((c for c in cands if c.on_front), key=lambda c: c.saved_fraction)
    ax.plot([c.saved_fraction * 100 for c in front], [quality(c) for c in front], "k--", lw=0.8)
    ax.axvline(20, color="grey", lw=0.6, ls=":")
    ax.set_xlabel("bytes saved (%)")
    ax.set_ylabel(f"worst PSNR, dB (top row: bit-exact, plotted at {ceiling:.0f})")
    ax.set_title(f"What-if: {Path(recommendation.sequence).name} at {recommendation.quality}")
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)


def jobs_over_time_chart(jobs: list[RenderJob], path: str | os.PathLike[str]) -> Path:
    """Stacked bars: bytes written per day, one colour per show (or user)."""
    per_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for job in jobs:
        day = dt.date.fromtimestamp(job.finished or 0)
        per_day[day][job.show or job.user or "(unknown)"] += job.output_bytes
    days = sorted(per_day)
    keys = sorted({k for d in per_day.values() for k in d})
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bottom = [0.0] * len(days)
    for key in keys:
        values = [per_day[d].get(key, 0) / 1e9 for d in days]
        ax.bar([d.isoformat() for d in days], values, bottom=bottom, label=key)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("GB written")
    ax.set_title("Render storage by job, per day")
    if keys:
        ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _save(fig, path)


def _save(fig, path: str | os.PathLike[str]) -> Path:
    """Write `path`; its suffix (.png or .svg) picks the format."""
    path = Path(path)
    if path.suffix.lstrip(".").lower() not in FORMATS:
        raise ValueError(f"{path}: charts are written as .png or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
