"""All pairs of 64-bit hashes within a Hamming radius, without comparing all pairs.

Multi-index hashing (Norouzi, Punjani & Fleet, CVPR 2012): split each hash into `m`
chunks; two hashes within distance r agree to within floor(r / m) bits on at least one
chunk (pigeonhole). So for each chunk we look up, in a table of that chunk's values,
every value within floor(r / m) bits of each hash's chunk, and check only those
candidates on the full 64 bits. Every step is a numpy array operation over all hashes
at once; the work grows with the number of candidates, not with n squared.
"""

from __future__ import annotations

import itertools

import numpy as np


def _masks(bits: int, radius: int) -> np.ndarray:
    out = [0]
    for k in range(1, radius + 1):
        for combo in itertools.combinations(range(bits), k):
            out.append(sum(1 << b for b in combo))
    return np.array(out, dtype=np.int64)


def _chunk_bits(m: int) -> list[int]:
    base, extra = divmod(64, m)
    return [base + (1 if i < extra else 0) for i in range(m)]


def near_pairs(hashes: np.ndarray, radius: int, chunks: int = 4) -> np.ndarray:
    """(k, 2) int64 array of index pairs i < j with popcount(h[i] ^ h[j]) <= radius."""
    h = np.ascontiguousarray(hashes, dtype=np.uint64)
    pairs = near_pairs_between(h, h, radius, chunks)
    return pairs[pairs[:, 0] < pairs[:, 1]]


def near_pairs_between(
    queries: np.ndarray, table: np.ndarray, radius: int, chunks: int = 4
) -> np.ndarray:
    """(k, 2) pairs (query index, table index) within `radius` bits of each other."""
    q = np.ascontiguousarray(queries, dtype=np.uint64)
    t = np.ascontiguousarray(table, dtype=np.uint64)
    n, size = q.size, t.size
    if n == 0 or size == 0:
        return np.empty((0, 2), dtype=np.int64)
    sub_radius = radius // chunks
    found: list[np.ndarray] = []
    shift = 0
    for bits in _chunk_bits(chunks):
        mask_bits = np.uint64((1 << bits) - 1)
        keys = ((q >> np.uint64(shift)) & mask_bits).astype(np.int64)
        table_keys = ((t >> np.uint64(shift)) & mask_bits).astype(np.int64)
        shift += bits
        # A CSR table of this chunk: the entries holding each value, contiguous.
        order = np.argsort(table_keys, kind="stable")
        counts = np.bincount(table_keys, minlength=1 << bits)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        for mask in _masks(bits, sub_radius):
            probe = keys ^ mask
            c = counts[probe]
            total = int(c.sum())
            if total == 0:
                continue
            i = np.repeat(np.arange(n, dtype=np.int64), c)
            offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
            j = order[np.repeat(starts[probe], c) + offset]
            close = np.bitwise_count(q[i] ^ t[j]) <= radius
            found.append(i[close] * size + j[close])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // size, codes % size], axis=1)


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
