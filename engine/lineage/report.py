"""The lineage report: a session's edges, deduplicated and ordered, optionally narrowed to
one file or folder."""

from __future__ import annotations

import os

from mediaopt.engine.model import LineageReport
from mediaopt.engine.refs.projects import Session


def lineage_in(session: Session, under: str | None = None) -> LineageReport:
    """Edges, most certain first; with `under`, only those touching that file or folder."""
    edges = {(e.source, e.derivative, e.kind): e for e in session.edges}.values()
    if under:
        where = os.path.abspath(under)
        edges = [e for e in edges if _touches(e.source, where) or _touches(e.derivative, where)]
    ordered = sorted(edges, key=lambda e: (-e.confidence, e.source, e.derivative))
    return LineageReport(edges=ordered, problems=session.reading_problems())


def _touches(path: str, where: str) -> bool:
    return path == where or path.startswith(where.rstrip(os.sep) + os.sep)
