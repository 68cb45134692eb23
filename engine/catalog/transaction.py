"""One write transaction on the catalog's connection."""

from __future__ import annotations

from mediaopt.engine.catalog.backend import Connection


class Transaction:
    """`with Transaction(conn):` one transaction, rolled back on error. On SQLite it takes
    the write lock up front (BEGIN IMMEDIATE), so two writers wait for each other instead
    of one failing halfway; PostgreSQL locks rows as they are written."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.begin()

    def __exit__(self, exc_type, *_: object) -> None:
        self.conn.end(commit=exc_type is None)
