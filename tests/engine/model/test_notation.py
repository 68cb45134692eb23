"""Frame tokens: the plain `####` paths read without fileseq read exactly as fileseq
reads them, and everything else still goes to fileseq."""

from __future__ import annotations

import itertools
import random

import fileseq
import pytest

from mediaopt.engine.model import notation


def _fileseq(path: str) -> notation.FramePattern | None | str:
    """What fileseq alone makes of `path` (the reading before the plain way existed)."""
    style = fileseq.PAD_STYLE_HASH1
    try:
        seq = fileseq.FileSequence(path, pad_style=style, allow_subframes=False)
        token = seq.padding()
        if not token or seq.frameSet() is not None:
            return None
        padding = fileseq.FileSequence.getPaddingNum(token, pad_style=style)
    except (fileseq.ParseException, ValueError):
        return None
    return notation.FramePattern(
        seq.dirname() + seq.basename(), seq.extension(), max(1, padding), token
    )


def _names() -> list[str]:
    folders = ["/show/sh010/", "/a#b/", "/v1.2/", "/x,1/", "//dup/", "C:\\shows\\"]
    heads = ["plate.", "plate_", "plate-", "plate", "", "sh010_comp_v001.", "a b.", "x1.", "1-"]
    heads += ["9--", "a,1.", "é_", ".", "take"]
    tokens = ["#", "####", "########", "%04d", "@@@@", "$F4"]
    tails = [".exr", ".DPX", "", ".tar.gz", "_v2.exr", ".e-x", ".1", "#3.wav"]
    names = [f + h + t + e for f, h, t, e in itertools.product(folders, heads, tokens, tails)]
    rng = random.Random(15)
    alphabet = "#._-/1a9 #._-/1a Z9vé,+()[]~'!=\\@%$"
    for _ in range(20000):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 14)))
        names.append("/" + body + rng.choice([".exr", ".dpx", ".EXR", ".1a", ""]))
    return names


def test_plain_hash_paths_read_as_fileseq_reads_them() -> None:
    names = _names()
    plain = [n for n in names if notation._plain(n) is not None]
    assert len(plain) > 250  # the way is taken, not just skipped
    wrong = [
        (n, notation._plain(n), _fileseq(n)) for n in plain if notation._plain(n) != _fileseq(n)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "path, head, padding",
    [
        ("/show/sh010/plates/sh010_plate.####.exr", "/show/sh010/plates/sh010_plate.", 4),
        ("/show/comp_v003.########.dpx", "/show/comp_v003.", 8),
        ("/show/sh010/plate.%04d.exr", "/show/sh010/plate.", 4),
        ("/show/sh010/plate.$F4.exr", "/show/sh010/plate.", 4),
        ("/show/sh010/plate.@@@@.exr", "/show/sh010/plate.", 4),
    ],
)
def test_every_notation_gives_the_same_pattern(path: str, head: str, padding: int) -> None:
    found = notation.parse(path)
    assert found is not None and (found.head, found.tail, found.padding) == (
        head,
        ".exr" if "exr" in path else ".dpx",
        padding,
    )


@pytest.mark.parametrize("path", ["/a/take#3.wav", "/a/plate.1001.exr", "/a/1-#.exr", "/a/x.mov"])
def test_what_is_no_pattern_stays_none(path: str) -> None:
    assert notation.parse(path) is None
