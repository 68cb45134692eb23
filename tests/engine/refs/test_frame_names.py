"""A file named like one frame (`plate.1001.exr`): read from the file name alone, as the
whole-path pattern reads it, folders, dashes, signs and odd characters included."""

from __future__ import annotations

import random

from mediaopt.engine.refs import index


def _whole_path(path: str):
    match = index._TRAILING_FRAME.match(path)
    if not match:
        return None
    head, digits, tail = match.groups()
    return head, tail, int(digits), len(digits.lstrip("-"))


def test_frame_names_read_as_the_whole_path_pattern_reads_them() -> None:
    rng = random.Random(15)
    alphabet = "/._-019a\n٣ "
    paths = ["/show/sh010/plate.1001.exr", "/a/0001.exr", "/a/x.-0001.exr", "/a/x-0001.exr"]
    paths += [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 14))) for _ in range(50000)
    ]
    found = [p for p in paths if index.frame_of(p) is not None]
    assert len(found) > 1000
    assert [p for p in paths if index.frame_of(p) != _whole_path(p)] == []
    assert index.frame_of("/show/sh010/plate.1001.exr") == ("/show/sh010/plate.", ".exr", 1001, 4)
