"""STAND-IN project readers, used only until the `readers` branch lands.

The real readers are `mediaopt.adapters.read_project` and `mediaopt.adapters.project_kind`
(engine/projects/readers.py imports them first). This module exists so the projects and
orphans analyses can be tested on real .otio/.edl/.xml/.nk files before then; delete it
at merge. It reads timelines through OpenTimelineIO's own adapters and Nuke scripts' Read
and Write `file` knobs with a small line parser (never evaluated).
"""

from __future__ import annotations

import os
import re

import opentimelineio as otio

from mediaopt.engine.model import Project, Reference, ReferenceTarget

_KINDS = {
    ".otio": "otio",
    ".edl": "cmx_3600",
    ".xml": "fcp_xml",
    ".aaf": "aaf",
    ".nk": "nuke",
    ".blend": "blend",
}
_ADAPTERS = {"otio": "otio_json", "aaf": "AAF"}
_NUKE_NODE = re.compile(r"^\s*(\w+)\s*\{\s*$")
_NUKE_KNOB = re.compile(r'^\s*(\w+)\s+"?(.*?)"?\s*$')


def project_kind(path: str | os.PathLike[str]) -> str | None:
    return _KINDS.get(os.path.splitext(os.fspath(path))[1].lower())


def read_project(path: str | os.PathLike[str]) -> Project:
    path = os.fspath(path)
    kind = project_kind(path) or "unknown"
    try:
        if kind == "nuke":
            references = _read_nuke(path)
        elif kind == "blend":
            references = _read_blend(path)
        else:
            references = _read_timeline(path, kind)
    except Exception as exc:  # untrusted input: any failure is this file's error
        return Project(path=path, kind=kind, errors=[f"{path}: {type(exc).__name__}: {exc}"])
    return Project(path=path, kind=kind, name=os.path.basename(path), references=references)


def _read_timeline(path: str, kind: str) -> list[Reference]:
    timeline = otio.adapters.read_from_file(path, adapter_name=_ADAPTERS.get(kind, kind))
    references = []
    for clip in timeline.find_clips():
        media = clip.media_reference
        reel = (clip.metadata.get("cmx_3600") or {}).get("reel")
        timecode = None
        if clip.source_range is not None:
            timecode = otio.opentime.to_timecode(
                clip.source_range.start_time, clip.source_range.start_time.rate
            )
        common = {"name": clip.name or None, "reel": reel, "timecode": timecode, "owner": "Clip"}
        if isinstance(media, otio.schema.ExternalReference) and media.target_url:
            references.append(
                Reference(target=ReferenceTarget.FILE, path=media.target_url, **common)
            )
        elif isinstance(media, otio.schema.ImageSequenceReference):
            pattern = (
                f"{media.target_url_base.rstrip('/')}/{media.name_prefix}"
                f"{'#' * max(media.frame_zero_padding, 1)}{media.name_suffix}"
            )
            first = media.start_frame
            last = first + media.number_of_images_in_sequence() - 1
            references.append(
                Reference(
                    target=ReferenceTarget.SEQUENCE, path=pattern, frames=(first, last), **common
                )
            )
        else:
            references.append(Reference(target=ReferenceTarget.MISSING, **common))
    return references


def _read_nuke(path: str) -> list[Reference]:
    references = []
    node: str | None = None
    knobs: dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            opened = _NUKE_NODE.match(line)
            if opened:
                node, knobs = opened.group(1), {}
            elif line.strip() == "}" and node:
                if node in ("Read", "Write") and knobs.get("file"):
                    references.append(_nuke_reference(node, knobs))
                node = None
            elif node:
                knob = _NUKE_KNOB.match(line)
                if knob:
                    knobs[knob.group(1)] = knob.group(2)
    return references


def _nuke_reference(node: str, knobs: dict[str, str]) -> Reference:
    file = knobs["file"]
    sequence = bool(re.search(r"#|%0?\d*d", file))
    computed = "[" in file  # TCL or Python: never evaluated
    frames = None
    if node == "Read" and knobs.get("first", "").isdigit() and knobs.get("last", "").isdigit():
        frames = (int(knobs["first"]), int(knobs["last"]))
    return Reference(
        target=ReferenceTarget.UNRESOLVABLE
        if computed
        else ReferenceTarget.SEQUENCE
        if sequence
        else ReferenceTarget.FILE,
        path=file,
        name=knobs.get("name"),
        owner=node,
        role="write" if node == "Write" else "read",
        frames=frames,
    )


def _read_blend(path: str) -> list[Reference]:
    from pathlib import Path

    from blender_asset_tracer import trace

    from mediaopt.engine.projects.index import frame_of

    references = []
    for usage in trace.deps(Path(path)):
        file = str(usage.abspath)
        parsed = frame_of(file) if usage.is_sequence else None
        if parsed:
            head, tail, _, digits = parsed
            file = f"{head}{'#' * digits}{tail}"
        references.append(
            Reference(
                target=ReferenceTarget.SEQUENCE if parsed else ReferenceTarget.FILE,
                path=file,
                name=usage.block_name.decode("utf-8", "replace"),
                owner=usage.block_name[:2].decode("ascii", "replace"),
            )
        )
    return references
