"""Storage measurement: read-only, bounded, cache-bypassing, and exact under a cap."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from mediaopt.engine.bandwidth import BandwidthError, Throttle, measure

CAP = 40e6


@pytest.fixture(scope="module")
def storage(prores, dnxhr, h264, exr_sequence, tmp_path_factory) -> Path:
    """A folder of real media: two movies and a sequence, linked so nothing is copied."""
    root = tmp_path_factory.mktemp("storage")
    for movie in (prores, dnxhr, h264):
        os.link(movie, root / movie.name)
    pattern, frames = exr_sequence
    folder = root / "plate"
    folder.mkdir()
    for f in frames:
        source = Path(pattern.replace("####", f"{f:04d}"))
        os.link(source, folder / source.name)
    return root


def test_capped_reader_measures_within_10_percent_of_the_cap(storage):
    result = measure(storage, seconds=1.5, streams=3, throttle=Throttle(bytes_per_s=CAP))
    for name in ("sequential", "streams"):
        test = result.test(name)
        assert test.bytes_per_s == pytest.approx(CAP, rel=0.10), name
        assert test.bytes > CAP * 0.3  # the figure is from real reads, not an empty loop
    assert result.throttle_bytes_per_s == CAP


def test_frame_rate_under_a_file_cap_is_the_cap(storage):
    result = measure(storage, seconds=1.0, throttle=Throttle(files_per_s=120))
    frames = result.test("frames")
    assert frames.files_per_s == pytest.approx(120, rel=0.10)
    assert frames.source.endswith(".exr")


def test_reads_stop_at_the_byte_budget_and_bypass_the_cache(storage):
    budget = 12_000_000
    result = measure(storage, seconds=10, max_bytes=budget)
    assert result.bytes_read <= budget * 1.2  # the last block may round up
    assert result.seconds < 10
    assert all(t.cache_bypass in ("O_DIRECT", "fadvise") for t in result.tests)


def test_measure_leaves_media_unchanged(storage):
    files = sorted(p for p in storage.rglob("*") if p.is_file())
    before = {p: (p.stat().st_mtime_ns, hashlib.md5(p.read_bytes()).hexdigest()) for p in files}
    measure(storage, seconds=0.5, max_bytes=20_000_000)
    after = {p: (p.stat().st_mtime_ns, hashlib.md5(p.read_bytes()).hexdigest()) for p in files}
    assert before == after
    assert sorted(p for p in storage.rglob("*") if p.is_file()) == files


def test_write_test_runs_only_in_the_scratch_folder_and_removes_its_file(storage, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = measure(storage, seconds=1.0, max_bytes=40_000_000, scratch=scratch)
    write = result.test("write")
    assert write.bytes > 0 and write.bytes_per_s > 0
    assert result.bytes_written == write.bytes
    assert list(scratch.iterdir()) == []


def test_missing_scratch_folder_is_refused_by_name(storage, tmp_path):
    with pytest.raises(BandwidthError, match="nowhere.*does not exist"):
        measure(storage, seconds=0.2, scratch=tmp_path / "nowhere")


def test_missing_path_is_refused_by_name(tmp_path):
    with pytest.raises(BandwidthError, match="absent.*no such file"):
        measure(tmp_path / "absent")


def test_folder_without_sequence_says_frame_rate_was_not_measured(prores, tmp_path):
    os.link(prores, tmp_path / prores.name)
    result = measure(tmp_path, seconds=0.3, max_bytes=5_000_000)
    assert result.test("frames") is None
    # Not measured is a note: every file was read, so it is not a problem (exit status 0).
    assert any("no image sequence" in n for n in result.notes)
    assert result.problems == []
