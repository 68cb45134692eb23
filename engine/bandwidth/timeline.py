"""A timeline's bandwidth curve: the clips playing at each moment across every video and
audio track, their rates summed, read from anything OpenTimelineIO reads.

Each clip contributes over its range in the timeline, extended by the transitions on
either side (both clips of a dissolve are read at once). Clips under a linear time warp
read proportionally faster; disabled clips and tracks are not read. Sequence clips count
only the frames they use, and open one file per frame; movie clips count only the seconds
they play, from the per-second profile of the container's index (`profile.py`).
"""

from __future__ import annotations

import contextlib
import heapq
import os
from collections.abc import Callable
from pathlib import Path

import opentimelineio as otio

from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.bandwidth.profile import Profiles
from mediaopt.engine.bandwidth.rates import asset_need, movie_profile, sliding_peak, used_range_need
from mediaopt.engine.model import (
    Asset,
    BandwidthNeed,
    ClipUse,
    CurveSegment,
    PeakSource,
    TimelineCurve,
)
from mediaopt.engine.refs.pathmap import PathMap

Describe = Callable[[str], Asset]
"""Path (a file or a `####` pattern) -> its Asset record: the catalog's, or probed now."""


def read_timeline(path: str | os.PathLike[str]) -> otio.schema.Timeline:
    """The first timeline in a file OTIO can read; errors name the file and the reason."""
    try:
        result = otio.adapters.read_from_file(str(path))
    except Exception as exc:  # adapters raise anything from KeyError to their own types
        raise BandwidthError(f"{path}: not a readable timeline ({exc})") from None
    if isinstance(result, otio.schema.Timeline):
        return result
    timelines = list(result.find_children(descended_from_type=otio.schema.Timeline))
    if isinstance(result, otio.schema.SerializableCollection) and timelines:
        return timelines[0]
    raise BandwidthError(f"{path}: holds no timeline")


def timeline_curve(
    path: str | os.PathLike[str],
    describe: Describe,
    *,
    read_index: bool = True,
    profiles: Profiles | None = None,
    path_map: PathMap | None = None,
) -> TimelineCurve:
    """The curve of the first timeline in `path`. `profiles` keeps movies' index-derived
    profiles (from and for the catalog); without it each movie's index is read once."""
    timeline = read_timeline(path)
    base = Path(path).resolve().parent
    rate = _timeline_rate(timeline)
    reading = _Reading(describe, read_index, profiles if profiles is not None else Profiles())
    reading.path_map = path_map or PathMap()
    clips: list[ClipUse] = []
    for track in timeline.tracks:
        if not isinstance(track, otio.schema.Track) or not track.enabled:
            continue
        kind = "audio" if track.kind == otio.schema.TrackKind.Audio else "video"
        _fill_unknown_ranges(track, base, rate, reading)
        unplaced: str | None = None
        for clip in track.find_clips():
            if not clip.enabled:
                continue
            try:
                clips.append(_clip_use(clip, track, kind, timeline, base, rate, reading))
            except otio.exceptions.CannotComputeAvailableRangeError:
                # No source range and no media length: neither this clip nor any after
                # it on the track has a known place. Reported, never guessed.
                label = clip.name or f"clip {track.index(clip) + 1}"
                target, fps = _media_path(clip.media_reference, base, rate, reading.path_map)
                found = reading.need(target, fps) if target else "no media path"
                why = found if isinstance(found, str) else "the file gives no length"
                problem = unplaced or (
                    f"no source range, and its media's length is unknown ({why}): cannot be placed"
                )
                unplaced = unplaced or f"after {label}, whose length is unknown: cannot be placed"
                use = {"name": label, "track": track.name or kind, "kind": kind}
                clips.append(ClipUse(**use, start_s=0.0, end_s=0.0, problem=problem))
    segments = _sweep(clips)
    try:
        duration = timeline.duration().to_seconds()
    except otio.exceptions.CannotComputeAvailableRangeError:
        duration = max((c.end_s for c in clips), default=0.0)
    start = timeline.global_start_time or otio.opentime.RationalTime(0, rate)
    if segments:
        peak = max(segments, key=lambda s: (s.peak_bytes_per_s, -s.start_s))
    else:
        peak = CurveSegment(
            start_s=0.0, end_s=0.0, bytes_per_s=0, peak_bytes_per_s=0, file_opens_per_s=0, clips=[]
        )
    weighted = sum(s.bytes_per_s * (s.end_s - s.start_s) for s in segments)
    return TimelineCurve(
        path=str(path),
        name=timeline.name or None,
        rate=rate,
        duration_s=duration,
        clips=clips,
        segments=segments,
        peak_bytes_per_s=peak.peak_bytes_per_s,
        peak_start_s=peak.start_s,
        start_timecode=otio.opentime.to_timecode(start, rate),
        peak_timecode=otio.opentime.to_timecode(
            start + otio.opentime.RationalTime(round(peak.start_s * rate), rate), rate
        ),
        peak_clips=[f"{clips[i].track}: {clips[i].name}" for i in peak.clips],
        average_bytes_per_s=weighted / duration if duration > 0 else 0.0,
        peak_file_opens_per_s=max((s.file_opens_per_s for s in segments), default=0.0),
        problems=[f"{c.track}: {c.name}: {c.problem}" for c in clips if c.problem],
    )


def timecode_at(curve: TimelineCurve, seconds: float) -> str:
    """Timeline timecode `seconds` after the timeline's start."""
    start = otio.opentime.from_timecode(curve.start_timecode, curve.rate)
    offset = otio.opentime.RationalTime(round(seconds * curve.rate), curve.rate)
    return otio.opentime.to_timecode(start + offset, curve.rate)


def _timeline_rate(timeline: otio.schema.Timeline) -> float:
    if timeline.global_start_time is not None:
        return timeline.global_start_time.rate
    for clip in timeline.find_clips():
        known = clip.source_range or clip.media_reference.available_range
        if known is not None:
            return known.duration.rate
    return 24.0


class _Reading:
    """What the clips of one timeline share: each media's record and need, found once."""

    def __init__(self, describe: Describe, read_index: bool, profiles: Profiles):
        self.describe = describe
        self.read_index = read_index
        self.profiles = profiles
        self.found: dict[tuple[str, float], tuple[Asset, BandwidthNeed] | str] = {}
        self.path_map = PathMap()

    def need(self, target: str, fps: float) -> tuple[Asset, BandwidthNeed] | str:
        key = (target, fps)
        if key not in self.found:
            self.found[key] = self._read(target, fps)
        return self.found[key]

    def _read(self, target: str, fps: float) -> tuple[Asset, BandwidthNeed] | str:
        try:
            asset = self.describe(target)
            return asset, asset_need(
                asset, fps=fps, read_index=self.read_index, profiles=self.profiles
            )
        except (BandwidthError, OSError, ValueError) as exc:
            return str(exc)
        except Exception as exc:  # a probe failure must not stop the other clips
            return f"{target}: cannot read ({exc})"


def _clip_use(
    clip: otio.schema.Clip,
    track: otio.schema.Track,
    kind: str,
    timeline: otio.schema.Timeline,
    base: Path,
    rate: float,
    reading: _Reading,
) -> ClipUse:
    in_parent = clip.trimmed_range_in_parent()
    assert in_parent is not None  # a clip found inside a track always has a parent
    parent = clip.parent()
    placed = parent.transformed_time_range(in_parent, timeline.tracks)
    before, after = _transition_handles(clip)
    # Microsecond rounding: frame times in float seconds must meet exactly at cuts, or
    # adjacent clips would overlap by 1e-15 s and add a phantom peak.
    start = round((placed.start_time - before).to_seconds(), 6)
    end = round((placed.end_time_exclusive() + after).to_seconds(), 6)
    label = clip.name or f"clip {parent.index(clip) + 1}"
    use = {"name": label, "track": track.name or kind, "kind": kind, "start_s": start}
    use["end_s"] = end
    ref = clip.media_reference
    target, fps = _media_path(ref, base, rate, reading.path_map)
    if target is None:
        return ClipUse(**use, problem="no media path (missing reference)")
    found = reading.need(target, fps)
    if isinstance(found, str):
        return ClipUse(**use, path=target, problem=found)
    asset, need = found
    scale = _speed(clip)
    if isinstance(ref, otio.schema.ImageSequenceReference):
        need = _used_frames(need, ref, clip, asset, fps)
    elif need.peak_source is PeakSource.INDEX:
        need = _used_range(need, ref, clip, asset, reading.profiles, before, after, scale)
    return ClipUse(
        **use,
        path=target,
        average_bytes_per_s=need.average_bytes_per_s * scale,
        peak_bytes_per_s=need.peak_bytes_per_s * scale,
        file_opens_per_s=need.file_opens_per_s * scale,
    )


def _fill_unknown_ranges(
    track: otio.schema.Track, base: Path, rate: float, reading: _Reading
) -> None:
    """A clip with no source range plays all of its media (as an NLE relinking it would):
    where the file gives no available range either, the probed media's length does."""
    for clip in track.find_clips():
        ref = clip.media_reference
        if clip.source_range is not None or ref.available_range is not None:
            continue
        target, fps = _media_path(ref, base, rate, reading.path_map)
        found = reading.need(target, fps) if target else None
        if not isinstance(found, tuple) or not found[0].duration_s:
            continue
        asset = found[0]
        start = otio.opentime.RationalTime(0, rate)
        if asset.start_timecode:
            with contextlib.suppress(ValueError):
                start = otio.opentime.from_timecode(asset.start_timecode, rate)
        length = otio.opentime.RationalTime(round(asset.duration_s * rate), rate)
        ref.available_range = otio.opentime.TimeRange(start, length)


def _transition_handles(clip: otio.schema.Clip) -> tuple[otio.opentime.RationalTime, ...]:
    parent = clip.parent()
    zero = otio.opentime.RationalTime(0, clip.trimmed_range().duration.rate)
    if not isinstance(parent, otio.schema.Track):
        return zero, zero
    before, after = parent.handles_of_child(clip)
    return before or zero, after or zero


def _media_path(
    ref: otio.core.MediaReference | None, base: Path, rate: float, path_map: PathMap
) -> tuple[str | None, float]:
    if isinstance(ref, otio.schema.ImageSequenceReference):
        # The folder is a URL but the `####` pattern is not: `#` would start a fragment.
        folder = _local_path(ref.target_url_base, base, path_map)
        pattern = f"{ref.name_prefix}{'#' * max(ref.frame_zero_padding, 1)}{ref.name_suffix}"
        return os.path.join(folder, pattern), ref.rate or rate
    if isinstance(ref, otio.schema.ExternalReference) and ref.target_url:
        return _local_path(ref.target_url, base, path_map), rate
    return None, rate


def _local_path(url: str, base: Path, path_map: PathMap) -> str:
    # The projects' path rules: file:// URLs with hosts, percent-encoding, UNC and drive
    # letters, relative paths, and the same `--map` / config path map as every command.
    # The first candidate that exists wins; none existing, the best one is reported.
    found = path_map.local_paths(url, str(base))
    return next((p for p in found if os.path.exists(os.path.dirname(p))), None) or (
        found[0] if found else url
    )


def _used_range(
    need: BandwidthNeed,
    ref: otio.core.MediaReference,
    clip: otio.schema.Clip,
    asset: Asset,
    profiles: Profiles,
    before: otio.opentime.RationalTime,
    after: otio.opentime.RationalTime,
    speed: float,
) -> BandwidthNeed:
    """The need over the part of the movie the clip plays (transition handles and a time
    warp's faster read included), not the whole file's peak."""
    profile, _ = movie_profile(asset, profiles)
    if profile is None:
        return need
    used = clip.trimmed_range()
    start = used.start_time - _media_origin(ref, asset, used.start_time)
    first = (start - before).to_seconds()
    length = (before + used.duration + after).to_seconds() * speed
    return used_range_need(need, asset, profile, first, first + length)


def _media_origin(
    ref: otio.core.MediaReference, asset: Asset, start: otio.opentime.RationalTime
) -> otio.opentime.RationalTime:
    """The media time of the movie's first frame: source ranges from an NLE count from
    the media's start timecode, which OTIO gives as the available range's start."""
    if ref.available_range is not None:
        return ref.available_range.start_time
    if asset.start_timecode:
        with contextlib.suppress(ValueError):
            origin = otio.opentime.from_timecode(asset.start_timecode, start.rate)
            if origin <= start:
                return origin
    return otio.opentime.RationalTime(0, start.rate)


def _used_frames(
    need: BandwidthNeed,
    ref: otio.schema.ImageSequenceReference,
    clip: otio.schema.Clip,
    asset: Asset,
    fps: float,
) -> BandwidthNeed:
    """The need over the frames the clip plays, not the whole sequence on disk."""
    seq = asset.sequence
    if seq is None:
        return need
    try:
        first, last = ref.frame_range_for_time_range(clip.trimmed_range())
    except Exception:  # a range outside the reference's frames: keep the whole sequence
        return need
    missing = set(seq.missing_frames)
    present = (f for f in range(seq.first_frame, seq.last_frame + 1) if f not in missing)
    used = [size for f, size in zip(present, seq.frame_bytes, strict=False) if first <= f <= last]
    if not used:
        return need
    peak, _ = sliding_peak(used, fps)
    average = sum(used) * fps / len(used)
    return BandwidthNeed(
        path=need.path,
        kind=need.kind,
        average_bytes_per_s=average,
        peak_bytes_per_s=peak,
        peak_source=need.peak_source,
        frame_rate=fps,
        file_opens_per_s=fps,
    )


def _speed(clip: otio.schema.Clip) -> float:
    scale = 1.0
    for effect in clip.effects:
        if isinstance(effect, otio.schema.LinearTimeWarp):
            scale *= abs(effect.time_scalar)
    return scale


def _sweep(clips: list[ClipUse]) -> list[CurveSegment]:
    """Split the timeline where any clip starts or ends; sum what plays in each stretch."""
    events = sorted(
        {c.start_s for c in clips if c.end_s > c.start_s}
        | {c.end_s for c in clips if c.end_s > c.start_s}
    )
    order = sorted(range(len(clips)), key=lambda i: clips[i].start_s)
    active: list[tuple[float, int]] = []  # (end, clip index) heap
    segments: list[CurveSegment] = []
    nxt = 0
    for lo, hi in zip(events, events[1:], strict=False):
        while nxt < len(order) and clips[order[nxt]].start_s <= lo:
            i = order[nxt]
            if clips[i].end_s > clips[i].start_s:
                heapq.heappush(active, (clips[i].end_s, i))
            nxt += 1
        while active and active[0][0] <= lo:
            heapq.heappop(active)
        playing = sorted(i for _, i in active)
        if not playing:
            continue
        segments.append(
            CurveSegment(
                start_s=lo,
                end_s=hi,
                bytes_per_s=sum(clips[i].average_bytes_per_s for i in playing),
                peak_bytes_per_s=sum(clips[i].peak_bytes_per_s for i in playing),
                file_opens_per_s=sum(clips[i].file_opens_per_s for i in playing),
                clips=playing,
            )
        )
    return segments
