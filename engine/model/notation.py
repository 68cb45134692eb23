"""Frame tokens in paths, in every notation, parsed in one place (by fileseq).

Hosts and farms each spell "the frame number goes here" their own way: `####` (Nuke,
Houdini's ROPs, Deadline), `@@@@` (Katana, RenderMan), `%04d` (Nuke, FFmpeg), `$F4`
(Houdini), `<UDIM>` (texture tiles). The catalog writes one `#` per digit; every command
that takes a path, the project readers and the resolver turn what they were given into
that through `parse` and `hashes`, so no other module knows the notations. It sits with
the records, the lowest layer, because the readers (which may import only the model)
need it too.
"""

from __future__ import annotations

import functools
import os
import re
from typing import NamedTuple

_TOKEN_MARKS = ("#", "@", "%", "$F", "<UDIM>")

# The catalog's own notation in its plainest form, `/show/sh010/plate.####.exr`, read
# without fileseq: fileseq's parser takes 1-8 ms a path, and a catalog of 100,000 assets
# holds thousands of sequences, each parsed several times (index keys, lineage, orphans).
# Only paths whose reading is certain take this way: one run of `#` and no other mark or
# backslash anywhere, a plain extension after it, a file name of word characters, dots,
# dashes and spaces, and no digit just before the run (`1-#` is a frame range to
# fileseq). tests/engine/model/test_notation.py checks it against fileseq.
_PLAIN_HASHES = re.compile(r"^([^#@%$<\\]*?)(#+)(\.[A-Za-z][A-Za-z0-9]*)$")
_PLAIN_NAME = re.compile(r"^[\w. -]*$")
_DIGIT_BEFORE = re.compile(r"\d-*$")


class FramePattern(NamedTuple):
    """A path split around its frame token."""

    head: str
    """Everything before the token, folder included."""
    tail: str
    """Everything after it (the extension)."""
    padding: int
    """Digits the token asks for; 1 for `%d`, `$F` and `#` (natural width)."""
    token: str
    """The token as written: `####`, `%04d`, `$F4`, `<UDIM>` ..."""

    @property
    def udim(self) -> bool:
        return self.token.upper() == "<UDIM>"

    @property
    def hashes(self) -> str:
        """The pattern in the catalog's notation: one `#` per digit."""
        return f"{self.head}{'#' * self.padding}{self.tail}"

    def frame_path(self, frame: int) -> str:
        digits = f"{abs(frame):0{self.padding}d}"
        return f"{self.head}{'-' if frame < 0 else ''}{digits}{self.tail}"


def parse(path: str) -> FramePattern | None:
    """The frame token of a path's file name, or None when it has none (a plain file, a
    file named like one frame `plate.1001.exr`, or `take#3.wav` where `#` is a letter)."""
    name = os.path.basename(path)
    if not any(mark in name for mark in _TOKEN_MARKS):
        return None
    plain = _plain(path)
    return plain if plain is not None else _by_fileseq(path)


def _plain(path: str) -> FramePattern | None:
    """The pattern of a path in the catalog's plainest notation, else None (ask fileseq)."""
    match = _PLAIN_HASHES.match(path)
    if match is None or "//" in path:
        return None
    head, token, tail = match.groups()
    if _DIGIT_BEFORE.search(head) or not _PLAIN_NAME.match(os.path.basename(head)):
        return None
    return FramePattern(head, tail, len(token), token)


@functools.lru_cache(maxsize=16384)
def _by_fileseq(path: str) -> FramePattern | None:
    """Every other notation; the same path is parsed once (a reference repeated across a
    timeline, a sequence's key looked up again)."""
    import fileseq  # here, not at import: ~0.1 s that a plain path never needs

    style = fileseq.PAD_STYLE_HASH1  # one `#` per digit, as the catalog writes patterns
    try:
        seq = fileseq.FileSequence(path, pad_style=style, allow_subframes=False)
    except (fileseq.ParseException, ValueError):
        return None
    token = seq.padding()
    if not token or seq.frameSet() is not None:
        return None
    padding = fileseq.FileSequence.getPaddingNum(token, pad_style=style)
    return FramePattern(seq.dirname() + seq.basename(), seq.extension(), max(1, padding), token)


def hashes(path: str) -> str:
    """`plate.%04d.exr`, `plate.@@@@.exr`, `plate.$F4.exr` -> `plate.####.exr`; a path
    without a frame token is returned unchanged."""
    found = parse(path)
    return found.hashes if found is not None else path


def has_token(path: str) -> bool:
    return parse(path) is not None
