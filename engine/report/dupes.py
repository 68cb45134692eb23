"""Duplicate groups as a report section, with their comparison pictures."""

from __future__ import annotations

from pathlib import Path

from mediaopt.engine.model import DupesReport
from mediaopt.engine.report.model import Figure, Section, Table
from mediaopt.engine.units import human_bytes

MAX_PICTURES = 6
"""Pictures are inlined in the HTML; a handful shows the idea without a huge file."""


def dupes_section(report: DupesReport, pictures: list[str] | None = None) -> Section:
    rows = [
        [
            str(g.kind),
            g.relation,
            g.keep,
            "\n".join(m.path for m in g.members if m.path != g.keep),
            human_bytes(g.reclaimable_bytes),
        ]
        for g in report.groups
    ]
    figures = [
        Figure(path=p, caption=f"Comparison: {Path(p).stem}")
        for p in (pictures or [])[:MAX_PICTURES]
        if Path(p).exists()
    ]
    return Section(
        title="Duplicates",
        summary=f"{len(report.groups)} groups of copies; keeping the best copy of each frees "
        f"{human_bytes(report.reclaimable_bytes)}.",
        headline={"Reclaimable from duplicates": human_bytes(report.reclaimable_bytes)},
        tables=[Table(columns=["match", "relation", "keep", "copies", "reclaimable"], rows=rows)],
        figures=figures,
        notes=[f"{p.path}: {p.reason}" for p in report.problems],
    )
