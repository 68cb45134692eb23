"""Lineage a project file states: a Nuke script's Reads feed its Writes, a Blender scene's
inputs feed its render output, an edit's clips feed the export its metadata names, and a
node's or clip's other files relate to its main one by their role (a Read's `proxy`
file, an OTIO clip's `proxy`, `high_res` or `conform` media reference, the source media
its metadata names)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from mediaopt.engine.model import LineageEdge, LineageKind, Project, Reference
from mediaopt.engine.refs.resolve import Resolution

# Readers whose write references are made from their read references.
_RENDERERS = {"nuke": "nuke script", "blend": "blender scene"}
# Readers of live host sessions, whose Project.path is not a file: evidence names the
# host's project instead, so a user can find the clip that states the link.
_HOSTS = {"resolve": "DaVinci Resolve project"}

# Role of a node's or clip's other file -> (kind, whether that file is the source).
_ROLE_LINKS = {
    "proxy": (LineageKind.PROXY, False),
    "original": (LineageKind.PROXY, True),
    "conform": (LineageKind.CONFORM, False),
    "source": (LineageKind.TRANSCODE, True),
}

_Pair = tuple[Reference, Resolution]


def project_edges(project: Project, resolutions: list[Resolution]) -> Iterator[LineageEdge]:
    pairs = [(r, res) for r, res in zip(project.references, resolutions, strict=True)]
    yield from _output_edges(project, pairs)
    yield from _role_edges(project, pairs)


def _output_edges(project: Project, pairs: list[_Pair]) -> Iterator[LineageEdge]:
    """Every read feeds every write: a script or scene renders from all it reads, and an
    edit's export (named in its metadata) is conformed from all its clips."""
    label = _RENDERERS.get(project.kind)
    kind = LineageKind.RENDER if label else LineageKind.CONFORM
    label = label or f"{project.kind} edit"
    writes = [(r, res) for r, res in pairs if r.role == "write" and res.assets]
    if not writes:
        return
    reads = [(r, res) for r, res in pairs if r.role == "read" and res.assets]
    for ref_w, res_w in writes:
        for ref_r, res_r in reads:
            evidence = (
                f"{label} {project.path}: {ref_r.owner or 'read'} {ref_r.name or ''} -> "
                f"{ref_w.owner or 'write'} {ref_w.name or ''}".replace("  ", " ")
            )
            for source in res_r.assets:
                for derivative in res_w.assets:
                    if source != derivative:
                        yield LineageEdge(
                            source=source,
                            derivative=derivative,
                            kind=kind,
                            confidence=1.0,
                            evidence=evidence,
                        )


def _holder(project: Project, ref: Reference) -> str | None:
    # A Nuke node's file and proxy knobs sit on different lines but share the node's
    # (unique) name; an OTIO clip's media references share its location in the timeline,
    # while two clips of one timeline may well share a name.
    if project.kind in _RENDERERS:
        return ref.name
    return ref.location or ref.name


def _role_edges(project: Project, pairs: list[_Pair]) -> Iterator[LineageEdge]:
    mains: dict[str, list[str]] = defaultdict(list)
    for ref, res in pairs:
        holder = _holder(project, ref)
        if ref.role == "read" and holder:
            mains[holder] += res.assets
    for ref, res in pairs:
        link = _ROLE_LINKS.get(ref.role)
        holder = _holder(project, ref)
        if link is None or not holder or holder not in mains:
            continue
        kind, is_source = link
        evidence = f"{_named(project)}: {ref.owner or 'node'} {ref.name or holder} {ref.role}"
        for main in mains[holder]:
            for other in res.assets:
                if other == main:
                    continue
                source, derivative = (other, main) if is_source else (main, other)
                yield LineageEdge(
                    source=source,
                    derivative=derivative,
                    kind=kind,
                    confidence=1.0,
                    evidence=evidence,
                )


def _named(project: Project) -> str:
    host = _HOSTS.get(project.kind)
    return f'{host} "{project.name or project.path}"' if host else project.path
