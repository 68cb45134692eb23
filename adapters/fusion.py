"""Blackmagic Fusion .comp files -> Project, parsed as a Lua table, never executed.

A comp is one Lua table constructor: `Composition { Tools = { Saver1 = Saver { Inputs =
{ Clip = Input { Value = Clip { Filename = "..." } } } } } }`. Typed tables (`Input {..}`,
`ordered() {..}`) are read as tables carrying their type; nothing is called. Loaders name
the first frame of each clip (`Clips = { Clip { Filename, StartFrame, TrimIn, TrimOut } }`),
Savers what they write over the comp's render range. `CustomData` (saved settings, older
versions of a tool) is not the comp's state and is skipped. Paths may begin with a Fusion
path map: `Comp:` is the comp's folder; others are user settings, unknown here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import read_bounded
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["Table", "parse_lua_table", "read_fusion"]

_TOKEN = re.compile(
    r'\s+|--\[\[.*?\]\]|--[^\n]*|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)'
    r"|([A-Za-z_][\w.]*)|([{}\[\]=,;()])",
    re.S,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
_MAX_DEPTH = 200
_FRAME = re.compile(r"(\d+)(\.[^./\\]+)$")
_PATH_MAP = re.compile(r"^([A-Za-z][\w ]+):(?![\\/]{2})(?![\\/]?$)")


@dataclass
class Table:
    """A Lua table constructor, with the type name written before it, if any."""

    type: str | None
    items: list[tuple[object, object]] = field(default_factory=list)
    """(key or None for a positional value, value)."""

    def get(self, key: str, default=None):
        for k, v in self.items:
            if k == key:
                return v
        return default


def parse_lua_table(text: str) -> Table:
    """The first table constructor in `text` (a comp or a settings file)."""
    tokens = [t for t in _tokens(text)]
    parser = _Parser(tokens)
    value = parser.value(0)
    if not isinstance(value, Table):
        raise ValueError("the file does not start with a Lua table")
    return value


def _tokens(text: str) -> Iterator[tuple[str, object]]:
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:  # an error only if the table is not over by then (a trailing NUL)
            yield "bad", f"{text[at : at + 20]!r} at character {at}"
            return
        at = match.end()
        string, number, name, punct = match.groups()
        if string is not None:
            yield "str", re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), string)
        elif number is not None:
            yield "num", float(number) if "." in number or "e" in number.lower() else int(number)
        elif name is not None:
            yield "name", name
        elif punct is not None:
            yield "punct", punct


class _Parser:
    def __init__(self, tokens: list[tuple[str, object]]):
        self.tokens, self.at = tokens, 0

    def peek(self, offset: int = 0) -> tuple[str, object]:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", None)

    def take(self, value: object = None) -> tuple[str, object]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise ValueError(f"expected {value!r}, found {token[1]!r} (token {self.at})")
        self.at += 1
        return token

    def value(self, depth: int):
        if depth > _MAX_DEPTH:
            raise ValueError("tables nested deeper than a comp holds")
        kind, token = self.take()
        if kind in ("str", "num"):
            return token
        if kind == "punct" and token == "{":
            return self.table(None, depth)
        if kind == "name":
            if token in ("true", "false", "nil"):
                return {"true": True, "false": False, "nil": None}[token]
            if self.peek()[1] == "(":  # `ordered()`: a constructor's name, never called
                self.take("(")
                self.take(")")
            if self.peek()[1] == "{":
                self.take("{")
                return self.table(token, depth)
            return token
        raise ValueError(f"unexpected {token} (token {self.at - 1})")

    def table(self, type_name: str | None, depth: int) -> Table:
        table = Table(type=type_name)
        while self.peek()[1] != "}":
            if self.peek()[0] == "end":
                raise ValueError("the file ends inside a table")
            key = None
            if self.peek()[0] == "name" and self.peek(1)[1] == "=":
                key = self.take()[1]
                self.take("=")
            elif self.peek()[1] == "[":
                self.take("[")
                key = self.value(depth + 1)
                self.take("]")
                self.take("=")
            table.items.append((key, self.value(depth + 1)))
            if self.peek()[1] in (",", ";"):
                self.take()
        self.take("}")
        return table


@reader("fusion", ["comp"], preferred=True)
def read_fusion(path: Path) -> Project:
    """Every Loader's clips and every Saver's output, with frame ranges."""
    comp = parse_lua_table(read_bounded(path).decode("utf-8", errors="replace"))
    if comp.type != "Composition":
        raise ValueError(f"not a Fusion comp (it starts with {comp.type or 'a bare table'})")
    project = Project(path=str(path), kind="fusion", name=path.stem)
    render_range = _range(comp.get("RenderRange"))
    tools = comp.get("Tools")
    for name, tool in tools.items if isinstance(tools, Table) else []:
        if not isinstance(tool, Table):
            continue
        for ref in _tool_references(str(name), tool, render_range):
            project.references.append(_mapped(ref, path))
    return project


def _range(value) -> tuple[int, int] | None:
    if isinstance(value, Table) and len(value.items) >= 2:
        first, last = value.items[0][1], value.items[1][1]
        if isinstance(first, int | float) and isinstance(last, int | float):
            return int(first), int(last)
    return None


def _tool_references(name: str, tool: Table, render_range) -> Iterator[Reference]:
    if tool.type == "Loader":
        clips = tool.get("Clips")
        for number, (_, clip) in enumerate(clips.items if isinstance(clips, Table) else [], 1):
            if isinstance(clip, Table) and isinstance(clip.get("Filename"), str):
                yield _loader_clip(name, clip, number)
    elif tool.type == "Saver":
        inputs = tool.get("Inputs")
        clip_input = inputs.get("Clip") if isinstance(inputs, Table) else None
        clip = clip_input.get("Value") if isinstance(clip_input, Table) else None
        if isinstance(clip, Table) and isinstance(clip.get("Filename"), str):
            yield _sequence(
                clip.get("Filename"), render_range,
                name=name, owner="Saver", role="write", location=f"tool {name}",
            )  # fmt: skip


def _loader_clip(name: str, clip: Table, number: int) -> Reference:
    filename = clip.get("Filename")
    start, trim_in, trim_out = (clip.get(k) for k in ("StartFrame", "TrimIn", "TrimOut"))
    frames = None
    if all(isinstance(v, int | float) for v in (start, trim_in, trim_out)):
        frames = (int(start + trim_in), int(start + trim_out))
    return _sequence(
        filename, frames, name=name, owner="Loader", location=f"tool {name} clip {number}"
    )


def _sequence(filename: str, frames, **common) -> Reference:
    """A Loader or Saver file: numbered names (and `####`) are frame sequences."""
    note = f"written as {filename}"
    if "#" in filename:
        return Reference(
            target=ReferenceTarget.SEQUENCE, path=filename, frames=frames, note=note, **common
        )
    match = _FRAME.search(filename)
    if match is None or frames is None:
        return Reference(target=ReferenceTarget.FILE, path=filename, note=note, **common)
    pattern = filename[: match.start(1)] + "#" * len(match.group(1)) + match.group(2)
    return Reference(
        target=ReferenceTarget.SEQUENCE, path=pattern, frames=frames, note=note, **common
    )


def _mapped(ref: Reference, comp: Path) -> Reference:
    import msgspec

    match = _PATH_MAP.match(ref.path or "")
    if match is None:
        return ref
    if match.group(1).lower() == "comp":
        rest = ref.path[match.end() :].replace("\\", "/").lstrip("/")
        return msgspec.structs.replace(ref, path=str(comp.absolute().parent / rest))
    return msgspec.structs.replace(
        ref, target=ReferenceTarget.UNRESOLVABLE,
        note=f"{ref.note}; the path map {match.group(1)}: is a Fusion setting, unknown here",
    )  # fmt: skip
