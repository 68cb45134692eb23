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

from collections.abc import Sequence

import av
import msgspec

from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.bandwidth.profile import Profiles, RateProfile, read_profile
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, BandwidthNeed, PeakSource

DEFAULT_SEQUENCE_FPS = 24.0
"""Image files carry no playback rate; 24 unless the timeline or the user says."""


def asset_need(
    asset: Asset,
    *,
    fps: float | None = None,
    read_index: bool = True,
    profiles: Profiles | None = None,
) -> BandwidthNeed:
    """The 1x need of a cataloged asset. `fps` overrides a sequence's playback rate;
    `read_index=False` skips opening movies (the peak is then the average); `profiles`
    reuses movies' index-derived profiles (from the catalog) instead of reading them."""
    if asset.status is AssetStatus.ERROR:
        raise BandwidthError(f"{asset.path}: cannot measure its data rate ({asset.reason})")
    if asset.sequence is not None:
        return sequence_need(asset, fps=fps)
    if asset.kind in (AssetKind.VIDEO, AssetKind.AUDIO):
        return movie_need(asset, read_index=read_index, profiles=profiles)
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


def movie_need(
    asset: Asset, *, read_index: bool = True, profiles: Profiles | None = None
) -> BandwidthNeed:
    duration = asset.duration_s
    if not duration or duration <= 0:
        raise BandwidthError(f"{asset.path}: no duration in its header, cannot derive a rate")
    average = (asset.overall_bit_rate / 8) if asset.overall_bit_rate else asset.bytes / duration
    video = asset.video
    peak, at, source, note = average, None, PeakSource.AVERAGE, None
    if read_index:
        profile, note = movie_profile(asset, profiles, bins=False)
        if profile is not None:
            peak, at = max(average, profile.peak * overhead(asset, profile)), profile.peak_at
            source = PeakSource.INDEX
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


def movie_profile(
    asset: Asset, profiles: Profiles | None, *, bins: bool = True
) -> tuple[RateProfile | None, str | None]:
    """The movie's rate profile (None without an index) and a note when unreadable;
    without `bins`, perhaps only its peak (see `Profiles.get`)."""
    try:
        if profiles is not None:
            return profiles.get(asset.path, asset.duration_s or 0.0, bins=bins), None
        return read_profile(asset.path, asset.duration_s or 0.0), None
    except (OSError, av.error.FFmpegError) as exc:
        return None, f"index unreadable ({exc}); peak taken as average"


def overhead(asset: Asset, profile: RateProfile) -> float:
    """Whole-file bytes per essence byte: the index counts essence only, storage reads
    the container too, so peaks are scaled to describe the same bytes as the average."""
    essence = profile.essence_bytes
    return asset.bytes / essence if essence else 1.0


def used_range_need(
    need: BandwidthNeed, asset: Asset, profile: RateProfile, start_s: float, end_s: float
) -> BandwidthNeed:
    """The need over the part [start_s, end_s) of a movie that a clip plays, seconds from
    its first packet: a clip of the quiet half of a file does not carry the loud half's
    peak. The average is the bytes in the range over its length."""
    start_s, end_s = max(start_s, 0.0), min(end_s, profile.length)
    if end_s <= start_s:
        return need
    scale = overhead(asset, profile)
    peak = profile.peak_between(start_s, end_s) * scale
    # Bins are quantised to 0.25%: on steady footage the range's average could come out
    # a hair above its exact peak, which no real average is.
    average = min(profile.bytes_between(start_s, end_s) * scale / (end_s - start_s), peak)
    return msgspec.structs.replace(
        need,
        average_bytes_per_s=average,
        peak_bytes_per_s=peak,
        peak_at_s=None,
        duration_s=end_s - start_s,
    )
