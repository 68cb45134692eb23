"""One write transaction on the catalog's connection."""

from __future__ import annotations

import sqlite3


class Transaction:
    """`with Transaction(conn):` takes the write lock up front (BEGIN IMMEDIATE), so two
    writers wait for each other instead of one failing halfway, and rolls back on error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
