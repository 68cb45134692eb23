"""Lineage a project file states: a Nuke script's Reads feed its Writes, a Blender scene's
inputs feed its render output, a Read's `proxy` file is a proxy of its `file`."""

from __future__ import annotations

from collections.abc import Iterator

from mediaopt.engine.model import LineageEdge, LineageKind, Project
from mediaopt.engine.projects.resolve import Resolution

# Readers whose write references are made from their read references. An edit's
# references are all sources: an export it wrote is not named in the timeline.
_RENDERERS = {"nuke": "nuke script", "blend": "blender scene"}


def project_edges(project: Project, resolutions: list[Resolution]) -> Iterator[LineageEdge]:
    pairs = list(zip(project.references, resolutions, strict=True))
    label = _RENDERERS.get(project.kind)
    if label:
        reads = [(r, res) for r, res in pairs if r.role == "read" and res.assets]
        writes = [(r, res) for r, res in pairs if r.role == "write" and res.assets]
        for ref_w, res_w in writes:
            for ref_r, res_r in reads:
                for source in res_r.assets:
                    for derivative in res_w.assets:
                        if source != derivative:
                            yield LineageEdge(
                                source=source,
                                derivative=derivative,
                                kind=LineageKind.RENDER,
                                confidence=1.0,
                                evidence=f"{label} {project.path}: "
                                f"{ref_r.owner or 'read'} {ref_r.name or ''} -> "
                                f"{ref_w.owner or 'write'} {ref_w.name or ''}".replace("  ", " "),
                            )
    originals = {r.name: res for r, res in pairs if r.role == "read" and r.name and res.assets}
    for ref, res in pairs:
        if ref.role == "proxy" and ref.name in originals:
            for source in originals[ref.name]:
                for derivative in res.assets:
                    yield LineageEdge(
                        source=source,
                        derivative=derivative,
                        kind=LineageKind.PROXY,
                        confidence=1.0,
                        evidence=f"{project.path}: {ref.owner or 'node'} {ref.name} proxy",
                    )
