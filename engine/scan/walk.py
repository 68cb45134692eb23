"""A parallel directory walk that stats every file once and yields one listing per folder.

Folders are listed on a small thread pool: scandir and lstat release the GIL, and on
network storage the latency of many folders in flight hides the round trips. Listings are
yielded as they finish so the caller streams through the tree without holding it whole.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import msgspec


class FileEntry(msgspec.Struct, frozen=True, array_like=True):
    """One stat of one file. `problem` is set when the entry cannot be cataloged normally."""

    path: str
    name: str
    dev: int
    ino: int
    size: int
    mtime_ns: int
    nlink: int = 1
    problem: str | None = None

    @property
    def identity(self) -> str:
        """Same device, inode, size and mtime: the file has not changed since last time."""
        return f"{self.dev}:{self.ino}:{self.size}:{self.mtime_ns}"


class DirListing(msgspec.Struct, frozen=True):
    path: str
    files: list[FileEntry]
    error: str | None = None
    """Why the folder could not be listed; its cataloged assets must then be kept."""


class Walker:
    def __init__(
        self,
        roots: list[str],
        *,
        follow_symlinks: bool = False,
        exclude: frozenset[str] = frozenset(),
        threads: int = 8,
    ):
        self.roots = [os.path.abspath(r) for r in roots]
        self.follow_symlinks = follow_symlinks
        self.exclude = exclude
        self.threads = max(1, threads)
        self._real_roots = [os.path.realpath(r) for r in self.roots]
        self.skipped_links: list[str] = []

    def __iter__(self) -> Iterator[DirListing]:
        seen_dirs: set[tuple[int, int]] = set()
        with ThreadPoolExecutor(self.threads, thread_name_prefix="mediaopt-walk") as pool:
            pending: set[Future] = set()
            for root in self.roots:
                pending.add(pool.submit(self.list_folder, root))
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    listing, subdirs = future.result()
                    for sub, key in subdirs:
                        if key in seen_dirs:
                            continue  # a followed link back into the tree: list it once
                        seen_dirs.add(key)
                        pending.add(pool.submit(self.list_folder, sub))
                    yield listing

    def list_folder(self, folder: str) -> tuple[DirListing, list[tuple[str, tuple[int, int]]]]:
        files: list[FileEntry] = []
        subdirs: list[tuple[str, tuple[int, int]]] = []
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            return DirListing(folder, [], error=_reason(exc, "cannot list folder")), []
        for entry in entries:
            path = entry.path
            if path in self.exclude:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # removed between listing and stat: not there, nothing to catalog
            except OSError as exc:
                files.append(_problem(path, entry.name, _reason(exc, "cannot stat")))
                continue
            if stat.S_ISLNK(st.st_mode):
                self._link(path, entry.name, files, subdirs)
            elif stat.S_ISDIR(st.st_mode):
                subdirs.append((path, (st.st_dev, st.st_ino)))
            elif stat.S_ISREG(st.st_mode):
                files.append(
                    FileEntry(
                        path,
                        entry.name,
                        st.st_dev,
                        st.st_ino,
                        st.st_size,
                        st.st_mtime_ns,
                        st.st_nlink,
                    )
                )
        return DirListing(folder, files), subdirs

    def _link(self, path: str, name: str, files: list[FileEntry], subdirs: list) -> None:
        try:
            st = os.stat(path)
        except OSError as exc:
            if exc.errno == 40:  # ELOOP
                files.append(_problem(path, name, "symlink loop"))
            else:
                target = _readlink(path)
                files.append(_problem(path, name, f"broken symlink to {target}"))
            return
        target = os.path.realpath(path)
        inside = any(target == r or target.startswith(r + os.sep) for r in self._real_roots)
        if inside:
            return  # cataloged under its own path; following would count its bytes twice
        if not self.follow_symlinks:
            self.skipped_links.append(path)
            return
        if stat.S_ISDIR(st.st_mode):
            subdirs.append((path, (st.st_dev, st.st_ino)))
        elif stat.S_ISREG(st.st_mode):
            files.append(
                FileEntry(path, name, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_nlink)
            )


def _problem(path: str, name: str, reason: str) -> FileEntry:
    return FileEntry(path, name, 0, 0, 0, 0, 0, problem=reason)


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "an unreadable target"


def _reason(exc: OSError, what: str) -> str:
    if isinstance(exc, PermissionError):
        return f"{what}: permission denied"
    return f"{what}: {exc.strerror or exc}"
