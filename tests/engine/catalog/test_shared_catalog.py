"""One PostgreSQL catalog shared by several scanners and users: scans of different roots
running at once lose nothing, and the commands answer as they do from SQLite. Needs
$MEDIAOPT_TEST_POSTGRES (skipped with a reason without it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.scan import scan
from mediaopt.fixtures import scantrees

ROOTS = 4


def _mediaopt(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mediaopt.engine.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def _run(*args: str, env: dict[str, str] | None = None) -> bytes:
    process = _mediaopt(*args, env=env)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, (args, err.decode())
    return out


@pytest.fixture(scope="module")
def storage(cached_media, tmp_path_factory) -> list[Path]:
    """Four storage roots, one per scanner: camera originals (some copied between roots,
    so duplicates span scanners), EXR plates, stills and a cut transfer."""
    sources = scantrees.source_media(cached_media)
    base = tmp_path_factory.mktemp("shared")
    roots = []
    for n in range(ROOTS):
        root = base / f"server{n}"
        for shot in range(6):
            for take in range(4):
                scantrees.copy(sources["mov"], root / f"sh{shot:02d}" / f"A{n}C{shot}{take}.mov")
            for frame in range(1001, 1009):
                scantrees.copy(sources["exr"], root / f"sh{shot:02d}" / f"plate.{frame}.exr")
            scantrees.copy(sources["png"], root / f"sh{shot:02d}" / "board.png")
            scantrees.copy(sources["jpg"], root / f"sh{shot:02d}" / "ref.jpg")
        scantrees.cut(sources["mov"], root / "incoming.mov", 0.4)
        roots.append(root)
    return roots


def _catalog_of(location: str | Path) -> dict[str, dict]:
    with Catalog(location) as catalog:
        return {a.path: msgspec.to_builtins(a) for a in catalog.find()}


def _scan_at_once(url: str, roots: list[Path]) -> list[dict]:
    """One `mediaopt scan` process per root, held at a gate until every one of them is
    inside its scan (waiting to record it), then let go together: they surely overlap."""
    import psycopg

    with psycopg.connect(url) as gate, psycopg.connect(url, autocommit=True) as watcher:
        gate.execute("LOCK TABLE scans IN EXCLUSIVE MODE")  # readers pass, writers wait
        args = ["scan", "--catalog", url, "--workers", "0", "--json"]
        running = [_mediaopt(*args, str(root)) for root in roots]
        deadline = time.monotonic() + 120
        while _waiting_on(watcher, gate.info.backend_pid) < len(roots):
            for process in running:
                assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < deadline, "the scanners never reached the gate"
            time.sleep(0.1)
        gate.commit()
    summaries = []
    for process in running:
        out, err = process.communicate(timeout=600)
        assert process.returncode in (0, 1), err.decode()  # 1: the cut file, reported
        summaries.append(msgspec.json.decode(out))
    return summaries


def _waiting_on(conn, pid: int) -> int:
    sql = "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))"
    return conn.execute(sql, (pid,)).fetchone()[0]


def test_concurrent_scans_of_different_roots_lose_nothing(
    storage: list[Path], tmp_path: Path, postgres_catalog_url: str
) -> None:
    single = tmp_path / "single.sqlite"
    with Catalog(single) as catalog:
        scan(storage, catalog, workers=0)
    # Users opening the new, empty catalog at once race to create it: none may fail.
    opening = [_mediaopt("stats", "--json", "--catalog", postgres_catalog_url) for _ in storage]
    for process in opening:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
        assert msgspec.json.decode(out)["total_files"] == 0

    summaries = _scan_at_once(postgres_catalog_url, storage)
    assert [s["problems"][0]["path"] for s in summaries] == [
        str(r / "incoming.mov") for r in storage
    ]
    assert _catalog_of(postgres_catalog_url) == _catalog_of(single)
    with Catalog(postgres_catalog_url) as catalog:
        assert catalog.count() == ROOTS * (6 * (4 + 1 + 2) + 1)
        assert catalog.roots() == [str(r) for r in storage]
        assert all(r.last_scanned for r in catalog.scanned_roots())

    # Rescans at once, each forgetting what left its own root and nothing of the others'.
    os.remove(storage[0] / "sh00" / "A0C00.mov")
    scantrees.copy(storage[1] / "sh01" / "board.png", storage[1] / "sh01" / "board_v2.png")
    with Catalog(single) as catalog:
        scan(storage, catalog, workers=0)
    summaries = _scan_at_once(postgres_catalog_url, storage)
    assert [s["removed"] for s in summaries] == [1, 0, 0, 0]
    assert _catalog_of(postgres_catalog_url) == _catalog_of(single)


def test_the_commands_answer_from_postgresql_as_from_sqlite(
    storage: list[Path], tmp_path: Path, postgres_catalog_url: str
) -> None:
    sqlite = str(tmp_path / "catalog.sqlite")
    root = str(storage[0].parent)
    for catalog in (sqlite, postgres_catalog_url):
        process = _mediaopt("scan", "--catalog", catalog, "--workers", "0", root)
        process.communicate(timeout=600)
        assert process.returncode == 1  # the cut transfers, each reported
    queries = [
        ["find", "--json"],
        ["find", "--codec", "PRORES", "--under", str(storage[2]), "--json"],
        ["stats", "--json"],
        ["stats", "--by", "folder", "--json"],
        ["dupes", "--json"],
    ]
    for query in queries:
        assert _run(*query, "--catalog", postgres_catalog_url) == _run(
            *query, "--catalog", sqlite
        ), query
        # Asked again (`dupes` now finds its hashes cached, and says so), through
        # $MEDIAOPT_CATALOG, which selects the shared catalog as --catalog does.
        again = _run(*query, env={"MEDIAOPT_CATALOG": postgres_catalog_url})
        assert again == _run(*query, "--catalog", sqlite), query
    dupes = msgspec.json.decode(_run("dupes", "--json", "--catalog", postgres_catalog_url))
    assert dupes["groups"], "copies across the servers are duplicates"


def test_dask_workers_write_into_the_shared_catalog(
    storage: list[Path], tmp_path: Path, postgres_catalog_url: str
) -> None:
    """`--executor local:2` workers are processes of their own: they reopen the catalog
    by its shown URL (no password in it) and still reach it."""
    sqlite = tmp_path / "catalog.sqlite"
    with Catalog(sqlite) as catalog:
        scan(storage[:2], catalog, workers=0)
    roots = [str(r) for r in storage[:2]]
    args = ["scan", "--executor", "local:2", "--catalog", postgres_catalog_url, "--json"]
    process = _mediaopt(*args, *roots)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 1, err.decode()  # the cut transfers, each reported
    summary = msgspec.json.decode(out)
    assert [p["reason"].startswith("share failed") for p in summary["problems"]] == [False] * 2
    assert _catalog_of(postgres_catalog_url) == _catalog_of(sqlite)
