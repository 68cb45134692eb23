"""The verdict: a real need against a real (capped) measurement."""

from __future__ import annotations

import pytest

from mediaopt.engine.bandwidth import Throttle, check, load_workflows, measure, need
from mediaopt.engine.demo.timelines import ClipSpec, write_timeline


@pytest.fixture
def dnx_cut(tmp_path, dnxhr, exr_sequence):
    """Two DNxHR SQ 1080p clips and an EXR plate overlapping: ~30+ MB/s at the peak."""
    pattern, _ = exr_sequence
    return write_timeline(
        tmp_path / "dnx_cut.otio",
        {
            "V1": ("video", [ClipSpec(media=str(dnxhr), duration=24)]),
            "V2": ("video", [ClipSpec(media=str(dnxhr), duration=12, gap_before=6)]),
            "V3": ("video", [ClipSpec(media=pattern, duration=24, source_start=1001)]),
        },
    )


def test_storage_faster_than_the_need_passes_with_headroom(dnx_cut, dnxhr, exr_sequence):
    report = need(dnx_cut, workflows=["playback"])
    storage = measure(exr_sequence[0].replace("plate.####.exr", ""), seconds=0.9)
    [verdict] = check(report, storage, load_workflows())
    assert verdict.passes
    assert verdict.utilisation * 1.25 <= 1
    assert verdict.max_streams >= report.workflows[0].streams
    assert verdict.advice == []


def test_capped_storage_fails_with_advice_and_the_streams_that_fit(dnx_cut, media_cache):
    report = need(dnx_cut, workflows=["multicam", "grade"])
    peak = report.workflows[1].bytes_per_s
    # Storage that gives 1.5x the grade's peak: grade passes with 25% headroom, a
    # 4-angle multicam does not.
    storage = measure(
        media_cache / "bw_exr_plate_160x90_48f",
        seconds=0.9,
        throttle=Throttle(bytes_per_s=peak * 1.5),
    )
    verdicts = {v.workflow: v for v in check(report, storage, load_workflows())}
    multicam, grade = verdicts["multicam"], verdicts["grade"]
    assert grade.passes and not multicam.passes
    assert 1 <= multicam.max_streams < report.workflows[0].streams
    text = " ".join(multicam.advice)
    assert "proxies" in text
    assert f"lower the stream count to {multicam.max_streams}" in text
    assert "faster tier" in text
    assert "MB/s cap" in text  # the verdict says the figure was capped
