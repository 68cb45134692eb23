"""SideFX Houdini .hip scenes -> Project, without Houdini.

A .hip file is a cpio archive (the old portable `070707` format) of text entries: one
`<node>.parm` per node holds its parameters as `name [ flags ] ( value value ... )`, the
`.variables` entry the global variables saved with the scene. A parameter whose value
looks like a file (a drive, `/` or `$HIP`/`$JOB` prefix, and a file extension) is a
reference; a render node's output parameters (`vm_picture`, `sopoutput`, ...) are writes.

Only plain variables are expanded: `$HIP` (the scene's own folder, as Houdini sets it on
load), `$JOB` (as saved in the scene), `$HIPNAME`, `$OS` (the node's name) and the frame
tokens `$F`, `$F4`, `$FF`. Anything else (backtick expressions, `$SF`, `@attributes`, other
variables) needs Houdini to evaluate: the reference is `unresolvable`, its text kept.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path, PureWindowsPath

from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import read_bounded
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["WRITE_PARMS", "cpio_entries", "read_hip"]

WRITE_PARMS = {
    "vm_picture", "soho_diskfile", "vm_dcmfilename", "sopoutput", "copoutput", "dopoutput",
    "lopoutput", "picture", "ar_picture", "RS_outputFileNamePrefix", "vm_filename_plane",
    "outputfile", "savefile",
}  # fmt: skip
"""Parameters of render and output nodes that name what the node writes."""
_WRITING_TYPES = {"alembic", "rop_alembic", "rop_fbx", "filecache", "rop_geometry", "usd_rop"}
"""Node types whose `file`/`filename` parameter is their output."""

_MAGIC = b"070707"
_HEADER = 76
_PARM = re.compile(r"^(\w+)\t\[[^\]]*\]\t\((.*)\)\s*$")
_VALUE = re.compile(r'"((?:[^"\\]|\\.)*)"|((?:[^\t"\\]|\\.)+)')
_EXTENSION = re.compile(r"\.(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,8}$")
_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)\}?")
_FRAME = re.compile(r"\$\{?F(\d?)\}?(?![A-Za-z_])")
_ESCAPE = re.compile(r"\\(.)")


def cpio_entries(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(name, contents) of each entry of an odc cpio archive, up to its trailer."""
    at = 0
    while at + _HEADER <= len(data):
        if data[at : at + 6] != _MAGIC:
            raise ValueError(f"no cpio header at byte {at}")
        name_size = int(data[at + 59 : at + 65], 8)
        file_size = int(data[at + 65 : at + 76], 8)
        name = data[at + _HEADER : at + _HEADER + name_size - 1].decode("utf-8", "replace")
        body = at + _HEADER + name_size
        if body + file_size > len(data):
            raise ValueError(f"entry {name!r} runs past the end of the file")
        if name == "TRAILER!!!":
            return
        yield name, data[body : body + file_size]
        at = body + file_size


@reader("houdini", ["hip", "hipnc", "hiplc"], preferred=True)
def read_hip(path: Path) -> Project:
    """File parameters of every node, ROP outputs as writes, plain variables expanded."""
    data = read_bounded(path)
    if data.startswith((b"HouNC", b"HouLC")):
        # Apprentice and Indie scenes are scrambled so that only Houdini opens them.
        raise ValueError(
            f"{path}: a Houdini {'Apprentice' if data[3:5] == b'NC' else 'Indie'} scene, "
            "whose contents only Houdini can read; what it references is unknown"
        )
    if not data.startswith(_MAGIC):
        raise ValueError(f"{path}: not a Houdini scene (no cpio header)")
    project = Project(path=str(path), kind="houdini", name=path.stem)
    entries = cpio_entries(data)
    variables: dict[str, str] = {}
    types: dict[str, str] = {}
    skipped_factory = 0
    try:
        for name, body in entries:
            if name == ".variables":
                variables = _variables(body.decode("utf-8", "replace"))
            elif name.endswith(".init"):
                found = re.search(rb"^type = (\S+)", body, re.M)
                if found:
                    types[name[: -len(".init")]] = found.group(1).decode("utf-8", "replace")
            elif name.endswith(".parm"):
                node = name[: -len(".parm")]
                text = body.decode("utf-8", "replace")
                for ref in _parm_references(node, types.get(node), text, path, variables):
                    if ref is None:
                        skipped_factory += 1
                    else:
                        project.references.append(ref)
    except ValueError as exc:
        project.errors.append(f"{path}: {exc}; the scene was read up to there")
    if skipped_factory:
        project.notes.append(f"{skipped_factory} parameters name Houdini's own files ($HH)")
    return project


def _variables(text: str) -> dict[str, str]:
    found = {}
    for match in re.finditer(r"^set -g (\w+) = '((?:[^'\\]|\\.)*)'", text, re.M):
        found[match.group(1)] = match.group(2)
    return found


def _parm_references(node: str, kind, text: str, scene: Path, variables: dict[str, str]):
    frames = _frames(text)
    for line in text.splitlines():
        match = _PARM.match(line)
        if match is None:
            continue
        parm = match.group(1)
        for value in _values(match.group(2)):
            if _looks_like_file(value):
                writes = parm in WRITE_PARMS or (
                    kind in _WRITING_TYPES and parm in ("file", "filename")
                )
                yield _reference(node, parm, writes, value, scene, variables, frames)


def _values(inside: str) -> Iterator[str]:
    for match in _VALUE.finditer(inside):
        if match.group(1) is not None:
            yield _ESCAPE.sub(r"\1", match.group(1))
        elif match.group(2).strip():
            yield _ESCAPE.sub(r"\1", match.group(2).strip())


def _looks_like_file(value: str) -> bool:
    if not _EXTENSION.search(value.split("`")[-1]) and not value.rstrip().endswith("`"):
        return False
    head = value.lstrip('"')
    return (
        head.startswith(("/", "$HIP/", "$JOB/", "$HH/", "${HIP}/", "${JOB}/", "\\\\"))
        or bool(PureWindowsPath(head).drive)
    ) and " " not in head.split("/")[0]


def _frames(text: str) -> tuple[int, int] | None:
    match = re.search(r"^f\t\[[^\]]*\]\t\(\t(-?\d+)\t(-?\d+)\t", text, re.M)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _reference(node, parm, writes, value, scene: Path, variables, frames) -> Reference | None:
    if value.startswith(("$HH", "${HH")):
        return None  # a factory file inside Houdini's installation, not production media
    role = "write" if writes else "read"
    common = {"name": node.rsplit("/", 1)[-1], "owner": parm, "role": role}
    common["location"] = f"/{node} {parm}"
    expanded, unknown = _expand(value, scene, variables, node)
    if unknown or "`" in value:
        what = "a backtick expression" if "`" in value else ", ".join(sorted(unknown))
        return Reference(
            target=ReferenceTarget.UNRESOLVABLE, path=value,
            note=f"written as {value}; needs Houdini to evaluate {what}", **common,
        )  # fmt: skip
    note = f"written as {value}" if value != expanded else None
    if "#" in expanded:
        return Reference(
            target=ReferenceTarget.SEQUENCE, path=expanded,
            frames=frames if role == "write" else None, note=note, **common,
        )  # fmt: skip
    return Reference(target=ReferenceTarget.FILE, path=expanded, note=note, **common)


def _expand(value: str, scene: Path, variables: dict[str, str], node: str):
    """The value with plain variables expanded, and the names of the ones left."""
    plain = {
        "HIP": posixpath.dirname(scene.absolute().as_posix()),
        "HIPFILE": scene.absolute().as_posix(),
        "HIPNAME": scene.stem,
        "OS": node.rsplit("/", 1)[-1],
    }
    if "JOB" in variables:
        plain["JOB"] = variables["JOB"]
    value = _FRAME.sub(lambda m: "#" * int(m.group(1) or 1), value)
    value = value.replace("$FF", "#")
    unknown: set[str] = set()

    def expand(match: re.Match) -> str:
        name = match.group(1)
        if name in plain:
            return plain[name]
        unknown.add(f"${name}")
        return match.group(0)

    return _VARIABLE.sub(expand, value), unknown
