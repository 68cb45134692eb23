"""Resolve a project's references to cataloged assets.

A reference resolves by path (after relative resolution and path mapping), a sequence
reference to the cataloged sequence whose frames it uses, and a reference that carries
only a clip name and reel (an EDL event) by reel and overlapping timecode. What does not
resolve is listed with its nearest candidates, so the orphan analysis can keep them.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

import msgspec

from mediaopt.engine.model import Reference, ReferenceTarget
from mediaopt.engine.refs.index import CatalogIndex, Entry, fold, sequence_key, stems
from mediaopt.engine.refs.pathmap import PathMap, normalise

# Slack around a clip's timecode span: EDL sources are often trimmed a few frames beyond
# the media's handles, and a reel match one second off is still the same take.
_TIMECODE_SLACK_S = 1.0


# The one expression Nuke artists put in nearly every `file` knob, "the script's folder":
# worked out here as text, never evaluated. Anything else in brackets stays unresolvable.
_NUKE_SCRIPT_DIR = re.compile(r"\[\s*file\s+dirname\s+\[\s*value\s+root\.name\s*\]\s*\]")


_BLENDER_SUFFIXES = (".blend", ".blend1", ".blend2")
_MEDIA = {"video", "audio", "image", "sequence"}
"""What a reel names: a sidecar of the same name (`A001C003.ale`) is not the clip."""


class Resolution(msgspec.Struct, kw_only=True):
    """Where one reference points."""

    assets: list[str] = []
    """Cataloged asset paths (sequence patterns) it uses."""
    exists: bool = False
    """It points at a file that exists but is not cataloged (outside every scanned root)."""
    file: str | None = None
    """That uncataloged file, when `exists`: a project nested from outside the roots is
    read through it."""
    how: str = ""
    """`path`, `sequence`, `frame`, `case`, `link`, `reel` (the media's reel metadata),
    `reel-name` (the one file named after the reel), or empty when unresolved."""
    tried: list[str] = []
    candidates: list[str] = []

    @property
    def resolved(self) -> bool:
        return bool(self.assets) or self.exists


# UDIM tiles are numbered 1001 + u + 10 v (u < 10, v < 100): whatever frame range the
# host stored beside the path says nothing about which tiles exist.
_UDIM_TILES = (1001, 1999)


def resolve(
    reference: Reference, project_path: str, index: CatalogIndex, path_map: PathMap
) -> Resolution:
    project_dirs = _project_dirs(project_path)
    written = _NUKE_SCRIPT_DIR.sub(lambda _: project_dirs[0], reference.path or "")
    if written.startswith("//") and project_path.lower().endswith(_BLENDER_SUFFIXES):
        written = written[2:]  # Blender's `//` is "beside the .blend", not a UNC share
    computed = reference.target is ReferenceTarget.UNRESOLVABLE and written == reference.path
    if written and not computed:
        tried: list[str] = []
        for folder in project_dirs:
            tried += [p for p in path_map.local_paths(written, folder) if p not in tried]
        frames = _UDIM_TILES if "<UDIM>" in written else reference.frames
        found = _in_catalog(tried, frames, index) or _on_disk(tried)
        if found is not None:
            found.tried = tried
            return found
        return Resolution(tried=tried, candidates=_candidates(reference, index))
    if reference.reel:
        matches = [e.path for e in _reel_matches(reference, index)]
        if matches:
            return Resolution(assets=matches, how="reel")
        named = _reel_named_file(reference, index)
        if named is not None:
            return Resolution(assets=[named.path], how="reel-name")
    return Resolution(candidates=_candidates(reference, index))


def _reel_named_file(reference: Reference, index: CatalogIndex) -> Entry | None:
    """The one cataloged file named after the reel: Avid and most conform EDLs name a
    file-based camera's clip (`A001C003.mov`) only by its reel. Used when exactly one file
    has that stem and its timecode does not say otherwise; several are only candidates."""
    named = [e for e in index.by_stem.get(fold(reference.reel or ""), []) if e.kind in _MEDIA]
    wanted = timecode_seconds(reference.timecode, None)
    fitting = [e for e in named if wanted is None or _covers(e, wanted)]
    return fitting[0] if len(fitting) == 1 and len(named) == 1 else None


def _project_dirs(project_path: str) -> list[str]:
    """Folders a relative path in the project is relative to: where the project was named,
    and where it really is when that was through a symlink (a shortcut to the cut on a
    desktop; the relative media paths were written beside the real file)."""
    named = os.path.dirname(os.path.abspath(project_path))
    real = os.path.dirname(os.path.realpath(project_path))
    return [named] if real == named else [named, real]


def _in_catalog(
    tried: list[str], frames: tuple[int, int] | None, index: CatalogIndex
) -> Resolution | None:
    for local in tried:
        found = _by_path(local, frames, index)
        if found is not None:
            return found
    # The same folder spelt another way: a symlink or mount on either side. Scans do not
    # follow links inside a root, so the catalog holds one spelling, the project another.
    for local in tried:
        folder, name = os.path.split(local)
        if not os.path.isdir(folder):
            continue
        for same in index.same_folders(folder):
            found = _by_path(os.path.join(same, name), frames, index)
            if found is not None:
                found.how = "link"
                return found
    return _through_file_link(tried, frames, index)


def _through_file_link(
    tried: list[str], frames: tuple[int, int] | None, index: CatalogIndex
) -> Resolution | None:
    """A file symlink (`selects/best.mov -> ../camera/I.mov`): scans catalog a link inside
    a root under its target's path only, so the reference is to that asset."""
    for local in tried:
        if not os.path.islink(local):
            continue
        real = os.path.realpath(local)
        folder, name = os.path.split(real)
        for spelling in [folder, *index.same_folders(folder)]:
            found = _by_path(os.path.join(spelling, name), frames, index)
            if found is not None:
                found.how = "link"
                return found
    return None


def _on_disk(tried: list[str]) -> Resolution | None:
    for local in tried:
        if os.path.exists(local):
            return Resolution(exists=True, file=local, how="path")
    return None


def _by_path(local: str, frames: tuple[int, int] | None, index: CatalogIndex) -> Resolution | None:
    key = sequence_key(local)
    if key is not None:
        used = [e.path for e in _sequences_using(key, frames, index, folded=False)]
        if used:
            return Resolution(assets=used, how="sequence")
    # Not a sequence after all, or none cataloged: `#` and `@` also occur in plain names
    # (`take#3.wav`, `mix@48k.wav`), which the catalog holds as files.
    entry = _file(index.by_path.get(local), key)
    if entry is not None:
        return Resolution(assets=[entry.path], how="path")
    entry = index.sequence_at(local)
    if entry is not None:
        return Resolution(assets=[entry.path], how="frame")
    # Windows and macOS volumes ignore case (and macOS, Unicode normalisation), so a
    # mapped path may differ from the cataloged one only in that; it is the same file to
    # the project's author.
    if key is not None:
        used = [e.path for e in _sequences_using(key, frames, index, folded=True)]
        if used:
            return Resolution(assets=used, how="case")
    entry = _file(index.by_folded.get(fold(local)), key) or index.sequence_at(local, folded=True)
    if entry is not None:
        return Resolution(assets=[entry.path], how="case")
    return None


def _file(entry: Entry | None, key: tuple[str, str, int | None] | None) -> Entry | None:
    """`entry`, unless a sequence pattern found it as its own path: whether a sequence is
    used depends on the frames, which the sequence route has already weighed."""
    if entry is not None and key is not None and entry.sequence is not None:
        return None
    return entry


def _sequences_using(
    key: tuple[str, str, int | None],
    frames: tuple[int, int] | None,
    index: CatalogIndex,
    *,
    folded: bool,
) -> list[Entry]:
    head, tail, padding = key
    found = []
    for entry in index.sequences_named(head, tail, folded=folded):
        seq = entry.sequence
        # `%d` (and `#`, `%01d`) numbers frames at their natural width, which is what a
        # wider padding writes too once frames reach it (1001 is "1001" either way).
        if seq is None or (padding not in (None, 1) and padding != seq.padding):
            continue
        if frames is None or (frames[0] <= seq.last_frame and frames[1] >= seq.first_frame):
            found.append(entry)
    if not found and frames is not None and frames[1] - frames[0] < 100_000:
        # One frame on disk is cataloged as a single file, not a sequence.
        width = padding or 1
        for frame in range(frames[0], frames[1] + 1):
            path = f"{head}{frame:0{width}d}{tail}"
            entry = index.by_folded.get(fold(path)) if folded else index.by_path.get(path)
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
    names: set[str] = set()
    if reference.path:
        # Some writers percent-encode without a `file:` scheme; the name on disk is decoded.
        names = stems(normalise(reference.path)) | stems(normalise(unquote(reference.path)))
    if reference.name:
        names |= stems(reference.name)
    found = {e.path for name in names for e in index.by_stem.get(name, ())}
    found.update(e.path for e in _reel_matches(reference, index))
    if reference.reel:
        # A camera file is named after its reel and more (`A001C003_180101_R1AB.mov`),
        # and CMX 3600 cuts reel names to 8 characters: any file whose name starts with
        # the reel may be the one.
        found.update(e.path for e in index.stems_starting(fold(reference.reel)))
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
