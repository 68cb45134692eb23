"""Turn stat entries and probe results into catalog records."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
import xxhash

from mediaopt.engine.model import Asset, AssetKind, AssetStatus, FrameSequence

if TYPE_CHECKING:  # annotations only: `info` on one file needs no sequence grouping
    from mediaopt.engine.scan.sequences import FrameGroup
    from mediaopt.engine.scan.walk import FileEntry


def display_path(path: str) -> tuple[str, str | None]:
    """A path SQLite and JSON can hold, and the reason when it had to be changed.

    Names that are not valid UTF-8 arrive from the OS as surrogate escapes; they are kept
    readable with \\x escapes so a person can find the file."""
    try:
        path.encode("utf-8")
        return path, None
    except UnicodeEncodeError:
        shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return shown, "file name is not valid UTF-8 (shown with \\x escapes)"


def problem_asset(entry: FileEntry) -> Asset:
    path, _ = display_path(entry.path)
    return Asset(
        path=path,
        kind=AssetKind.UNKNOWN,
        bytes=0,
        mtime=0.0,
        status=AssetStatus.ERROR,
        reason=entry.problem,
    )


def file_asset(probed: Asset) -> Asset:
    path, name_problem = display_path(probed.path)
    asset = msgspec.structs.replace(probed, path=path)
    if name_problem:
        asset.status = AssetStatus.ERROR
        asset.reason = name_problem if not asset.reason else f"{name_problem}; {asset.reason}"
    return asset


def sequence_identity(group: FrameGroup) -> str:
    """Changes whenever any frame is added, removed, replaced or rewritten."""
    digest = xxhash.xxh3_64()
    for frame, entry in group.frames:
        digest.update(f"{frame}:{entry.identity};".encode())
    return f"seq:{len(group.frames)}:{digest.hexdigest()}"


def probe_targets(group: FrameGroup) -> list[FileEntry]:
    """The first frame, and the middle one to catch a sequence whose format changes."""
    first = group.frames[0][1]
    middle = group.frames[len(group.frames) // 2][1]
    return [first] if middle is first else [first, middle]


def probe_key(targets: list[FileEntry]) -> str:
    return "|".join(e.identity for e in targets)


def sequence_asset(group: FrameGroup, probes: list[Asset]) -> Asset:
    """One asset for a whole sequence, from its stats and the probes of one or two frames."""
    first = probes[0]
    present = {frame for frame, _ in group.frames}
    missing = [f for f in range(group.first, group.last + 1) if f not in present]
    pattern, name_problem = display_path(group.pattern)
    sequence = FrameSequence(
        pattern=pattern,
        first_frame=group.first,
        last_frame=group.last,
        padding=group.padding,
        frame_count=len(group.frames),
        missing_frames=missing,
        frame_bytes=[e.size for _, e in group.frames],
    )
    status, reasons = AssetStatus.OK, []
    for probe in probes:
        if probe.status is not AssetStatus.OK and probe.reason:
            status = AssetStatus.ERROR if probe.status is AssetStatus.ERROR else status
            reasons.append(f"frame {_frame_of(group, probe.path)}: {probe.reason}")
    if len(probes) > 1 and _picture_differs(probes[0], probes[1]):
        status = AssetStatus.PARTIAL if status is AssetStatus.OK else status
        reasons.append(
            f"frames differ: frame {group.first} is {_describe(probes[0])}, "
            f"frame {_frame_of(group, probes[1].path)} is {_describe(probes[1])}"
        )
    if name_problem:
        status = AssetStatus.ERROR
        reasons.insert(0, name_problem)
    return msgspec.structs.replace(
        first,
        path=pattern,
        kind=AssetKind.SEQUENCE,
        bytes=sum(e.size for _, e in group.frames),
        mtime=max(e.mtime_ns for _, e in group.frames) / 1e9,
        status=status,
        reason="; ".join(reasons) or None,
        sequence=sequence,
        probed_bytes=sum(p.probed_bytes or 0 for p in probes),
        probe_count=len(probes),
    )


def restat_sequence(stored: Asset, group: FrameGroup) -> Asset:
    """Frames were added or removed but the probed frames are unchanged: refresh the
    frame list and sizes without probing again."""
    fresh = sequence_asset(
        group, [msgspec.structs.replace(stored, status=AssetStatus.OK, reason=None)]
    )
    return msgspec.structs.replace(
        fresh,
        status=stored.status,
        reason=stored.reason,
        probed_bytes=stored.probed_bytes,
        probe_count=stored.probe_count,
    )


def _frame_of(group: FrameGroup, path: str) -> int | str:
    return next((f for f, e in group.frames if e.path == path), path)


def _picture_differs(a: Asset, b: Asset) -> bool:
    va, vb = a.video, b.video
    if va is None or vb is None:
        return False
    return (va.width, va.height, va.channels, va.pixel_type, va.compression) != (
        vb.width,
        vb.height,
        vb.channels,
        vb.pixel_type,
        vb.compression,
    )


def _describe(asset: Asset) -> str:
    v = asset.video
    if v is None:
        return asset.format or "unreadable"
    return f"{v.width}x{v.height} {v.channels}ch {v.pixel_type or ''} {v.compression or ''}".strip()
