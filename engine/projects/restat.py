"""Whether a cataloged asset is still what the catalog says it is.

The orphan analysis works from the catalog, which is as old as the last scan. Before an
asset is called an orphan it is looked at on disk again: a file rewritten since changed
within the grace period, a file gone from its path was probably renamed to what a project
now references, and frames added to a sequence are being rendered. Only candidates are
checked, so this costs a stat per orphan (one listing per folder for sequences), not one
per cataloged file.
"""

from __future__ import annotations

import os

import msgspec

from mediaopt.engine.refs.index import Entry, sequence_key

# The catalog keeps mtimes as float seconds from st_mtime_ns; a millisecond covers the
# rounding and no real rewrite is that close to the scan that read the old file.
_MTIME_SLACK_S = 0.001


class Change(msgspec.Struct, frozen=True):
    """How an asset differs on disk from its catalog record."""

    mtime: float
    """Latest modification time now, or 0 when nothing is there to tell."""
    reason: str


class FolderListings:
    """Each folder's files (name -> mtime, size), listed once however many sequences in it
    are checked."""

    def __init__(self) -> None:
        self._found: dict[str, dict[str, tuple[float, int]] | str] = {}

    def __call__(self, folder: str) -> dict[str, tuple[float, int]] | str:
        """The listing, or why the folder cannot be listed."""
        if folder not in self._found:
            self._found[folder] = _list(folder)
        return self._found[folder]


def _list(folder: str) -> dict[str, tuple[float, int]] | str:
    files: dict[str, tuple[float, int]] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_file():
                        st = entry.stat()
                        files[entry.name] = (st.st_mtime, st.st_size)
                except FileNotFoundError:
                    continue  # removed while listing: not there
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return files


def since_scan(entry: Entry, listings: FolderListings) -> Change | None:
    """How `entry` changed since it was cataloged, or None when it is as cataloged."""
    if entry.sequence is None:
        return _file_change(entry)
    return _sequence_change(entry, listings)


def _file_change(entry: Entry) -> Change | None:
    try:
        st = os.stat(entry.path)
    except FileNotFoundError:
        return Change(mtime=0.0, reason="gone from this path since the scan (renamed?): scan again")
    except OSError as exc:
        return Change(mtime=0.0, reason=f"cannot be checked now ({exc.strerror}): scan again")
    if st.st_size != entry.bytes or abs(st.st_mtime - entry.mtime) > _MTIME_SLACK_S:
        return Change(mtime=st.st_mtime, reason="changed since the scan: scan again")
    return None


def _sequence_change(entry: Entry, listings: FolderListings) -> Change | None:
    seq = entry.sequence
    key = sequence_key(entry.path)
    if seq is None or key is None:
        return None
    head, tail, _ = key
    listing = listings(os.path.dirname(head) or os.sep)
    if isinstance(listing, str):
        return Change(mtime=0.0, reason=f"its folder cannot be listed now ({listing}): scan again")
    frames = _frames(listing, os.path.basename(head), tail, seq.padding)
    if not frames:
        return Change(mtime=0.0, reason="its frames are gone since the scan (renamed?): scan again")
    latest = max(mtime for mtime, _ in frames.values())
    expected = seq.last_frame - seq.first_frame + 1 - len(seq.missing_frames)
    if (
        len(frames) != expected
        or sum(size for _, size in frames.values()) != entry.bytes
        or abs(latest - entry.mtime) > _MTIME_SLACK_S
    ):
        return Change(mtime=latest, reason="its frames changed since the scan: scan again")
    return None


def _frames(
    listing: dict[str, tuple[float, int]], head: str, tail: str, padding: int
) -> dict[str, tuple[float, int]]:
    """The files of one sequence: its padding, or wider numbers that need no zeros
    (`10000` in a 4-digit sequence); other widths are other sequences."""
    found = {}
    for name, stat in listing.items():
        if not (name.startswith(head) and name.endswith(tail)):
            continue
        digits = name[len(head) : len(name) - len(tail)].removeprefix("-")
        if digits.isdigit() and (
            len(digits) == padding or (len(digits) > padding and digits[0] != "0")
        ):
            found[name] = stat
    return found
