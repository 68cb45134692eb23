"""--low-impact: one probe worker at nice 19 in the idle I/O class, and what it read is
dropped from the page cache; the caller's own priority is left alone."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mediaopt.engine.scan import scan
from mediaopt.engine.scan.lowimpact import io_priority_class
from mediaopt.fixtures import scantrees

IDLE = 3


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _nice(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[16])  # field 19 of proc(5), counted after the command name


class _WatchWorkers:
    """Looks at the probe workers while they are alive: the forkserver's children."""

    def __init__(self) -> None:
        self.workers: dict[int, tuple[int, int | None]] = {}

    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        for child in _children(os.getpid()):
            for worker in _children(child):
                try:
                    self.workers[worker] = (_nice(worker), io_priority_class(worker))
                except OSError:
                    continue  # exited between listing and reading

    def problem(self, path: str, reason: str) -> None:
        pass

    def done(self) -> None:
        pass


@pytest.fixture
def clips(cached_media, tmp_path) -> Path:
    mov = scantrees.source_media(cached_media)["mov"]
    for i in range(12):
        scantrees.copy(mov, tmp_path / "media" / f"A001C{i:03d}.mov")
    return tmp_path / "media"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_low_impact_probes_in_one_idle_worker_at_nice_19(clips, catalog) -> None:
    watch = _WatchWorkers()
    nice_before = os.nice(0)
    summary = scan([clips], catalog, workers=4, low_impact=True, progress=watch)
    assert summary.probed == 12
    assert len(watch.workers) == 1
    assert list(watch.workers.values()) == [(19, IDLE)]
    assert os.nice(0) == nice_before  # the caller (a host application) is not reniced


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_normal_scan_uses_workers_at_normal_priority(clips, catalog) -> None:
    watch = _WatchWorkers()
    scan([clips], catalog, workers=2, progress=watch)
    assert len(watch.workers) == 2
    assert {nice for nice, _ in watch.workers.values()} == {os.nice(0)}


def _cached_bytes(path: Path) -> int:
    out = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())


@pytest.mark.skipif(shutil.which("fincore") is None, reason="needs util-linux fincore")
@pytest.mark.parametrize(("low_impact", "dropped"), [(True, True), (False, False)])
def test_low_impact_drops_what_it_read_from_the_page_cache(
    clips, catalog, low_impact, dropped
) -> None:
    files = sorted(clips.iterdir())
    for path in files:
        with open(path, "rb") as f:
            os.fsync(f.fileno())  # just copied: dirty pages cannot be dropped until written
            f.read()  # an editor has them in cache
    assert all(_cached_bytes(p) > 0 for p in files)
    scan([clips], catalog, workers=1, low_impact=low_impact)
    cached = [_cached_bytes(p) for p in files]
    assert (max(cached) == 0) is dropped
