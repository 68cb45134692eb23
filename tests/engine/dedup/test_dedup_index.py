"""The hash index finds exactly the pairs a brute-force comparison finds."""

from __future__ import annotations

import numpy as np

from mediaopt.engine.fingerprint.index import near_pairs


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


def test_search_between_two_sets_finds_exactly_the_close_pairs_in_any_block(monkeypatch):
    from mediaopt.engine.fingerprint import index

    rng = np.random.default_rng(5)
    table = rng.integers(0, 2**64, 300, dtype=np.uint64)
    near = table[rng.integers(0, 300, 500)] ^ (
        rng.integers(0, 2**64, 500, dtype=np.uint64)
        & rng.integers(0, 2**64, 500, dtype=np.uint64)
        & rng.integers(0, 2**64, 500, dtype=np.uint64)
    )
    queries = np.concatenate([near, rng.integers(0, 2**64, 200, dtype=np.uint64)])
    close = np.argwhere(np.bitwise_count(queries[:, None] ^ table[None, :]) <= 11)
    brute = set(map(tuple, close.tolist()))
    assert len(brute) > 50
    # Blocks much smaller than the queries, and more queries than table entries (the
    # search then probes from the table side and swaps the pairs back).
    monkeypatch.setattr(index, "BLOCK", 64)
    found = set(map(tuple, index.near_pairs_between(queries, table, 11).tolist()))
    assert found == brute
    swapped = set(map(tuple, index.near_pairs_between(table, queries, 11).tolist()))
    assert swapped == {(j, i) for i, j in found}
