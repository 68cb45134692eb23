"""Trimming media to what the projects use: image sequences lose the frames no project
uses beyond the handles (lossless for every cut that exists), and long movies get an
estimate of what a trim to the used ranges would save (an estimate only: a movie is
re-encoded to be trimmed, which mediaopt does not do)."""

from __future__ import annotations

import os
from collections import defaultdict

from mediaopt.engine.model import Action, ActionKind, Category, Evidence, Risk
from mediaopt.engine.recommend.files import planned_file
from mediaopt.engine.refs.index import Entry
from mediaopt.engine.refs.projects import Session
from mediaopt.engine.refs.resolve import timecode_seconds

_Use = tuple[str, tuple[int, int] | None, tuple[float, float] | None]
"""(project file, frames used, source range used in seconds)."""


def trims(
    session: Session,
    claimed: set[str],
    need: dict[str, str],
    handles: int,
    read_at: float,
    *,
    hashes: bool = True,
) -> list[Action]:
    """Trims of sequences to the frames projects use (plus `handles`), and estimates for
    movies; `hashes` as in `recommend`."""
    uses: dict[str, list[_Use]] = defaultdict(list)
    _MTIMES.clear()
    _MTIMES.update({rp.project.path: rp.mtime for rp in session.projects})
    for rp in session.projects:  # dormant projects too: what they use is not trimmed away
        for ref, res in zip(rp.project.references, rp.resolutions, strict=True):
            for asset in res.assets:
                uses[asset].append((rp.project.path, ref.frames, ref.source_range))
    actions = []
    for asset, used in sorted(uses.items()):
        entry = session.index.by_path.get(asset)
        if entry is None or asset in claimed or asset not in need:
            continue
        if entry.sequence is not None:
            action = _sequence_trim(entry, used, handles, read_at, hashes)
        elif entry.kind == "video":
            action = _movie_estimate(entry, used, handles, read_at)
        else:
            action = None
        if action is not None:
            claimed.add(asset)
            actions.append(action)
    return actions


def _sequence_trim(
    entry: Entry, used: list[_Use], handles: int, read_at: float, hashes: bool = True
) -> Action | None:
    if any(frames is None for _, frames, _ in used):
        return None  # some project uses the whole sequence
    seq = entry.sequence
    assert seq is not None
    ranges = [(a - handles, b + handles) for _, (a, b), _ in used]  # type: ignore[misc]
    missing = set(seq.missing_frames)
    drop = [
        frame
        for frame in range(seq.first_frame, seq.last_frame + 1)
        if frame not in missing and not any(lo <= frame <= hi for lo, hi in ranges)
    ]
    if not drop:
        return None
    head, _, tail = seq.pattern.partition("#" * seq.padding)
    files = []
    for frame in drop:
        number = f"{frame:0{seq.padding}d}" if frame >= 0 else f"-{-frame:0{seq.padding}d}"
        f = planned_file(f"{head}{number}{tail}", asset=entry.path, hashed=hashes)
        if f is not None:
            files.append(f)
    if not files:
        return None
    kept = ", ".join(f"{a}-{b}" for _, (a, b), _ in used)  # type: ignore[misc]
    return Action(
        id="",
        kind=ActionKind.DELETE,
        category=Category.SEQUENCE_TRIM,
        risk=Risk.DESTRUCTIVE,
        title=f"trim {entry.path} to the frames projects use ({kept}) plus {handles} handles",
        bytes=0,
        files=files,
        evidence=[
            Evidence(
                analysis="sequence use",
                reason=f"{len(files)} of {seq.last_frame - seq.first_frame + 1} frames lie "
                f"outside every used range plus {handles} frames of handles",
                projects=sorted({(p, _mtime(p)) for p, _, _ in used}),
                catalog_rows=[entry.path],
                read_at=read_at,
            )
        ],
    )


def _movie_estimate(entry: Entry, used: list[_Use], handles: int, read_at: float) -> Action | None:
    duration = entry.duration_s
    if not duration or any(rng is None for _, _, rng in used):
        return None
    rate = entry.frame_rate or 24.0
    offset = timecode_seconds(entry.start_timecode, rate) or 0.0
    pad = handles / rate
    spans = []
    for _, _, (start, length) in used:  # type: ignore[misc]
        if start >= offset:  # the project counts from the clip's timecode, not from 0
            start -= offset
        if start >= duration:
            return None  # the range does not fall in this file: its timecode is unknown
        spans.append((max(0.0, start - pad), min(duration, start + length + pad)))
    kept = _union(spans)
    saved = int(entry.bytes * max(0.0, 1.0 - kept / duration))
    if saved < entry.bytes * 0.1:
        return None  # under a tenth: not worth a re-encode
    return Action(
        id="",
        kind=ActionKind.ESTIMATE,
        category=Category.MOVIE_TRIM,
        risk=Risk.REVIEW,
        title=f"trimming {entry.path} to its used {kept:.1f} s of {duration:.1f} s "
        "would save about this much",
        bytes=saved,
        estimate_only=True,
        evidence=[
            Evidence(
                analysis="sequence use",
                reason="used ranges of every project that references it, plus "
                f"{handles} frames of handles; assumes a constant data rate",
                projects=sorted({(p, _mtime(p)) for p, _, _ in used}),
                catalog_rows=[entry.path],
                read_at=read_at,
            )
        ],
        command="re-encode or consolidate in the editing host (Resolve Media Management, "
        "Premiere Project Manager) with handles; mediaopt only estimates this",
    )


def _union(spans: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for lo, hi in sorted(spans):
        if hi <= end:
            continue
        total += hi - max(lo, end)
        end = hi
    return total


def _mtime(path: str) -> float:
    """A project file's modification time, as the session read it (one stat per file
    however many lines cite it)."""
    found = _MTIMES.get(path)
    if found is None:
        try:
            found = os.stat(path).st_mtime
        except OSError:
            found = 0.0
        _MTIMES[path] = found
    return found


_MTIMES: dict[str, float] = {}
