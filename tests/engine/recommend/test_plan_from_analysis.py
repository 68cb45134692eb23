"""The plan `mediaopt report` shows comes from the analysis' own read of the projects: the
same lines, bytes and files as `recommend` alone, without reading the files whole for
content hashes (a plan to read, not to apply)."""

from __future__ import annotations

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.production.analyse import analyse
from mediaopt.engine.production.analysis import production_session
from mediaopt.engine.recommend import recommend
from mediaopt.fixtures.savings import build_savings_production


def _lines(plan) -> list[tuple]:
    return [
        (
            a.kind,
            a.category,
            a.risk,
            a.bytes,
            a.title,
            [(f.path, f.bytes, f.freed, f.keeper) for f in a.files],
        )
        for a in plan.actions
    ]


def test_the_analysis_session_gives_the_same_plan_without_hashing(tmp_path) -> None:
    production = build_savings_production(tmp_path)
    settings = production.settings()
    with Catalog(production.catalog) as catalog:
        alone = recommend(catalog, production.roots, settings=settings)
        by_itself = analyse(catalog, production.roots, settings)
        session = production_session(catalog, by_itself.roots, settings=settings)
        record = analyse(catalog, production.roots, settings, session=session)
        shared = recommend(
            catalog,
            record.roots,
            settings=settings,
            hashes=False,
            session=session,
            orphans=record.orphans,
        )
    assert _lines(shared) == _lines(alone)
    assert shared.totals == alone.totals
    deletes = [f for a in alone.actions for f in a.files if a.kind in ("delete", "dedupe")]
    assert deletes and all(f.xxh128 for f in deletes)
    assert not any(f.xxh128 for a in shared.actions for f in a.files)
    # The record is the one an analysis of its own makes.
    assert record.orphans.orphans == by_itself.orphans.orphans
    assert record.orphans.uncertain == by_itself.orphans.uncertain
    assert record.lineage == by_itself.lineage
