"""The peer for near-duplicate images: imagehash's pHash of every picture, then every pair
compared (brute force), as a user's script would do it.

    python benchmarks/peer_imagehash.py FOLDER [--bits 10]

Prints JSON: {"pairs": [[a, b], ...]} for pairs within `--bits` (10 of 64: a common
choice; imagehash's README compares hashes by Hamming distance with no fixed cut-off).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys

import imagehash
from PIL import Image

PICTURES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--bits", type=int, default=10)
    args = parser.parse_args()
    hashes = {}
    for folder, _, names in os.walk(args.folder):
        for name in names:
            if name.lower().endswith(PICTURES):
                path = os.path.join(folder, name)
                with Image.open(path) as image:
                    hashes[path] = imagehash.phash(image)
    pairs = [
        [a, b]
        for a, b in itertools.combinations(sorted(hashes), 2)
        if hashes[a] - hashes[b] <= args.bits
    ]
    json.dump({"pairs": pairs}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
