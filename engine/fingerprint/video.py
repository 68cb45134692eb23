"""Video fingerprints: hashes of a few frames sampled by time, never the whole file.

Frames are sampled at fixed times (every SAMPLE_STEP seconds, at most MAX_SAMPLES), found
by seeking to the keyframe before each time and decoding forward to it, so the work is
bounded by the GOP length, not the file. Sampling by time, not frame number, is what
lets a frame-rate change match; matching each sample to the nearest-looking sample of the
other file (rather than by index) is what lets a trim match. An image sequence is sampled
the same way, by frame number over its frame rate, so a movie made from it matches it.
"""

from __future__ import annotations

import os

import av
import msgspec
import numpy as np

from mediaopt.engine.fingerprint.errors import MediaDecodeError
from mediaopt.engine.fingerprint.image import SAME_PICTURE
from mediaopt.engine.fingerprint.picture import load_picture, picture_hashes, thumbnail, trim_bars
from mediaopt.engine.model import Asset
from mediaopt.engine.scan.reader import MediaReader

METHOD = "video/1"
SAMPLE_STEP = 0.25
"""Seconds between samples: half of it is the worst misalignment after a trim, and
footage rarely changes beyond recognition in an eighth of a second."""
MAX_SAMPLES = 24
SAME_FOOTAGE = 0.7
"""Share of the shorter clip's samples that must find a matching frame in the other."""
DECODE_SIDE = 256


class VideoPrint(msgspec.Struct, array_like=True, frozen=True):
    times: list[float]
    phash: list[int]
    dhash: list[int]
    boxed: bool = False
    duration: float = 0.0


def sample_times(duration: float) -> list[float]:
    if duration <= 0:
        return [0.0]
    count = int(min(MAX_SAMPLES, max(1, duration // SAMPLE_STEP)))
    step = duration / count
    return [round(step * (k + 0.5), 4) for k in range(count)]


def video_print(asset: Asset, *, low_impact: bool = False) -> tuple[VideoPrint, bytes]:
    frames = _sequence_frames(asset) if asset.sequence else _movie_frames(asset.path, low_impact)
    if not frames:
        raise MediaDecodeError(asset.path, "no picture could be decoded")
    times, phash, dhash, boxed_any = [], [], [], False
    for t, rgb in frames:
        p, d, boxed = picture_hashes(rgb)
        times.append(t)
        phash.append(p)
        dhash.append(d)
        boxed_any |= boxed
    duration = asset.duration_s or (frames[-1][0] + SAMPLE_STEP / 2)
    middle = frames[len(frames) // 2][1]
    return (
        VideoPrint(times=times, phash=phash, dhash=dhash, boxed=boxed_any, duration=duration),
        thumbnail(middle),
    )


def _movie_frames(path: str, low_impact: bool) -> list[tuple[float, np.ndarray]]:
    try:
        with MediaReader(path, drop_cache=low_impact) as reader, av.open(reader) as container:
            if not container.streams.video:
                raise MediaDecodeError(path, "has no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            duration = _duration(container, stream)
            return list(_decode_at(container, stream, sample_times(duration)))
    except MediaDecodeError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaDecodeError(path, f"cannot decode video: {exc}") from exc


def _duration(container, stream) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    if stream.frames and stream.average_rate:
        return stream.frames / float(stream.average_rate)
    return 0.0


def _decode_at(container, stream, times: list[float]):
    base = stream.time_base
    start = float(stream.start_time * base) if stream.start_time is not None else 0.0
    position = None  # time of the last decoded frame, None before the first seek
    frames = None
    for target in times:
        if position is None or target < position or target - position > 2.0:
            # Seek: the demuxer lands on the keyframe at or before the target.
            container.seek(int((start + target) / base), stream=stream, backward=True)
            frames = container.decode(stream)
        picked = None
        for frame in frames:
            t = float(frame.pts * base) - start if frame.pts is not None else 0.0
            position = t
            picked = frame
            if t + 1e-3 >= target:
                break
        if picked is None:
            break
        yield target, _small(picked)


def _small(frame) -> np.ndarray:
    scale = DECODE_SIDE / max(frame.width, frame.height)
    if scale < 1:
        frame = frame.reformat(
            width=max(2, int(frame.width * scale)), height=max(2, int(frame.height * scale))
        )
    return frame.to_ndarray(format="rgb24")


def _sequence_frames(asset: Asset) -> list[tuple[float, np.ndarray]]:
    seq = asset.sequence
    rate = (asset.video.frame_rate if asset.video else None) or 24.0
    missing = set(seq.missing_frames)
    present = [f for f in range(seq.first_frame, seq.last_frame + 1) if f not in missing]
    duration = len(present) / rate
    out = []
    for t in sample_times(duration):
        index = min(len(present) - 1, int(round(t * rate)))
        path = seq.frame_path(present[index])
        out.append((t, load_picture(path)))
    return out


def match_share(a: VideoPrint, b: VideoPrint) -> float:
    """Share of the shorter clip's samples with a same-picture frame in the other."""
    short, long_ = (a, b) if a.duration <= b.duration else (b, a)
    pa = np.array(short.phash, dtype=np.uint64)[:, None]
    da = np.array(short.dhash, dtype=np.uint64)[:, None]
    pb = np.array(long_.phash, dtype=np.uint64)[None, :]
    db = np.array(long_.dhash, dtype=np.uint64)[None, :]
    dist = np.bitwise_count(pa ^ pb) + np.bitwise_count(da ^ db)
    best = dist.min(axis=1)
    return float((best <= SAME_PICTURE).mean())


def still_of(rgb: np.ndarray) -> np.ndarray:
    return trim_bars(rgb)[0]


__all__ = ["METHOD", "VideoPrint", "match_share", "os", "video_print"]
