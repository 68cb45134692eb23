"""The report's charts, drawn with matplotlib from the report's data: SVG inlined in the
page (text kept as text, so it stays searchable and sharp in print), PNG for slides.

matplotlib is imported here only, when a page is written: `mediaopt` starts without it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediaopt.engine.model import CheckReport, NeedReport, Recommendation, RenderAnalysis
from mediaopt.engine.production.record import ProductionRecord
from mediaopt.engine.report.model import (
    Formats,
    ProjectActivity,
    ProjectGrowth,
    SavingsPlan,
    StorageData,
)

PALETTE = [
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2",
    "#b279a2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac",
]  # fmt: skip
"""Tableau 10: tells ten series apart in colour and in greyscale print."""
WIDTH = 9.0
"""Inches at 100 dpi: fits a laptop-width column (1100 px page)."""


class _Empty(ValueError):
    """The data holds nothing for this chart."""


class Charts:
    """Named charts: each drawn once, then written as SVG text or PNG files."""

    def __init__(self) -> None:
        self._figures: dict[str, Any] = {}
        self.problems: list[str] = []
        """Charts that could not be drawn, each with the reason; the page goes without."""

    def add(self, name: str, draw: Callable[[], Any]) -> None:
        try:
            figure = draw()
        except _Empty:
            return  # nothing to draw: the section says so in words
        except Exception as exc:  # one chart must not cost the whole report
            self.problems.append(f"report: chart {name}: {type(exc).__name__}: {exc}")
            return
        self._figures[name] = figure

    def names(self) -> list[str]:
        return list(self._figures)

    def svg(self, name: str) -> str | None:
        figure = self._figures.get(name)
        if figure is None:
            return None
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        text = buffer.getvalue()
        return text[text.index("<svg") :]

    def write_png(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, figure in self._figures.items():
            path = folder / f"{name}.png"
            figure.savefig(path, format="png", dpi=150, bbox_inches="tight")
            written.append(path)
        return written

    def close(self) -> None:
        import matplotlib.pyplot as plt

        for figure in self._figures.values():
            plt.close(figure)
        self._figures.clear()


def _figure(height: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#e6eaef",
            "axes.axisbelow": True,
            "svg.hashsalt": "mediaopt",  # the same data draws the same SVG
        }
    )
    return plt.subplots(figsize=(WIDTH, height))


def _bytes_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    from mediaopt.engine.units import human_bytes

    axis.set_major_formatter(FuncFormatter(lambda v, _: human_bytes(v)))


def _date_axis(axis) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=8)
    axis.set_major_locator(locator)
    axis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _dates(seconds: list[float]) -> list[datetime.datetime]:
    return [datetime.datetime.fromtimestamp(s) for s in seconds]


def savings(plan: SavingsPlan):
    rows = [c for c in plan.by_category if c.bytes or c.estimated][::-1]
    if not rows:
        raise _Empty("no savings")
    fig, ax = _figure(0.35 * len(rows) + 1.0)
    labels = [c.category.replace("_", " ") for c in rows]
    ax.barh(labels, [c.bytes for c in rows], color=PALETTE[0], label="apply frees")
    ax.barh(
        labels,
        [c.estimated for c in rows],
        left=[c.bytes for c in rows],
        color=PALETTE[1],
        label="estimate (a person acts)",
    )
    _bytes_axis(ax.xaxis)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", frameon=False)
    ax.set_title("Reclaimable bytes by plan category", loc="left")
    return fig


def growth(projects: list[ProjectGrowth], period: str):
    shown = [p for p in projects if p.points][: len(PALETTE)]
    if not shown:
        raise _Empty("no growth")
    fig, ax = _figure(3.4)
    end = max(p.last for p in shown)
    for colour, project in zip(PALETTE, shown, strict=False):
        # Held flat to the latest change anywhere: a dormant project's bytes are still there.
        xs = _dates([p.start for p in project.points] + [end])
        ys = [p.total for p in project.points] + [project.points[-1].total]
        ax.step(xs, ys, where="post", color=colour, label=project.project, linewidth=1.6)
        ax.plot(xs[-1:], ys[-1:], "o", color=colour, markersize=4)
    _bytes_axis(ax.yaxis)
    _date_axis(ax.xaxis)
    ax.set_ylabel("bytes by last modification")
    ax.set_title(f"Growth per project (by {period} of modification)", loc="left")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return fig


def activity(projects: list[ProjectActivity], dormant_days: float):
    import matplotlib.dates as mdates

    rows = [p for p in projects if p.last is not None][:40]
    if not rows:
        raise _Empty("no activity")
    rows.sort(key=lambda p: (p.first or p.last or 0, p.path), reverse=True)
    span = max(p.last or 0 for p in rows) - min(p.first or p.last or 0 for p in rows)
    shortest = max(span / 86400 / 120, 0.5)  # days: a project of one day still shows
    fig, ax = _figure(0.28 * len(rows) + 1.2)
    colours = {"active": PALETTE[2], "dormant": PALETTE[9], "unreadable": PALETTE[3]}
    for y, p in enumerate(rows):
        start = mdates.date2num(_dates([p.first or p.last])[0])
        end = mdates.date2num(_dates([p.last])[0])
        ax.barh(y, max(end - start, shortest), left=start, color=colours.get(p.status, PALETTE[0]))
    ax.set_yticks(range(len(rows)), [f"{p.name} ({p.kind})" for p in rows], fontsize=8)
    ax.xaxis_date()
    _date_axis(ax.xaxis)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[Patch(color=c, label=s) for s, c in colours.items()],
        loc="lower left",
        frameon=False,
        fontsize=8,
    )
    ax.set_title(
        f"Project activity: first to last change (dormant after {dormant_days:g} days)", loc="left"
    )
    return fig


def formats(data: Formats):
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    panels = [
        ("codec", data.codec),
        ("container", data.container),
        ("resolution", data.resolution),
        ("bit depth", data.bit_depth),
    ]
    if not any(rows for _, rows in panels):
        raise _Empty("no formats")
    _figure(0.1)  # the style
    plt.close()
    height = max(len(rows) for _, rows in panels) * 0.22 + 1.0
    fig, axes = plt.subplots(2, 2, figsize=(WIDTH, 2 * height))
    for ax, (title, rows) in zip(axes.flat, panels, strict=True):
        rows = rows[::-1]
        ax.barh([r.key for r in rows], [r.bytes for r in rows], color=PALETTE[0])
        ax.tick_params(axis="y", labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        _bytes_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_title(f"bytes by {title}", loc="left")
    fig.tight_layout()
    return fig


def render_settings(analysis: RenderAnalysis):
    groups = analysis.groups[:20][::-1]
    if not groups:
        raise _Empty("no renders")
    fig, ax = _figure(0.3 * len(groups) + 1.0)
    labels = [
        f"{g.format} {g.compression} {g.pixel_type} {g.channels}ch {g.resolution}" for g in groups
    ]
    ax.barh(labels, [g.bytes_per_frame for g in groups], color=PALETTE[4])
    ax.tick_params(axis="y", labelsize=8)
    _bytes_axis(ax.xaxis)
    ax.grid(axis="y", visible=False)
    ax.set_title("Bytes per frame by render setting", loc="left")
    return fig


def what_if_front(recommendation: Recommendation):
    candidates = [c for c in recommendation.candidates if c.estimated_bytes]
    if not candidates:
        raise _Empty("no candidates")
    fig, ax = _figure(3.4)
    ceiling = max((c.psnr_db or 0) for c in candidates) + 6 or 60.0
    points = sorted(
        (c.estimated_bytes, ceiling if c.lossless else (c.psnr_db or 0), c) for c in candidates
    )
    for size, quality, c in points:
        ax.plot(size, quality, "o", color=PALETTE[2] if c.acceptable else PALETTE[3])
    # The front: each candidate no smaller one beats on quality. Only these are named, so
    # the labels of a dozen candidates do not pile up where sizes are alike.
    front, best = [], -1.0
    for size, quality, c in points:
        if quality > best:
            front.append((size, quality, c))
            best = quality
    ax.plot([f[0] for f in front], [f[1] for f in front], color="#8a96a3", linewidth=1, zorder=0)
    for size, quality, c in front:
        ax.annotate(c.name, (size, quality), fontsize=7, xytext=(4, 3), textcoords="offset points")
    _bytes_axis(ax.xaxis)
    ax.set_xlabel("estimated size of the whole sequence")
    ax.set_ylabel("PSNR dB (top: lossless)")
    ax.set_title(
        f"What-if on {Path(recommendation.sequence).name}: size against quality "
        "(green: acceptable)",
        loc="left",
    )
    return fig


def bandwidth_curve(need: NeedReport, check: CheckReport | None):
    timeline = need.timeline
    if timeline is None or not timeline.segments:
        raise _Empty("no curve")
    fig, ax = _figure(3.0)
    xs, ys = [], []
    for s in timeline.segments:
        xs += [s.start_s, s.end_s]
        ys += [s.bytes_per_s / 1e6, s.bytes_per_s / 1e6]
    ax.plot(xs, ys, color=PALETTE[0], label="timeline needs (playback)")
    ax.fill_between(xs, ys, color=PALETTE[0], alpha=0.15)
    if check is not None and check.verdicts:
        capacity = max(v.capacity_bytes_per_s for v in check.verdicts) / 1e6
        ax.axhline(
            capacity,
            color=PALETTE[3],
            linestyle="--",
            label=f"storage measured {capacity:.0f} MB/s",
        )
    ax.set_xlabel("seconds into the timeline")
    ax.set_ylabel("MB/s")
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.set_title(
        f"{timeline.name or Path(timeline.path).name}: peak {timeline.peak_bytes_per_s / 1e6:.1f} "
        f"MB/s at {timeline.peak_timecode}",
        loc="left",
    )
    return fig


def draw_charts(record: ProductionRecord, data: StorageData) -> Charts:
    """Every chart the page shows, named as the sections' figures name them."""
    charts = Charts()
    charts.add("savings", lambda: savings(data.plan))
    charts.add("growth", lambda: growth(data.growth, data.growth_period))
    charts.add("activity", lambda: activity(data.activity, data.dormant_days))
    charts.add("formats", lambda: formats(data.formats))
    for index, analysis in enumerate(record.render):
        if analysis.renders:
            charts.add(f"render-{index}", lambda a=analysis: render_settings(a))
    if record.render_what_if is not None:
        charts.add("what-if", lambda: what_if_front(record.render_what_if))
    for index, check in enumerate(record.bandwidth_checks):
        charts.add(f"bandwidth-check-{index}", lambda c=check: bandwidth_curve(c.need, c))
    for index, need in enumerate(record.bandwidth):
        if need.timeline is not None:
            charts.add(f"bandwidth-need-{index}", lambda n=need: bandwidth_curve(n, None))
    return charts
