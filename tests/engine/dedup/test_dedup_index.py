"""The hash index finds exactly the pairs a brute-force comparison finds."""

from __future__ import annotations

import numpy as np

from mediaopt.engine.dedup.near.index import near_pairs


def test_index_finds_exactly_the_pairs_within_the_radius():
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**64, 200, dtype=np.uint64)
    noise = [
        rng.integers(0, 2**64, 200, dtype=np.uint64)
        & rng.integers(0, 2**64, 200, dtype=np.uint64)
        & rng.integers(0, 2**64, 200, dtype=np.uint64)
        for _ in range(3)
    ]
    hashes = np.concatenate([base] + [base ^ n for n in noise])
    for radius in (4, 11):
        brute = {
            (i, j)
            for i in range(hashes.size)
            for j in range(i + 1, hashes.size)
            if int(hashes[i] ^ hashes[j]).bit_count() <= radius
        }
        assert brute, "the test set must hold pairs within the radius"
        assert set(map(tuple, near_pairs(hashes, radius).tolist())) == brute
