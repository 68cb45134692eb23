"""The catalog owns its SQL: no module outside engine/catalog opens a database, runs a
statement or holds SQL text, so the PostgreSQL backend has one package to implement."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CHECKED = ["engine", "adapters", "hosts", "benchmarks"]
OWNER = REPO / "engine" / "catalog"

_SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET"
    r"|CREATE\s+(TEMP\s+)?(TABLE|INDEX|VIEW)|DROP\s+(TABLE|INDEX)|ALTER\s+TABLE|PRAGMA\s+\w)",
    re.DOTALL,
)
_RUNS = {"execute", "executemany", "executescript", "cursor", "backup"}
_DRIVERS = {"sqlite3", "psycopg", "psycopg2", "sqlalchemy", "apsw"}


def sql_uses(source: str) -> list[str]:
    """What in this module's text runs or holds SQL, one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and (node.attr in _RUNS or node.attr == "conn"):
            found.append(f"{line}: .{node.attr}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names.append(getattr(node, "module", None) or "")
            found += [f"{line}: import {n}" for n in names if n.split(".")[0] in _DRIVERS]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _SQL.search(node.value)
        ):
            found.append(f"{line}: SQL text {node.value[:40]!r}")
    return found


def _modules() -> list[Path]:
    return [
        path
        for folder in CHECKED
        for path in sorted((REPO / folder).rglob("*.py"))
        if OWNER not in path.parents
    ]


def test_the_check_sees_each_way_of_running_sql():
    snippet = (
        "import sqlite3\n"
        "rows = catalog.conn.execute('SELECT record FROM assets')\n"
        "db.executemany(q, rows)\n"
        "Q = 'INSERT OR REPLACE INTO fingerprints (identity) VALUES (?)'\n"
    )
    lines = sorted(u.split(":")[0] for u in sql_uses(snippet))
    assert lines == ["1", "2", "2", "2", "3", "4"]  # line 2: .conn, .execute and the SQL
    assert sql_uses("text = 'select a file from the list'\nwhere = 'update the set'\n") == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_sql_outside_the_catalog(path: Path):
    assert sql_uses(path.read_text(encoding="utf-8")) == []
