"""An in-memory index of the catalog for resolving references: by path, by file stem, by
reel and by sequence, built in one streaming pass.

Only the fields resolution and lineage need are decoded from each stored record (msgspec
skips the rest), so 100,000 assets index in a few seconds and a few tens of MB.
"""

from __future__ import annotations

import bisect
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

import msgspec

from mediaopt.engine.catalog import Catalog

_FRAME_TOKEN = re.compile(r"(#+|@+|%0?(\d*)d|\$F(\d*)|<UDIM>)")
_TRAILING_FRAME = re.compile(r"^(.*?[._-]?)(-?\d+)(\.[^./]+)$")
_SEPARATORS = "._- "


class _Seq(msgspec.Struct):
    pattern: str
    first_frame: int
    last_frame: int
    padding: int
    missing_frames: list[int] = []


class _Stream(msgspec.Struct):
    kind: str
    codec: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None


class Entry(msgspec.Struct, kw_only=True):
    """What the index keeps of one cataloged asset."""

    path: str
    kind: str
    bytes: int
    mtime: float
    status: str = "ok"
    extension: str | None = None
    duration_s: float | None = None
    start_timecode: str | None = None
    reel: str | None = None
    recorded_date: str | None = None
    sequence: _Seq | None = None
    streams: list[_Stream] = []

    @property
    def picture(self) -> _Stream | None:
        return next((s for s in self.streams if s.kind in ("video", "image")), None)

    @property
    def frame_rate(self) -> float | None:
        picture = self.picture
        return picture.frame_rate if picture else None


_decode = msgspec.json.Decoder(Entry).decode


def fold(path: str) -> str:
    """A path as a case-insensitive volume compares it: case-folded, and composed (NFC),
    since macOS writes names decomposed (`e` + U+0301) where Linux and Windows tools write
    `é`, and both spellings reach a project file."""
    return unicodedata.normalize("NFC", path.casefold())


def stem(path: str) -> str:
    """The file name without extension and frame token, case-folded: what a person would
    call the clip's name (`A001C003.mov` and `A001C003.mxf` share it)."""
    name = os.path.basename(path)
    match = _FRAME_TOKEN.search(name)
    name = name[: match.start()] if match else name.rpartition(".")[0] or name
    return fold(name.rstrip(_SEPARATORS))


def stems(path: str) -> set[str]:
    """The stem, and for a file named like a frame (`x.0001.exr`) also the stem of its
    sequence: a project may name one frame where the catalog holds the sequence, or the
    reverse when only one frame is on disk."""
    found = {stem(path)}
    parsed = frame_of(path)
    if parsed:
        head, tail, _, digits = parsed
        found.add(stem(f"{head}{'#' * digits}{tail}"))
    found.discard("")
    return found


def sequence_key(pattern: str) -> tuple[str, str, int | None] | None:
    """(text before the frame token, text after it, padding or None for `%d`) of a
    `####`, `%04d`, `$F4` or `@@@@` pattern; None when it holds no frame token."""
    match = _FRAME_TOKEN.search(os.path.basename(pattern))
    if not match:
        return None
    start = len(pattern) - len(os.path.basename(pattern)) + match.start()
    token = match.group(0)
    if token[0] in "#@":
        padding: int | None = len(token)
    elif token.startswith("%"):
        padding = int(match.group(2)) if match.group(2) else None
    elif token.startswith("$F"):
        padding = int(match.group(3)) if match.group(3) else 1
    else:
        padding = 4  # UDIM tiles: 1001..1099
    return pattern[:start], pattern[start + len(token) :], padding


def frame_of(path: str) -> tuple[str, str, int, int] | None:
    """(head, tail, frame, digits) when a file name ends in a frame number."""
    match = _TRAILING_FRAME.match(path)
    if not match or "/" in match.group(3):
        return None
    head, digits, tail = match.groups()
    return head, tail, int(digits), len(digits.lstrip("-"))


class CatalogIndex:
    """Assets by path, stem, reel and sequence; `under(root)` streams those below a root."""

    def __init__(self, entries: Iterable[Entry]):
        self.by_path: dict[str, Entry] = {}
        self.by_folded: dict[str, Entry] = {}
        self.by_stem: dict[str, list[Entry]] = defaultdict(list)
        self.by_reel: dict[str, list[Entry]] = defaultdict(list)
        self.sequences: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self.folded_sequences: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self._real_dirs: dict[str, list[str]] | None = None
        self._sorted_stems: list[str] | None = None
        for entry in entries:
            self.by_path[entry.path] = entry
            self.by_folded[fold(entry.path)] = entry
            for name in stems(entry.path):
                self.by_stem[name].append(entry)
            if entry.reel:
                self.by_reel[entry.reel.casefold()].append(entry)
            if entry.sequence:
                key = sequence_key(entry.sequence.pattern)
                if key:
                    self.sequences[key[0], key[1]].append(entry)
                    self.folded_sequences[fold(key[0]), fold(key[1])].append(entry)

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> CatalogIndex:
        return cls(_stream(catalog))

    def __len__(self) -> int:
        return len(self.by_path)

    def under(self, roots: list[str]) -> Iterator[Entry]:
        bases = [r.rstrip(os.sep) + os.sep for r in roots]
        for path, entry in self.by_path.items():
            if any(path.startswith(b) or path == b[:-1] for b in bases):
                yield entry

    def sequences_named(self, head: str, tail: str, *, folded: bool = False) -> list[Entry]:
        """Cataloged sequences with this text around the frame number; `folded` compares
        as a case-insensitive volume does (see `fold`)."""
        if folded:
            return self.folded_sequences.get((fold(head), fold(tail)), [])
        return self.sequences.get((head, tail), [])

    def sequence_at(self, path: str, *, folded: bool = False) -> Entry | None:
        """The cataloged sequence holding the frame file at `path`."""
        parsed = frame_of(path)
        if not parsed:
            return None
        head, tail, frame, digits = parsed
        for entry in self.sequences_named(head, tail, folded=folded):
            seq = entry.sequence
            if seq and seq.first_frame <= frame <= seq.last_frame and digits >= seq.padding:
                return entry
        return None

    def stems_starting(self, prefix: str) -> Iterator[Entry]:
        """Assets whose stem (see `stem`) starts with `prefix` followed by nothing or a
        separator: `a001c003` finds `a001c003_180101_r1ab`, not `a001c0031`."""
        if not prefix:
            return
        if self._sorted_stems is None:
            self._sorted_stems = sorted(self.by_stem)
        i = bisect.bisect_left(self._sorted_stems, prefix)
        while i < len(self._sorted_stems) and self._sorted_stems[i].startswith(prefix):
            name = self._sorted_stems[i]
            if len(name) == len(prefix) or name[len(prefix)] in _SEPARATORS:
                yield from self.by_stem[name]
            i += 1

    def same_folders(self, folder: str) -> list[str]:
        """Cataloged folders that are `folder` on disk under another spelling: through a
        symlink or bind mount either way (a project written through `/mnt/projects`, a
        scan of `/vol1/projects`). The real path of each cataloged folder is worked out
        once, on first use: one lstat per path component per folder, never per file."""
        if self._real_dirs is None:
            self._real_dirs = defaultdict(list)
            folders = {os.path.dirname(path) for path in self.by_path}
            for cataloged in sorted(folders):
                self._real_dirs[os.path.realpath(cataloged)].append(cataloged)
        real = os.path.realpath(folder)
        return [f for f in self._real_dirs.get(real, ()) if f != folder]


def _stream(catalog: Catalog) -> Iterator[Entry]:
    for (record,) in catalog.conn.execute("SELECT record FROM assets"):
        yield _decode(record)
