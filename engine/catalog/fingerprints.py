"""The duplicate caches: content hashes and perceptual fingerprints by file identity.

Kept beside the assets table (migration 2) rather than inside the Asset record so a
rescan that reuses an asset's record also reuses its hashes, and so a file that changed
(new identity) is never matched on a stale hash. Values are opaque bytes here: what they
mean belongs to `engine.fingerprint`, above the catalog.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import msgspec

from mediaopt.engine.catalog.backend import Connection
from mediaopt.engine.catalog.transaction import Transaction
from mediaopt.engine.model import Asset

_asset = msgspec.json.Decoder(Asset).decode


class Fingerprints:
    """`catalog.fingerprints`: the exact-match hashes and perceptual prints of assets."""

    def __init__(self, conn: Connection):
        self._conn = conn

    # -- exact -------------------------------------------------------------------------

    def hashes(self, identity: str) -> tuple[bytes | None, bytes | None]:
        """(hash of the first and last blocks, hash of the whole file), None when unknown."""
        row = self._conn.execute(
            'SELECT partial, "full" FROM content_hashes WHERE identity = ?', (identity,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def put_hashes(self, identity: str, size: int, partial: bytes, full: bytes | None) -> None:
        """Store the hashes; a None `full` keeps a full hash stored earlier."""
        self.put_many_hashes([(identity, size, partial, full)])

    def put_many_hashes(self, rows: list[tuple[str, int, bytes, bytes | None]]) -> None:
        """`put_hashes` for many files in one transaction (one commit, not one a file)."""
        sql = (
            'INSERT INTO content_hashes (identity, size, partial, "full") VALUES (?, ?, ?, ?)'
            " ON CONFLICT(identity) DO UPDATE SET partial = excluded.partial,"
            ' "full" = coalesce(excluded."full", content_hashes."full")'
        )
        if len(rows) == 1:
            self._conn.execute(sql, rows[0])
            return
        with Transaction(self._conn):
            self._conn.executemany(sql, rows)

    # -- near --------------------------------------------------------------------------

    def get(self, identity: str, method: str) -> tuple[bytes, bytes | None] | None:
        """(print, thumbnail) of the file by this method (`image`, `video`, `audio`)."""
        row = self._conn.execute(
            "SELECT data, thumbnail FROM fingerprints WHERE identity = ? AND method = ?",
            (identity, method),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put(self, identity: str, method: str, data: bytes, thumbnail: bytes | None) -> None:
        self._conn.execute(
            "INSERT INTO fingerprints (identity, method, data, thumbnail) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(identity, method) DO UPDATE SET data = excluded.data,"
            " thumbnail = excluded.thumbnail",
            (identity, method, data, thumbnail),
        )

    def count(self, method: str | None = None) -> int:
        """Stored prints (of one method when given)."""
        if method is None:
            return self._conn.execute("SELECT count(*) FROM fingerprints").fetchone()[0]
        sql = "SELECT count(*) FROM fingerprints WHERE method = ?"
        return self._conn.execute(sql, (method,)).fetchone()[0]

    def clear(self) -> None:
        """Forget every perceptual print (they are caches: the next search recomputes)."""
        self._conn.execute("DELETE FROM fingerprints")

    # -- what to look at ---------------------------------------------------------------

    def same_size_assets(self, kinds: list[str] | None) -> Iterator[list[tuple[Asset, str]]]:
        """Lists of (asset, identity) sharing a size, one size at a time (streamed: only
        one size's assets are in memory). Empty files are skipped: they are all alike."""
        where = "bytes > 0"
        args: list[object] = []
        if kinds:
            where += f" AND kind IN ({_marks(kinds)})"
            args += kinds
        sql = (
            f"SELECT bytes, identity, record FROM assets WHERE {where} AND bytes IN"
            f" (SELECT bytes FROM assets WHERE {where} GROUP BY bytes HAVING count(*) > 1)"
            " ORDER BY bytes DESC, path"
        )
        current: list[tuple[Asset, str]] = []
        size = None
        for nbytes, identity, record in self._conn.stream(sql, args + args):
            if nbytes != size and current:
                yield current
                current = []
            size = nbytes
            current.append((_asset(record), identity))
        if current:
            yield current

    def media_assets(self, kinds: list[str]) -> Iterator[tuple[Asset, str]]:
        """(asset, identity) of these kinds, unreadable ones included: their decode fails
        with a problem naming the file, rather than the file being silently left out."""
        sql = f"SELECT identity, record FROM assets WHERE kind IN ({_marks(kinds)}) ORDER BY path"
        for identity, record in self._conn.stream(sql, kinds):
            yield _asset(record), identity

    def printed(
        self, method: str, kinds: list[str], roots: list[str]
    ) -> Iterator[tuple[str, bytes]]:
        """(path, print) of the assets of these kinds under the roots that have a print by
        this method for their current identity (a changed file has none)."""
        sql = (
            "SELECT a.path, f.data FROM assets a JOIN fingerprints f"
            " ON f.identity = a.identity AND f.method = ?"
            f" WHERE a.kind IN ({_marks(kinds)})"
        )
        for path, data in self._conn.stream(sql, (method, *kinds)):
            if _under(path, roots):
                yield path, data

    def unprinted(self, method: str, kinds: list[str], roots: list[str]) -> list[tuple[Asset, str]]:
        """(asset, identity) of the readable assets of these kinds under the roots that have
        no print by this method. A list, not a stream: the caller writes prints as it goes,
        and a cursor must not see its own inserts."""
        sql = (
            "SELECT a.path, a.identity, a.record FROM assets a LEFT JOIN fingerprints f"
            " ON f.identity = a.identity AND f.method = ?"
            f" WHERE f.identity IS NULL AND a.status = 'ok' AND a.kind IN ({_marks(kinds)})"
        )
        rows = self._conn.execute(sql, (method, *kinds)).fetchall()
        return [
            (_asset(record), identity) for path, identity, record in rows if _under(path, roots)
        ]


def _marks(values: list[str] | tuple[str, ...]) -> str:
    return ",".join("?" * len(values))


def _under(path: str, roots: list[str]) -> bool:
    return any(path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
