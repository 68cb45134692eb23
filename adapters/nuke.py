"""Nuke .nk scripts -> Project: every node with a file knob, parsed as text.

Nothing in the script runs. The TCL forms Nuke scripts use for paths relative to the
script (`[value root.name]`, `[file dirname ...]`) are worked out from the script's own
path; any other bracket (`[python ...]`, `[getenv ...]`) makes the reference
`unresolvable`, with a note saying what would have had to run.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mediaopt.adapters.nuke_script import Knob, Word, commands, knobs
from mediaopt.adapters.registry import reader
from mediaopt.engine.model import Project, Reference, ReferenceTarget, notation

__all__ = ["frame_pattern", "read_nuke"]

# Knobs holding a path, beyond `file` and `proxy` which every reader/writer class uses.
_CLASS_FILE_KNOBS = {"ScannedGrain": ("fullGrain",), "Vectorfield": ("vfield_file",)}
_WRITE_SETTINGS = (
    "file_type",
    "datatype",
    "compression",
    "channels",
    "colorspace",
    "mov64_codec",
    "meta_codec",
)
# Nuke's defaults when the knob is absent (Nuke omits knobs at their default value).
_READ_DEFAULT_RANGE = (1, 1)
_ROOT_DEFAULT_RANGE = (1, 100)
_GROUPS = {"Group", "LiveGroup"}


@dataclass
class _Node:
    cls: str
    name: str
    knobs: dict[str, Knob]
    line: int


@dataclass
class _Script:
    path: Path
    root: dict[str, Knob] = field(default_factory=dict)
    project: Project | None = None


@reader("nuke", ["nk", "nknc"])
def read_nuke(path: Path) -> Project:
    """Every Read/Write-like node's file and proxy, with frame ranges and roles."""
    text = path.read_text(encoding="utf-8", errors="replace")
    project = Project(path=str(path), kind="nuke", name=path.stem)
    script = _Script(path=path.absolute(), project=project)
    try:
        for node in _nodes(text, script):
            project.references.extend(_references(node, script))
    except ValueError as exc:
        project.errors.append(f"{path}: {exc}; the script was read up to there")
    return project


def _nodes(text: str, script: _Script) -> Iterator[_Node]:
    groups: list[str] = []
    named: dict[str, _Node] = {}
    last: _Node | None = None
    for words in commands(text):
        head = words[0].text
        if head == "end_group":
            if groups:
                groups.pop()
        elif head == "set" and len(words) >= 2 and last is not None:
            named[words[1].text] = last
        elif head == "clone" and len(words) >= 3 and words[-1].braced:
            last = _clone(words, named, groups)
            if last is not None:
                yield last
        elif len(words) == 2 and words[1].braced and head[:1].isalpha():
            own = knobs(words[1])
            if head == "Root":
                script.root = own
                continue
            name = own["name"].value if "name" in own else f"{head}@line{words[0].line}"
            last = _Node(head, ".".join([*groups, name]), own, words[0].line)
            yield last
            if head in _GROUPS:
                groups.append(name)


def _clone(words: list[Word], named: dict[str, _Node], groups: list[str]) -> _Node | None:
    # `clone $C12a73340 {...}`: the clone shares every knob of the node `set C12a73340`
    # named, except those its own body overrides (position, selection).
    original = named.get(words[1].text.lstrip("$"))
    if original is None:
        return None
    own = knobs(words[-1])
    name = own["name"].value if "name" in own else f"clone of {original.name}"
    merged = {**original.knobs, **own}
    return _Node(original.cls, ".".join([*groups, name]), merged, words[0].line)


def _file_knobs(node: _Node) -> list[str]:
    names = [k for k in ("file", *_CLASS_FILE_KNOBS.get(node.cls, ())) if k in node.knobs]
    if names and "proxy" in node.knobs and node.knobs["proxy"].value not in ("true", "false"):
        names.append("proxy")
    return names


def _is_write(cls: str) -> bool:
    return cls.startswith("Write") or cls in ("DeepWrite", "GenerateLUT")


def _references(node: _Node, script: _Script) -> Iterator[Reference]:
    knob_names = _file_knobs(node)
    if not knob_names:
        return
    writes = _is_write(node.cls)
    settings = _write_settings(node, script) if writes else None
    for knob_name in knob_names:
        knob = node.knobs[knob_name]
        raw = knob.value.strip()
        if not raw:
            continue
        role = "write" if writes else ("proxy" if knob_name == "proxy" else "read")
        notes = [n for n in (settings, _disabled(node)) if n]
        if writes and knob_name == "proxy":
            notes.append("proxy output")
        common = {
            "name": node.name,
            "role": role,
            "owner": node.cls,
            "location": f"line {knob.line}",
        }
        try:
            expanded = _expand(raw, script)
        except _Unresolvable as exc:
            note = "; ".join([str(exc), *notes])
            yield Reference(target=ReferenceTarget.UNRESOLVABLE, path=raw, note=note, **common)
            continue
        if expanded != raw:
            notes.append(f"written as {raw}")
        yield from _per_view(expanded, node, knob_name, writes, script, notes, common)


def _per_view(
    path: str,
    node: _Node,
    knob_name: str,
    writes: bool,
    script: _Script,
    notes: list[str],
    common: dict,
) -> Iterator[Reference]:
    pattern, padding_note = frame_pattern(path)
    if padding_note:
        notes = [*notes, padding_note]
    frames = _frames(node, knob_name, writes, script, "#" in pattern)
    target = ReferenceTarget.SEQUENCE if "#" in pattern else ReferenceTarget.FILE
    if "%V" not in pattern and "%v" not in pattern:
        note = "; ".join(notes) or None
        yield Reference(target=target, path=pattern, frames=frames, note=note, **common)
        return
    views, assumed = _views(script)
    for view in views:
        one = pattern.replace("%V", view).replace("%v", view[:1])
        view_notes = [*notes, f"view {view}" + (" (views assumed)" if assumed else "")]
        note = "; ".join(view_notes)
        yield Reference(target=target, path=one, frames=frames, note=note, **common)


def frame_pattern(path: str) -> tuple[str, str | None]:
    """The path with its frame number as one `#` per digit of padding (`%04d`, `$F4` ->
    `####`), and a note when the numbers are not zero-padded (`%d`, `$F`)."""
    found = notation.parse(path)
    if found is None or found.udim:
        return path, None  # `<UDIM>` stays: the resolver reads it as "every tile"
    unpadded = found.token in ("%d", "$F")
    return found.hashes, ("frame numbers are not zero-padded" if unpadded else None)


def _frames(
    node: _Node, knob_name: str, writes: bool, script: _Script, sequence: bool
) -> tuple[int, int] | None:
    own = (
        _int(node.knobs, f"{knob_name}.first_frame"),
        _int(node.knobs, f"{knob_name}.last_frame"),
    )
    if own != (None, None):
        return (own[0] or 1, own[1] or own[0] or 1)
    first, last = _int(node.knobs, "first"), _int(node.knobs, "last")
    if writes:
        if node.knobs.get("use_limit", Knob("", 0, False)).value == "true":
            return (first or 1, last or first or 1)
        return _root_range(script)
    if node.cls in ("Read", "DeepRead"):
        default = _READ_DEFAULT_RANGE
        return (
            first if first is not None else default[0],
            last if last is not None else default[1],
        )
    if first is not None or last is not None:
        return (first or 0, last if last is not None else first or 0)
    return _root_range(script) if sequence else None


def _root_range(script: _Script) -> tuple[int, int]:
    first = _int(script.root, "first_frame")
    last = _int(script.root, "last_frame")
    return (
        first if first is not None else _ROOT_DEFAULT_RANGE[0],
        last if last is not None else _ROOT_DEFAULT_RANGE[1],
    )


def _int(found: dict[str, Knob], name: str) -> int | None:
    knob = found.get(name)
    if knob is None:
        return None
    try:
        return int(float(knob.value))
    except ValueError:
        return None  # animated or an expression: not a plain frame number


def _views(script: _Script) -> tuple[list[str], bool]:
    knob = script.root.get("views")
    if knob is None:
        return ["left", "right"], True
    # One view per line: `left #ff0000`, the colour is the view's UI colour.
    names = [line.split()[0] for line in knob.value.splitlines() if line.split()]
    return (names or ["main"]), False


def _write_settings(node: _Node, script: _Script) -> str | None:
    found = {k: node.knobs[k].value for k in _WRITE_SETTINGS if k in node.knobs}
    if script.project is not None:
        for key, value in found.items():
            script.project.render_settings[f"{node.name}.{key}"] = value
    return " ".join(f"{k}={v}" for k, v in found.items()) or None


def _disabled(node: _Node) -> str | None:
    knob = node.knobs.get("disable")
    return "node disabled" if knob is not None and knob.value == "true" else None


class _Unresolvable(Exception):
    pass


_INNERMOST = re.compile(r"\[([^\[\]]*)\]")


def _expand(value: str, script: _Script, depth: int = 0) -> str:
    """Work out the TCL brackets Nuke scripts use for paths; raise for any other."""
    while True:
        match = _INNERMOST.search(value)
        if match is None:
            return value
        result = _command(match.group(1).split(), script, depth)
        value = value[: match.start()] + result + value[match.end() :]


def _command(words: list[str], script: _Script, depth: int) -> str:
    if len(words) == 2 and words[0] == "value" and words[1].startswith("root."):
        knob = words[1][len("root.") :]
        if knob == "name":
            # When a script is opened Nuke sets root.name to where it is now, not the
            # path saved in the Root node.
            return script.path.as_posix()
        if knob in script.root and depth < 4:
            return _expand(script.root[knob].value, script, depth + 1)
    if len(words) == 3 and words[0] == "file" and words[1] in ("dirname", "tail", "rootname"):
        operation = {
            "dirname": posixpath.dirname,
            "tail": posixpath.basename,
            "rootname": lambda p: os.path.splitext(p)[0],
        }[words[1]]
        return operation(words[2])
    command = " ".join(words)
    if words and words[0] == "python":
        raise _Unresolvable(f"[{command}] is Python, which mediaopt never runs")
    raise _Unresolvable(f"[{command}] is a TCL expression mediaopt does not evaluate")
