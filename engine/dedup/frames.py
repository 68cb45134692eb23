"""The frames of image sequences as searchable stills.

A still exported from a plate or a render (`plate.####.exr`, frame 1005, saved as a JPEG
for a review) is a near-duplicate of that frame, not of the sequence as footage: the
video matcher compares sequences with movies, this makes each frame of a short sequence,
and evenly sampled frames of a long one, a picture for the still search.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import msgspec

from mediaopt.engine.model import Asset, AssetKind

EVERY_FRAME_UP_TO = 48
"""Sequences this short (two seconds at 24 fps) are searched frame by frame."""
SAMPLED_FRAMES = 24
"""Frames sampled evenly (first and last included) from a longer sequence, as many as
the video fingerprint samples: a still from between two samples matches when the shot
holds still or moves slowly; decoding every frame of every long plate would cost more
than the whole scan (an EXR frame decodes in tens of milliseconds)."""


class Frame(msgspec.Struct, frozen=True):
    """One frame of a cataloged sequence, as a still of its own."""

    asset: Asset
    """The frame file's record (kind `image`), built from the sequence's record."""
    identity: str
    """The frame file's own identity (device, inode, size, mtime), for the print cache."""
    sequence: str
    number: int


def searchable_frames(sequence: Asset) -> Iterator[Frame]:
    """The frames of `sequence` to search, in frame order; frames gone from disk since the
    scan are left out (the sequence's own record says what is missing)."""
    seq = sequence.sequence
    if seq is None:
        return
    missing = set(seq.missing_frames)
    present = [f for f in range(seq.first_frame, seq.last_frame + 1) if f not in missing]
    for index in picks(len(present)):
        number = present[index]
        path = seq.frame_path(number)
        try:
            st = os.stat(path)
        except OSError:
            continue
        frame_bytes = seq.frame_bytes[index] if index < len(seq.frame_bytes) else st.st_size
        asset = msgspec.structs.replace(
            sequence,
            path=path,
            kind=AssetKind.IMAGE,
            bytes=frame_bytes,
            mtime=st.st_mtime,
            sequence=None,
            probe_count=0,
            probed_bytes=None,
        )
        identity = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
        yield Frame(asset=asset, identity=identity, sequence=sequence.path, number=number)


def picks(count: int) -> list[int]:
    """Indices of the frames to search among `count` present frames."""
    if count <= EVERY_FRAME_UP_TO:
        return list(range(count))
    step = (count - 1) / (SAMPLED_FRAMES - 1)
    return sorted({round(k * step) for k in range(SAMPLED_FRAMES)})
