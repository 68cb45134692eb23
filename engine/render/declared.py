"""Render settings a project declares (Nuke Write nodes, Blender scene outputs) next to the
renders the catalog holds at their paths, and the what-if expressed as the host's own
knob or property values.

A Write node's path is resolved like any project reference (path maps, `[file dirname
[value root.name]]`, Blender's `//`), so the outputs compared are the ones the project
really renders to.
"""

from __future__ import annotations

from collections.abc import Iterator

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import (
    DeclaredOutput,
    Project,
    Recommendation,
    Reference,
    ReferenceTarget,
)
from mediaopt.engine.progress import Progress
from mediaopt.engine.refs.index import CatalogIndex
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.resolve import resolve
from mediaopt.engine.render import host_settings
from mediaopt.engine.render.settings import current_settings

_HOSTS = {"nuke": "nuke", "blend": "blend"}
_COMPARED = ("format", "compression", "pixel_type")


def declared_outputs(
    projects: list[Project],
    catalog: Catalog,
    *,
    path_map: PathMap | None = None,
    what_if_quality: str | None = None,
    progress: Progress | None = None,
) -> list[DeclaredOutput]:
    """Every Write node / scene output of `projects` (as the readers returned them), with
    declared and rendered settings; with `what_if_quality`, also the what-if over what the
    host can render."""
    index = CatalogIndex.from_catalog(catalog)
    found = []
    # Several Write nodes often point at one output (a version up, a disabled copy): its
    # what-if is measured once per host.
    measured: dict[tuple[str, str], Recommendation | None] = {}
    for project in projects:
        for reference in _writes(project):
            output = _compare(project, reference, index, path_map or PathMap(), catalog)
            if what_if_quality and output.outputs:
                _recommend(output, catalog, what_if_quality, progress, measured)
            found.append(output)
    return found


def _writes(project: Project) -> Iterator[Reference]:
    if project.kind not in _HOSTS:
        return
    for reference in project.references:
        if reference.role == "write" and reference.name and reference.path:
            yield reference


def _compare(
    project: Project, reference: Reference, index: CatalogIndex, path_map: PathMap, catalog
) -> DeclaredOutput:
    host = _HOSTS[project.kind]
    node = reference.name or ""
    prefix = f"{node}."
    own = {k[len(prefix) :]: v for k, v in project.render_settings.items() if k.startswith(prefix)}
    output = DeclaredOutput(
        project=project.path,
        host=host,
        node=node,
        path=reference.path or "",
        frames=reference.frames,
        declared=own,
        declared_as=host_settings.declared_settings(host, own, reference.path or ""),
        problems=list(project.errors),
    )
    defaulted = [k for k in host_settings.NUKE_EXR_DEFAULTS if k not in own]
    if host == "nuke" and output.declared_as.get("format") == "OpenEXR" and defaulted:
        output.notes.append(
            f"{' and '.join(defaulted)} not in the script: Nuke's default "
            + ", ".join(f"{k} {host_settings.NUKE_EXR_DEFAULTS[k]!r}" for k in defaulted)
        )
    resolution = resolve(reference, project.path, index, path_map)
    if reference.target is ReferenceTarget.UNRESOLVABLE and not resolution.assets:
        output.unresolvable = reference.note or "a path only running code could work out"
        return output
    output.outputs = resolution.assets
    if not resolution.assets:
        output.notes.append(
            "nothing rendered at this path is in the catalog (not rendered yet, outside the "
            f"scanned roots, or needs a path map); tried {', '.join(resolution.tried) or '-'}"
        )
        return output
    asset = catalog.get(resolution.assets[0])
    if asset is None:
        return output
    output.rendered = current_settings(asset)
    output.rendered_bytes = sum(
        a.bytes for a in (catalog.get(p) for p in resolution.assets) if a is not None
    )
    output.mismatches = _mismatches(output.declared_as, output.rendered)
    return output


def _mismatches(declared: dict[str, str], rendered: dict[str, str]) -> list[str]:
    found = []
    for key in _COMPARED:
        want, have = declared.get(key), rendered.get(key)
        if want and have and _plain(want) != _plain(have):
            found.append(f"{key}: declared {want}, rendered {have}")
    return found


def _plain(value: str) -> str:
    # `dwab:45` and `dwab` are the same codec; the level is not in the file's header.
    return value.lower().partition(":")[0]


def _recommend(
    output: DeclaredOutput, catalog: Catalog, quality: str, progress, measured: dict
) -> None:
    from mediaopt.engine.render.whatif import what_if

    asset = catalog.get(output.outputs[0])
    if asset is None:
        return
    fmt = asset.format or ""
    key = (output.host, asset.path)
    if key not in measured:
        names = host_settings.host_candidates(output.host, fmt)
        try:
            measured[key] = what_if(asset, candidates=names, quality=quality, progress=progress)
        except ValueError as exc:
            measured[key] = None
            output.problems.append(f"what-if on {asset.path}: {exc}")
    result = measured[key]
    output.recommendation = result
    if result is None or result.recommended is None:
        return
    changes, notes = host_settings.host_changes(output.host, result.recommended, fmt)
    if not changes:
        output.notes.append(f"{result.recommended} cannot be set from {output.host}")
        return
    current = host_settings.current_values(output.host, output.declared, fmt)
    output.changes = {k: v for k, v in changes.items() if current.get(k) != v}
    if not output.changes:
        output.notes.append("the script already asks for this; re-render to get the saving")
        return
    output.change_text = host_settings.as_text(output.host, output.node, output.changes)
    output.notes.extend(notes)
