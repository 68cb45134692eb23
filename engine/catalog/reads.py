"""Reads of the stored records for callers that decode only the fields they need (the
catalog index), and the path-range helpers every query under a root uses."""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator

from mediaopt.engine.catalog.backend import Connection


class RawReads:
    """Mixed into Catalog: the stored JSON of assets, by path, row or root."""

    conn: Connection

    def raw_record(self, path: str) -> bytes | None:
        """The stored JSON of the asset at `path`, for callers that decode only the fields
        they need."""
        row = self.conn.execute("SELECT record FROM assets WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def record_by_id(self, row: int) -> bytes | None:
        """The stored JSON of the asset in row `row` (see `keyed_records`)."""
        found = self.conn.execute("SELECT record FROM assets WHERE id = ?", (row,)).fetchone()
        return found[0] if found else None

    def keyed_records(self) -> Iterator[tuple[int, bytes]]:
        """(row, stored JSON) of every asset: for an index that keeps rows, not records.
        A row number is stable while the asset stays cataloged."""
        yield from self.conn.stream("SELECT id, record FROM assets")

    def folders(self) -> list[str]:
        """Every folder holding a cataloged asset."""
        return [d for (d,) in self.conn.execute("SELECT DISTINCT dir FROM assets ORDER BY dir")]

    def records(self, under: Iterable[str] | None = None) -> Iterator[bytes]:
        """The stored JSON of every asset (under these roots when given), in path order,
        for callers that decode only the fields they need."""
        if under is None:
            yield from (r for (r,) in self.conn.stream("SELECT record FROM assets ORDER BY path"))
            return
        roots = {os.path.abspath(os.fspath(r)) for r in under}
        outer = [r for r in roots if not any(is_under(r, o) and r != o for o in roots)]
        # Each root reads in the path index's order (no sort in SQL, nothing held); the
        # roots' streams are merged so the whole is in path order too.
        streams = [self._rows_under(root) for root in sorted(outer)]
        for _, record in heapq.merge(*streams, key=lambda row: row[0]):
            yield record

    def records_at(self, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(path, stored JSON) of the assets at these paths that are cataloged, many
        looked up per query."""
        wanted = list(dict.fromkeys(paths))
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            sql = f"SELECT path, record FROM assets WHERE path IN ({','.join('?' * len(chunk))})"
            yield from self.conn.execute(sql, chunk)

    def paths_ending(
        self, under: Iterable[str], endings: Iterable[str]
    ) -> Iterator[tuple[str, str]]:
        """(path, kind) of the assets under these roots whose name ends in `.` and one of
        `endings` (case-insensitive), in path order, without reading records."""
        likes = [f"%.{_escape(e)}" for e in endings]
        if not likes:
            return
        names = " OR ".join(f"path {self.conn.like} ? ESCAPE '\\'" for _ in likes)
        roots = {os.path.abspath(os.fspath(r)) for r in under}
        for root in sorted(r for r in roots if not any(is_under(r, o) and r != o for o in roots)):
            sql = (
                "SELECT path, kind FROM assets WHERE (path = ? OR (path >= ? AND path < ?))"
                f" AND ({names}) ORDER BY path"
            )
            yield from self.conn.execute(sql, [root, *prefix_range(root), *likes])

    def _rows_under(self, root: str) -> Iterator[tuple[str, bytes]]:
        yield from self.conn.execute("SELECT path, record FROM assets WHERE path = ?", (root,))
        sql = "SELECT path, record FROM assets WHERE path >= ? AND path < ? ORDER BY path"
        yield from self.conn.stream(sql, prefix_range(root))


_BATCH = 500
"""Paths per `IN (...)` query: far below SQLite's limit of 32,766 parameters."""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_range(root: str) -> tuple[str, str]:
    """Bounds such that lo <= path < hi holds exactly for paths under root/."""
    base = root.rstrip(os.sep) + os.sep
    return base, base[:-1] + chr(ord(os.sep) + 1)


def is_under(folder: str, parent: str) -> bool:
    return folder == parent or folder.startswith(parent.rstrip(os.sep) + os.sep)
