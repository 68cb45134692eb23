"""Natron .ntp projects -> Project, without Natron.

A project is boost-serialization XML: every node is an `item` with a `Plugin_id` and its
knobs, each knob an `item` with a `Name`, a `Type` and its value in `item/Value`. File
knobs have the type `InputFile` or `File` (Read nodes) or `OutputFile` (Write nodes).
Paths may start with a project path variable (`[Project]/render/img.####.jpg`), defined
in the project's `projectPaths` knob; a relative definition (Natron's default is `.`) is
relative to the project file.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import gunzip_bounded, parse_xml
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["read_natron"]

_FILE_TYPES = {"File": "read", "InputFile": "read", "OutputFile": "write"}
_PAIR = re.compile(r"<Name>(.*?)</Name><Value>(.*?)</Value>", re.S)
_VARIABLE = re.compile(r"\[(\w+)\]")
_PRINTF = re.compile(r"%0?(\d*)d")


@reader("natron", ["ntp"], preferred=True)
def read_natron(path: Path) -> Project:
    """Every Read and Write node's file knob, with its frame range, project path
    variables expanded."""
    with gunzip_bounded(path) as stream:
        root = parse_xml(stream, doctype=True)
    project_el = root.find("Project")
    if root.tag != "boost_serialization" or project_el is None:
        raise ValueError(f"not a Natron project (root element <{root.tag}>)")
    project = Project(path=str(path), kind="natron", name=path.stem)
    variables = _project_paths(project_el, path)
    for node in _nodes(project_el):
        project.references.extend(_node_references(node, variables, project))
    return project


def _project_paths(project_el: Element, path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for knob in project_el.iter("item"):
        if knob.findtext("Name") == "projectPaths":
            for name, value in _PAIR.findall(knob.findtext("item/Value") or ""):
                if not value.startswith(("/", "\\")) and not re.match(r"^[A-Za-z]:", value):
                    value = posixpath.normpath(
                        posixpath.join(path.absolute().parent.as_posix(), value)
                    )
                found[name] = value
            break
    found.setdefault("Project", path.absolute().parent.as_posix())
    return found


def _nodes(project_el: Element) -> Iterator[Element]:
    for element in project_el.iter("item"):
        if element.find("Plugin_id") is not None:
            yield element


def _knobs(node: Element) -> dict[str, tuple[str, str]]:
    """Knob name -> (type, value), for the node's own knobs."""
    knobs = {}
    for knob in node.findall("item"):
        name = knob.findtext("Name")
        if name:
            knobs[name] = (knob.findtext("Type") or "", knob.findtext("item/Value") or "")
    return knobs


def _node_references(node: Element, variables: dict[str, str], project: Project):
    plugin = node.findtext("Plugin_id") or ""
    name = node.findtext("Plugin_script_name") or node.findtext("Plugin_label")
    knobs = _knobs(node)
    frames = _frames(knobs)
    # A Write renders first..last only with frameRange 2 (manual); otherwise its inputs'
    # or the project's range, which are not worked out here.
    write_frames = frames if knobs.get("frameRange", ("", ""))[1] == "2" else None
    for knob, (kind, value) in knobs.items():
        if kind not in _FILE_TYPES or not value.strip():
            continue
        written = value.strip()
        expanded, unknown = _expand(written, variables)
        common = {
            "name": name, "owner": plugin.rsplit(".", 1)[-1], "role": _FILE_TYPES[kind],
            "location": f"node {name} knob {knob}",
        }  # fmt: skip
        note = f"written as {written}" if expanded != written else None
        if unknown:
            yield Reference(
                target=ReferenceTarget.UNRESOLVABLE, path=written,
                note=f"written as {written}; project path {', '.join(unknown)} is not defined",
                **common,
            )  # fmt: skip
        elif "#" in expanded:
            yield Reference(
                target=ReferenceTarget.SEQUENCE, path=expanded, note=note,
                frames=write_frames if common["role"] == "write" else frames, **common,
            )  # fmt: skip
        else:
            yield Reference(target=ReferenceTarget.FILE, path=expanded, note=note, **common)


def _expand(value: str, variables: dict[str, str]) -> tuple[str, list[str]]:
    unknown: list[str] = []

    def expand(match: re.Match) -> str:
        if match.group(1) in variables:
            return variables[match.group(1)].rstrip("/")
        unknown.append(f"[{match.group(1)}]")
        return match.group(0)

    value = _VARIABLE.sub(expand, value)
    return _PRINTF.sub(lambda m: "#" * int(m.group(1) or 1), value), unknown


def _frames(knobs: dict[str, tuple[str, str]]) -> tuple[int, int] | None:
    try:
        return int(knobs["firstFrame"][1]), int(knobs["lastFrame"][1])
    except (KeyError, ValueError):
        return None
