"""Collapse numbered image files in one folder into frame sequences (fileseq parses names).

Only still-image extensions collapse: numbered movies (`A001_C002.mov`, `A001_C003.mov`)
are separate clips, not frames. Version numbers (`comp_v001.exr`, `comp_v002.exr`) are
not frame numbers either, nor are stills-camera names (`IMG_1234.jpg`, see stills.py);
whether a run with EXIF is photographs is decided after its first frame is probed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec

from mediaopt.engine.scan.extensions import IMAGE_EXTENSIONS
from mediaopt.engine.scan.stills import (
    EXIF_EXTENSIONS,
    STILLS_ONLY_EXTENSIONS,
    camera_named,
)
from mediaopt.engine.scan.walk import FileEntry

if TYPE_CHECKING:
    import fileseq

_SEPARATORS = "._-"
# A name ending in a short number and a dot before the "frame": `gamma_0.` of gamma_0.85.
_DECIMAL_HEAD = re.compile(r"(^|[_\-\s])\d{1,2}\.$")


class FrameGroup(msgspec.Struct, frozen=True):
    """Files of one sequence, in frame order."""

    pattern: str
    padding: int
    frames: list[tuple[int, FileEntry]]

    @property
    def first(self) -> int:
        return self.frames[0][0]

    @property
    def last(self) -> int:
        return self.frames[-1][0]


def group_sequences(files: Iterable[FileEntry]) -> tuple[list[FileEntry], list[FrameGroup]]:
    """Split one folder's files into single files and frame sequences of two frames or more."""
    singles: list[FileEntry] = []
    candidates: dict[str, FileEntry] = {}
    for entry in files:
        ext = entry.name.rpartition(".")[2].lower()
        if (
            entry.problem is None
            and ext in IMAGE_EXTENSIONS
            and any(c.isdigit() for c in entry.name)
            and not _still_by_name(entry.name, ext)
        ):
            candidates[entry.path] = entry
        else:
            singles.append(entry)
    if not candidates:
        return singles, []
    # Here, not at the top: fileseq's parser (ANTLR) takes 50 ms to import, a sixth of a
    # short scan, and a tree of movies and sound never needs it.
    import fileseq

    groups: list[FrameGroup] = []
    grouped: set[str] = set()
    for seq in fileseq.findSequencesInList(list(candidates)):
        members = _members(seq, candidates)
        if members is not None:
            groups.append(members)
            grouped.update(e.path for _, e in members.frames)
    # Whatever did not form a sequence is a single file, however fileseq spelled it.
    singles.extend(e for p, e in candidates.items() if p not in grouped)
    return singles, groups


def _still_by_name(name: str, ext: str) -> bool:
    if ext in STILLS_ONLY_EXTENSIONS:
        return True
    # Only in formats cameras and phones write: `img_0001.exr` is a render's name.
    return (ext in EXIF_EXTENSIONS or ext == "png") and camera_named(name)


def _members(seq: fileseq.FileSequence, candidates: dict[str, FileEntry]) -> FrameGroup | None:
    frame_set = seq.frameSet()
    if frame_set is None or len(frame_set) < 2:
        return None
    basename = seq.basename()
    if basename.rstrip(_SEPARATORS).lower().endswith("v"):
        return None  # comp_v001, comp_v002: versions of one image, not frames
    if seq.zfill() <= 2 and _DECIMAL_HEAD.search(basename):
        return None  # grade_0.85.png, grade_0.90.png: decimal values, not frames 85 and 90
    padding = max(1, seq.zfill())
    # `shot-0001.png`: fileseq reads the hyphen as a minus sign; it is a separator.
    hyphen = bool(basename) and basename[-1] not in _SEPARATORS and min(frame_set) < 0
    if hyphen:
        if max(frame_set) > 0:
            return None
        basename += "-"
        padding = max(1, padding - 1)
    frames: list[tuple[int, FileEntry]] = []
    for frame in frame_set:
        path = (
            f"{seq.dirname()}{basename}{abs(frame):0{padding}d}{seq.extension()}"
            if hyphen
            else seq.frame(frame)
        )
        entry = candidates.get(path)
        if entry is None:
            return None
        frames.append((abs(int(frame)) if hyphen else int(frame), entry))
    frames.sort(key=lambda item: item[0])
    pattern = f"{seq.dirname()}{basename}{'#' * padding}{seq.extension()}"
    return FrameGroup(pattern, padding, frames)
