"""Still-image fingerprints: pHash and dHash of the whole picture and of five 90% windows.

The windows make a crop of up to about 10% match: the cropped copy's whole picture is
close to one of the original's windows (four corners and the centre). pHash alone moves
by up to 34 bits under a 10% corner crop, where unrelated photographs come as close as
18; against the windows it moves by at most 6. The two hash kinds are summed because each
covers the other's weak spot (burned-in text moves pHash, a gamma change moves dHash);
measured on benchmarks/dupes.py: copies score <= 19, different pictures >= 33.
"""

from __future__ import annotations

import os

import msgspec
import numpy as np

from mediaopt.engine.fingerprint.picture import load_picture, picture_hashes, thumbnail, trim_bars

METHOD = "image/1"
WINDOWS = ((0.0, 0.0), (0.1, 0.0), (0.0, 0.1), (0.1, 0.1), (0.05, 0.05))
WINDOW_SIDE = 0.9
SAME_PICTURE = 22
"""Largest pHash + dHash distance (of 128 bits) still called the same picture."""
INDEX_RADIUS = SAME_PICTURE // 2
"""A pair within SAME_PICTURE has one of its two hashes within half of it."""


class PicturePrint(msgspec.Struct, array_like=True, frozen=True):
    phash: list[int]
    """The whole picture's pHash, then one per window."""
    dhash: list[int]
    boxed: bool = False
    """Black bars were found and trimmed before hashing."""


def hash_picture(rgb: np.ndarray, windows: bool = True) -> PicturePrint:
    rgb, boxed = trim_bars(rgb)
    p, d, _ = picture_hashes(rgb)
    phash, dhash = [p], [d]
    if windows:
        h, w = rgb.shape[:2]
        wh, ww = int(h * WINDOW_SIDE), int(w * WINDOW_SIDE)
        for fx, fy in WINDOWS:
            y, x = int(fy * h), int(fx * w)
            p, d, _ = picture_hashes(rgb[y : y + wh, x : x + ww])
            phash.append(p)
            dhash.append(d)
    return PicturePrint(phash=phash, dhash=dhash, boxed=boxed)


def image_print(path: str | os.PathLike[str]) -> tuple[PicturePrint, bytes]:
    """The fingerprint and a small JPEG thumbnail; MediaDecodeError when undecodable."""
    rgb = load_picture(path)
    return hash_picture(rgb), thumbnail(rgb)


def picture_distance(a: PicturePrint, b: PicturePrint) -> int:
    """pHash + dHash distance at the best alignment: whole to whole, or one's whole
    picture to a window of the other (a crop)."""
    return alignment(a, b)[0]


CROP_MARGIN = 6
"""A window must beat the whole picture by this many bits to call the copy a crop;
re-encodes move both by a few bits."""


def alignment(a: PicturePrint, b: PicturePrint) -> tuple[int, bool]:
    """(distance, whether one is a crop of the other)."""
    whole = _dist(a, 0, b, 0)
    best = whole
    for k in range(1, min(len(a.phash), len(b.phash))):
        best = min(best, _dist(a, 0, b, k), _dist(a, k, b, 0))
    return best, best + CROP_MARGIN <= whole


def _dist(a: PicturePrint, i: int, b: PicturePrint, j: int) -> int:
    return (a.phash[i] ^ b.phash[j]).bit_count() + (a.dhash[i] ^ b.dhash[j]).bit_count()


def similarity(distance: int) -> float:
    return round(max(0.0, 1.0 - distance / 128), 3)
