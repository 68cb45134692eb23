"""The production record and its savings plan from one read of the project files: what
the report shows, from the command line (`mediaopt report`) and the API (`/report`)."""

from __future__ import annotations

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Plan
from mediaopt.engine.production.analyse import analyse
from mediaopt.engine.production.analysis import production_session
from mediaopt.engine.production.record import AnalysisOptions, ProductionRecord
from mediaopt.engine.progress import Progress
from mediaopt.engine.recommend.build import recommend
from mediaopt.engine.refs.config import Settings


def analyse_and_plan(
    catalog: Catalog,
    roots: list[str],
    settings: Settings,
    *,
    options: AnalysisOptions,
    projects: list[str] | None = None,
    progress: Progress | None = None,
) -> tuple[ProductionRecord, Plan]:
    """`roots` outermost and absolute. The plan is for reading: its files carry no content
    hash (reading every deletable file whole would take most of the time), so `apply`
    refuses its deletes and dedupes; `mediaopt recommend -o` writes one to apply."""
    session = production_session(catalog, roots, projects=projects, settings=settings)
    record = analyse(
        catalog,
        roots,
        settings,
        options=options,
        projects=projects,
        progress=progress,
        session=session,
    )
    plan = recommend(
        catalog,
        record.roots,
        settings=settings,
        projects=projects,
        what_if=[record.render_what_if] if record.render_what_if else [],
        near=options.near_duplicates,
        hashes=False,
        session=session,
        orphans=record.orphans,
    )
    return record, plan
