"""The bandwidth section: will the storage keep up with the work on it."""

from __future__ import annotations

from mediaopt.engine.model import CheckReport, NeedReport
from mediaopt.engine.report.model import Figure, Section, Table


def bandwidth_section(check: CheckReport, title: str = "Bandwidth: will it work") -> Section:
    verdicts = check.verdicts
    failing = [v for v in verdicts if not v.passes]
    rows = [
        [
            v.workflow,
            f"{v.need_bytes_per_s / 1e6:.1f} MB/s",
            f"{v.capacity_bytes_per_s / 1e6:.1f} MB/s",
            f"{v.utilisation:.0%}",
            "pass" if v.passes else "FAIL",
            str(v.max_streams),
            "; ".join(v.advice),
        ]
        for v in verdicts
    ]
    summary = (
        f"{len(verdicts) - len(failing)} of {len(verdicts)} workflows fit the measured storage "
        f"with {verdicts[0].headroom:.0%} headroom."
        if verdicts
        else "No workflow could be judged."
    )
    figures = []
    if check.chart and check.chart.endswith((".svg", ".png")):
        timeline = check.need.timeline
        peak = (
            f"; peak {timeline.peak_bytes_per_s / 1e6:.1f} MB/s at {timeline.peak_timecode}"
            if timeline is not None and timeline.peak_timecode
            else ""
        )
        figures.append(
            Figure(path=check.chart, caption=f"Timeline bandwidth against capacity{peak}")
        )
    return Section(
        title=title,
        summary=summary,
        headline={"Workflows failing": str(len(failing))},
        tables=[
            Table(
                columns=[
                    "workflow",
                    "needs",
                    "storage gives",
                    "load",
                    "verdict",
                    "max streams",
                    "advice",
                ],
                rows=rows,
            )
        ],
        notes=list(check.need.problems),
        figures=figures,
    )


def need_section(need: NeedReport, title: str | None = None) -> Section:
    """What each workflow needs from storage, without a measurement to judge it by."""
    workflows = need.workflows
    heaviest = max(workflows, key=lambda w: w.bytes_per_s, default=None)
    summary = (
        f"{len(need.assets) or 'A timeline of'} media need up to "
        f"{heaviest.bytes_per_s / 1e6:.1f} MB/s ({heaviest.workflow}). The storage was not "
        "measured (`mediaopt bandwidth check` or `report --measure-bandwidth` judges it)."
        if heaviest is not None
        else "No workflow plays this media."
    )
    return Section(
        title=title or f"Bandwidth: {need.subject}",
        summary=summary,
        headline={"Peak need": f"{heaviest.bytes_per_s / 1e6:.1f} MB/s"} if heaviest else {},
        tables=[
            Table(
                columns=["workflow", "needs", "average", "file opens/s", "streams", "peak at"],
                rows=[
                    [
                        w.workflow,
                        f"{w.bytes_per_s / 1e6:.1f} MB/s",
                        f"{w.average_bytes_per_s / 1e6:.1f} MB/s",
                        f"{w.file_opens_per_s:.0f}",
                        str(w.streams),
                        w.peak_timecode or "",
                    ]
                    for w in workflows
                ],
            )
        ],
        notes=list(need.problems),
    )
