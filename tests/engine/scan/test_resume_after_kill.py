"""A scan killed mid-way resumes: the next run finishes the catalog an uninterrupted scan
would have written, without probing again what was committed before the kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import msgspec

from mediaopt.engine.model import ScanSummary
from mediaopt.fixtures import scantrees

CLIPS = 400
"""More than one commit batch (256 rows), so the kill lands between two commits."""


def _scan_command(root: Path, catalog: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mediaopt.engine.cli", "scan", str(root), "--catalog",
            str(catalog), "--json", *extra]  # fmt: skip


def _rows(catalog: Path) -> list[tuple]:
    """Every column but the scan id and row id, in path order."""
    with sqlite3.connect(catalog) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(assets)")]
        keep = [c for c in columns if c not in ("id", "scan_id")]
        return conn.execute(f"SELECT {', '.join(keep)} FROM assets ORDER BY path").fetchall()


def _committed(catalog: Path) -> int:
    try:
        with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM assets").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_a_killed_scan_resumes_to_the_same_catalog(cached_media, tmp_path) -> None:
    mov = scantrees.source_media(cached_media)["mov"]
    root = tmp_path / "media"
    for i in range(CLIPS):
        # numbered movies are separate clips: each one is a probe
        scantrees.copy(mov, root / f"reel{i // 100}" / f"A{i // 100:03d}C{i:03d}.mov")
    killed = tmp_path / "killed.sqlite"
    scan = subprocess.Popen(
        _scan_command(root, killed, "--workers", "1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its probe workers share its process group
    )
    try:
        deadline = time.monotonic() + 60
        while _committed(killed) == 0 and scan.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(scan.pid, signal.SIGKILL)
        scan.wait()
    at_kill = _committed(killed)
    assert 0 < at_kill < CLIPS, "the scan must be killed part way through"

    resumed = subprocess.run(_scan_command(root, killed), capture_output=True, check=True)
    fresh = tmp_path / "fresh.sqlite"
    subprocess.run(_scan_command(root, fresh), capture_output=True, check=True)

    summary = msgspec.json.decode(resumed.stdout, type=ScanSummary)
    assert summary.probed == CLIPS - at_kill
    assert summary.reused == at_kill
    assert _rows(killed) == _rows(fresh)
    assert len(_rows(fresh)) == CLIPS
