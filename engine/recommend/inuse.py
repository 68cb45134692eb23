"""What the active projects need: the assets they reference, and everything those were
made from. Read when the plan is made, and again by `apply` just before it acts."""

from __future__ import annotations

import os
from collections import defaultdict

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import LineageKind
from mediaopt.engine.production.session import open_session
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.projects import Session

_SOURCE_KINDS = {LineageKind.PROXY, LineageKind.TRANSCODE, LineageKind.RENDER, LineageKind.CONFORM}


def needed(session: Session) -> dict[str, str]:
    """asset -> why it is needed: referenced by an active project (named), or a source a
    referenced asset was made from, transitively."""
    found: dict[str, str] = {}
    for rp in session.projects:
        if rp.active:
            name = os.path.basename(rp.project.path)
            for asset in rp.assets:
                found.setdefault(asset, f"the active project {name} references it")
            found.setdefault(rp.project.path, "an active project file")
    made_from: dict[str, list[str]] = defaultdict(list)
    for edge in session.edges:
        if edge.kind in _SOURCE_KINDS:
            made_from[edge.derivative].append(edge.source)
    todo = list(found)
    while todo:
        child = todo.pop()
        for source in made_from.get(child, ()):
            if source not in found:
                found[source] = f"{os.path.basename(child)}, which is in use, was made from it"
                todo.append(source)
    return found


def needed_now(
    catalog: Catalog,
    roots: list[str],
    *,
    projects: list[str] | None,
    path_map: list[str],
    dormant_days: float,
) -> tuple[dict[str, str], list[str]]:
    """`needed` with the projects read again now (a cut saved since the plan is found by
    the name-only walk of the roots), and the project files that could not be read."""
    session = open_session(
        catalog,
        roots,
        projects=projects or None,
        path_map=PathMap.parse(path_map),
        dormant_days=dormant_days,
    )
    # A cataloged project file that is gone now (archived by this very plan, or deleted)
    # uses nothing: only one that is there and cannot be read leaves its use unknown.
    failed = [
        rp.project.path for rp in session.projects if rp.failed and os.path.exists(rp.project.path)
    ]
    return needed(session), failed
