"""A fake of only the `nuke` calls mediaopt's live Nuke adapter and add-on make, loaded
from a .nk script the way Nuke would hold it after File > Open.

What it mimics, from Nuke's Python API reference:
- `nuke.allNodes(recurseGroups=True)`: every node, inside groups too, clones included;
  `Node.Class()`, `fullName()` (`Group1.Read2`), `knobs()` (every knob the class has,
  including those at their default, which a .nk file omits), `node[name]`.
- `Knob.value()` (the raw text; numbers for numeric knobs), `notDefault()`, `Class()`
  (`File_Knob`, `Boolean_Knob`, ...), `setValue()`; `File_Knob.evaluate()` and
  `getEvaluatedValue(OutputContext)`: TCL brackets evaluated at the context's frame and
  the frame number "normalized to technical notation" (`####` -> `%04d`).
- `nuke.root()` (its `name()` is the script's path), `nuke.views()` (Root's `views`, or
  `['main']`), `nuke.OutputContext().setFrame()`, `nuke.selectedNodes()`.
- The add-on's UI calls: `nuke.menu('Nuke').addMenu().addCommand()`, `nuke.message()`,
  `nuke.ProgressTask` (setProgress, setMessage, isCancelled), and
  `nuke.executeInMainThread(fn, args=...)`, which runs `fn` at once here.
TCL the fake evaluates: `[value root.KNOB]`, `[file dirname|tail|rootname X]`, `[frame]`;
anything else (`[python ...]`, `[getenv ...]`) raises RuntimeError, as a failing
expression does in Nuke - a fake cannot run the script's Python.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Any

from mediaopt.adapters.nuke_script import commands, knobs

# Knobs (and Nuke's defaults) of the classes the adapter reads; other classes get the
# knobs their script lines set, plus `disable`.
_FILE_NODE = {"file": "", "proxy": "", "disable": False}
_CLASS_KNOBS: dict[str, dict[str, Any]] = {
    "Read": {**_FILE_NODE, "first": 1, "last": 1, "colorspace": "default"},
    "DeepRead": {**_FILE_NODE, "first": 1, "last": 1},
    "Write": {
        **_FILE_NODE,
        "file_type": "",
        "datatype": "16 bit half",
        "compression": "Zip (1 scanline)",
        "dw_compression_level": 45.0,
        "channels": "rgb",
        "colorspace": "default",
        "mov64_codec": "",
        "meta_codec": "",
        "use_limit": False,
        "first": 1,
        "last": 1,
    },
    "Root": {"name": "", "first_frame": 1, "last_frame": 100, "views": "main"},
}
_NUMERIC = {"first", "last", "first_frame", "last_frame", "dw_compression_level"}
_BOOLEAN = {"disable", "use_limit"}
_GROUPS = {"Group", "LiveGroup"}
_INNERMOST = re.compile(r"\[([^\[\]]*)\]")
_HASHES = re.compile(r"#+")


class Knob:
    def __init__(self, node: Node, name: str, default: Any, saved: str | None):
        self.node, self.knob_name, self.default, self.saved = node, name, default, saved
        self.set_value: Any = None

    def name(self) -> str:
        return self.knob_name

    def Class(self) -> str:  # noqa: N802
        if self.knob_name in _BOOLEAN or self.saved in ("true", "false"):
            return "Boolean_Knob"
        if self.knob_name in ("file", "proxy", "fullGrain", "vfield_file"):
            return "File_Knob"
        return "Int_Knob" if self.knob_name in _NUMERIC else "String_Knob"

    def value(self) -> Any:
        if self.set_value is not None:
            return self.set_value
        if self.saved is None:
            return self.default
        if self.knob_name in _BOOLEAN:
            return self.saved == "true"
        if self.knob_name in _NUMERIC:
            try:
                return float(self.saved)
            except ValueError:
                return self.default  # an expression: Nuke shows its value; unknown here
        return self.saved

    def setValue(self, value: Any) -> bool:  # noqa: N802
        self.set_value = value
        return True

    def notDefault(self) -> bool:  # noqa: N802
        return self.value() != self.default

    def evaluate(self) -> str:
        return self.getEvaluatedValue(None)

    def getEvaluatedValue(self, context: OutputContext | None = None) -> str:  # noqa: N802
        frame = context.frame() if context is not None else 1
        text = _tcl(str(self.value()), self.node.script, frame)
        return _HASHES.sub(lambda m: f"%0{len(m.group(0))}d", text)


class Node:
    def __init__(self, script: FakeNuke, cls: str, name: str, saved: dict[str, str]):
        self.script, self.cls, self.full_name = script, cls, name
        defaults = dict(_CLASS_KNOBS.get(cls, {"disable": False}))
        if cls not in _CLASS_KNOBS and cls.startswith("Write"):
            defaults = dict(_CLASS_KNOBS["Write"])
        self._knobs = {k: Knob(self, k, d, saved.get(k)) for k, d in defaults.items()}
        for key, value in saved.items():
            if key not in self._knobs:
                self._knobs[key] = Knob(self, key, "", value)

    def Class(self) -> str:  # noqa: N802
        return self.cls

    def name(self) -> str:
        if self.cls == "Root":
            return self.script.path
        return self.full_name.rsplit(".", 1)[-1]

    def fullName(self) -> str:  # noqa: N802
        return self.full_name

    def knobs(self) -> dict[str, Knob]:
        return dict(self._knobs)

    def knob(self, name: str) -> Knob | None:
        return self._knobs.get(name)

    def __getitem__(self, name: str) -> Knob:
        return self._knobs[name]


class OutputContext:
    def __init__(self) -> None:
        self._frame = 1

    def setFrame(self, frame: int) -> None:  # noqa: N802
        self._frame = int(frame)

    def frame(self) -> int:
        return self._frame


class FakeNuke:
    """`nuke` with one script open."""

    OutputContext = OutputContext

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path).absolute().as_posix()
        self.nodes: list[Node] = []
        self.selected: list[Node] = []
        self._root = Node(self, "Root", "Root", {})
        self.menus: dict[str, Menu] = {}
        self.messages: list[str] = []
        self.cancel_progress = False
        fake = self

        class ProgressTask:
            """nuke.ProgressTask: the progress bar of one background task."""

            def __init__(self, title: str):
                self.title, self.progress, self.text = title, 0, ""
                fake.progress_seen.append(self)

            def setProgress(self, value: int) -> None:  # noqa: N802
                self.progress = value

            def setMessage(self, text: str) -> None:  # noqa: N802
                self.text = text

            def isCancelled(self) -> bool:  # noqa: N802
                return fake.cancel_progress

        self.ProgressTask = ProgressTask
        self.progress_seen: list[Any] = []
        self._load(Path(path).read_text(encoding="utf-8", errors="replace"))

    def _load(self, text: str) -> None:
        groups: list[str] = []
        named: dict[str, Node] = {}
        last: Node | None = None
        for words in commands(text):
            head = words[0].text
            if head == "end_group":
                if groups:
                    groups.pop()
            elif head == "set" and len(words) >= 2 and last is not None:
                named[words[1].text] = last
            elif head == "clone" and len(words) >= 3 and words[-1].braced:
                original = named.get(words[1].text.lstrip("$"))
                if original is None:
                    continue
                own = {k: v.value for k, v in knobs(words[-1]).items()}
                saved = {k: v.saved for k, v in original._knobs.items() if v.saved is not None}
                name = own.get("name", "clone of " + original.full_name)
                last = Node(self, original.cls, ".".join([*groups, name]), {**saved, **own})
                self.nodes.append(last)
            elif len(words) == 2 and words[1].braced and head[:1].isalpha():
                saved = {k: v.value for k, v in knobs(words[1]).items()}
                if head == "Root":
                    self._root = Node(self, "Root", "Root", saved)
                    continue
                name = saved.get("name", f"{head}{len(self.nodes) + 1}")
                last = Node(self, head, ".".join([*groups, name]), saved)
                self.nodes.append(last)
                if head in _GROUPS:
                    groups.append(name)

    # The module-level calls.
    def root(self) -> Node:
        return self._root

    def allNodes(self, filter: str | None = None, group: Any = None, recurseGroups: bool = False):  # noqa: A002, N802, N803
        found = self.nodes if recurseGroups else [n for n in self.nodes if "." not in n.full_name]
        return [n for n in found if filter is None or n.cls == filter]

    def toNode(self, name: str) -> Node | None:  # noqa: N802
        return next((n for n in self.nodes if n.full_name == name), None)

    def selectedNodes(self) -> list[Node]:  # noqa: N802
        return list(self.selected)

    def menu(self, name: str) -> Menu:
        return self.menus.setdefault(name, Menu(name))

    def message(self, text: str) -> None:
        self.messages.append(text)

    def executeInMainThread(self, call, args=(), kwargs=None):  # noqa: N802
        return call(*args, **(kwargs or {}))

    def views(self) -> list[str]:
        text = str(self._root["views"].value())
        return [line.split()[0] for line in text.splitlines() if line.split()] or ["main"]


class Menu:
    def __init__(self, name: str):
        self.name, self.items = name, {}

    def addMenu(self, name: str) -> Menu:  # noqa: N802
        return self.items.setdefault(name, Menu(name))

    def addCommand(self, name: str, command: Any, shortcut: str = "") -> None:  # noqa: N802
        self.items[name] = command


def _tcl(value: str, script: FakeNuke, frame: int, depth: int = 0) -> str:
    while True:
        match = _INNERMOST.search(value)
        if match is None:
            return value
        result = _command(match.group(1).split(), script, frame, depth)
        value = value[: match.start()] + result + value[match.end() :]


def _command(words: list[str], script: FakeNuke, frame: int, depth: int) -> str:
    if words == ["frame"]:
        return str(frame)
    if len(words) == 2 and words[0] == "value" and words[1].startswith("root."):
        knob = words[1][len("root.") :]
        if knob == "name":
            return script.path
        root_knob = script.root().knob(knob)
        if root_knob is not None and depth < 4:
            return _tcl(str(root_knob.value()), script, frame, depth + 1)
    if len(words) == 3 and words[0] == "file":
        operation = {
            "dirname": posixpath.dirname,
            "tail": posixpath.basename,
            "rootname": lambda p: os.path.splitext(p)[0],
        }.get(words[1])
        if operation is not None:
            return operation(words[2])
    raise RuntimeError(f"the fake cannot evaluate [{' '.join(words)}]")
