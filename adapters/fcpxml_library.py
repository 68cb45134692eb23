"""The media a Final Cut Pro XML library holds beyond what OTIO's reader returns.

OTIO's FCPXML reader keeps only the clips its timelines use, and reads an asset's file
only from the `src` attribute of FCPXML 1.8 and earlier (1.9+ names it in `media-rep`
children, so those clips come back as missing media). The library's clips in an event's
browser and the angles of a multicam clip that the cut does not show belong to the
project all the same: a file they name must never be called an orphan. So the
`resources` element's `asset`s are read here too, with a parser that refuses entity
expansion and external entities (project files are untrusted input).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

import msgspec
from defusedxml import ElementTree

from mediaopt.adapters.otio_lineage import url_path
from mediaopt.engine.model import Reference, ReferenceTarget

__all__ = ["with_library"]

_ROLES = {"original-media": "read", "proxy-media": "proxy"}


class _Asset(msgspec.Struct):
    id: str
    name: str | None
    files: list[tuple[str, str, str | None]]
    """(path, role, note) of each file the asset names."""


def with_library(path: Path, timeline: list[Reference]) -> list[Reference]:
    """`timeline` (what OTIO read from the timelines), with each missing clip whose asset
    names a file given that file, then a reference for every other file the library's
    assets name: `in_cut` when a timeline uses the asset, else `in_cut=False`."""
    root = ElementTree.parse(str(path)).getroot()
    assets = {a.id: a for a in _assets(root)}
    used = _used_assets(root)
    by_name = {a.name: a for a in assets.values() if a.name and a.id in used and a.files}
    refs = [_with_file(r, by_name) for r in timeline]
    named = {r.path for r in refs if r.path}
    for asset in assets.values():
        for file, role, note in asset.files:
            if file in named:
                continue
            named.add(file)
            in_cut = asset.id in used
            where = "" if in_cut else " (not in a timeline)"
            refs.append(
                Reference(
                    target=ReferenceTarget.FILE,
                    path=file,
                    name=asset.name,
                    role=role,
                    owner="asset",
                    location=f'library asset "{asset.name or asset.id}"{where}',
                    note=note,
                    in_cut=in_cut,
                )
            )
    return refs


def _assets(root: Element) -> Iterator[_Asset]:
    for element in root.iter("asset"):
        files = []
        sources = [(element.get("src"), "read")] + [
            (rep.get("src"), _ROLES.get(rep.get("kind") or "", "read"))
            for rep in element.iter("media-rep")
        ]
        for src, role in sources:
            if src:
                file, note = url_path(src)
                if file:
                    files.append((file, role, note))
        yield _Asset(element.get("id") or "", element.get("name"), files)


def _used_assets(root: Element) -> set[str]:
    """Ids of the assets the library's timelines (`project` sequences) show, through
    compound clips and the active angles of multicam clips."""
    media = {m.get("id"): m for m in root.iter("media")}
    used: set[str] = set()
    todo = [e for project in root.iter("project") for e in project.iter()]
    seen_media: set[str] = set()
    while todo:
        element = todo.pop()
        ref = element.get("ref")
        if not ref:
            continue
        if ref not in media:
            used.add(ref)
            continue
        if element.tag == "mc-clip":
            todo += _active_angles(media[ref], element)
        elif ref not in seen_media:
            seen_media.add(ref)
            todo += list(media[ref].iter())
    return used


def _active_angles(media: Element, clip: Element) -> list[Element]:
    """The elements of the angles a multicam clip shows (its `mc-source`s)."""
    shown = {s.get(k) for s in clip.iter("mc-source") for k in ("angleID",)}
    return [
        e for angle in media.iter("mc-angle") if angle.get("angleID") in shown for e in angle.iter()
    ]


def _with_file(ref: Reference, by_name: dict[str | None, _Asset]) -> Reference:
    if ref.target is not ReferenceTarget.MISSING or ref.name not in by_name:
        return ref
    file, role, note = by_name[ref.name].files[0]
    note = "; ".join(n for n in (ref.note, note, "file from the library's asset") if n)
    return msgspec.structs.replace(ref, target=ReferenceTarget.FILE, path=file, note=note)
