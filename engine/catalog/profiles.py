"""Movies' data rate over time (migration 4), keyed by file identity. The bytes are
`engine.bandwidth.profile`'s encoding; NULL records that the container has no index."""

from __future__ import annotations

from collections.abc import Iterable

from mediaopt.engine.catalog.backend import Connection
from mediaopt.engine.catalog.transaction import Transaction


class RateProfiles:
    """`catalog.rate_profiles`: each file's encoded rate profile."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def get(self, identity: str) -> tuple[bool, bytes | None]:
        """(stored, data): data None with stored True means "no index in the container"."""
        row = self._conn.execute(
            "SELECT data FROM rate_profiles WHERE identity = ?", (identity,)
        ).fetchone()
        return (False, None) if row is None else (True, row[0])

    def put(self, rows: Iterable[tuple[str, str, bytes | None]]) -> None:
        """Store (identity, path, data) rows in one transaction, one row per path: the
        profile of a file's earlier version goes with it."""
        rows = list(rows)
        with Transaction(self._conn):
            self._conn.executemany(
                "DELETE FROM rate_profiles WHERE path = ? AND identity != ?",
                ((path, identity) for identity, path, _ in rows),
            )
            self._conn.executemany(
                "INSERT INTO rate_profiles (identity, path, data) VALUES (?, ?, ?)"
                " ON CONFLICT(identity) DO UPDATE SET path = excluded.path, data = excluded.data",
                rows,
            )

    def count(self, path: str | None = None) -> int:
        """Stored profiles (of one file when given)."""
        if path is None:
            return self._conn.execute("SELECT count(*) FROM rate_profiles").fetchone()[0]
        sql = "SELECT count(*) FROM rate_profiles WHERE path = ?"
        return self._conn.execute(sql, (path,)).fetchone()[0]

    def sizes(self) -> list[int]:
        """Bytes of each stored profile: what the cache costs."""
        rows = self._conn.execute("SELECT length(data) FROM rate_profiles")
        return [n or 0 for (n,) in rows]
