"""The bandwidth section: will the storage keep up with the work on it."""

from __future__ import annotations

from mediaopt.engine.model import CheckReport
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
