"""Every pair of still images within SAME_PICTURE, as arrays, for a whole library at once.

Candidates come from the hash index; verification computes the best-alignment distance
(image.alignment) for all candidates together in numpy. At 100,000 images the search
holds 100k x 6 x 2 hashes (10 MB) and the candidate pairs, never a Python object per
pair: a per-pair loop over PicturePrints was most of the time once candidates were fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np

from mediaopt.engine.fingerprint.image import INDEX_RADIUS, SAME_PICTURE, PicturePrint
from mediaopt.engine.fingerprint.index import near_pairs, near_pairs_between


class PrintArrays(msgspec.Struct, frozen=True):
    """The fingerprints of n pictures as arrays (row = picture, column 0 = whole)."""

    phash: np.ndarray
    """(n, 1 + windows) uint64."""
    dhash: np.ndarray
    """(n, 1 + windows) uint64."""
    windows: np.ndarray
    """(n,) int: how many windows each picture has (0 for a print made without)."""

    @classmethod
    def of(cls, prints: Sequence[PicturePrint]) -> PrintArrays:
        width = max((len(p.phash) for p in prints), default=1)
        if all(len(p.phash) == width for p in prints):
            phash = np.array([p.phash for p in prints], dtype=np.uint64).reshape(-1, width)
            dhash = np.array([p.dhash for p in prints], dtype=np.uint64).reshape(-1, width)
        else:
            phash = np.zeros((len(prints), width), dtype=np.uint64)
            dhash = np.zeros((len(prints), width), dtype=np.uint64)
            for row, p in enumerate(prints):
                phash[row, : len(p.phash)] = p.phash
                dhash[row, : len(p.dhash)] = p.dhash
        windows = np.array([len(p.phash) - 1 for p in prints], dtype=np.int64)
        return cls(phash=phash, dhash=dhash, windows=windows)


def image_candidates(arrays: PrintArrays) -> np.ndarray:
    """(k, 2) pairs i < j, each once: whole pictures within INDEX_RADIUS on pHash or on
    dHash (one of the two must be, see image.py), or one's whole pHash that close to a
    window of the other. Windows are indexed on pHash only: that halves the search, and
    crops measured within 6 bits summed on both hashes."""
    n = arrays.windows.size
    whole_p, whole_d = arrays.phash[:, 0], arrays.dhash[:, 0]
    found = [near_pairs(whole_p, INDEX_RADIUS), near_pairs(whole_d, INDEX_RADIUS)]
    width = arrays.phash.shape[1]
    if width > 1:
        has = np.arange(1, width) <= arrays.windows[:, None]  # (n, windows)
        owner = np.broadcast_to(np.arange(n)[:, None], has.shape)[has]
        pairs = near_pairs_between(whole_p, arrays.phash[:, 1:][has], INDEX_RADIUS)
        a, b = pairs[:, 0], owner[pairs[:, 1]]
        found.append(np.stack([a, b], axis=1)[a != b])
    pairs = np.concatenate(found)
    lo, hi = pairs.min(axis=1), pairs.max(axis=1)
    codes = np.unique(lo * n + hi)
    return np.stack([codes // n, codes % n], axis=1)


def picture_distances(arrays: PrintArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """image.picture_distance for each pair (i[k], j[k]): pHash + dHash distance at the
    best alignment, whole to whole or one's whole picture to a window of the other."""
    p, d = arrays.phash, arrays.dhash

    def dist(x: np.ndarray, kx: int, y: np.ndarray, ky: int) -> np.ndarray:
        return np.bitwise_count(p[x, kx] ^ p[y, ky]).astype(np.int16) + np.bitwise_count(
            d[x, kx] ^ d[y, ky]
        )

    best = dist(i, 0, j, 0)
    shared = np.minimum(arrays.windows[i], arrays.windows[j])
    for k in range(1, p.shape[1]):
        crop = np.minimum(dist(i, 0, j, k), dist(i, k, j, 0))
        best = np.where(k <= shared, np.minimum(best, crop), best)
    return best


def image_matches(arrays: PrintArrays) -> tuple[np.ndarray, np.ndarray]:
    """((k, 2) pairs i < j of the same picture, (k,) their distances)."""
    pairs = image_candidates(arrays)
    dist = picture_distances(arrays, pairs[:, 0], pairs[:, 1])
    same = dist <= SAME_PICTURE
    return pairs[same], dist[same]
