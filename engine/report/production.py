"""Projects, orphans and lineage as report sections."""

from __future__ import annotations

import datetime
from pathlib import Path

from mediaopt.engine.model import LineageReport, OrphanReport, ProjectsReport
from mediaopt.engine.production.record import ProductionRecord
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


def record_sections(record: ProductionRecord) -> list[Section]:
    """The sections after the catalog's, one per part of the record, each present even
    when it found nothing (a reader sees that it was looked for)."""
    from mediaopt.engine.report.bandwidth import bandwidth_section, need_section
    from mediaopt.engine.report.dupes import dupes_section
    from mediaopt.engine.report.render import render_section

    pictures = _pictures(record)
    sections = [
        projects_section(record.projects),
        orphans_section(record.orphans),
        lineage_section(record.lineage),
        dupes_section(record.duplicates, pictures),
    ]
    renders = [r for r in record.render if r.renders] or record.render[:1]
    for analysis in renders:
        what_if = record.render_what_if
        if what_if is not None and not (
            analysis.under and what_if.sequence.startswith(analysis.under)
        ):
            what_if = None
        section = render_section(analysis, what_if)
        if len(renders) > 1:
            section.title = f"Render storage: {analysis.under}"
        sections.append(section)
    checked = {c.need.subject for c in record.bandwidth_checks}
    for check in record.bandwidth_checks:
        sections.append(
            bandwidth_section(check, title=f"Bandwidth: will it work ({check.need.subject})")
        )
    sections += [need_section(n) for n in record.bandwidth if n.subject not in checked]
    if not record.bandwidth and not record.bandwidth_checks:
        sections.append(Section(title="Bandwidth", summary="No playable media under the roots."))
    sections.append(problems_section(record.problems))
    return sections


def problems_section(problems: list[str]) -> Section:
    return Section(
        title="Problems",
        summary=f"{len(problems)} things could not be read or analysed; the rest of the "
        "analysis went on without them."
        if problems
        else "Everything was read.",
        headline={"Problems": str(len(problems))},
        tables=[Table(columns=["part", "problem"], rows=[p.split(": ", 1) for p in problems])]
        if problems
        else [],
    )


def _pictures(record: ProductionRecord) -> list[str]:
    if not record.options.pictures:
        return []
    folder = Path(record.options.pictures) / "comparisons"
    return sorted(str(p) for p in folder.glob("*.png")) if folder.is_dir() else []
