"""Projects, orphans and lineage as report sections."""

from __future__ import annotations

import datetime
from pathlib import Path

from mediaopt.engine.model import LineageReport, OrphanReport, ProjectsReport
from mediaopt.engine.report.model import Section, Table
from mediaopt.engine.units import human_bytes


def projects_section(report: ProjectsReport) -> Section:
    rows = [
        [
            Path(p.path).name,
            p.kind,
            str(p.files),
            human_bytes(p.bytes),
            _day(p.last_activity),
            "unreadable" if p.errors else p.status,
            f"{p.references - p.unresolved}/{p.references}",
        ]
        for p in report.projects
    ]
    active = sum(p.status == "active" and not p.errors for p in report.projects)
    return Section(
        title="Projects",
        summary=f"{len(report.projects)} projects, {active} active (dormant after "
        f"{report.dormant_days:g} days without activity).",
        tables=[
            Table(
                columns=[
                    "project",
                    "kind",
                    "files",
                    "bytes",
                    "last activity",
                    "status",
                    "references resolved",
                ],
                rows=rows,
            )
        ],
    )


def orphans_section(report: OrphanReport) -> Section:
    notes = [
        f"Could not read {p}: orphans near it are held back as uncertain."
        for p in report.failed_projects
    ]
    notes += [
        f"No project file under {f}: its tree is treated as one project, so nothing "
        "there is called an orphan until its projects are named."
        for f in report.folder_projects
    ]
    notes.append(f"Files changed in the last {report.grace_days:g} days are never orphans.")
    return Section(
        title="Orphans",
        summary=f"{len(report.orphans)} assets no active project needs "
        f"({human_bytes(report.orphan_bytes)}); {len(report.uncertain)} uncertain, kept "
        f"until a person decides; unresolved references: {len(report.unresolved_references)}.",
        headline={
            "Reclaimable from orphans": human_bytes(report.orphan_bytes),
            "Uncertain": str(len(report.uncertain)),
        },
        tables=[
            Table(
                caption="Orphans",
                columns=["path", "category", "bytes", "reason"],
                rows=[
                    [o.path, str(o.category), human_bytes(o.bytes), o.reason]
                    for o in report.orphans
                ],
            ),
            Table(
                caption="Uncertain (kept)",
                columns=["path", "bytes", "reason"],
                rows=[[u.path, human_bytes(u.bytes), u.reason] for u in report.uncertain],
            ),
            Table(
                caption="Projects read",
                columns=["path", "kind", "resolved", "active"],
                rows=[
                    [p.path, p.kind, f"{p.resolved}/{p.references}", "yes" if p.active else "no"]
                    for p in report.projects
                ],
            ),
        ],
        notes=notes,
    )


def lineage_section(report: LineageReport) -> Section:
    return Section(
        title="Lineage",
        summary=f"{len(report.edges)} source-to-derivative links, explicit ones from project "
        "files first, then those inferred from names, reels and timecode.",
        tables=[
            Table(
                columns=["source", "derivative", "kind", "confidence", "evidence"],
                rows=[
                    [e.source, e.derivative, str(e.kind), f"{e.confidence:.2f}", e.evidence]
                    for e in report.edges
                ],
            )
        ],
    )


def _day(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return datetime.datetime.fromtimestamp(seconds).date().isoformat()
