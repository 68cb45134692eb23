"""Autodesk Maya scenes -> Project, without Maya: `.ma` parsed as MEL text (never run),
`.mb` read from its IFF chunks.

A Maya ASCII scene is MEL statements: `file -r ... "path";` references another scene,
`createNode TYPE -n "name";` starts a node and the `setAttr ".attr" -type "string"
"value";` lines after it set its attributes. The attributes that hold paths depend on
the node type (`file.ftn`, `mayaUsdProxyShape.fp`, `gpuCache.cfn`, ...). Relative paths
are relative to the Maya project (the folder holding `workspace.mel`), which is looked
for above the scene; without one they are left relative to the scene's folder.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import read_bounded
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["PATH_ATTRIBUTES", "read_maya_ascii", "read_maya_binary"]

PATH_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "file": (".ftn",),
    "psdFileTex": (".ftn",),
    "movie": (".ftn",),
    "mayaUsdProxyShape": (".fp",),
    "gpuCache": (".cfn",),
    "AlembicNode": (".fn", ".abc_File"),
    "imagePlane": (".imn",),
    "audio": (".f",),
    "aiStandIn": (".dso",),
    "aiImage": (".filename",),
    "aiVolume": (".filename",),
    "RedshiftProxyMesh": (".fn",),
    "VRayMesh": (".fn",),
    "cacheFile": (".cp",),
}
"""Node type -> the attributes (short names, as .ma files write them) holding a path."""

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(;)|([^\s;"]+)', re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)
_UDIM_TILE = re.compile(r"(?<!\d)(1\d\d\d)(?=\.[^./\\]+$)")
_FRAME = re.compile(r"(\d+)(?=\.[^./\\]+$)")
_INTERESTING = {"createNode", "setAttr", "file"}


@dataclass
class _Node:
    type: str
    name: str
    line: int
    strings: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)


@reader("maya", ["ma"], preferred=True)
def read_maya_ascii(path: Path) -> Project:
    """File textures (UDIM and frame sequences too), scene references, caches, USD proxy
    shapes and the other path attributes in PATH_ATTRIBUTES."""
    text = read_bounded(path).decode("utf-8", errors="replace")
    project = Project(path=str(path), kind="maya", name=path.stem)
    workspace = _workspace(path)
    refs: dict[tuple, Reference] = {}
    for ref in _ascii_references(text, project):
        ref = _relative(ref, workspace, project)
        refs.setdefault((ref.path, ref.role, ref.name), ref)
    project.references.extend(refs.values())
    return project


def _statements(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line, words) of each MEL statement that can name a path; quoted words unescaped."""
    words: list[str] = []
    start_line, line, at = 1, 1, 0
    skipping = False
    for match in _TOKEN.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        if match.group(2):
            if words and not skipping:
                yield start_line, words
            words, skipping = [], False
            continue
        if not words and not skipping:
            start_line = line
            if (match.group(3) or "") not in _INTERESTING:
                skipping = True  # mesh data and UI scripts: nothing to keep
                continue
        if not skipping:
            quoted = match.group(1)
            words.append(_ESCAPE.sub(r"\1", quoted) if quoted is not None else match.group(3))


def _ascii_references(text: str, project: Project) -> Iterator[Reference]:
    node: _Node | None = None
    for line, words in _statements(text):
        head = words[0]
        if head == "file" and ("-r" in words or "-rdi" in words) and len(words) > 1:
            yield Reference(
                target=ReferenceTarget.FILE, path=words[-1], role="library",
                owner="reference", name=_option(words, "-ns"), location=f"line {line}",
            )  # fmt: skip
        elif head == "createNode" and len(words) > 1:
            if node is not None:
                yield from _node_references(node, project)
            node = _Node(type=words[1], name=_option(words, "-n") or words[1], line=line)
        elif head == "setAttr" and node is not None and len(words) > 2:
            _set_attr(node, words)
    if node is not None:
        yield from _node_references(node, project)


def _option(words: list[str], flag: str) -> str | None:
    try:
        return words[words.index(flag) + 1]
    except (ValueError, IndexError):
        return None


def _set_attr(node: _Node, words: list[str]) -> None:
    attribute = words[1]
    if "-type" in words and _option(words, "-type") == "string":
        node.strings[attribute] = words[-1]
    elif not words[-1].startswith("-"):
        node.numbers[attribute] = words[-1]


def _node_references(node: _Node, project: Project) -> Iterator[Reference]:
    for attribute in PATH_ATTRIBUTES.get(node.type, ()):
        value = node.strings.get(attribute, "").strip()
        if not value:
            continue
        if node.type == "cacheFile":
            name = node.strings.get(".cn", "").strip()
            value = f"{value.rstrip('/')}/{name}.xml" if name else value
        yield _reference(node, attribute, value, project)


def _reference(node: _Node, attribute: str, value: str, project: Project) -> Reference:
    common = {"name": node.name, "owner": node.type, "location": f"line {node.line}"}
    if "$" in value or "`" in value:
        return Reference(
            target=ReferenceTarget.UNRESOLVABLE, path=value,
            note=f"{attribute} holds a MEL variable or expression", **common,
        )  # fmt: skip
    udim_tiling = node.type in ("file", "psdFileTex") and node.numbers.get(".uvt") == "3"
    if udim_tiling and "<UDIM>" not in value and _UDIM_TILE.search(value):
        value = _UDIM_TILE.sub("<UDIM>", value)  # UDIM tiling: the tile names one of many
    if "<UDIM>" in value or "<udim>" in value.lower():
        return Reference(target=ReferenceTarget.SEQUENCE, path=value, note="UDIM tiles", **common)
    if node.numbers.get(".ufe") in ("1", "yes", "true") and _FRAME.search(value):
        digits = _FRAME.search(value).group(1)
        pattern = _FRAME.sub("#" * len(digits), value)
        return Reference(
            target=ReferenceTarget.SEQUENCE, path=pattern,
            note="image sequence (useFrameExtension); frames are keyed, not read", **common,
        )  # fmt: skip
    return Reference(target=ReferenceTarget.FILE, path=value, **common)


_RULE = re.compile(r'workspace\s+-fr\s+"([^"]+)"\s+"([^"]*)"')
_RULE_OF = {  # node type -> the workspace file rule Maya looks in for a relative path
    "file": "sourceImages", "psdFileTex": "sourceImages", "movie": "sourceImages",
    "imagePlane": "sourceImages", "audio": "sound", "gpuCache": "alembicCache",
    "AlembicNode": "alembicCache", "cacheFile": "fileCache", "reference": "scene",
}  # fmt: skip


@dataclass
class _Workspace:
    root: Path
    rules: dict[str, str]
    """File rule name -> folder, relative to the root unless absolute."""


def _workspace(scene: Path) -> _Workspace | None:
    """The Maya project: the nearest folder above the scene with a workspace.mel, and the
    file rules it sets (`workspace -fr "sourceImages" "sourceimages";`)."""
    for folder in scene.absolute().parents:
        mel = folder / "workspace.mel"
        if mel.is_file():
            text = read_bounded(mel, 1 << 20).decode("utf-8", errors="replace")
            return _Workspace(root=folder, rules=dict(_RULE.findall(text)))
    return None


def _relative(ref: Reference, workspace: _Workspace | None, project: Project) -> Reference:
    """A relative path as Maya resolves it: against the project root, then inside the
    folder of the file rule for the node's type, then that folder and the file name."""
    import msgspec

    path = (ref.path or "").removeprefix("./")
    if not path or _absolute(path) or ref.target is ReferenceTarget.UNRESOLVABLE:
        return ref
    if workspace is None:
        note = "relative to the Maya project; no workspace.mel above the scene, so to its folder"
        return msgspec.structs.replace(ref, note="; ".join(n for n in (ref.note, note) if n))
    candidates = [workspace.root / path]
    rule = workspace.rules.get(_RULE_OF.get(ref.owner or "", ""))
    if rule:
        folder = workspace.root / rule
        candidates += [folder / path, folder / Path(path).name]
    found = next((c for c in candidates if _exists(c)), candidates[0])
    return msgspec.structs.replace(ref, path=str(found))


def _exists(candidate: Path) -> bool:
    text = str(candidate)
    if "<UDIM>" in text or "#" in text:  # a pattern: its folder holding any file will do
        return candidate.parent.is_dir()
    return candidate.exists()


def _absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or bool(PureWindowsPath(path).drive)


# Maya binary: IFF. Node groups are forms whose type is the node's type id; string
# attributes are `STR ` chunks of `name\0<flag byte>value\0`; referenced scenes are
# `FREF` chunks. Maya 2014+ 64-bit scenes use FOR8 groups with 8-byte sizes, whose layout
# is not published: those are recognised and reported, not guessed at.
_GROUPS = {b"FOR4", b"LIS4", b"CAT4", b"PROP"}
_FILE_TEXTURE_ID = b"RTFT"
_BINARY_ATTRIBUTES = {"ftn", "fp", "cfn", "dso"}
_MAX_CHUNKS = 5_000_000


@reader("maya", ["mb"], preferred=True)
def read_maya_binary(path: Path) -> Project:
    """The path-holding string attributes (`ftn`, `fp`, `cfn`, `dso`) and the referenced
    scenes readable from the IFF chunks. A file whose chunks cannot be walked is an error:
    recognised as Maya binary, its media in doubt."""
    data = read_bounded(path)
    if data[:4] not in (b"FOR4", b"FOR8"):
        raise ValueError(f"{path}: not a Maya binary scene (no FOR4/FOR8 IFF header)")
    project = Project(path=str(path), kind="maya", name=path.stem)
    if data[:4] == b"FOR8":
        project.errors.append(
            f"{path}: a 64-bit Maya binary scene (FOR8 chunks), whose layout mediaopt does "
            "not read; what it references is unknown"
        )
        return project
    project.notes.append(
        "Maya binary: only string attributes named ftn, fp, cfn or dso and FREF scene "
        "references are read; other attributes that may hold paths are not interpreted"
    )
    try:
        chunks = list(_iff(data, 0, len(data), b"", 0))
    except ValueError as exc:
        project.errors.append(f"{path}: Maya binary chunks could not be read: {exc}")
        return project
    for form, tag, body in chunks:
        if tag == b"FREF" and body:
            ref_path = body.split(b"\0")[-2 if body.endswith(b"\0") else -1].decode(
                "utf-8", "replace"
            )
            if ref_path:
                project.references.append(
                    Reference(target=ReferenceTarget.FILE, path=ref_path, role="library",
                              owner="reference")
                )  # fmt: skip
        elif tag == b"STR ":
            name, _, rest = body.partition(b"\0")
            attribute = name.decode("ascii", "replace")
            if attribute in _BINARY_ATTRIBUTES and (attribute != "ftn" or form == _FILE_TEXTURE_ID):
                value = rest[1:].split(b"\0")[0].decode("utf-8", "replace").strip()
                if value:
                    node = _Node(type="file" if attribute == "ftn" else form.decode("latin-1"),
                                 name=form.decode("latin-1"), line=0)  # fmt: skip
                    project.references.append(_reference(node, f".{attribute}", value, project))
    return project


def _iff(data: bytes, at: int, end: int, form: bytes, count: int) -> Iterator:
    while at + 8 <= end:
        tag = data[at : at + 4]
        size = struct.unpack(">I", data[at + 4 : at + 8])[0]
        body_at = at + 8
        if body_at + size > end:
            raise ValueError(f"chunk {tag!r} at byte {at} runs past its group")
        count += 1
        if count > _MAX_CHUNKS:
            raise ValueError("more chunks than a scene file holds")
        if tag in _GROUPS:
            yield from _iff(data, body_at + 4, body_at + size, data[body_at : body_at + 4], count)
        else:
            yield form, tag, data[body_at : body_at + size]
        at = (body_at + size + 3) // 4 * 4
