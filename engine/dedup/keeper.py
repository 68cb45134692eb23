"""Which copy to keep, and how the other copies differ from it.

The keeper is the best copy a person would restore from: an original over a derivative
(proxies, web versions, exports, backups), then more pixels, more bits, a better codec,
more content (the untrimmed take), more bytes at the same codec (a higher-quality
encode), and finally the oldest.
"""

from __future__ import annotations

import os
import re

from mediaopt.engine.model import Asset, AssetKind

_DERIVATIVE = re.compile(
    r"(proxy|proxies|web|export|render|copy|backup|bkp|preview|review|small|thumb|\(\d+\))",
    re.IGNORECASE,
)

# Higher is better: lossless and intra-frame mastering codecs over delivery codecs.
_CODEC_RANK = [
    (("openexr", "exr", "dpx", "cineon", "tiff", "tif", "png", "ffv1", "pcm", "flac", "wav"), 5),
    (("prores", "dnx", "cineform", "jpeg 2000", "jpeg2000"), 4),
    (("hevc", "h.265", "h265", "av1", "vp9"), 3),
    (("avc", "h.264", "h264", "aac", "opus", "vorbis", "webp"), 2),
    (("jpeg", "mpeg-4", "mpeg4", "mp3", "mpeg audio", "gif"), 1),
]


def codec_rank(asset: Asset) -> int:
    stream = asset.video or asset.audio
    text = " ".join(x for x in (stream.codec if stream else None, asset.format) if x).lower()
    for names, rank in _CODEC_RANK:
        if any(name in text for name in names):
            return rank
    return 0


def _derived(asset: Asset) -> bool:
    tail = os.sep.join(asset.path.split(os.sep)[-3:])
    return bool(_DERIVATIVE.search(tail))


def quality_key(asset: Asset, derived: bool = False) -> tuple:
    picture = asset.video
    sound = asset.audio
    pixels = (picture.width or 0) * (picture.height or 0) if picture else 0
    depth = (picture.bit_depth if picture else sound.sample_bit_depth if sound else 0) or 0
    rate = (sound.sample_rate if sound else 0) or 0
    # Duration before pixels: the untrimmed take is the original even when a trimmed
    # copy was encoded with a better codec.
    return (
        not (derived or _derived(asset)),
        # A camera wrote it (EXIF or the container names the camera): the original, which
        # exports and edits (burned-in slates add bytes) have lost that from.
        bool(asset.camera_make),
        round(asset.duration_s or 0.0, 1),
        pixels,
        depth,
        codec_rank(asset),
        rate,
        asset.bytes,
        -asset.mtime,
        -len(asset.path),
    )


def choose_keeper(assets: list[Asset], derived: set[str] | None = None) -> Asset:
    """The best copy; `derived` holds paths known to be derivatives (letterboxed: their
    bars add pixels but no picture)."""
    derived = derived or set()
    return max(assets, key=lambda a: quality_key(a, a.path in derived))


def relation(
    keep: Asset, other: Asset, *, graded: bool = False, boxed: bool = False, cropped: bool = False
) -> str:
    """How `other` differs from `keep`, as a comma-separated list of transforms."""
    found: list[str] = []
    a, b = keep.video, other.video
    if a and b and a.width and b.width and a.height and b.height:
        aspect_a, aspect_b = a.width / a.height, b.width / b.height
        if boxed:
            found.append("letterbox")
        elif cropped or abs(aspect_a - aspect_b) / aspect_a > 0.02:
            found.append("crop")
        if (a.width, a.height) != (b.width, b.height) and "crop" not in found:
            found.append("resize")
    if keep.duration_s and other.duration_s and abs(keep.duration_s - other.duration_s) > 0.15:
        found.append("trim")
    rate_a, rate_b = (a.frame_rate if a else None), (b.frame_rate if b else None)
    if rate_a and rate_b and abs(rate_a - rate_b) > 0.01:
        found.append("frame-rate change")
    if (keep.kind is AssetKind.SEQUENCE) != (other.kind is AssetKind.SEQUENCE):
        found.append("sequence to movie")
    elif _codec(keep) != _codec(other):
        found.append("codec change")
    elif keep.bytes != other.bytes and not found:
        found.append("re-encode")
    sa, sb = keep.audio, other.audio
    if sa and sb and sa.sample_rate and sb.sample_rate and sa.sample_rate != sb.sample_rate:
        found.append("resample")
    if graded:
        found.append("grade")
    return ", ".join(found) or "re-encode"


def _codec(asset: Asset) -> str:
    stream = asset.video or asset.audio
    return ((stream.codec if stream else None) or asset.format or "").lower()
