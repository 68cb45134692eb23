"""What one asset needs from storage to play at 1x: average and peak data rate, file opens.

Sequences are exact: the catalog holds every frame's size. Movies take their average from
the header (file size over duration, container overhead included, since storage reads
the whole file) and their peak from the container's sample index where the demuxer
builds one from the header alone (QuickTime/MP4 `stsz`/`stco`, Matroska cues): packet
sizes and times without reading essence. MXF and WAV carry no such cheap index here, and
their usual codecs (DNx, PCM) are constant-rate, so the peak is taken as the average and
says so (`peak_source: average`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import av

from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, BandwidthNeed, PeakSource
from mediaopt.engine.scan.reader import MediaReader

DEFAULT_SEQUENCE_FPS = 24.0
"""Image files carry no playback rate; 24 unless the timeline or the user says."""

INDEX_BUDGET = 32 * 1024 * 1024
"""Bytes the index read may take: the `moov` box (a few MB for hours of footage) plus the
first packets the demuxer peeks at (one 4K ProRes 4444 XQ frame is ~10 MB)."""


def asset_need(asset: Asset, *, fps: float | None = None, read_index: bool = True) -> BandwidthNeed:
    """The 1x need of a cataloged asset. `fps` overrides a sequence's playback rate;
    `read_index=False` skips opening movies (the peak is then the average)."""
    if asset.status is AssetStatus.ERROR:
        raise BandwidthError(f"{asset.path}: cannot measure its data rate ({asset.reason})")
    if asset.sequence is not None:
        return sequence_need(asset, fps=fps)
    if asset.kind in (AssetKind.VIDEO, AssetKind.AUDIO):
        return movie_need(asset, read_index=read_index)
    raise BandwidthError(f"{asset.path}: a {asset.kind} asset is not played back, no data rate")


def sequence_need(asset: Asset, *, fps: float | None = None) -> BandwidthNeed:
    seq = asset.sequence
    assert seq is not None
    if not seq.frame_bytes:
        raise BandwidthError(f"{asset.path}: the sequence has no frames on disk")
    video = asset.video
    rate = fps or (video.frame_rate if video and video.frame_rate else DEFAULT_SEQUENCE_FPS)
    peak, at = sliding_peak(seq.frame_bytes, rate)
    frames = len(seq.frame_bytes)
    return BandwidthNeed(
        path=asset.path,
        kind=AssetKind.SEQUENCE,
        average_bytes_per_s=sum(seq.frame_bytes) * rate / frames,
        peak_bytes_per_s=peak,
        peak_source=PeakSource.FRAMES,
        peak_at_s=at / rate,
        frame_rate=rate,
        duration_s=frames / rate,
        file_opens_per_s=rate,
        note=f"{len(seq.missing_frames)} frames missing" if seq.missing_frames else None,
    )


def sliding_peak(frame_bytes: Sequence[int], fps: float) -> tuple[float, int]:
    """Highest bytes/s over any run of one second's frames, and the run's first frame index.

    A second holds round(fps) frames (24 at 23.976, which spans 1.001 s: the rate divides
    by the run's true length). A sequence shorter than a second peaks at its average.
    """
    window = max(1, round(fps))
    if len(frame_bytes) <= window:
        return sum(frame_bytes) * fps / len(frame_bytes), 0
    total = sum(frame_bytes[:window])
    best, best_at = total, 0
    for i in range(window, len(frame_bytes)):
        total += frame_bytes[i] - frame_bytes[i - window]
        if total > best:
            best, best_at = total, i - window + 1
    return best * fps / window, best_at


def movie_need(asset: Asset, *, read_index: bool = True) -> BandwidthNeed:
    duration = asset.duration_s
    if not duration or duration <= 0:
        raise BandwidthError(f"{asset.path}: no duration in its header, cannot derive a rate")
    average = (asset.overall_bit_rate / 8) if asset.overall_bit_rate else asset.bytes / duration
    video = asset.video
    peak, at, source, note = average, None, PeakSource.AVERAGE, None
    if read_index:
        try:
            found = index_peak(asset.path, duration)
        except (OSError, av.error.FFmpegError) as exc:
            found, note = None, f"index unreadable ({exc}); peak taken as average"
        if found is not None:
            # The index counts essence only; scale by the container's overhead so the peak
            # and average describe the same bytes.
            peak_essence, at, essence_total = found
            overhead = asset.bytes / essence_total if essence_total else 1.0
            peak, source = max(average, peak_essence * overhead), PeakSource.INDEX
    return BandwidthNeed(
        path=asset.path,
        kind=asset.kind,
        average_bytes_per_s=average,
        peak_bytes_per_s=peak,
        peak_source=source,
        peak_at_s=at,
        frame_rate=video.frame_rate if video else None,
        duration_s=duration,
        note=note,
    )


def index_peak(path: str, duration_s: float) -> tuple[float, float, int] | None:
    """(peak bytes/s, window start s, essence bytes) from the container's index, all
    streams together; None when the container has no index in its header."""
    events: list[tuple[float, int]] = []
    reader = MediaReader(path, budget=INDEX_BUDGET, drop_cache=True)
    try:
        # probesize/analyzeduration at their minimum: stream parameters come from the
        # header; we only want the index the demuxer builds while opening.
        with av.open(reader, options={"probesize": "32", "analyzeduration": "0"}) as container:
            for stream in container.streams:
                entries = stream.index_entries
                if len(entries) == 0:
                    continue
                base = min(e.timestamp for e in entries)
                tb = float(stream.time_base)
                events.extend(((e.timestamp - base) * tb, e.size) for e in entries)
    finally:
        with contextlib.suppress(OSError):
            reader.close()
    if not events:
        return None
    events.sort()
    peak, at = window_peak(events, duration_s)
    return peak, at, sum(size for _, size in events)


def window_peak(events: list[tuple[float, int]], duration_s: float) -> tuple[float, float]:
    """Highest bytes in any one-second window [s, s+1) inside the asset, over time-sorted
    (time, bytes) events. The best window starts at an event (sliding a window right
    until its left edge meets an event loses nothing), or is the last full second."""
    if duration_s <= 1.0:
        return sum(size for _, size in events) / max(duration_s, 1e-9), 0.0
    # Packet times are frame multiples (k/24 s) in float: a packet exactly one second
    # after the window's start must fall outside it however the floats round.
    edge = 1.0 - 1e-6
    starts = [t for t, _ in events if t <= duration_s - 1.0] + [duration_s - 1.0]
    best, best_at = 0, 0.0
    lo = hi = 0
    total = 0
    n = len(events)
    for s in sorted(starts):
        while hi < n and events[hi][0] < s + edge:
            total += events[hi][1]
            hi += 1
        while lo < hi and events[lo][0] < s - 1e-6:
            total -= events[lo][1]
            lo += 1
        if total > best:
            best, best_at = total, s
    return float(best), best_at
