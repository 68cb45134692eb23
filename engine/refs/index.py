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
from mediaopt.engine.model import notation

_TRAILING_FRAME = re.compile(r"^(.*?[._-]?)(-?\d+)(\.[^./]+)$")
# The same, tried on the file name only: a frame number and extension hold no `/`, so the
# match lies in the name, and the lazy head need not walk the folders (5 us a path, 1 us
# on the name; every cataloged path is asked once or twice per analysis). A name holding
# a newline, which `.` does not cross, takes the whole-path way.
_TRAILING_FRAME_IN_NAME = re.compile(r"(.*?[._-]?)(-?\d+)(\.[^./]+)$")
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
    pattern = notation.parse(path)
    name = os.path.basename(pattern.head) if pattern else name.rpartition(".")[0] or name
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
    """(text before the frame token, text after it, padding) of a pattern in any frame
    notation (`####`, `%04d`, `$F4`, `@@@@`, `<UDIM>`; model.notation reads them); padding
    1 is a natural-width token (`%d`, `$F`, `#`). None when it holds no frame token."""
    found = notation.parse(pattern)
    return (found.head, found.tail, found.padding) if found else None


def frame_of(path: str) -> tuple[str, str, int, int] | None:
    """(head, tail, frame, digits) when a file name ends in a frame number."""
    if "\n" in path:
        match = _TRAILING_FRAME.match(path)
        if not match or "/" in match.group(3):
            return None
        head, digits, tail = match.groups()
    else:
        name_at = path.rfind("/") + 1
        match = _TRAILING_FRAME_IN_NAME.match(path, name_at)
        if not match:
            return None
        head, digits, tail = match.groups()
        head = path[:name_at] + head
    return head, tail, int(digits), len(digits.lstrip("-"))


class CatalogIndex:
    """Assets by path, stem, reel and sequence; `under(root)` streams those below a root.

    Built with `from_catalog`, it holds no asset in memory: lookups query the catalog (by
    path, by row), `under` streams the assets below the roots, and the name keys (file
    stem, reel, case-folded path, sequence name) are kept as sorted 64-bit hashes, 16
    bytes a key, checked against the asset found, so 100,000 assets index in a few MB.
    Built from entries (tests, a host's own list), it keeps them in memory."""

    def __init__(self, entries: Iterable[Entry] = (), *, catalog: Catalog | None = None):
        self._catalog = catalog
        self._memory: dict[str, Entry] | None = None
        self._keys: _Keys | None = None
        self._folders: dict[str, list[str]] | None = None
        self._cache: dict[int | str, Entry | None] = {}
        self._sorted_stems: list[tuple[str, int | str]] | None = None
        if catalog is None:
            self._memory = {entry.path: entry for entry in entries}
        self.by_path = _ByPath(self)
        self.by_folded = _ByFolded(self)
        self.by_stem = _ByKey(self, "stem")
        self.by_reel = _ByKey(self, "reel")

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> CatalogIndex:
        # Its own connection, so the index outlives the caller's `with Catalog(...)` and
        # never shares a cursor with the caller's writes.
        return cls(catalog=Catalog(catalog.path))

    def __len__(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        return self._catalog.count()

    def under(self, roots: list[str]) -> Iterator[Entry]:
        """The assets below the roots, in path order, streamed."""
        if self._memory is None:
            for record in self._catalog.records(under=roots):
                yield _decode(record)
            return
        bases = [r.rstrip(os.sep) + os.sep for r in roots]
        for path, entry in sorted(self._memory.items()):
            if any(path.startswith(b) or path == b[:-1] for b in bases):
                yield entry

    def entries_at(self, paths: Iterable[str]) -> dict[str, Entry]:
        """The cataloged assets at these paths, by path (many looked up per query)."""
        if self._memory is not None:
            return {p: self._memory[p] for p in paths if p in self._memory}
        return {path: _decode(record) for path, record in self._catalog.records_at(paths)}

    def named_under(self, roots: list[str], endings: list[str]) -> Iterator[tuple[str, str]]:
        """(path, kind) of the assets below the roots named with one of these endings
        (`otio`, `nk` ...): what could be a project file, without reading records."""
        if self._memory is None:
            yield from self._catalog.paths_ending(roots, endings)
            return
        for entry in self.under(roots):
            name = entry.path.lower()
            if any(name.endswith("." + e.lower()) for e in endings):
                yield entry.path, entry.kind

    def entries_under(self, roots: list[str]) -> Iterable[Entry]:
        """`under(roots)` as a view that can be read more than once, each time streamed."""
        return _Under(self, roots)

    def sequences_named(self, head: str, tail: str, *, folded: bool = False) -> list[Entry]:
        """Cataloged sequences with this text around the frame number; `folded` compares
        as a case-insensitive volume does (see `fold`)."""
        if folded:
            head, tail = fold(head), fold(tail)
        kind = "folded_sequence" if folded else "sequence"
        found = []
        for entry in self._entries(self._key_table().ids(kind, (head, tail))):
            key = sequence_key(entry.sequence.pattern) if entry.sequence else None
            if key and ((fold(key[0]), fold(key[1])) if folded else key[:2]) == (head, tail):
                found.append(entry)
        return found

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
            # Built on first use only (reel-only EDL events): stems are hashed in the key
            # table, which cannot answer a prefix.
            if self._memory is not None:
                items = ((p, e) for p, e in self._memory.items())
            else:
                items = ((r, _decode_keys(rec)) for r, rec in self._catalog.keyed_records())
            self._sorted_stems = sorted(
                (name, row) for row, entry in items for name in stems(entry.path)
            )
        stems_list = self._sorted_stems
        i = bisect.bisect_left(stems_list, (prefix,))
        ids: list[int | str] = []
        while i < len(stems_list) and stems_list[i][0].startswith(prefix):
            name, row = stems_list[i]
            if len(name) == len(prefix) or name[len(prefix)] in _SEPARATORS:
                ids.append(row)
            i += 1
        yield from self._entries(dict.fromkeys(ids))

    def same_folders(self, folder: str) -> list[str]:
        """Cataloged folders that are `folder` on disk under another spelling: through a
        symlink or bind mount either way (a project written through `/mnt/projects`, a
        scan of `/vol1/projects`). The real path of each cataloged folder is worked out
        once, on first use: one lstat per path component per folder, never per file."""
        if self._folders is None:
            self._folders = defaultdict(list)
            if self._memory is not None:
                folders = sorted({os.path.dirname(path) for path in self._memory})
            else:
                folders = self._catalog.folders()
            for cataloged in folders:
                self._folders[os.path.realpath(cataloged)].append(cataloged)
        real = os.path.realpath(folder)
        return [f for f in self._folders.get(real, ()) if f != folder]

    # -- lookups behind the views ------------------------------------------------------

    def _at(self, path: str) -> Entry | None:
        if self._memory is not None:
            return self._memory.get(path)
        if path not in self._cache:
            record = self._catalog.raw_record(path)
            self._remember(path, _decode(record) if record is not None else None)
        return self._cache[path]

    def _entries(self, ids: Iterable[int | str]) -> Iterator[Entry]:
        for key in ids:
            if isinstance(key, str):  # an in-memory index keys by path
                found = self._memory.get(key) if self._memory is not None else None
            else:
                if key not in self._cache:
                    record = self._catalog.record_by_id(key)
                    self._remember(key, _decode(record) if record is not None else None)
                found = self._cache[key]
            if found is not None:
                yield found

    def _remember(self, key: int | str, entry: Entry | None) -> None:
        # A bounded cache: a project's references look up the same few assets again
        # (resolution, then activity, then the summary), never the whole catalog.
        if len(self._cache) >= _CACHED:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = entry

    def _key_table(self) -> _Keys:
        if self._keys is None:
            if self._memory is not None:
                self._keys = _Keys.build((path, entry) for path, entry in self._memory.items())
            else:
                self._keys = _Keys.build(
                    (row, _decode_keys(record)) for row, record in self._catalog.keyed_records()
                )
        return self._keys


_CACHED = 4096


class _Under:
    def __init__(self, index: CatalogIndex, roots: list[str]):
        self._index = index
        self._roots = roots

    def __iter__(self) -> Iterator[Entry]:
        return self._index.under(self._roots)


class _KeyFields(msgspec.Struct):
    path: str
    reel: str | None = None
    sequence: _Seq | None = None


_decode_keys = msgspec.json.Decoder(_KeyFields).decode


def _keys_of(entry: Entry | _KeyFields) -> Iterator[tuple[str, object]]:
    for name in stems(entry.path):
        yield "stem", name
    if entry.reel:
        yield "reel", entry.reel.casefold()
    yield "folded", fold(entry.path)
    if entry.sequence:
        key = sequence_key(entry.sequence.pattern)
        if key:
            yield "sequence", key[:2]
            yield "folded_sequence", (fold(key[0]), fold(key[1]))


class _Keys:
    """Name keys -> asset rows as two sorted arrays (hash of kind and key, row), built in
    one pass. A hash may collide: callers check the asset they get back."""

    def __init__(self, hashes, rows, paths: list[str] | None):
        self.hashes = hashes
        self.rows = rows
        self.paths = paths
        """For an in-memory index: row number -> path."""

    @classmethod
    def build(cls, items: Iterable[tuple[int | str, Entry | _KeyFields]]) -> _Keys:
        import array

        import numpy as np

        hashes, rows = array.array("q"), array.array("q")
        paths: list[str] | None = None
        for number, (row, entry) in enumerate(items):
            if isinstance(row, str):
                paths = paths if paths is not None else []
                paths.append(row)
                row = number
            for kind, key in _keys_of(entry):
                hashes.append(hash((kind, key)))
                rows.append(row)
        hashed = np.frombuffer(hashes, dtype=np.int64) if hashes else np.zeros(0, np.int64)
        order = np.argsort(hashed, kind="stable")
        ordered_rows = np.frombuffer(rows, dtype=np.int64)[order] if rows else hashed
        return cls(hashed[order], ordered_rows, paths)

    def ids(self, kind: str, key: object) -> list[int | str]:
        import numpy as np

        wanted = hash((kind, key))
        lo = int(np.searchsorted(self.hashes, wanted, side="left"))
        hi = int(np.searchsorted(self.hashes, wanted, side="right"))
        rows = [int(r) for r in self.rows[lo:hi]]
        return [self.paths[r] for r in rows] if self.paths is not None else rows


class _ByPath:
    """`index.by_path`: the asset at a path (a file, or a sequence's pattern)."""

    def __init__(self, index: CatalogIndex):
        self._index = index

    def get(self, path: str, default: Entry | None = None) -> Entry | None:
        found = self._index._at(path)
        return default if found is None else found

    def __getitem__(self, path: str) -> Entry:
        found = self._index._at(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self._index._at(path) is not None


class _ByFolded:
    """`index.by_folded`: the asset at a path as a case-insensitive volume compares it."""

    def __init__(self, index: CatalogIndex):
        self._index = index

    def get(self, folded: str, default: Entry | None = None) -> Entry | None:
        ids = self._index._key_table().ids("folded", folded)
        found = (e for e in self._index._entries(ids) if fold(e.path) == folded)
        return next(found, default)


class _ByKey:
    """`index.by_stem` and `index.by_reel`: assets sharing a case-folded file stem or reel."""

    def __init__(self, index: CatalogIndex, kind: str):
        self._index = index
        self._kind = kind

    def get(self, key: str, default: Iterable[Entry] = ()) -> list[Entry]:
        ids = self._index._key_table().ids(self._kind, key)
        found = [e for e in self._index._entries(ids) if self._has(e, key)]
        return found or list(default)

    def _has(self, entry: Entry, key: str) -> bool:
        if self._kind == "reel":
            return bool(entry.reel) and entry.reel.casefold() == key
        return key in stems(entry.path)
