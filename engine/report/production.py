"""Projects, orphans and lineage as report sections."""

from __future__ import annotations

import datetime
from pathlib import Path

from mediaopt.engine.catalog import StatsRow
from mediaopt.engine.model import LineageReport, OrphanReport, ProjectsReport
from mediaopt.engine.production.record import ProductionRecord
from mediaopt.engine.report.model import Figure, Section, StorageData, Table
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


def record_sections(record: ProductionRecord, data: StorageData | None = None) -> list[Section]:
    """The sections after the catalog's, one per part of the record, each present even
    when it found nothing (a reader sees that it was looked for). With the report's data,
    the overview and the pictures come first, in the order a producer reads them."""
    from mediaopt.engine.report.dupes import dupes_section

    pictures = _pictures(record)
    if data is None:
        return [
            projects_section(record.projects),
            orphans_section(record.orphans),
            lineage_section(record.lineage),
            dupes_section(record.duplicates, pictures),
            *_render_sections(record),
            *_bandwidth_sections(record),
            problems_section(record.problems),
        ]
    orphans = orphans_section(record.orphans)
    orphans.filter = True
    orphans.title = "Orphans and uncertain files"
    lineage = lineage_section(record.lineage)
    lineage.view = "lineage"
    return [
        overview_section(data),
        plan_section(data),
        treemap_section(data),
        growth_section(data),
        orphans,
        dupes_section(record.duplicates, pictures),
        *_render_sections(record, charts=True),
        *_bandwidth_sections(record, charts=True),
        lineage,
        formats_section(data),
        projects_section(record.projects),
    ]


def _render_sections(record: ProductionRecord, charts: bool = False) -> list[Section]:
    from mediaopt.engine.report.render import render_section

    sections = []
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
        if charts:
            index = record.render.index(analysis)
            section.figures.append(
                Figure(chart=f"render-{index}", caption="Bytes per frame by setting")
            )
            if what_if is not None:
                section.figures.append(
                    Figure(chart="what-if", caption="Each candidate's size against its quality")
                )
        sections.append(section)
    return sections


def _bandwidth_sections(record: ProductionRecord, charts: bool = False) -> list[Section]:
    from mediaopt.engine.report.bandwidth import bandwidth_section, need_section

    sections = []
    checked = {c.need.subject for c in record.bandwidth_checks}
    for index, check in enumerate(record.bandwidth_checks):
        section = bandwidth_section(check, title=f"Bandwidth: will it work ({check.need.subject})")
        if charts:
            section.figures = [
                Figure(
                    chart=f"bandwidth-check-{index}",
                    caption="The timeline's bandwidth against the storage's measured rate",
                )
            ]
        sections.append(section)
    for index, need in enumerate(record.bandwidth):
        if need.subject in checked:
            continue
        section = need_section(need)
        if charts and need.timeline is not None:
            section.figures = [
                Figure(chart=f"bandwidth-need-{index}", caption="The timeline's bandwidth")
            ]
        sections.append(section)
    if not record.bandwidth and not record.bandwidth_checks:
        sections.append(Section(title="Bandwidth", summary="No playable media under the roots."))
    return sections


def overview_section(data: StorageData) -> Section:
    plan = data.plan
    return Section(
        title="Overview",
        summary=f"{human_bytes(data.bytes)} in {data.files} assets. The savings plan frees "
        f"{human_bytes(plan.reclaimable)} with {plan.total_actions} actions, and estimates "
        f"{human_bytes(plan.estimated)} more that a person decides on.",
        view="overview",
    )


def plan_section(data: StorageData) -> Section:
    shown = len(data.plan.actions)
    return Section(
        title="Savings plan: evidence",
        summary=f"The top {shown} of {data.plan.total_actions} actions, each with what it rests "
        "on. `mediaopt recommend` writes the whole plan; `mediaopt apply` carries it out.",
        view="plan",
    )


def treemap_section(data: StorageData) -> Section:
    return Section(
        title="Storage treemap",
        summary="Each box is a folder or an asset, its area its size. Folders show their "
        "largest children; the rest of a folder is one grey box.",
        view="treemap",
    )


def growth_section(data: StorageData) -> Section:
    active = sum(a.status == "active" for a in data.activity)
    return Section(
        title="Growth and activity",
        summary=f"{len(data.growth)} project folders; {len(data.activity)} projects read, "
        f"{active} active (dormant after {data.dormant_days:g} days without a change).",
        view="growth",
    )


def formats_section(data: StorageData) -> Section:
    f = data.formats
    return Section(
        title="Formats",
        summary=f"{len(f.codec)} codecs in {len(f.container)} containers, "
        f"{len(f.resolution)} resolutions, {len(f.bit_depth)} bit depths.",
        view="formats",
        tables=[
            _stats("codec", f.codec),
            _stats("container", f.container),
            _stats("resolution", f.resolution),
            _stats("bit depth", f.bit_depth),
        ],
    )


def _stats(by: str, rows: list[StatsRow]) -> Table:
    return Table(
        caption=f"By {by}",
        columns=[by, "files", "bytes"],
        rows=[[r.key, str(r.files), human_bytes(r.bytes)] for r in rows],
    )


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
