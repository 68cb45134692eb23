"""File operations that never leave a half-done file under a final name: copies go to a
`.partial` name, are fsynced and then renamed; links replace a file by rename; every
rename is followed by an fsync of its folder."""

from __future__ import annotations

import array
import contextlib
import errno
import fcntl
import os
import stat
import struct
from pathlib import Path

import xxhash

from mediaopt.engine.actions.fault import fault
from mediaopt.engine.recommend.files import CHUNK

PARTIAL = ".mediaopt-partial"
LINKING = ".mediaopt-link"

_FIDEDUPERANGE = 0xC0189436
_RANGE_HEADER = struct.Struct("=QQHHI")  # src_offset, src_length, dest_count, reserved x2
_RANGE_INFO = struct.Struct("=qQQiI")  # dest_fd, dest_offset, bytes_deduped, status, reserved
_FILE_DEDUPE_RANGE_DIFFERS = 1
_DEDUPE_STEP = 16 << 20  # the kernel caps one call (16 MiB on btrfs, XFS)
_FALLOC_FL_UNSHARE_RANGE = 0x40  # linux/falloc.h


class Unsupported(Exception):
    """The file system cannot share extents between these files."""


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(folder: Path) -> None:
    """Create missing folders and fsync each parent, so the new names survive a crash."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir(exist_ok=True)
        fsync_dir(new.parent)


def copy_hashed(src: str, dest: str) -> str:
    """Copy `src` to `dest` through `dest.partial`, hashing what was read; the copy gets
    the source's mode and times. Returns the xxh3-128 hex digest of the source's bytes.
    Raises OSError (ENOSPC, EACCES ...) with the partial copy removed."""
    partial = dest + PARTIAL
    make_dirs(Path(dest).parent)
    digest = xxhash.xxh3_128()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    try:
        with open(src, "rb", buffering=0) as fin, open(partial, "wb", buffering=0) as fout:
            st = os.fstat(fin.fileno())
            first = True
            while n := fin.readinto(buf):
                digest.update(view[:n])
                _write_all(fout.fileno(), view[:n])
                if first:
                    fault("copy")  # tests: die with a partial copy on disk
                    first = False
            os.fsync(fout.fileno())
        os.chmod(partial, stat.S_IMODE(st.st_mode))
        os.utime(partial, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.rename(partial, dest)
        fsync_dir(Path(dest).parent)
    except BaseException:
        remove_quietly(partial)
        raise
    return digest.hexdigest()


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        written = os.write(fd, data)
        data = data[written:]


def hash_from_disk(path: str) -> str:
    """xxh3-128 of the file as the disk holds it: its cached pages are dropped first (it
    was fsynced), so the read comes from the storage, not from what was just written."""
    digest = xxhash.xxh3_128()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        fd = f.fileno()
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        first = True
        while n := f.readinto(buf):
            digest.update(view[:n])
            if first:
                fault("verify")
                first = False
    return digest.hexdigest()


def same_bytes(a: str, b: str) -> tuple[bool, str]:
    """Whether two files hold the same bytes, compared chunk by chunk, and the xxh3-128
    of `b` (the copy about to be replaced) when they do."""
    digest = xxhash.xxh3_128()
    with open(a, "rb", buffering=0) as fa, open(b, "rb", buffering=0) as fb:
        if os.fstat(fa.fileno()).st_size != os.fstat(fb.fileno()).st_size:
            return False, ""
        while True:
            ca, cb = fa.read(CHUNK), fb.read(CHUNK)
            if ca != cb:
                return False, ""
            if not ca:
                return True, digest.hexdigest()
            digest.update(cb)


def dedupe_range(keeper: str, copy: str) -> int:
    """Share the keeper's extents with the copy through FIDEDUPERANGE: the kernel locks
    both files and compares the bytes itself, so a copy changed since our comparison is
    left as it is (unlike FICLONE, which would overwrite it). Returns bytes deduplicated."""
    size = os.path.getsize(copy)
    src = os.open(keeper, os.O_RDONLY)
    dst = os.open(copy, os.O_RDWR)
    done = 0
    try:
        while done < size:
            length = min(_DEDUPE_STEP, size - done)
            buf = array.array("B", bytes(_RANGE_HEADER.size + _RANGE_INFO.size))
            _RANGE_HEADER.pack_into(buf, 0, done, length, 1, 0, 0)
            _RANGE_INFO.pack_into(buf, _RANGE_HEADER.size, dst, done, 0, 0, 0)
            try:
                fcntl.ioctl(src, _FIDEDUPERANGE, buf, True)
            except OSError as exc:
                if exc.errno in (errno.EOPNOTSUPP, errno.ENOTTY, errno.EINVAL, errno.EXDEV):
                    raise Unsupported(exc.strerror) from exc
                raise
            _, _, deduped, status, _ = _RANGE_INFO.unpack_from(buf, _RANGE_HEADER.size)
            if status == _FILE_DEDUPE_RANGE_DIFFERS:
                raise ValueError("the kernel found the bytes differ: left as it was")
            if status < 0:
                raise OSError(-status, os.strerror(-status), copy)
            if deduped == 0:
                raise Unsupported("the file system shared no extents")
            done += deduped
            if done < size:
                fault("dedupe")  # tests: die with the copy partly on the keeper's blocks
    finally:
        os.close(src)
        os.close(dst)
    return done


def unshare(path: str) -> None:
    """Give a file its own extents again, in place: FALLOC_FL_UNSHARE_RANGE makes the
    kernel copy every block the file shares (XFS; Linux 4.11+), under the same inode and
    without the bytes ever differing, so an undo killed half-way leaves a whole file and
    can be run again. Raises Unsupported where the file system has no such call (btrfs)."""
    import ctypes  # only undo needs it

    libc = ctypes.CDLL(None, use_errno=True)
    libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    fd = os.open(path, os.O_RDWR)
    try:
        size = os.fstat(fd).st_size
        if size and libc.fallocate(fd, _FALLOC_FL_UNSHARE_RANGE, 0, size) != 0:
            code = ctypes.get_errno()
            if code in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise Unsupported(os.strerror(code))
            raise OSError(code, os.strerror(code), path)
        os.fsync(fd)
    finally:
        os.close(fd)


def hard_link_over(keeper: str, copy: str) -> None:
    """Replace `copy` by a hard link to `keeper`, atomically (link beside, then rename)."""
    temp = copy + LINKING
    remove_quietly(temp)
    os.link(keeper, temp)
    os.rename(temp, copy)
    fsync_dir(Path(copy).parent)


def restore_copy(src: str, dest: str, *, expect: str | None, meta: dict[str, int | None]) -> None:
    """Put `src`'s bytes back at `dest` as an independent file with the original mode,
    owner and times, through a partial name; refuse when the bytes do not hash to
    `expect`."""
    got = copy_hashed(src, dest + ".mediaopt-restore")
    temp = dest + ".mediaopt-restore"
    try:
        if expect is not None and got != expect:
            raise ValueError(f"{src}: its bytes no longer match the journal's hash")
        set_meta(temp, meta)
        os.rename(temp, dest)
        fsync_dir(Path(dest).parent)
    except BaseException:
        remove_quietly(temp)
        raise


def set_meta(path: str, meta: dict[str, int | None]) -> None:
    if meta.get("mode") is not None:
        os.chmod(path, stat.S_IMODE(meta["mode"]))  # type: ignore[arg-type]
    if meta.get("uid") is not None and os.geteuid() == 0:
        os.chown(path, meta["uid"], meta.get("gid") or 0)  # type: ignore[arg-type]
    if meta.get("mtime_ns") is not None:
        atime = meta.get("atime_ns") or meta["mtime_ns"]
        os.utime(path, ns=(atime, meta["mtime_ns"]))  # type: ignore[arg-type]


def remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def free_bytes(path: str, *, settle: bool = False) -> int:
    """statvfs free bytes of the file system holding `path`; with `settle`, after that
    file system has written what it holds back: Btrfs counts the blocks a dedupe or a
    removal frees only once its transaction commits (measured: 0 bytes gained right after
    sharing a 5 MB file, its size after a sync), XFS at once."""
    if settle:
        _syncfs(path)
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def _syncfs(path: str) -> None:
    import ctypes  # only an executed apply needs it

    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        os.sync()  # not Linux: every file system
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        syncfs(fd)
    finally:
        os.close(fd)
