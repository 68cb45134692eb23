"""Resolve a project's references to cataloged assets.

A reference resolves by path (after relative resolution and path mapping), a sequence
reference to the cataloged sequence whose frames it uses, and a reference that carries
only a clip name and reel (an EDL event) by reel and overlapping timecode. What does not
resolve is listed with its nearest candidates, so the orphan analysis can keep them.
"""

from __future__ import annotations

import os
import re

import msgspec

from mediaopt.engine.model import Reference, ReferenceTarget
from mediaopt.engine.projects.index import CatalogIndex, Entry, sequence_key, stems
from mediaopt.engine.projects.pathmap import PathMap, normalise

# Slack around a clip's timecode span: EDL sources are often trimmed a few frames beyond
# the media's handles, and a reel match one second off is still the same take.
_TIMECODE_SLACK_S = 1.0


# The one expression Nuke artists put in nearly every `file` knob, "the script's folder":
# worked out here as text, never evaluated. Anything else in brackets stays unresolvable.
_NUKE_SCRIPT_DIR = re.compile(r"\[\s*file\s+dirname\s+\[\s*value\s+root\.name\s*\]\s*\]")


_BLENDER_SUFFIXES = (".blend", ".blend1", ".blend2")


class Resolution(msgspec.Struct, kw_only=True):
    """Where one reference points."""

    assets: list[str] = []
    """Cataloged asset paths (sequence patterns) it uses."""
    exists: bool = False
    """It points at a file that exists but is not cataloged (outside every scanned root)."""
    how: str = ""
    """`path`, `sequence`, `frame`, `case`, `reel`, or empty when unresolved."""
    tried: list[str] = []
    candidates: list[str] = []

    @property
    def resolved(self) -> bool:
        return bool(self.assets) or self.exists


def resolve(
    reference: Reference, project_path: str, index: CatalogIndex, path_map: PathMap
) -> Resolution:
    project_dir = os.path.dirname(os.path.abspath(project_path))
    written = _NUKE_SCRIPT_DIR.sub(lambda _: project_dir, reference.path or "")
    if written.startswith("//") and project_path.lower().endswith(_BLENDER_SUFFIXES):
        written = written[2:]  # Blender's `//` is "beside the .blend", not a UNC share
    computed = reference.target is ReferenceTarget.UNRESOLVABLE and written == reference.path
    if written and not computed:
        tried = path_map.local_paths(written, project_dir)
        for local in tried:
            found = _by_path(local, reference, index)
            if found is not None:
                found.tried = tried
                return found
        return Resolution(tried=tried, candidates=_candidates(reference, index))
    if reference.reel:
        matches = [e.path for e in _reel_matches(reference, index)]
        if matches:
            return Resolution(assets=matches, how="reel")
    return Resolution(candidates=_candidates(reference, index))


def _by_path(local: str, reference: Reference, index: CatalogIndex) -> Resolution | None:
    key = sequence_key(local)
    if key is not None:
        used = [e.path for e in _sequences_using(key, reference.frames, index)]
        return Resolution(assets=used, how="sequence") if used else None
    entry = index.by_path.get(local)
    if entry is not None:
        return Resolution(assets=[entry.path], how="path")
    entry = index.sequence_at(local)
    if entry is not None:
        return Resolution(assets=[entry.path], how="frame")
    # Windows and macOS volumes ignore case, so a mapped path may differ from the
    # cataloged one only in case; it is the same file to the project's author.
    entry = index.by_folded.get(local.casefold())
    if entry is not None:
        return Resolution(assets=[entry.path], how="case")
    if os.path.exists(local):
        return Resolution(exists=True, how="path")
    return None


def _sequences_using(
    key: tuple[str, str, int | None], frames: tuple[int, int] | None, index: CatalogIndex
) -> list[Entry]:
    head, tail, padding = key
    found = []
    for entry in index.sequences.get((head, tail), ()):
        seq = entry.sequence
        if seq is None or (padding is not None and padding != seq.padding):
            continue
        if frames is None or (frames[0] <= seq.last_frame and frames[1] >= seq.first_frame):
            found.append(entry)
    if not found and frames is not None and frames[1] - frames[0] < 100_000:
        # One frame on disk is cataloged as a single file, not a sequence.
        width = padding or 1
        for frame in range(frames[0], frames[1] + 1):
            entry = index.by_path.get(f"{head}{frame:0{width}d}{tail}")
            if entry is not None:
                found.append(entry)
    return found


def _reel_matches(reference: Reference, index: CatalogIndex) -> list[Entry]:
    if not reference.reel:
        return []
    wanted = timecode_seconds(reference.timecode, None)
    return [
        e
        for e in index.by_reel.get(reference.reel.casefold(), ())
        if wanted is None or _covers(e, wanted)
    ]


def _covers(entry: Entry, seconds: float) -> bool:
    start = timecode_seconds(entry.start_timecode, entry.frame_rate)
    if start is None:
        return True  # nothing says otherwise: unsure means it may be the one
    end = start + (entry.duration_s or 0.0)
    return start - _TIMECODE_SLACK_S <= seconds <= end + _TIMECODE_SLACK_S


def _candidates(reference: Reference, index: CatalogIndex) -> list[str]:
    """Assets a reference might mean: same file stem as its path or clip name, or the
    same reel at an overlapping timecode."""
    names = stems(normalise(reference.path)) if reference.path else set()
    if reference.name:
        names |= stems(reference.name)
    found = {e.path for name in names for e in index.by_stem.get(name, ())}
    found.update(e.path for e in _reel_matches(reference, index))
    return sorted(found)


def timecode_seconds(timecode: str | None, rate: float | None) -> float | None:
    """`HH:MM:SS:FF` (or `;` drop-frame) in seconds at `rate` (24 when unknown: only used
    with a second of slack, and frames are under a second at any rate)."""
    if not timecode:
        return None
    parts = timecode.replace(";", ":").replace(".", ":").split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    h, m, s, f = (int(p) for p in parts)
    return h * 3600 + m * 60 + s + f / (rate or 24.0)
