"""The catalog: every asset a scan found, in one SQLite file (WAL mode, the default) or a
shared PostgreSQL database (`postgresql://...`, for many scanners and users at once).

Each row keeps the full Asset record (msgspec JSON) beside the columns users query by,
so the JSON the CLI prints, what hosts read and what is stored are the same record.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from mediaopt.engine.catalog.backend import (
    CatalogBusy,
    CatalogError,
    Connection,
    PostgresConnection,
    SqliteConnection,
)
from mediaopt.engine.catalog.fingerprints import Fingerprints
from mediaopt.engine.catalog.jobs import RenderJobs
from mediaopt.engine.catalog.location import (
    ENV_VAR,
    catalog_exists,
    default_catalog_path,
    is_url,
    resolve,
)
from mediaopt.engine.catalog.profiles import RateProfiles
from mediaopt.engine.catalog.reads import RawReads, is_under, prefix_range
from mediaopt.engine.catalog.schema import CatalogVersionError, migrate
from mediaopt.engine.catalog.transaction import Transaction
from mediaopt.engine.model import Asset, AssetKind, ScannedRoot

__all__ = [
    "ENV_VAR",
    "Catalog",
    "CatalogBusy",
    "CatalogError",
    "CatalogVersionError",
    "StatsRow",
    "catalog_exists",
    "default_catalog_path",
    "is_url",
    "parse_size",
]

BUSY_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError, CatalogBusy)
"""What a write raises when the catalog is locked or unreachable: retry later."""
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Asset).decode
_decode_roots = msgspec.json.Decoder(list[str]).decode


def _connect(location: Path | str) -> Connection:
    """Open (or create) the catalog at `location`, refusing anything that is not a
    mediaopt catalog before writing to it."""
    conn = PostgresConnection(location) if is_url(location) else SqliteConnection(Path(location))
    conn.opened(migrate)
    return conn


class StatsRow(msgspec.Struct, kw_only=True, frozen=True):
    key: str
    """The group: a kind, codec, `1920x1080`, folder or extension."""
    files: int
    """Assets in the group (a sequence counts once)."""
    bytes: int


class Catalog(RawReads):
    """An open catalog. Use as a context manager, or call close().

    This package is the only code that runs SQL (a test checks it): the caches beside the
    assets are sub-objects, `fingerprints`, `render_jobs` and `rate_profiles`."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        location = resolve(path)
        self.conn = _connect(location)
        self.path: Path | str = location if isinstance(location, Path) else self.conn.shown
        """The catalog file, or the PostgreSQL URL without its password: what messages
        and records show."""
        self.backend = self.conn.name
        """`sqlite` or `postgresql`."""
        self.fingerprints = Fingerprints(self.conn)
        self.render_jobs = RenderJobs(self.conn)
        self.rate_profiles = RateProfiles(self.conn)

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def copy_to(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of an SQLite catalog, WAL contents included (SQLite's backup
        API, safe while others write)."""
        self.conn.backup_to(target)

    # -- writing, used by the scanner ------------------------------------------------

    def begin_scan(self, roots: list[str]) -> int:
        now = time.time()
        with self._transaction():
            scan_id = self.conn.execute(
                "INSERT INTO scans (started, roots) VALUES (?, ?) RETURNING id",
                (now, _encode(roots).decode()),
            ).fetchone()[0]
            # Recorded as the scan begins: a killed scan still cataloged what it reached.
            self.conn.executemany(
                "INSERT INTO roots (path, first_scanned) VALUES (?, ?) ON CONFLICT DO NOTHING",
                ((root, now) for root in roots),
            )
        return int(scan_id)

    def finish_scan(self, scan_id: int, summary: msgspec.Struct) -> None:
        now = time.time()
        with self._transaction():
            self.conn.execute(
                "UPDATE scans SET finished = ?, summary = ? WHERE id = ?",
                (now, _encode(summary), scan_id),
            )
            row = self.conn.execute("SELECT roots FROM scans WHERE id = ?", (scan_id,))
            roots = _decode_roots(row.fetchone()[0])
            self.conn.executemany(
                "UPDATE roots SET last_scanned = ? WHERE path = ?", ((now, r) for r in roots)
            )

    def scanned_roots(self) -> list[ScannedRoot]:
        """Every folder a scan was given, with when, outermost first. A folder scanned
        inside an earlier root is listed too (it has its own dates)."""
        rows = self.conn.execute(
            "SELECT path, first_scanned, last_scanned FROM roots ORDER BY path"
        )
        return [ScannedRoot(path=p, first_scanned=f, last_scanned=last) for p, f, last in rows]

    def roots(self) -> list[str]:
        """The outermost scanned roots: where a command run without --root looks."""
        kept: list[str] = []
        for root in sorted({r.path for r in self.scanned_roots()}, key=len):
            if not any(is_under(root, k) for k in kept):
                kept.append(root)
        return sorted(kept)

    def identities_in(self, folder: str) -> dict[str, tuple[str, str | None]]:
        """path -> (identity, probe_key) of the assets cataloged in one folder."""
        rows = self.conn.execute(
            "SELECT path, identity, probe_key FROM assets WHERE dir = ?", (folder,)
        )
        return {path: (identity, probe_key) for path, identity, probe_key in rows}

    def errors_seen(self, scan_id: int) -> Iterator[tuple[str, str]]:
        """(path, reason) of every asset in error that a scan saw, including those it kept
        unchanged from an earlier scan: a file that is still bad is still a problem."""
        rows = self.conn.execute(
            "SELECT path, record FROM assets WHERE scan_id = ? AND status = 'error'", (scan_id,)
        )
        for path, record in rows:
            yield path, _decode(record).reason or "unreadable"

    def record(self, path: str) -> Asset | None:
        row = self.conn.execute("SELECT record FROM assets WHERE path = ?", (path,)).fetchone()
        return _decode(row[0]) if row else None

    def put(self, rows: Iterable[tuple[Asset, str, str, str | None]], scan_id: int) -> None:
        """Store (asset, folder, identity, probe_key) rows in one transaction."""
        values = [
            _row(asset, folder, identity, key, scan_id) for asset, folder, identity, key in rows
        ]
        with self._transaction():
            self.conn.executemany(_UPSERT, values)

    def touch(self, paths: Iterable[str], scan_id: int) -> None:
        """Mark still-valid assets as seen by this scan."""
        with self._transaction():
            self.conn.executemany(
                "UPDATE assets SET scan_id = ? WHERE path = ?", ((scan_id, p) for p in paths)
            )

    def remove_unseen(self, roots: list[str], scan_id: int, keep_dirs: Iterable[str]) -> int:
        """Forget assets under the roots that this scan did not see, except under folders
        it could not list (unreadable now does not mean gone)."""
        keep = list(keep_dirs)
        removed = 0
        with self._transaction():
            for root in roots:
                lo, hi = prefix_range(root)
                doomed = [
                    path
                    for path, folder in self.conn.execute(
                        "SELECT path, dir FROM assets WHERE (path = ? OR (path >= ? AND path < ?))"
                        " AND scan_id != ?",
                        (root, lo, hi, scan_id),
                    )
                    if not any(is_under(folder, k) for k in keep)
                ]
                self.conn.executemany("DELETE FROM assets WHERE path = ?", ((p,) for p in doomed))
                removed += len(doomed)
        return removed

    def _transaction(self) -> Transaction:
        return Transaction(self.conn)

    # -- reading ---------------------------------------------------------------------

    def get(self, path: str | os.PathLike[str]) -> Asset | None:
        """The asset at `path` (a file, or a sequence's `####` pattern), or the sequence
        holding the frame at `path`."""
        text = os.path.abspath(os.fspath(path))
        found = self.record(text)
        if found is not None:
            return found
        for asset in self.find(
            kind=AssetKind.SEQUENCE, under=os.path.dirname(text), recursive=False
        ):
            seq = asset.sequence
            if seq and any(seq.frame_path(f) == text for f in _present(seq)):
                return asset
        return None

    def find(
        self,
        *,
        kind: str | None = None,
        codec: str | None = None,
        min_width: int | None = None,
        fps: float | None = None,
        bit_depth: int | None = None,
        primaries: str | None = None,
        larger_than: int | None = None,
        under: str | os.PathLike[str] | None = None,
        status: str | None = None,
        recursive: bool = True,
    ) -> Iterator[Asset]:
        """Assets matching every given filter, largest first. Streams from the database."""
        where, args = [], []
        if kind:
            where.append("kind = ?")
            args.append(str(kind))
        if codec:
            where.append(f"(codec {self.conn.like} ? OR format {self.conn.like} ?)")
            args += [f"%{codec}%", f"%{codec}%"]
        if min_width:
            where.append("width >= ?")
            args.append(min_width)
        if fps:
            where.append("abs(frame_rate - ?) < 0.01")
            args.append(fps)
        if bit_depth:
            where.append("bit_depth = ?")
            args.append(bit_depth)
        if primaries:
            where.append(f"colour_primaries {self.conn.like} ?")
            args.append(f"%{primaries}%")
        if larger_than is not None:
            where.append("bytes > ?")
            args.append(larger_than)
        if status:
            where.append("status = ?")
            args.append(str(status))
        if under:
            root = os.path.abspath(os.fspath(under))
            if recursive:
                lo, hi = prefix_range(root)
                where.append("(path = ? OR (path >= ? AND path < ?))")
                args += [root, lo, hi]
            else:
                where.append("dir = ?")
                args.append(root)
        sql = "SELECT record FROM assets"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY bytes DESC, path"
        for (record,) in self.conn.stream(sql, args):
            yield _decode(record)

    def stats(self, by: str = "kind", under: str | None = None) -> list[StatsRow]:
        """Bytes and asset counts grouped by kind, codec, resolution, folder or extension."""
        keys = {
            "kind": "kind",
            "codec": "coalesce(codec, format, '(none)')",
            "resolution": "CASE WHEN width IS NULL THEN '(none)' ELSE width || 'x' || height END",
            "folder": "dir",
            "extension": "coalesce(extension, '(none)')",
            "status": "status",
            "container": "coalesce(format, '(none)')",
            "bit_depth": "coalesce(bit_depth || '-bit', '(none)')",
        }
        if by not in keys:
            raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(keys)}")
        sql = f"SELECT {keys[by]} AS k, count(*), sum(bytes) FROM assets"
        args: list[object] = []
        if under:
            lo, hi = prefix_range(os.path.abspath(under))
            sql += " WHERE path >= ? AND path < ?"
            args += [lo, hi]
        sql += " GROUP BY k ORDER BY sum(bytes) DESC, k"
        # int(): PostgreSQL sums BIGINT as NUMERIC, which arrives as a Decimal.
        return [
            StatsRow(key=str(k), files=int(n), bytes=int(b or 0))
            for k, n, b in self.conn.execute(sql, args)
        ]

    def sizes_under(self, root: str) -> Iterator[tuple[str, str, int, float]]:
        """(path, kind, bytes, mtime) of every asset under `root`, without decoding the
        records: what a storage tree and a growth curve need, streamed."""
        lo, hi = prefix_range(os.path.abspath(root))
        yield from self.conn.execute(
            "SELECT path, kind, bytes, mtime FROM assets WHERE path >= ? AND path < ?", (lo, hi)
        )

    def by_name(self, name: str) -> Iterator[Asset]:
        """Assets whose file name is `name` (case-insensitive), in any folder: what a moved
        file is looked up by."""
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = self.conn.like
        sql = (
            f"SELECT record FROM assets WHERE path {like} ? ESCAPE '\\'"
            f" OR path {like} ? ESCAPE '\\' ORDER BY path"
        )
        for (record,) in self.conn.execute(sql, (f"%/{escaped}", f"%\\{escaped}")):
            asset = _decode(record)
            if os.path.basename(asset.path).lower() == name.lower():
                yield asset

    def by_reel(self, reel: str) -> Iterator[Asset]:
        """Assets whose header names this reel (tape) name. Reads each record's JSON, so
        it is a table scan: fine for relinking a timeline, not for bulk queries."""
        sql = f"SELECT record FROM assets WHERE {self.conn.record_field('reel')} = ?"
        for (record,) in self.conn.execute(sql, (reel,)):
            yield _decode(record)

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM assets").fetchone()[0]

    def last_scan_finished(self) -> float | None:
        """When the latest finished scan ended (Unix seconds): the catalog state a plan
        records."""
        return self.conn.execute("SELECT max(finished) FROM scans").fetchone()[0]

    # -- kept current by `mediaopt watch` ----------------------------------------------

    def forget(self, paths: Iterable[str]) -> int:
        """Remove these assets (files or sequence patterns) from the catalog."""
        doomed = [(p,) for p in paths]
        with self._transaction():
            self.conn.executemany("DELETE FROM assets WHERE path = ?", doomed)
        return len(doomed)

    def identities_of(self, paths: list[str]) -> dict[str, tuple[str, str | None]]:
        """path -> (identity, probe_key) of those of `paths` that are cataloged."""
        found: dict[str, tuple[str, str | None]] = {}
        for start in range(0, len(paths), 500):  # well below SQLite's bound-parameter limit
            chunk = paths[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT path, identity, probe_key FROM assets WHERE path IN ({marks})", chunk
            )
            found.update((path, (identity, key)) for path, identity, key in rows)
        return found

    def folders_under(self, root: str) -> list[str]:
        """Every folder holding a cataloged asset at or under `root`."""
        lo, hi = prefix_range(root)
        rows = self.conn.execute(
            "SELECT DISTINCT dir FROM assets WHERE dir = ? OR (dir >= ? AND dir < ?)",
            (root, lo, hi),
        )
        return [folder for (folder,) in rows]


_UPSERT = """
INSERT INTO assets (path, dir, kind, status, bytes, mtime, identity, probe_key, extension,
                    format, codec, width, height, frame_rate, bit_depth, colour_primaries,
                    duration_s, scan_id, record)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(path) DO UPDATE SET
    dir = excluded.dir, kind = excluded.kind, status = excluded.status,
    bytes = excluded.bytes, mtime = excluded.mtime, identity = excluded.identity,
    probe_key = excluded.probe_key, extension = excluded.extension, format = excluded.format,
    codec = excluded.codec, width = excluded.width, height = excluded.height,
    frame_rate = excluded.frame_rate, bit_depth = excluded.bit_depth,
    colour_primaries = excluded.colour_primaries, duration_s = excluded.duration_s,
    scan_id = excluded.scan_id, record = excluded.record
"""


def _row(asset: Asset, folder: str, identity: str, key: str | None, scan_id: int) -> tuple:
    picture = asset.video
    main = picture or asset.audio
    return (
        asset.path,
        folder,
        str(asset.kind),
        str(asset.status),
        asset.bytes,
        asset.mtime,
        identity,
        key,
        asset.extension,
        asset.format,
        main.codec if main else None,
        picture.width if picture else None,
        picture.height if picture else None,
        picture.frame_rate if picture else None,
        (picture.bit_depth if picture else asset.audio.sample_bit_depth if asset.audio else None),
        picture.colour_primaries if picture else None,
        asset.duration_s,
        scan_id,
        _encode(asset),
    )


def _present(seq) -> Iterator[int]:
    missing = set(seq.missing_frames)
    return (f for f in range(seq.first_frame, seq.last_frame + 1) if f not in missing)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b?)\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """`500M`, `1.5GB`, `2TiB`, `1024` -> bytes. Decimal units (as drive makers and
    most storage dashboards use) unless the `i` of the binary units is given."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (try 500M, 2G, 1.5TB, 10GiB)")
    number, unit, binary = match.groups()
    base = 1024 if "i" in binary.lower() else 1000
    power = " kmgtp".index(unit.lower() or " ")
    return int(float(number) * base**power)
