"""One call for the whole picture: projects, orphans and lineage over the same read of
the catalog and the project files. This is what `mediaopt demo` and hosts call."""

from __future__ import annotations

import os

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import LineageReport, OrphanReport, ProjectsReport
from mediaopt.engine.projects.config import Settings
from mediaopt.engine.projects.index import CatalogIndex
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.projects.pathmap import PathMap
from mediaopt.engine.projects.session import Session, open_session
from mediaopt.engine.projects.summary import summarise_projects


class ProductionAnalysis(msgspec.Struct, kw_only=True):
    """Projects, orphans and lineage of one set of roots."""

    projects: ProjectsReport
    orphans: OrphanReport
    lineage: LineageReport


def analyse_production(
    catalog: Catalog | CatalogIndex,
    roots: list[str],
    *,
    projects: list[str] | None = None,
    settings: Settings | None = None,
    path_map: list[str] | None = None,
    now: float | None = None,
) -> ProductionAnalysis:
    """Projects, orphans and lineage under `roots` (already scanned into `catalog`).
    `path_map` rules (`written=local`) add to those in `settings`."""
    settings = settings or Settings()
    session = open_session(
        catalog,
        roots,
        projects=projects,
        path_map=PathMap.parse([*settings.path_map, *(path_map or [])]),
        dormant_days=settings.dormant_days,
        now=now,
    )
    return ProductionAnalysis(
        projects=summarise_projects(
            session, conventions=settings.conventions, dormant_days=settings.dormant_days
        ),
        orphans=orphans_in(
            session,
            grace_days=settings.grace_days,
            unreadable_scope_depth=settings.unreadable_scope_depth,
        ),
        lineage=lineage_in(session),
    )


def lineage_in(session: Session, under: str | None = None) -> LineageReport:
    """Edges, most certain first; with `under`, only those touching that file or folder."""
    edges = {(e.source, e.derivative, e.kind): e for e in session.edges}.values()
    if under:
        where = os.path.abspath(under)
        edges = [e for e in edges if _touches(e.source, where) or _touches(e.derivative, where)]
    ordered = sorted(edges, key=lambda e: (-e.confidence, e.source, e.derivative))
    return LineageReport(edges=ordered)


def _touches(path: str, where: str) -> bool:
    return path == where or path.startswith(where.rstrip(os.sep) + os.sep)
