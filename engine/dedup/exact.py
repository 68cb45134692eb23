"""Exact duplicates: size, then head and tail blocks, then the whole content (xxh3-128).

Each stage only reads files still tied with another, so most files are never read at all
and most of the rest only 8 KiB. Hashes are cached by the file's identity (device,
inode, size, mtime), so an unchanged file is not read again. Paths sharing an inode (hard
links) are one copy, not duplicates: removing one frees nothing. A frame sequence is
compared as a whole: same frame count, and every frame identical in order; and inside
itself, frame by frame: a held frame a renderer wrote again is a byte-identical file.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator

import msgspec
import xxhash

from mediaopt.engine.catalog.fingerprints import Fingerprints
from mediaopt.engine.dedup.keeper import choose_keeper
from mediaopt.engine.model import (
    Asset,
    AssetKind,
    DuplicateGroup,
    DuplicateMember,
    FileProblem,
    MatchKind,
)
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.scan.reader import MediaReader

EDGE = 4 * 1024
"""Head and tail block size: container headers and trailers (moov atoms, EXR headers and
offset tables) differ between encodes, so two ends decide most ties without a full read.
4 KiB is one page, what jdupes reads first too; 64 KiB ends cost 16x the reads on a tree
of same-size files and decided no more ties on the benchmark's (benchmarks/peers.py)."""
_PARTIAL_TAG = b"ends4k:"
"""Marks a cached partial hash as made from 4 KiB ends: one cached from the former 64 KiB
ends would never equal a new one, so an untagged one is recomputed, never compared."""
BLOCK = 1024 * 1024


class _Unit(msgspec.Struct):
    """One copy: a file, or a sequence's frames, with the inodes that make it up."""

    asset: Asset
    files: list[tuple[str, str, int]]
    """(path, identity, size) of each file, frames in order."""
    inodes: tuple[tuple[int, int], ...]


class ExactFinder:
    def __init__(
        self,
        store: Fingerprints,
        *,
        low_impact: bool = False,
        progress: Progress | None = None,
    ):
        self.store = store
        self.low_impact = low_impact
        self.progress = progress or NullProgress()
        self.problems: list[FileProblem] = []
        self.hashed = 0
        self.hard_links: set[str] = set()
        """Paths seen to share an inode with another path (not reported as copies)."""
        self._ahead: dict[str, bytes | None] = {}
        self._unsaved: dict[str, tuple[int, bytes, bytes | None]] = {}
        """Hashes found and not yet written to the catalog (see `_put`)."""
        """Whole-content hashes read ahead on threads, by file identity."""

    def groups(self, kinds: list[str] | None = None) -> Iterator[DuplicateGroup]:
        self.progress.phase("comparing content")
        copies: set[str] = set()
        ties: list[list[_Unit]] = []
        for same_size in self.store.same_size_assets(kinds):
            units = self._units(same_size)
            if len(units) >= 2:
                ties.extend(_split(units, self._partial))
        self._read_ahead(ties)
        for tied in ties:
            for identical in _split(tied, self._full):
                group = _group(identical)
                copies.update(m.path for m in group.members if m.path != group.keep)
                yield group
        if kinds is None or str(AssetKind.SEQUENCE) in kinds:
            yield from self._held_frames(copies)
        self._save()

    def _held_frames(self, copies: set[str]) -> Iterator[DuplicateGroup]:
        """Identical frames inside one sequence. A sequence that is itself a copy is
        reclaimable whole already, so only keepers and unduplicated sequences are looked
        at; the catalog's per-frame sizes say which frames can be alike at all."""
        for asset, _ in self.store.media_assets([str(AssetKind.SEQUENCE)]):
            seq = asset.sequence
            if seq is None or asset.path in copies or asset.path in self.hard_links:
                continue
            missing = set(seq.missing_frames)
            present = [f for f in range(seq.first_frame, seq.last_frame + 1) if f not in missing]
            by_size: dict[int, list[int]] = defaultdict(list)
            for frame, size in zip(present, seq.frame_bytes, strict=False):
                if size > 0:
                    by_size[size].append(frame)
            for size, frames in by_size.items():
                if len(frames) < 2:
                    continue
                units = self._units([(_frame(asset, f, size), "") for f in frames])
                for tied in _split(units, self._partial):
                    for identical in _split(tied, self._full):
                        yield _held_group(identical)

    def _units(self, rows: list[tuple[Asset, str]]) -> list[_Unit]:
        by_inodes: dict[tuple, _Unit] = {}
        for asset, _ in rows:
            unit = self._unit(asset)
            # Hard links: the first path found stands for the inode.
            if unit is not None and by_inodes.setdefault(unit.inodes, unit) is not unit:
                self.hard_links.add(asset.path)
        return list(by_inodes.values())

    def _unit(self, asset: Asset) -> _Unit | None:
        seq = asset.sequence
        if seq:
            missing = set(seq.missing_frames)
            frames = range(seq.first_frame, seq.last_frame + 1)
            paths = [seq.frame_path(f) for f in frames if f not in missing]
        else:
            paths = [asset.path]
        files, inodes = [], []
        for path in paths:
            try:
                st = os.stat(path)
            except OSError as exc:
                self._problem(path, f"cannot stat: {exc.strerror or exc}")
                return None
            identity = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
            files.append((path, identity, st.st_size))
            inodes.append((st.st_dev, st.st_ino))
        return _Unit(asset=asset, files=files, inodes=tuple(inodes))

    def _partial(self, unit: _Unit) -> bytes | None:
        digest = xxhash.xxh3_128(f"{len(unit.files)};".encode())
        for path, identity, size in unit.files:
            cached, _ = self._hashes(identity)
            if cached is None or not cached.startswith(_PARTIAL_TAG):
                ends = self._read(path, size, whole=False)
                if ends is None:
                    return None
                full = ends if size <= 2 * EDGE else None  # small: the ends are all of it
                cached = _PARTIAL_TAG + ends
                self._put(identity, size, cached, full)
            digest.update(cached)
        return digest.digest()

    def _hashes(self, identity: str) -> tuple[bytes | None, bytes | None]:
        if identity in self._unsaved:
            _, partial, full = self._unsaved[identity]
            return partial, full
        return self.store.hashes(identity)

    def _put(self, identity: str, size: int, partial: bytes, full: bytes | None) -> None:
        """Hashes are cached in the catalog in batches: one commit a file cost a tenth of
        a whole `dupes` over a thousand files."""
        if full is None and identity in self._unsaved:
            full = self._unsaved[identity][2]
        self._unsaved[identity] = (size, partial, full)
        if len(self._unsaved) >= 1000:
            self._save()

    def _save(self) -> None:
        if self._unsaved:
            rows = [(i, size, p, f) for i, (size, p, f) in self._unsaved.items()]
            self.store.put_many_hashes(rows)
            self._unsaved.clear()

    def _read_ahead(self, ties: list[list[_Unit]]) -> None:
        """Hash every file still tied after the ends compared, on a few threads: reads
        wait on the disk (or the page cache's copying) with the GIL released, so two
        files are read at once where one core would idle. Not when asked to be gentle."""
        if self.low_impact:
            return
        files = [
            (path, identity, size)
            for tied in ties
            for unit in tied
            for path, identity, size in unit.files
            if self._hashes(identity)[1] is None
        ]
        if len(files) < 2:
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
            digests = pool.map(lambda f: self._read(f[0], f[2], whole=True), files)
            for (_, identity, _), digest in zip(files, digests, strict=True):
                self._ahead[identity] = digest  # None: unreadable, its problem noted once

    def _full(self, unit: _Unit) -> bytes | None:
        digest = xxhash.xxh3_128()
        read_any = False
        for path, identity, size in unit.files:
            partial, cached = self._hashes(identity)
            if cached is None:
                if identity in self._ahead:
                    cached = self._ahead.pop(identity)
                else:
                    cached = self._read(path, size, whole=True)
                if cached is None:
                    return None
                read_any = True
                self._put(identity, size, partial or b"", cached)
            digest.update(cached)
        self.hashed += read_any
        return digest.digest()

    def _read(self, path: str, size: int, *, whole: bool) -> bytes | None:
        digest = xxhash.xxh3_128()
        try:
            with MediaReader(path, drop_cache=self.low_impact) as reader:
                if reader.size != size:
                    self._problem(path, "changed while being compared (size differs)")
                    return None
                if whole or size <= 2 * EDGE:
                    buffer = bytearray(BLOCK)
                    view = memoryview(buffer)
                    while n := reader.readinto(view):
                        digest.update(view[:n])
                else:
                    digest.update(reader.read_at(0, EDGE))
                    digest.update(reader.read_at(size - EDGE, EDGE))
                self.progress.advance(0, reader.bytes_read)
        except OSError as exc:
            self._problem(path, f"cannot read: {exc.strerror or exc}")
            return None
        return digest.digest()

    def _problem(self, path: str, reason: str) -> None:
        self.problems.append(FileProblem(path=path, reason=reason))
        self.progress.problem(path, reason)


def _split(units: list[_Unit], key) -> Iterator[list[_Unit]]:
    buckets: dict[bytes, list[_Unit]] = defaultdict(list)
    for unit in units:
        value = key(unit)
        if value is not None:
            buckets[value].append(unit)
    for bucket in buckets.values():
        if len(bucket) > 1:
            yield bucket


def _frame(sequence: Asset, frame: int, size: int) -> Asset:
    """One frame of a sequence as an asset of its own."""
    assert sequence.sequence is not None
    return Asset(
        path=sequence.sequence.frame_path(frame),
        kind=AssetKind.IMAGE,
        bytes=size,
        mtime=sequence.mtime,
        status=sequence.status,
        format=sequence.format,
        extension=sequence.extension,
    )


def _held_group(units: list[_Unit]) -> DuplicateGroup:
    """The first frame is kept; the held ones repeat it. Replacing them with hard links
    to it frees their bytes and keeps the sequence whole."""
    first, *held = [u.asset for u in units]
    members = [DuplicateMember(path=first.path, bytes=first.bytes, similarity=1.0, media="image")]
    members += [
        DuplicateMember(
            path=a.path, bytes=a.bytes, similarity=1.0, media="image", relation="held frame"
        )
        for a in held
    ]
    return DuplicateGroup(
        kind=MatchKind.EXACT,
        members=members,
        keep=first.path,
        reclaimable_bytes=sum(a.bytes for a in held),
        relation="held frames",
    )


def _group(units: list[_Unit]) -> DuplicateGroup:
    assets = [u.asset for u in units]
    keep = choose_keeper(assets)
    ordered = [keep] + [a for a in assets if a is not keep]
    members = [
        DuplicateMember(
            path=a.path,
            bytes=a.bytes,
            similarity=1.0,
            media=str(a.kind),
            relation=None if a is keep else "identical",
        )
        for a in ordered
    ]
    return DuplicateGroup(
        kind=MatchKind.EXACT,
        members=members,
        keep=keep.path,
        reclaimable_bytes=sum(a.bytes for a in ordered[1:]),
        relation="identical",
    )
