"""Read-only access to media that never changes it, counts what it reads and can stay
out of the page cache.

Analysis must not touch media: files are opened O_RDONLY, with O_NOATIME where the kernel
allows it (only the file's owner or root may set it; elsewhere it fails with EPERM and we
fall back), and in low-impact mode the pages read are dropped afterwards so a scan does
not evict an editor's working set.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

_NOATIME = getattr(os, "O_NOATIME", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def open_readonly(path: str | Path) -> int:
    """Open `path` for reading only, without updating its access time where allowed."""
    flags = os.O_RDONLY | _CLOEXEC
    if _NOATIME:
        try:
            return os.open(path, flags | _NOATIME)
        except PermissionError:
            pass  # not the owner: O_NOATIME is refused, plain read-only still works
    return os.open(path, flags)


class MediaReader(io.RawIOBase):
    """A seekable read-only file that counts bytes read and enforces a read budget.

    The budget keeps a header probe bounded whatever the file's size: a parser that tries
    to read through the essence gets end-of-file once the budget is spent.
    """

    def __init__(self, path: str | Path, *, budget: int | None = None, drop_cache: bool = False):
        super().__init__()
        self.path = str(path)
        self._fd = open_readonly(path)
        self.size = os.fstat(self._fd).st_size
        self.bytes_read = 0
        self.budget = budget
        self._drop_cache = drop_cache
        self._pos = 0
        if drop_cache and hasattr(os, "posix_fadvise"):
            # No readahead: it would pull in pages beyond the header that we never read,
            # and asynchronous readahead can land after the DONTNEED on close, leaving
            # pages cached that low-impact mode promised to drop.
            with contextlib.suppress(OSError):
                os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_RANDOM)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            self._pos = offset
        elif whence == os.SEEK_CUR:
            self._pos += offset
        else:
            self._pos = self.size + offset
        self._pos = max(0, self._pos)
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[override]
        want = len(buffer)
        if self.budget is not None:
            want = min(want, max(0, self.budget - self.bytes_read))
        if want == 0:
            return 0
        with memoryview(buffer) as view:
            # Straight into the caller's buffer: pread's bytes and a copy cost a third
            # more time when duplicate search hashes whole files.
            n = os.preadv(self._fd, [view.cast("B")[:want]], self._pos)
        self._pos += n
        self.bytes_read += n
        return n

    def read_at(self, offset: int, size: int) -> bytes:
        self.seek(offset)
        return self.read(size) or b""

    def close(self) -> None:
        if not self.closed:
            if self._drop_cache and hasattr(os, "posix_fadvise"):
                with contextlib.suppress(OSError):
                    os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(self._fd)
        super().close()


def drop_from_page_cache(path: str | Path) -> None:
    """Ask the kernel to forget cached pages of a file another library read by path."""
    if not hasattr(os, "posix_fadvise"):
        return
    try:
        fd = open_readonly(path)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def process_bytes_read() -> int | None:
    """Bytes this process has read through read syscalls (Linux `rchar`), None elsewhere.

    Libraries that open files by path themselves (OpenImageIO) are measured this way.
    """
    try:
        with open("/proc/self/io", "rb") as f:
            for line in f:
                if line.startswith(b"rchar:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
