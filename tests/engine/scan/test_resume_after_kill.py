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


_KILLED_SCAN = """
import os, signal, sys
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.progress import NullProgress
from mediaopt.engine.scan.scanner import scan

root, catalog, after, pids = (sys.argv + ["", "", "0", ""])[1:5]
after = int(after)

def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for child in children.get(parent, []):
            found.append(f"{child}:{int(parent != pid)}")  # 1: a worker, not a helper
            todo.append(child)
    return found

class KillAfter(NullProgress):
    seen = 0
    def advance(self, files=1, nbytes=0):
        self.seen += files
        if self.seen >= after:
            with open(pids, "w") as out:
                out.write(" ".join(map(str, descendants(os.getpid()))))
            os.kill(os.getpid(), signal.SIGKILL)

if __name__ == "__main__":  # the fork server imports this module too
    with Catalog(catalog) as opened:
        scan([root], opened, workers=2, progress=KillAfter())
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # exited, not reaped
    except FileNotFoundError:
        return True


def test_a_scan_killed_after_n_probes_resumes_and_leaves_no_worker_behind(
    cached_media, tmp_path
) -> None:
    mov = scantrees.source_media(cached_media)["mov"]
    root = tmp_path / "media"
    for i in range(CLIPS):
        scantrees.copy(mov, root / f"reel{i // 100}" / f"A{i // 100:03d}C{i:03d}.mov")
    killed, pids = tmp_path / "killed.sqlite", tmp_path / "pids"
    # The kill lands after 300 probes whatever the machine's speed: past the first commit
    # (256 rows), before the last asset.
    after = 300
    script = tmp_path / "killed_scan.py"
    script.write_text(_KILLED_SCAN)
    run = [sys.executable, str(script), str(root), str(killed), str(after), str(pids)]
    # Output to files, not pipes: a worker left behind would hold a pipe open forever.
    with open(tmp_path / "out", "wb") as out:
        done = subprocess.run(run, stdout=out, stderr=subprocess.STDOUT, timeout=120)
    log = (tmp_path / "out").read_text(errors="replace")[-2000:]
    assert done.returncode == -signal.SIGKILL, log
    found = [tuple(map(int, p.split(":"))) for p in pids.read_text().split()]
    workers = [pid for pid, worker in found if worker]
    helpers = [pid for pid, worker in found if not worker]  # fork server, resource tracker
    assert len(workers) == 2 and helpers
    deadline = time.monotonic() + 1.0
    while not all(_gone(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [p for p in workers if not _gone(p)] == [], "workers outlived the killed scan"
    # The helpers end once the workers have let go of their pipes.
    deadline = time.monotonic() + 10.0
    while not all(_gone(p) for p in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p for p in helpers if not _gone(p)] == []
    at_kill = _committed(killed)
    assert 0 < at_kill < after  # a commit every 256 rows or every second

    resumed = subprocess.run(_scan_command(root, killed), capture_output=True, check=True)
    fresh = tmp_path / "fresh.sqlite"
    subprocess.run(_scan_command(root, fresh), capture_output=True, check=True)
    summary = msgspec.json.decode(resumed.stdout, type=ScanSummary)
    assert summary.reused == at_kill and summary.probed == CLIPS - at_kill
    assert _rows(killed) == _rows(fresh)
