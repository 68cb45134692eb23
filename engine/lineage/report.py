"""The lineage report: a session's edges, deduplicated and ordered, optionally narrowed to
one file or folder."""

from __future__ import annotations

import os
from operator import attrgetter

from mediaopt.engine.model import LineageEdge, LineageReport
from mediaopt.engine.refs.projects import Session


def lineage_in(session: Session, under: str | None = None) -> LineageReport:
    """Edges, most certain first; with `under`, only those touching that file or folder.
    An edge stated twice (same source, derivative and kind) is kept once, as last stated."""
    edges = latest_per_key(session.edges)
    if under:
        where = os.path.abspath(under)
        edges = [e for e in edges if _touches(e.source, where) or _touches(e.derivative, where)]
    # Stable sorts on the records' own fields, least significant first, come to the same
    # order as one sort on (-confidence, source, derivative) without a key tuple per
    # edge: a farm's jobs make 100,000s of edges.
    edges.sort(key=attrgetter("derivative"))
    edges.sort(key=attrgetter("source"))
    edges.sort(key=attrgetter("confidence"), reverse=True)
    return LineageReport(edges=edges, problems=session.reading_problems())


def latest_per_key(edges: list[LineageEdge]) -> list[LineageEdge]:
    """Each (source, derivative, kind) once, at the place it was first stated, holding the
    edge stated last. Works on 64-bit hashes of the keys (a few MB for 100,000s of edges);
    edges whose hashes collide are told apart by their keys."""
    import numpy as np

    count = len(edges)
    if count < 2:
        return list(edges)
    hashes = np.fromiter(
        (hash((e.source, e.derivative, e.kind)) for e in edges), dtype=np.int64, count=count
    )
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, count])
    single = order[starts[sizes == 1]]
    firsts, lasts = [single], [single]
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        groups: dict[tuple, list[int]] = {}
        for i in order[start : start + size].tolist():
            e = edges[i]
            groups.setdefault((e.source, e.derivative, e.kind), []).append(i)
        firsts.append(np.array([g[0] for g in groups.values()], dtype=np.int64))
        lasts.append(np.array([g[-1] for g in groups.values()], dtype=np.int64))
    first, last = np.concatenate(firsts), np.concatenate(lasts)
    return [edges[i] for i in last[np.argsort(first, kind="stable")].tolist()]


def _touches(path: str, where: str) -> bool:
    return path == where or path.startswith(where.rstrip(os.sep) + os.sep)
