"""One call for the whole picture: projects, orphans and lineage over the same read of
the catalog and the project files. This is what `mediaopt demo` and hosts call."""

from __future__ import annotations

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.lineage.report import lineage_in
from mediaopt.engine.model import LineageReport, OrphanReport, ProjectsReport
from mediaopt.engine.production.session import open_session
from mediaopt.engine.progress import Progress
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.projects.summary import summarise_projects
from mediaopt.engine.refs.config import DEFAULT_DORMANT_DAYS, DEFAULT_GRACE_DAYS, Settings
from mediaopt.engine.refs.index import CatalogIndex
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.projects import Session


class ProductionAnalysis(msgspec.Struct, kw_only=True):
    """Projects, orphans and lineage of one set of roots."""

    projects: ProjectsReport
    orphans: OrphanReport
    lineage: LineageReport


def production_session(
    catalog: Catalog | CatalogIndex,
    roots: list[str],
    *,
    projects: list[str] | None = None,
    settings: Settings | None = None,
    path_map: list[str] | None = None,
    now: float | None = None,
    only_projects: bool = False,
) -> Session:
    """The session `analyse_production` reads the production through: open it once and
    hand it to both `analyse_production` and `recommend` (engine.recommend) when a
    command wants the record and the plan, so the projects are read once."""
    settings = settings or Settings()
    return open_session(
        catalog,
        roots,
        projects=projects,
        path_map=PathMap.parse([*settings.path_map, *(path_map or [])]),
        dormant_days=settings.dormant_days,
        now=now,
        only_projects=only_projects,
    )


def analyse_production(
    catalog: Catalog | CatalogIndex,
    roots: list[str],
    *,
    projects: list[str] | None = None,
    settings: Settings | None = None,
    path_map: list[str] | None = None,
    now: float | None = None,
    only_projects: bool = False,
    session: Session | None = None,
) -> ProductionAnalysis:
    """Projects, orphans and lineage under `roots` (already scanned into `catalog`).
    `path_map` rules (`written=local`) add to those in `settings`. A `session` from
    `production_session` (same arguments) is used instead of opening one."""
    settings = settings or Settings()
    if session is None:
        session = production_session(
            catalog,
            roots,
            projects=projects,
            settings=settings,
            path_map=path_map,
            now=now,
            only_projects=only_projects,
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


def find_orphans(
    catalog: Catalog | CatalogIndex,
    roots: list[str],
    *,
    projects: list[str] | None = None,
    path_map: PathMap | None = None,
    grace_days: float = DEFAULT_GRACE_DAYS,
    dormant_days: float = DEFAULT_DORMANT_DAYS,
    now: float | None = None,
    unreadable_scope_depth: int | None = None,
    only_projects: bool = False,
    progress: Progress | None = None,
) -> OrphanReport:
    """The orphan report for `roots`. Every project file under the roots is read, and the
    named `projects` too (always active); with `only_projects`, the named ones alone, and
    the report says it was restricted. A project that cannot be read makes everything
    under the roots uncertain, or with `unreadable_scope_depth` N, everything in the
    first N folders under its root."""
    session = open_session(
        catalog,
        roots,
        projects=projects,
        path_map=path_map,
        dormant_days=dormant_days,
        now=now,
        only_projects=only_projects,
        progress=progress,
    )
    if progress is not None:
        progress.phase("checking orphan candidates on disk")
    return orphans_in(session, grace_days=grace_days, unreadable_scope_depth=unreadable_scope_depth)
