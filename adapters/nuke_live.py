"""A live Nuke session -> Project, read through the `nuke` module Nuke itself provides.

The offline reader (adapters/nuke.py) parses a saved .nk as text and cannot run TCL or
Python; inside Nuke, each file knob is evaluated by Nuke (`getEvaluatedValue` at a frame
of the node's range, so `[value root.name]`, `[python ...]` and frame-dependent
expressions are what Nuke would read), unsaved changes are seen, and a knob at its
default is known as such (`notDefault`). The record has the same shape as the offline
reader's, so both can be checked against each other on the same script.

The `nuke` module is passed in: this module never imports it (the engine runs without
Nuke, and tests drive it with a fake of exactly the calls made here).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["read_nuke_live", "WRITE_SETTINGS"]

# Knobs holding a path, beyond `file` and `proxy` (as adapters/nuke.py).
_CLASS_FILE_KNOBS = {"ScannedGrain": ("fullGrain",), "Vectorfield": ("vfield_file",)}
WRITE_SETTINGS = (
    "file_type",
    "datatype",
    "compression",
    "channels",
    "colorspace",
    "mov64_codec",
    "meta_codec",
)
_PADDING = re.compile(r"%0(\d+)d|%d|\$F(\d*)|(#+)")
_READERS = ("Read", "DeepRead")


def read_nuke_live(nuke: Any) -> Project:
    """The open script's Read/Write-like nodes (groups included) as a Project: each file
    and proxy knob evaluated by Nuke, with frame ranges, roles and Write settings."""
    root = nuke.root()
    path = root.name() or "Root"
    project = Project(path=path, kind="nuke", name=_stem(path))
    project.notes.append("read live from Nuke: knobs evaluated by Nuke, unsaved changes included")
    root_range = (_number(root, "first_frame", 1), _number(root, "last_frame", 100))
    views = list(nuke.views()) if hasattr(nuke, "views") else ["main"]
    for node in nuke.allNodes(recurseGroups=True):
        try:
            project.references.extend(_references(nuke, node, project, root_range, views))
        except Exception as exc:  # a host object that misbehaves must not end the report
            project.errors.append(f"{path}: node {_name(node)}: {type(exc).__name__}: {exc}")
    return project


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-3] if name.endswith(".nk") else name


def _name(node: Any) -> str:
    try:
        return node.fullName()
    except Exception:
        return "?"


def _is_write(cls: str) -> bool:
    return cls.startswith("Write") or cls in ("DeepWrite", "GenerateLUT")


def _file_knobs(node: Any, knobs: dict[str, Any], cls: str) -> list[str]:
    names = [k for k in ("file", *_CLASS_FILE_KNOBS.get(cls, ())) if k in knobs]
    # Some nodes have a boolean `proxy` knob; only a path knob names a proxy file.
    if names and "proxy" in knobs and knobs["proxy"].Class() == "File_Knob":
        names.append("proxy")
    return names


def _references(nuke, node, project: Project, root_range, views) -> Iterator[Reference]:
    cls = node.Class()
    knobs = node.knobs()
    names = _file_knobs(node, knobs, cls)
    if not names:
        return
    writes = _is_write(cls)
    settings = _write_settings(node, knobs, project) if writes else None
    disabled = "disable" in knobs and bool(knobs["disable"].value())
    for knob_name in names:
        raw = knobs[knob_name].value() or ""
        if not raw.strip():
            continue
        role = "write" if writes else ("proxy" if knob_name == "proxy" else "read")
        notes = [n for n in (settings, "node disabled" if disabled else None) if n]
        if writes and knob_name == "proxy":
            notes.append("proxy output")
        common = {"name": node.fullName(), "role": role, "owner": cls, "location": "live"}
        frames = _frames(node, knobs, knob_name, cls, writes, root_range)
        try:
            evaluated = _evaluate(nuke, knobs[knob_name], frames)
        except Exception as exc:  # what Nuke raises for an expression that fails
            note = "; ".join([f"Nuke could not evaluate {raw}: {exc}", *notes])
            yield Reference(target=ReferenceTarget.UNRESOLVABLE, path=raw, note=note, **common)
            continue
        if evaluated != [raw]:
            notes.append(f"written as {raw}")
        for value in evaluated:
            yield from _per_view(value, frames, notes, common, views, root_range)


def _evaluate(nuke, knob, frames: tuple[int, int] | None) -> list[str]:
    """The knob as Nuke reads it at the first and last frame of its range (one path when
    both agree, as they do unless an expression changes the path over time)."""
    samples = sorted(set(frames)) if frames else [None]
    found: list[str] = []
    for frame in samples:
        context = None
        if frame is not None:
            context = nuke.OutputContext()
            context.setFrame(frame)
        value = knob.getEvaluatedValue(context) if context is not None else knob.evaluate()
        if value not in found:
            found.append(value)
    return found


def _per_view(path, frames, notes, common, views, root_range) -> Iterator[Reference]:
    pattern, padding_note = frame_pattern(path)
    if padding_note:
        notes = [*notes, padding_note]
    target = ReferenceTarget.SEQUENCE if "#" in pattern else ReferenceTarget.FILE
    if target is ReferenceTarget.SEQUENCE and frames is None:
        frames = root_range  # a sequence with no range of its own plays the script's
    if "%V" not in pattern and "%v" not in pattern:
        note = "; ".join(notes) or None
        yield Reference(target=target, path=pattern, frames=frames, note=note, **common)
        return
    for view in views:
        one = pattern.replace("%V", view).replace("%v", view[:1])
        note = "; ".join([*notes, f"view {view}"])
        yield Reference(target=target, path=one, frames=frames, note=note, **common)


def frame_pattern(path: str) -> tuple[str, str | None]:
    """`%04d`, `$F4`, `####` -> one `#` per digit; a note when numbers are not padded."""
    unpadded = False

    def hashes(match: re.Match[str]) -> str:
        nonlocal unpadded
        if match.group(3):
            return match.group(3)
        digits = match.group(1) or match.group(2)
        if not digits:
            unpadded = True
            return "#"
        return "#" * int(digits)

    return _PADDING.sub(hashes, path), ("frame numbers are not zero-padded" if unpadded else None)


def _frames(node, knobs, knob_name, cls, writes, root_range) -> tuple[int, int] | None:
    own = f"{knob_name}.first_frame"
    if own in knobs and knobs[own].notDefault():
        first = int(knobs[own].value())
        last_knob = knobs.get(f"{knob_name}.last_frame")
        return (first, int(last_knob.value()) if last_knob is not None else first)
    if writes:
        if "use_limit" in knobs and knobs["use_limit"].value():
            return (_number(node, "first", 1), _number(node, "last", 1))
        return root_range
    if cls in _READERS:
        return (_number(node, "first", 1), _number(node, "last", 1))
    if "first" in knobs and knobs["first"].notDefault():
        first = _number(node, "first", 0)
        return (first, _number(node, "last", first))
    return None


def _number(node: Any, name: str, default: int) -> int:
    knob = node.knobs().get(name)
    if knob is None:
        return default
    try:
        return int(float(knob.value()))
    except (TypeError, ValueError):
        return default


def _write_settings(node: Any, knobs: dict[str, Any], project: Project) -> str | None:
    """The Write's non-default output knobs (as the .nk file saves them), recorded in
    project.render_settings as `Write1.compression`."""
    found = {}
    for key in WRITE_SETTINGS:
        knob = knobs.get(key)
        if knob is not None and knob.notDefault():
            found[key] = str(knob.value())
    for key, value in found.items():
        project.render_settings[f"{node.fullName()}.{key}"] = value
    return " ".join(f"{k}={v}" for k, v in found.items()) or None
