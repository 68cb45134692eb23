"""Projects and their production timeline: what each project uses, how big it is, when it
was last active. Projects come from project files and from folder conventions."""

from __future__ import annotations

import os

from mediaopt.engine.model import ProjectsReport, ProjectSummary
from mediaopt.engine.refs.config import DEFAULT_DORMANT_DAYS
from mediaopt.engine.refs.index import Entry
from mediaopt.engine.refs.projects import DAY, ResolvedProject, Session, folder_project_roots


def summarise_projects(
    session: Session,
    *,
    conventions: list[str] | None = None,
    dormant_days: float = DEFAULT_DORMANT_DAYS,
) -> ProjectsReport:
    report = ProjectsReport(
        roots=session.roots,
        dormant_days=dormant_days,
        restricted_to=session.restricted_to,
        problems=session.reading_problems(),
    )
    for rp in session.projects:
        report.projects.append(_from_project(rp, session, dormant_days))
    for convention in conventions or []:
        report.projects += _from_folders(session, convention, dormant_days)
    for root in folder_project_roots(
        session.roots, session.projects, restricted=bool(session.restricted_to)
    ):
        folder = ProjectSummary(name=os.path.basename(root) or root, path=root, kind="folder")
        for entry in session.index.under([root]):
            _add(folder, entry)
        _set_status(folder, session.now, dormant_days)
        report.projects.append(folder)
    return report


def _from_project(rp: ResolvedProject, session: Session, dormant_days: float) -> ProjectSummary:
    project = rp.project
    summary = ProjectSummary(
        name=project.name or os.path.basename(project.path),
        path=project.path,
        kind=project.kind,
        references=len(project.references),
        unresolved=sum(1 for r in rp.resolutions if not r.resolved),
        errors=project.errors,
        last_activity=rp.mtime or None,
    )
    used = session.index.entries_at(rp.assets)
    for path in sorted(used):
        _add(summary, used[path])
    _set_status(summary, session.now, dormant_days, always_active=rp.explicit)
    return summary


def _add(summary: ProjectSummary, entry: Entry) -> None:
    summary.files += 1
    summary.bytes += entry.bytes
    summary.first_modified = min(summary.first_modified or entry.mtime, entry.mtime)
    summary.last_modified = max(summary.last_modified or entry.mtime, entry.mtime)
    summary.last_activity = max(summary.last_activity or entry.mtime, entry.mtime)
    if entry.recorded_date:
        summary.first_recorded = min(summary.first_recorded or "~", entry.recorded_date)
        summary.last_recorded = max(summary.last_recorded or "", entry.recorded_date)


def _set_status(summary: ProjectSummary, now: float, dormant_days: float, always_active=False):
    idle = now - (summary.last_activity or 0.0)
    summary.status = "active" if always_active or idle <= dormant_days * DAY else "dormant"


def _from_folders(session: Session, convention: str, dormant_days: float) -> list[ProjectSummary]:
    """Group assets by the folders a convention names: `{show}/{seq}/{shot}` makes one
    project per shot folder; literal parts (`shows/{show}`) must match as written."""
    parts = [p for p in convention.strip("/").split("/") if p and p != "..."]
    groups: dict[str, ProjectSummary] = {}
    for root in session.roots:
        base = root.rstrip(os.sep) + os.sep
        for entry in session.index.under([root]):
            rel = entry.path[len(base) :].split(os.sep)
            if len(rel) <= len(parts) or not all(
                p.startswith("{") or p == r for p, r in zip(parts, rel, strict=False)
            ):
                continue
            key = "/".join(rel[: len(parts)])
            summary = groups.get(os.path.join(root, key))
            if summary is None:
                summary = groups[os.path.join(root, key)] = ProjectSummary(
                    name=key, path=os.path.join(root, key), kind="folder"
                )
            _add(summary, entry)
    for summary in groups.values():
        _set_status(summary, session.now, dormant_days)
    return sorted(groups.values(), key=lambda s: s.path)
