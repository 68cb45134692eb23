"""The catalog's duplicate caches: content hashes and perceptual fingerprints by identity.

Kept beside the catalog's own tables (migration 2) rather than inside the Asset record so a
rescan that reuses an asset's record also reuses its hashes, and so a file that changed
(new identity) is never matched on a stale hash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetKind

_asset = msgspec.json.Decoder(Asset).decode


class HashStore:
    def __init__(self, catalog: Catalog):
        self.conn: sqlite3.Connection = catalog.conn

    # -- exact -------------------------------------------------------------------------

    def hashes(self, identity: str) -> tuple[bytes | None, bytes | None]:
        row = self.conn.execute(
            "SELECT partial, full FROM content_hashes WHERE identity = ?", (identity,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def put_hashes(self, identity: str, size: int, partial: bytes, full: bytes | None) -> None:
        self.conn.execute(
            "INSERT INTO content_hashes (identity, size, partial, full) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(identity) DO UPDATE SET partial = excluded.partial,"
            " full = coalesce(excluded.full, content_hashes.full)",
            (identity, size, partial, full),
        )

    # -- near --------------------------------------------------------------------------

    def fingerprint(self, identity: str, method: str) -> tuple[bytes, bytes | None] | None:
        row = self.conn.execute(
            "SELECT data, thumbnail FROM fingerprints WHERE identity = ? AND method = ?",
            (identity, method),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put_fingerprint(
        self, identity: str, method: str, data: bytes, thumbnail: bytes | None
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO fingerprints (identity, method, data, thumbnail)"
            " VALUES (?, ?, ?, ?)",
            (identity, method, data, thumbnail),
        )

    # -- what to look at ---------------------------------------------------------------

    def same_size_assets(self, kinds: list[str] | None) -> Iterator[list[tuple[Asset, str]]]:
        """Lists of (asset, identity) sharing a size, one size at a time (streamed: only
        one size's assets are in memory). Empty files are skipped: they are all alike."""
        where = "bytes > 0"
        args: list[object] = []
        if kinds:
            where += f" AND kind IN ({','.join('?' * len(kinds))})"
            args += kinds
        sql = (
            f"SELECT bytes, identity, record FROM assets WHERE {where} AND bytes IN"
            f" (SELECT bytes FROM assets WHERE {where} GROUP BY bytes HAVING count(*) > 1)"
            " ORDER BY bytes DESC, path"
        )
        current: list[tuple[Asset, str]] = []
        size = None
        for nbytes, identity, record in self.conn.execute(sql, args + args):
            if nbytes != size and current:
                yield current
                current = []
            size = nbytes
            current.append((_asset(record), identity))
        if current:
            yield current

    def media_assets(self, kinds: list[str]) -> Iterator[tuple[Asset, str]]:
        """Assets of these kinds, unreadable ones included: their decode fails with a
        problem naming the file, rather than the file being silently left out."""
        sql = (
            f"SELECT identity, record FROM assets WHERE kind IN ({','.join('?' * len(kinds))})"
            " ORDER BY path"
        )
        for identity, record in self.conn.execute(sql, kinds):
            yield _asset(record), identity


PICTURE_KINDS = [str(AssetKind.IMAGE), str(AssetKind.VIDEO), str(AssetKind.SEQUENCE)]
