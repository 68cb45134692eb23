"""Conform lineage inferred from names: an edit's exported master is usually named after
the edit file or its timeline (`cut.otio` -> `cut.mov`, `cut_master.mov`) and kept near
it. Each of the edit's clips is then a source of that export.

Only a few keys are looked up in the index's stem table per project, never the library
scanned, so this costs the same on a million assets as on ten.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from mediaopt.engine.model import LineageEdge, LineageKind, Project
from mediaopt.engine.refs.index import CatalogIndex, stem
from mediaopt.engine.refs.resolve import Resolution

# Readers whose projects are edits (a timeline with clips), not renderers or folders.
_NOT_EDITS = {"nuke", "blend", "folder"}
_MARKS = ("", "master", "export", "final", "online", "conform", "render")
_SEPARATORS = ("_", "-", ".", " ")
_EXPORT_KINDS = {"video", "sequence"}


def export_edges(
    project: Project, resolutions: list[Resolution], index: CatalogIndex
) -> Iterator[LineageEdge]:
    if project.kind in _NOT_EDITS or project.errors:
        return
    used = {a for res in resolutions for a in res.assets}
    sources = sorted(
        {
            a
            for ref, res in zip(project.references, resolutions, strict=True)
            if ref.role == "read"
            for a in res.assets
        }
    )
    stated = {
        a
        for ref, res in zip(project.references, resolutions, strict=True)
        if ref.role == "write"
        for a in res.assets
    }
    if not sources:
        return
    # Near the edit: under the folder above the edit's own (`show/edit/cut.otio` ->
    # `show/`), where exports and deliveries folders sit. A same-named file elsewhere in
    # the library is more likely another show's cut.
    near = os.path.dirname(os.path.dirname(os.path.abspath(project.path))) + os.sep
    for export in sorted(_named_exports(project, index) - used - stated):
        if not export.startswith(near):
            continue
        for source in sources:
            yield LineageEdge(
                source=source,
                derivative=export,
                kind=LineageKind.CONFORM,
                confidence=0.6,
                evidence=f"naming: export named after the edit {os.path.basename(project.path)}"
                + (f' (timeline "{project.name}")' if project.name else ""),
            )


def _named_exports(project: Project, index: CatalogIndex) -> set[str]:
    names = {stem(project.path)}
    if project.name:
        names.add(project.name.casefold().strip())
    keys = {
        f"{name}{sep}{mark}" if mark else name
        for name in names
        if name
        for mark in _MARKS
        for sep in _SEPARATORS
    }
    return {
        e.path
        for key in keys
        for e in index.by_stem.get(key, ())
        if e.kind in _EXPORT_KINDS and e.path != project.path
    }
