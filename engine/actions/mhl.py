"""ASC MHL v2 manifests beside archived trees, written with `ascmhl`, the ASC's reference
implementation, so `ascmhl verify` (and any MHL-aware tool) checks the archive."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

import msgspec

FOLDER = "ascmhl"
"""The history folder the ASC MHL specification names, inside the archived tree."""


class ManifestFile(msgspec.Struct, frozen=True):
    path: str
    """The archived copy."""
    bytes: int
    mtime_ns: int
    xxh128: str
    """Verified by reading the copy back."""


def write_manifest(tree: Path, files: list[ManifestFile], *, comment: str) -> Path:
    """Add one generation to the ASC MHL history of `tree` listing `files` (under it) with
    their xxh128 hashes, as a `transfer` process. Returns the history folder."""
    from ascmhl.__version__ import ascmhl_tool_name, ascmhl_tool_version
    from ascmhl.generator import MHLGenerationCreationSession
    from ascmhl.hashlist import MHLCreatorInfo, MHLProcess, MHLProcessInfo, MHLTool
    from ascmhl.history import MHLHistory
    from ascmhl.utils import datetime_now_isostring

    history = MHLHistory.load_from_path(str(tree))
    session = MHLGenerationCreationSession(history)
    for f in files:
        modified = datetime.datetime.fromtimestamp(f.mtime_ns / 1e9)
        ok = session.append_file_hash(f.path, f.bytes, modified, "xxh128", f.xxh128)
        if not ok:
            raise ValueError(f"{f.path}: its hash differs from the one the archive recorded")
    creator = MHLCreatorInfo()
    creator.tool = MHLTool(ascmhl_tool_name, ascmhl_tool_version)
    creator.creation_date = datetime_now_isostring()
    creator.host_name = platform.node()
    creator.comment = comment
    process = MHLProcessInfo()
    process.process = MHLProcess("transfer")
    session.commit(creator, process)
    return tree / FOLDER


def existed(tree: Path) -> bool:
    return os.path.isdir(tree / FOLDER)
