"""The two databases a catalog runs on, behind one small connection: SQLite (one file,
WAL mode, the default) and PostgreSQL through psycopg 3 (shared by many scanners).

The catalog's SQL is written once, in SQLite's spelling with `?` placeholders and the
subset both databases share (ON CONFLICT upserts, RETURNING, LIKE ... ESCAPE); what
differs is asked of the connection: `like` (SQLite's LIKE ignores ASCII case, PostgreSQL
needs ILIKE), `record_field` (json_extract against jsonb), the schema's DDL and its
version (PRAGMA user_version against a `schema_version` table).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from mediaopt.engine.catalog.location import remember, shown


class CatalogError(Exception):
    """The catalog cannot be used: not a catalog, damaged, unreachable or not writable.
    The message names the catalog, says what is wrong and what to do."""


class CatalogBusy(Exception):
    """A PostgreSQL catalog refused a write for now (server gone, deadlock, too many
    connections): retry later, as with a locked SQLite file."""


class SqliteConnection:
    """An SQLite catalog file, in autocommit mode: transactions are explicit."""

    name = "sqlite"
    like = "LIKE"

    def __init__(self, path: Path):
        self.shown = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.raw = sqlite3.connect(
                path, timeout=60, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise CatalogError(_unopenable(path, exc)) from exc

    def opened(self, migrate) -> None:
        """Refuse a file that is not a catalog before writing a byte, then upgrade it."""
        path = Path(self.shown)
        try:
            _check_sqlite_is_ours(self.raw, path)
            self.raw.execute("PRAGMA journal_mode=WAL")
            self.raw.execute("PRAGMA synchronous=NORMAL")
            migrate(self)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise CatalogError(_unopenable(path, exc)) from exc
        except BaseException:
            self.close()
            raise

    def execute(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.raw.execute(sql, args)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.raw.executemany(sql, rows)

    def stream(self, sql: str, args: Sequence[Any] = ()) -> Iterator[tuple]:
        """Rows as the database yields them (SQLite steps its cursor; nothing is held)."""
        return self.raw.execute(sql, args)

    def begin(self) -> None:
        # BEGIN IMMEDIATE takes the write lock up front, so two writers wait for each
        # other (up to the 60 s timeout) instead of one failing halfway.
        self.raw.execute("BEGIN IMMEDIATE")

    def end(self, commit: bool) -> None:
        self.raw.execute("COMMIT" if commit else "ROLLBACK")

    def record_field(self, field: str) -> str:
        return f"json_extract(CAST(record AS TEXT), '$.{field}')"

    def schema_version(self) -> int:
        return self.raw.execute("PRAGMA user_version").fetchone()[0]

    def run_migration(self, number: int, script: str) -> None:
        """Run migration `number` (1-based) and record it, all in one transaction."""
        try:
            self.raw.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")
        except BaseException:
            if self.raw.in_transaction:
                self.raw.execute("ROLLBACK")
            raise

    def backup_to(self, target: str | os.PathLike[str]) -> None:
        with sqlite3.connect(target) as copy:
            self.raw.backup(copy)
        copy.close()

    def close(self) -> None:
        self.raw.close()


class PostgresConnection:
    """A PostgreSQL catalog: the tables of the URL's current schema (its `search_path`),
    in autocommit mode with explicit transactions, like the SQLite connection."""

    name = "postgresql"
    like = "ILIKE"

    def __init__(self, url: str):
        import psycopg  # only a PostgreSQL catalog pays for the driver

        self._psycopg = psycopg
        self.shown = shown(url)
        self._sql: dict[str, str] = {}
        self._cursors = 0
        self._url = remember(url)
        try:
            self.raw = self._connect()
        except psycopg.Error as exc:
            raise CatalogError(
                f"{self.shown}: the PostgreSQL catalog cannot be reached ({_first_line(exc)})."
                " To go on: check the server is running, the URL, and the password (in the"
                " URL, $PGPASSWORD or ~/.pgpass)."
            ) from exc

    def _connect(self) -> Any:
        return self._psycopg.connect(self._url, autocommit=True, connect_timeout=30)

    def _alive(self) -> Any:
        """The connection, made again if the server dropped it (a restart, a failover):
        the statement that saw it drop failed as busy; the next one goes on."""
        if self.raw.closed:
            try:
                self.raw = self._connect()
            except self._psycopg.OperationalError as exc:
                raise CatalogBusy(f"{self.shown}: {_first_line(exc)}") from exc
        return self.raw

    def opened(self, migrate) -> None:
        try:
            with self.raw.transaction():
                # Scanners that open a new shared catalog at once check and create it one
                # at a time (DDL is transactional: the next sees all of it or none). The
                # lock is per schema, so test schemas do not wait for each other.
                self.raw.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
                self._check_is_ours()
                migrate(self)
        except self._psycopg.Error as exc:
            self.close()
            raise CatalogError(
                f"{self.shown}: the PostgreSQL catalog cannot be used ({_first_line(exc)})."
                " To go on: check the role may create tables in the URL's schema."
            ) from exc
        except BaseException:
            self.close()
            raise

    def _check_is_ours(self) -> None:
        schema = self.raw.execute("SELECT current_schema()").fetchone()[0]
        if schema is None:
            raise CatalogError(
                f"{self.shown}: the schema named by the URL's search_path does not exist."
                " To go on: create it, or name another with options=-csearch_path=NAME."
            )
        tables = {
            name
            for (name,) in self.raw.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        }
        if tables and not {"schema_version", "assets"} <= tables:
            raise CatalogError(
                f"{self.shown}: schema {schema!r} holds another program's tables, not a"
                " mediaopt catalog; it was left as it is. Name an empty database or schema"
                " (options=-csearch_path=NAME in the URL)."
            )

    def _text(self, sql: str) -> str:
        """SQLite's spelling to psycopg's: `?` placeholders become `%s` (and a literal
        `%` doubles). The catalog's SQL holds no `?` inside its string literals."""
        text = self._sql.get(sql)
        if text is None:
            text = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        return text

    @contextlib.contextmanager
    def _said(self) -> Iterator[None]:
        """The driver's errors that are the user's to act on, in the catalog's terms."""
        try:
            yield
        except self._psycopg.OperationalError as exc:
            raise CatalogBusy(f"{self.shown}: {_first_line(exc)}") from exc
        except (
            self._psycopg.errors.InsufficientPrivilege,
            self._psycopg.errors.ReadOnlySqlTransaction,  # a standby, or read-only by option
        ) as exc:
            raise CatalogError(
                f"{self.shown}: {_first_line(exc)}. To go on: write through a role and server"
                " that may write the catalog's tables (this connection may only read them)."
            ) from exc

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        with self._said():
            return self._alive().execute(self._text(sql), args or None)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._said(), self._alive().cursor() as cursor:
            cursor.executemany(self._text(sql), rows)

    def stream(self, sql: str, args: Sequence[Any] = ()) -> Iterator[tuple]:
        """Rows fetched in batches from a server-side cursor, so a query over the whole
        library is not held in memory. WITH HOLD lets it outlive the transactions that
        the caller may commit while reading it (as the SQLite cursor does)."""
        self._cursors += 1
        cursor = self._alive().cursor(name=f"mediaopt_{self._cursors}", withhold=True)
        cursor.itersize = 2000
        try:
            with self._said():
                cursor.execute(self._text(sql), args or None)
                yield from cursor
        finally:
            with contextlib.suppress(self._psycopg.Error):
                cursor.close()

    def begin(self) -> None:
        self.execute("BEGIN")

    def end(self, commit: bool) -> None:
        self.execute("COMMIT" if commit else "ROLLBACK")

    def record_field(self, field: str) -> str:
        return f"(convert_from(record, 'UTF8')::jsonb ->> '{field}')"

    def schema_version(self) -> int:
        # Created only when missing: a role that may only read the catalog opens it too.
        if self.raw.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
            self.raw.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        row = self.raw.execute("SELECT max(version) FROM schema_version").fetchone()
        return row[0] or 0

    def run_migration(self, number: int, script: str) -> None:
        """Run migration `number` (1-based) and record it, in the transaction `opened`
        holds."""
        self.raw.execute(script)
        self.raw.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))

    def backup_to(self, target: str | os.PathLike[str]) -> None:
        raise CatalogError(
            f"{self.shown}: a PostgreSQL catalog is copied with pg_dump, not by mediaopt."
        )

    def close(self) -> None:
        self.raw.close()


Connection = SqliteConnection | PostgresConnection


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _check_sqlite_is_ours(conn: sqlite3.Connection, path: Path) -> None:
    # Reading the schema is the first access: SQLite checks the file's header here.
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if tables and (version == 0 or "assets" not in tables):
        raise CatalogError(
            f"{path}: an SQLite database of another program, not a mediaopt catalog; it was "
            "left as it is. Name a new catalog file with --catalog (or $MEDIAOPT_CATALOG)."
        )


def _unopenable(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "not a database" in text or "file is encrypted" in text:
        what = "not a mediaopt catalog (not an SQLite database); it was left as it is"
        todo = "name the catalog file with --catalog (or $MEDIAOPT_CATALOG)"
    elif "malformed" in text or "corrupt" in text:
        what = f"the catalog is damaged ({text})"
        todo = "restore it from a backup, or move it away and scan the roots again"
    elif (
        "readonly" in text
        or isinstance(exc, PermissionError)
        or not os.access(path.parent, os.W_OK)
        or (path.exists() and not os.access(path, os.W_OK))
    ):
        what = f"the catalog cannot be written here ({text})"
        todo = "make its folder writable, or name a catalog in a writable folder with --catalog"
    else:
        what = f"the catalog cannot be opened ({text})"
        todo = "check the path and its folder's permissions, or name another with --catalog"
    return f"{path}: {what}. To go on: {todo}."
