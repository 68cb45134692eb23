"""Orphans: assets under the roots that no active project needs.

An asset is kept when an active project references it, when a referenced asset was made
from it, or when it changed within the grace period. It is uncertain, and still kept,
when it might be what an unresolved reference means, when a project near it could not
be read, or when only a dormant project uses it. Only what is left is an orphan, and its
category says whether it can be made again (`regenerable`), was replaced by a newer
version a project uses (`superseded`) or is simply unused (`unreferenced`).
"""

from __future__ import annotations

import os
from collections import defaultdict

from mediaopt.engine.model import (
    FileProblem,
    LineageEdge,
    LineageKind,
    Orphan,
    OrphanCategory,
    OrphanReport,
    ProjectRead,
    ReferenceTarget,
    Uncertain,
    UnresolvedReference,
)
from mediaopt.engine.projects.restat import FolderListings, since_scan
from mediaopt.engine.refs.config import DEFAULT_GRACE_DAYS
from mediaopt.engine.refs.index import CatalogIndex, Entry
from mediaopt.engine.refs.projects import (
    DAY,
    ResolvedProject,
    Session,
    folder_project_roots,
)

MEDIA_KINDS = {"video", "audio", "image", "sequence"}
"""Only media can be orphans; project files, documents and sidecars are someone's work."""
_SOURCE_KINDS = {LineageKind.PROXY, LineageKind.TRANSCODE, LineageKind.RENDER, LineageKind.CONFORM}
_REGENERABLE_KINDS = {LineageKind.PROXY, LineageKind.TRANSCODE}


def orphans_in(
    session: Session,
    *,
    grace_days: float = DEFAULT_GRACE_DAYS,
    unreadable_scope_depth: int | None = None,
) -> OrphanReport:
    report = classify(
        session.index,
        session.roots,
        session.projects,
        session.edges,
        grace_days=grace_days,
        now=session.now,
        unreadable_scope_depth=unreadable_scope_depth,
        unlisted=session.unlisted,
        restricted_to=session.restricted_to,
    )
    # Unreadable projects and unlistable folders are both inputs that could not be read:
    # the command's exit status says so (1), as it lists them.
    report.problems = [*session.reading_problems(), *report.unlisted_folders]
    return report


def classify(
    index: CatalogIndex,
    roots: list[str],
    read: list[ResolvedProject],
    edges: list[LineageEdge],
    *,
    grace_days: float,
    now: float,
    unreadable_scope_depth: int | None = None,
    unlisted: list[FileProblem] | None = None,
    restricted_to: list[str] | None = None,
) -> OrphanReport:
    report = OrphanReport(
        roots=roots,
        grace_days=grace_days,
        unlisted_folders=unlisted or [],
        restricted_to=restricted_to or [],
    )
    referenced: dict[str, str] = {}
    dormant: dict[str, str] = {}
    maybe: dict[str, str] = {}
    for rp in read:
        _note_project(rp, report, referenced, dormant, maybe)
    failed_scopes = [
        (_scope(rp.project.path, roots, unreadable_scope_depth), why)
        for rp in read
        if (why := _unknowable(rp))
    ]
    # A folder that cannot be listed may hold a project, as unknown as one that cannot
    # be read: the same scope is in doubt.
    failed_scopes += [
        (
            _scope(os.path.join(p.path, ""), roots, unreadable_scope_depth),
            f"{p.path} could not be listed ({p.reason}), and a project in it",
        )
        for p in report.unlisted_folders
    ]
    report.folder_projects = folder_project_roots(roots, read, restricted=bool(restricted_to))
    folders = [f.rstrip(os.sep) + os.sep for f in report.folder_projects]
    sources = _needed_sources(set(referenced), edges)
    superseded = _superseded(set(referenced), edges)
    derived_from = {
        e.derivative: e for e in edges if e.kind in _REGENERABLE_KINDS and e.source in referenced
    }
    listings = FolderListings()
    for entry in index.under(roots):  # in path order, streamed
        if entry.kind not in MEDIA_KINDS:
            continue
        if entry.path in referenced:
            report.referenced += 1
        elif any(entry.path.startswith(f) for f in folders):
            report.kept_in_folder_projects += 1
        elif entry.path in sources:
            report.kept_as_source += 1
        elif now - entry.mtime < grace_days * DAY:
            report.kept_recent += 1
        else:
            why = _doubt(entry, maybe, dormant, failed_scopes)
            # The catalog is as old as the last scan: what would be an orphan is checked
            # on disk now, since a file rewritten, renamed or grown since is not unused.
            changed = None if why else since_scan(entry, listings)
            if changed is not None:
                if now - changed.mtime < grace_days * DAY:
                    report.kept_recent += 1
                    continue
                why = changed.reason
            if why:
                report.uncertain.append(Uncertain(path=entry.path, bytes=entry.bytes, reason=why))
            else:
                report.orphans.append(_orphan(entry, derived_from, superseded))
    report.orphan_bytes = sum(o.bytes for o in report.orphans)
    return report


def _note_project(
    rp: ResolvedProject,
    report: OrphanReport,
    referenced: dict[str, str],
    dormant: dict[str, str],
    maybe: dict[str, str],
) -> None:
    project = rp.project
    resolved = sum(1 for r in rp.resolutions if r.resolved)
    report.projects.append(
        ProjectRead(
            path=project.path,
            kind=project.kind,
            references=len(project.references),
            resolved=resolved,
            active=rp.active,
            errors=project.errors,
        )
    )
    if rp.failed:
        report.failed_projects.append(project.path)
    name = os.path.basename(project.path)
    for ref, res in zip(project.references, rp.resolutions, strict=True):
        target = referenced if rp.active else dormant
        for asset in res.assets:
            target.setdefault(asset, name)
        if not res.resolved:
            report.unresolved_references.append(
                UnresolvedReference(
                    project=project.path, reference=ref, tried=res.tried, candidates=res.candidates
                )
            )
            what = ref.path or (f"reel {ref.reel}" if ref.reel else ref.name) or "a clip"
            for candidate in res.candidates:
                maybe.setdefault(candidate, f"may be {what!s} that {name} references unresolved")


def _unknowable(rp: ResolvedProject) -> str | None:
    """Why what this project uses cannot be fully known, if it cannot."""
    name = rp.project.path
    if rp.failed:
        return f"{name} could not be read"
    for ref, res in zip(rp.project.references, rp.resolutions, strict=True):
        if ref.target is ReferenceTarget.UNRESOLVABLE and not res.resolved:
            return f"{name} has a path only running code could work out ({ref.path})"
    return None


def _scope(project_path: str, roots: list[str], depth: int | None) -> str:
    """What a project that could not be read might reference. By default every root: a
    cut can point anywhere. With `depth`, the first `depth` folders under the root that
    holds it (1: its show, where each show keeps its own media), never deeper than the
    project's own folder. A project outside every root gets every root."""
    if depth is None:
        return os.sep
    for root in roots:
        base = root.rstrip(os.sep) + os.sep
        if project_path.startswith(base):
            folders = project_path[len(base) :].split(os.sep)[:-1]
            return os.path.join(root, *folders[:depth])
    return os.sep


def _doubt(
    entry: Entry,
    maybe: dict[str, str],
    dormant: dict[str, str],
    failed_scopes: list[tuple[str, str]],
) -> str | None:
    if entry.path in maybe:
        return maybe[entry.path]
    for scope, why in failed_scopes:
        if scope == os.sep or entry.path.startswith(scope.rstrip(os.sep) + os.sep):
            return f"{why}; it may use this"
    if entry.path in dormant:
        return f"used by the dormant project {dormant[entry.path]}"
    if entry.status == "error":
        return "its header could not be read, so what it is cannot be told"
    return None


def _needed_sources(referenced: set[str], edges: list[LineageEdge]) -> set[str]:
    """Everything a referenced asset was made from, transitively (a render's plates, a
    proxy's camera original)."""
    by_derivative: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if edge.kind in _SOURCE_KINDS:
            by_derivative[edge.derivative].append(edge.source)
    needed: set[str] = set()
    todo = list(referenced)
    while todo:
        for source in by_derivative.get(todo.pop(), ()):
            if source not in needed and source not in referenced:
                needed.add(source)
                todo.append(source)
    return needed


def _superseded(referenced: set[str], edges: list[LineageEdge]) -> dict[str, str]:
    """Older versions of a referenced render -> the referenced version replacing them."""
    older: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if edge.kind is LineageKind.VERSION:
            older[edge.derivative].append(edge.source)
    found: dict[str, str] = {}
    for current in referenced:
        todo = list(older.get(current, ()))
        while todo:
            old = todo.pop()
            if old not in found and old not in referenced:
                found[old] = current
                todo += older.get(old, ())
    return found


def _orphan(
    entry: Entry, derived_from: dict[str, LineageEdge], superseded: dict[str, str]
) -> Orphan:
    edge = derived_from.get(entry.path)
    if edge is not None:
        category = OrphanCategory.REGENERABLE
        reason = f"{edge.kind} of the referenced {os.path.basename(edge.source)}: can be made again"
    elif entry.path in superseded:
        category = OrphanCategory.SUPERSEDED
        reason = f"older version of the referenced {os.path.basename(superseded[entry.path])}"
    else:
        category = OrphanCategory.UNREFERENCED
        reason = "no project references it and nothing referenced was made from it"
    return Orphan(path=entry.path, bytes=entry.bytes, category=category, reason=reason)
