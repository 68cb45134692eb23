"""Catalog schema and its migrations.

The schema version lives in SQLite's `user_version`; each migration moves it up by one and
runs in a transaction, so a catalog written by an older mediaopt is upgraded on open and a
catalog from a newer one is refused with a clear message rather than misread.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: assets, with the technical attributes users query denormalised beside the record.
    """
    CREATE TABLE assets (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        dir TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        mtime REAL NOT NULL,
        identity TEXT NOT NULL,
        probe_key TEXT,
        extension TEXT,
        format TEXT,
        codec TEXT,
        width INTEGER,
        height INTEGER,
        frame_rate REAL,
        bit_depth INTEGER,
        colour_primaries TEXT,
        duration_s REAL,
        scan_id INTEGER NOT NULL,
        record BLOB NOT NULL
    );
    CREATE INDEX assets_dir ON assets(dir);
    CREATE INDEX assets_kind ON assets(kind);
    CREATE INDEX assets_codec ON assets(codec COLLATE NOCASE);
    CREATE INDEX assets_bytes ON assets(bytes);
    CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        started REAL NOT NULL,
        finished REAL,
        roots TEXT NOT NULL,
        summary BLOB
    );
    """,
    # 2: duplicate detection caches, keyed by the file's identity (device, inode, size,
    # mtime; a sequence's identity covers every frame) so unchanged media is never read or
    # decoded again. `content_hashes` holds the exact-match hashes; `fingerprints` the
    # perceptual hashes and a small thumbnail per method (`image`, `video`, `audio`).
    """
    CREATE TABLE content_hashes (
        identity TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        partial BLOB,
        full BLOB
    );
    CREATE TABLE fingerprints (
        identity TEXT NOT NULL,
        method TEXT NOT NULL,
        data BLOB NOT NULL,
        thumbnail BLOB,
        PRIMARY KEY (identity, method)
    );
    """,
    # 3: render jobs posted by farm hooks, keyed by farm and job id (a re-posted job
    # replaces its row); output_asset ties a job to the assets row of what it wrote.
    """
    CREATE TABLE render_jobs (
        id INTEGER PRIMARY KEY,
        farm TEXT NOT NULL,
        job_id TEXT NOT NULL,
        output_asset TEXT,
        finished REAL NOT NULL,
        record BLOB NOT NULL,
        UNIQUE (farm, job_id)
    );
    CREATE INDEX render_jobs_output ON render_jobs(output_asset);
    CREATE INDEX render_jobs_finished ON render_jobs(finished);
    """,
    # 4: movies' data rate over time from their container index (bandwidth), keyed by the
    # file's identity so an unchanged file's index is read once; `data` NULL records that
    # the container has no index (the peak is then the average). `path` lets the row of a
    # file's earlier version be replaced rather than pile up.
    """
    CREATE TABLE rate_profiles (
        identity TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        data BLOB
    );
    CREATE INDEX rate_profiles_path ON rate_profiles(path);
    """,
    # 5: every asset record carries its status (records of status `ok` used to omit it);
    # the status column always had it.
    """
    UPDATE assets SET record = json_set(CAST(record AS TEXT), '$.status', status)
    WHERE json_extract(CAST(record AS TEXT), '$.status') IS NULL;
    """,
    # 6: the roots scans were given, with when: what a command run without --root looks
    # at (never `/`). Filled from the scans already recorded.
    """
    CREATE TABLE roots (
        path TEXT PRIMARY KEY,
        first_scanned REAL NOT NULL,
        last_scanned REAL
    );
    INSERT INTO roots (path, first_scanned, last_scanned)
    SELECT r.value, min(s.started), max(s.finished)
    FROM scans AS s, json_each(CAST(s.roots AS TEXT)) AS r
    GROUP BY r.value;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class CatalogVersionError(Exception):
    pass


def migrate(conn: sqlite3.Connection, path: str) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise CatalogVersionError(
            f"{path}: catalog schema version {version} was written by a newer mediaopt "
            f"(this one reads up to {SCHEMA_VERSION}); upgrade mediaopt to use it"
        )
    for number in range(version, SCHEMA_VERSION):
        with conn:
            conn.executescript(
                f"BEGIN; {MIGRATIONS[number]} PRAGMA user_version = {number + 1}; COMMIT;"
            )
