"""Near-duplicate accuracy and speed on the labelled set (fixtures/dupes.py).

    uv run python benchmarks/dupes.py [--dir DIR] [--keep]

Prints precision, recall and F1 per media kind and per transform, then for the stills of
the tuning and the held-out photographs apart (fixtures.dupes.HELD_OUT), hashing
throughput, the time to find all near pairs among 100,000 image hashes, and the time of
the whole image search over 100,000 synthetic fingerprints (fixtures/hashes.py). A pair of files is
predicted a duplicate when `find_duplicates(near=True)` puts them in one group; it is
one when they share a `source`. Per transform, recall counts (original, copy) pairs and
precision counts every predicted pair that involves a copy made that way.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.dedup import find_duplicates
from mediaopt.engine.dedup.near import image_pairs
from mediaopt.engine.fingerprint.image import (
    INDEX_RADIUS,
    SAME_PICTURE,
    image_print,
    picture_distance,
)
from mediaopt.engine.fingerprint.index import near_pairs
from mediaopt.fixtures.dupes import LabelledFile, build_labelled_set, image_half, photo_family
from mediaopt.fixtures.hashes import planted_prints


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def accuracy(files: list[LabelledFile], report, title: str = "kind / transform") -> None:
    group_of = {}
    for number, group in enumerate(report.groups):
        for member in group.members:
            group_of[member.path] = number
    by_kind = defaultdict(list)
    for f in files:
        by_kind[f.media].append(f)
    print(f"{title:28s} {'P':>6s} {'R':>6s} {'F1':>6s}  pairs")
    for kind, members in by_kind.items():
        tp = fp = fn = 0
        per = defaultdict(lambda: [0, 0, 0])
        for a, b in itertools.combinations(members, 2):
            truth = a.source == b.source
            ga, gb = group_of.get(a.path), group_of.get(b.path)
            said = ga is not None and ga == gb
            tp += truth and said
            fp += said and not truth
            fn += truth and not said
            for x, y in ((a, b), (b, a)):
                if x.transform == "original" and y.transform != "original":
                    counts = per[y.transform]
                    if truth:
                        counts[0 if said else 2] += 1
                    elif said:
                        counts[1] += 1
        p, r, f = prf(tp, fp, fn)
        print(f"{kind:28s} {p:6.3f} {r:6.3f} {f:6.3f}  {tp + fn} true")
        for transform, (t, f_, n) in sorted(per.items()):
            p, r, f = prf(t, f_, n)
            print(f"  {transform:26s} {p:6.3f} {r:6.3f} {f:6.3f}  {t + n} true")


def halves(labelled, report) -> None:
    """Stills of the tuning and the held-out photographs apart (fixtures.dupes.HELD_OUT),
    pairs within one half only: the held-out figures are the honest ones for thresholds
    tuned on the tuning half. Then how far apart copies and other pictures score in
    each half (pHash + dHash at the best alignment) against SAME_PICTURE."""
    stills = [f for f in labelled.files if f.media == "image"]
    prints = {f.path: image_print(f.path)[0] for f in stills}
    for half in ("tuning", "held-out"):
        files = [f for f in stills if image_half(f.source) == half]
        families = len({photo_family(f.source) for f in files})
        print()
        accuracy(files, report, f"image, {half} ({families} photos)")
        originals = [f for f in files if f.transform == "original"]
        copy = max(
            picture_distance(prints[o.path], prints[f.path])
            for o in originals
            for f in files
            if f.source == o.source and f is not o
        )
        other = min(
            picture_distance(prints[a.path], prints[b.path])
            for a, b in itertools.combinations(files, 2)
            if a.source != b.source
        )
        print(f"  copies score <= {copy}, other pictures >= {other} (same at <= {SAME_PICTURE})")


def index_speed(n: int = 100_000) -> None:
    rng = np.random.default_rng(7)
    hashes = rng.integers(0, 2**64, n, dtype=np.uint64)
    # 5% are copies of another hash with up to INDEX_RADIUS bits flipped.
    copies = n // 20
    src = rng.integers(0, n - copies, copies)
    flips = np.zeros(copies, np.uint64)
    for k in range(copies):
        for bit in rng.choice(64, rng.integers(0, INDEX_RADIUS + 1), replace=False):
            flips[k] |= np.uint64(1) << np.uint64(bit)
    hashes[n - copies :] = hashes[src] ^ flips
    start = time.perf_counter()
    pairs = near_pairs(hashes, INDEX_RADIUS)
    seconds = time.perf_counter() - start
    print(
        f"\nnear pairs among {n:,} 64-bit hashes (radius {INDEX_RADIUS}): "
        f"{len(pairs):,} pairs in {seconds:.2f} s (target < 10 s)"
    )
    image_search(n)


def image_search(n: int = 100_000) -> None:
    """The real image search path (fingerprints to arrays, index, verification) over n
    synthetic fingerprints with the measured structure and 5% planted copies."""
    planted = planted_prints(n)
    cpu, start = time.process_time(), time.perf_counter()
    pairs = image_pairs(planted.prints)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    root = np.arange(n)
    root[planted.same[:, 1]] = planted.same[:, 0]
    root[planted.near_miss[:, 1]] = planted.near_miss[:, 0]
    found = set(pairs)
    missed = sum((a, b) not in found for a, b in planted.same.tolist())
    wrong = sum(root[a] != root[b] for a, b in found)
    print(
        f"image search over {n:,} fingerprints (whole pHash and dHash, 5 windows each, "
        f"{len(planted.same):,} planted copies, {len(planted.near_miss):,} near misses): "
        f"{len(pairs):,} pairs in {seconds:.2f} s ({cpu:.2f} s CPU; target < 10 s); "
        f"{missed} planted copies missed, {wrong} pairs of different pictures"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", help="build the set here (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the built set")
    args = parser.parse_args()
    base = Path(args.dir or tempfile.mkdtemp(prefix="mediaopt-dupes-bench-"))
    try:
        start = time.perf_counter()
        labelled = build_labelled_set(base / "set")
        print(f"built {len(labelled.files)} labelled files in {time.perf_counter() - start:.1f} s")
        with Catalog(base / "catalog.sqlite") as catalog:
            api.scan([labelled.root], catalog, workers=min(2, os.cpu_count() or 1))
            timings = {}
            for kind in ("image", "video", "audio"):
                start = time.perf_counter()
                find_duplicates(catalog, near=True, kind=kind)
                timings[kind] = time.perf_counter() - start
            report = find_duplicates(catalog, near=True)
            start = time.perf_counter()
            find_duplicates(catalog, near=True)
            cached = time.perf_counter() - start
        accuracy(labelled.files, report)
        halves(labelled, report)
        counts = defaultdict(int)
        for f in labelled.files:
            counts[f.media] += 1
        print("\nhashing throughput (first run: decode, hash, store; one process):")
        for kind, seconds in timings.items():
            print(f"  {kind:6s} {counts[kind] / seconds:7.1f} files/s ({counts[kind]} files)")
        print(f"rerun over the cached fingerprints: {cached:.2f} s")
        print(f"{len(report.problems)} problems; {len(report.groups)} groups")
        index_speed()
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
