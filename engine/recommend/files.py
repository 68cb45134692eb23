"""The files behind a cataloged asset, as they are on disk now: what a plan records of
each, what its content hash is, and how many bytes removing it really frees."""

from __future__ import annotations

import array
import fcntl
import os
import stat
import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator

import xxhash

from mediaopt.engine.model import PlannedFile
from mediaopt.engine.refs.index import Entry

CHUNK = 4 << 20
"""Read size for hashing and copying: large enough that a syscall per chunk costs
nothing beside the I/O, small enough to stay in cache (measured in benchmarks/savings.py)."""

_FS_IOC_FIEMAP = 0xC020660B
_FIEMAP_EXTENT_LAST = 0x1
_FIEMAP_EXTENT_SHARED = 0x2000
_FIEMAP_HEADER = struct.Struct("=QQIIII")
_FIEMAP_EXTENT = struct.Struct("=QQQQQIIII")
_EXTENTS_PER_CALL = 64


def asset_files(entry: Entry) -> Iterator[str]:
    """The files of a cataloged asset: itself, or a sequence's present frames."""
    seq = entry.sequence
    if seq is None:
        yield entry.path
        return
    missing = set(seq.missing_frames)
    head, _, tail = seq.pattern.partition("#" * seq.padding)
    for frame in range(seq.first_frame, seq.last_frame + 1):
        if frame not in missing:
            number = f"{frame:0{seq.padding}d}" if frame >= 0 else f"-{-frame:0{seq.padding}d}"
            yield f"{head}{number}{tail}"


def xxh128_file(path: str | os.PathLike[str]) -> str:
    """Content hash (xxh3-128, hex) of a file, read in large chunks."""
    digest = xxhash.xxh3_128()
    with open(path, "rb", buffering=0) as f:
        _no_atime(f.fileno())
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _no_atime(fd: int) -> None:
    """Reading for a hash is not a use: keep atimes as they were where the OS allows."""
    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | getattr(os, "O_NOATIME", 0))
    except OSError:
        pass  # O_NOATIME needs the file's owner (or root); the read still works


_NEVER_SHARE = {"ext2", "ext3", "ext4", "tmpfs", "nfs", "nfs4", "cifs", "smb3", "vfat", "exfat"}
"""File systems without shared extents: FIEMAP is not asked there (one ioctl per file
adds up over a facility)."""
_fs_types: dict[int, str] | None = None


def may_share(device: int) -> bool:
    """Whether the file system holding `device` can share extents between files."""
    global _fs_types
    if _fs_types is None:
        _fs_types = {}
        try:
            with open("/proc/self/mountinfo") as mounts:
                for line in mounts:
                    fields, _, rest = line.partition(" - ")
                    major, minor = (int(x) for x in fields.split()[2].split(":"))
                    _fs_types[os.makedev(major, minor)] = rest.split()[0]
        except (OSError, ValueError, IndexError):
            pass  # not Linux: ask FIEMAP (it fails where unsupported)
    return _fs_types.get(device) not in _NEVER_SHARE


def shared_bytes(path: str, device: int | None = None) -> int:
    """Bytes of the file whose extents the file system shares with another file (reflinks,
    deduplicated extents): removing this file does not free them. 0 where FIEMAP is not
    supported or nothing is shared."""
    if device is not None and not may_share(device):
        return 0
    try:
        return sum(length for _, length, flags in _extents(path) if flags & _FIEMAP_EXTENT_SHARED)
    except OSError:
        return 0


def shared_with(copy: str, keeper: str, device: int | None = None) -> int:
    """Bytes of `copy` that already lie on the keeper's blocks (an earlier reflink or
    dedupe): sharing them again frees nothing. 0 where nothing is shared or FIEMAP is not
    supported."""
    if device is not None and not may_share(device):
        return 0
    try:
        mine = sorted(
            (disk, disk + n) for disk, n, flags in _extents(copy) if flags & _FIEMAP_EXTENT_SHARED
        )
        if not mine:
            return 0
        theirs = sorted((disk, disk + n) for disk, n, _ in _extents(keeper))
    except OSError:
        return 0
    overlap, j = 0, 0
    for start, end in mine:  # both sorted by disk offset: one pass over each
        while j < len(theirs) and theirs[j][1] <= start:
            j += 1
        k = j
        while k < len(theirs) and theirs[k][0] < end:
            overlap += min(end, theirs[k][1]) - max(start, theirs[k][0])
            k += 1
    return overlap


def _extents(path: str) -> Iterator[tuple[int, int, int]]:
    """(disk offset, length, FIEMAP flags) of each extent of the file, from FIEMAP."""
    fd = os.open(path, os.O_RDONLY)
    try:
        start = 0
        size = _FIEMAP_HEADER.size + _EXTENTS_PER_CALL * _FIEMAP_EXTENT.size
        while True:
            buf = array.array("B", bytes(size))
            _FIEMAP_HEADER.pack_into(buf, 0, start, 2**64 - 1 - start, 0, 0, _EXTENTS_PER_CALL, 0)
            fcntl.ioctl(fd, _FS_IOC_FIEMAP, buf, True)
            mapped = _FIEMAP_HEADER.unpack_from(buf, 0)[3]
            if mapped == 0:
                return
            last = False
            for i in range(mapped):
                offset = _FIEMAP_HEADER.size + i * _FIEMAP_EXTENT.size
                logical, physical, length, _, _, flags, *_ = _FIEMAP_EXTENT.unpack_from(buf, offset)
                yield physical, length, flags
                start = logical + length
                last = last or bool(flags & _FIEMAP_EXTENT_LAST)
            if last:
                return
    finally:
        os.close(fd)


def planned_file(
    path: str, *, asset: str | None = None, hashed: bool = False, keeper: str | None = None
) -> PlannedFile | None:
    """The file as it is now, or None when it is gone or not a regular file (a symlink is
    never acted on: the data it points at may be anywhere)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return None
        digest = xxh128_file(path) if hashed else None
    except OSError:
        return None
    return PlannedFile(
        path=path,
        bytes=st.st_size,
        mtime_ns=st.st_mtime_ns,
        inode=st.st_ino,
        device=st.st_dev,
        xxh128=digest,
        asset=asset if asset != path else None,
        keeper=keeper,
        freed=st.st_size,
    )


def count_freed(files: Iterable[PlannedFile]) -> list[PlannedFile]:
    """The files with `freed` set: a hard-linked inode counts once, and only when every
    name it has is in the plan (else removing these names frees nothing); extents shared
    with another file (reflinks) are not counted."""
    files = list(files)
    names: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, f in enumerate(files):
        names[f.device, f.inode].append(i)
    out = list(files)
    for (_, _), indexes in names.items():
        first = files[indexes[0]]
        links = _nlink(first.path)
        for n, i in enumerate(indexes):
            f = files[i]
            if f.keeper is not None:
                continue  # dedupe: freed was worked out against the keeper
            freed = 0
            if n == 0 and links <= len(indexes):
                freed = max(0, f.bytes - shared_bytes(f.path, f.device)) if f.bytes else 0
            out[i] = _with_freed(f, freed)
    return out


def _nlink(path: str) -> int:
    try:
        return os.lstat(path).st_nlink
    except OSError:
        return 1


def _with_freed(f: PlannedFile, freed: int) -> PlannedFile:
    import msgspec

    return msgspec.structs.replace(f, freed=freed)
