"""render what-if on movies: ProRes 4444 XQ re-encoded down the ProRes / DNxHR ladder."""

from __future__ import annotations

import os
from pathlib import Path

import av
import pytest

from mediaopt.engine.demo.renders import write_render_movie
from mediaopt.engine.render.whatif import what_if


@pytest.fixture(scope="module")
def matte_xq(cached_media) -> Path:
    """ProRes 4444 XQ, 320x180, 48 frames: a CG sphere over transparency."""
    return cached_media("render_xq_matte_320x180_48f.mov", write_render_movie, alpha="matte")


@pytest.fixture(scope="module")
def opaque_xq(cached_media) -> Path:
    """The same picture with an alpha channel that is 1.0 everywhere."""
    return cached_media("render_xq_opaque_320x180_48f.mov", write_render_movie, alpha="opaque")


@pytest.fixture(scope="module")
def opaque_result(opaque_xq):
    return what_if(opaque_xq, quality="psnr:40")


def test_a_used_matte_keeps_every_candidate_without_alpha_from_being_accepted(matte_xq):
    result = what_if(matte_xq, quality="psnr:40")
    dropping = [c for c in result.candidates if c.drops_alpha]
    assert {c.name for c in dropping} >= {"prores-hq", "prores-422", "dnxhr-hqx"}
    assert not any(c.acceptable for c in dropping)
    assert all("alpha" in c.note for c in dropping)
    assert result.recommended is None
    assert result.summary.startswith("Nothing saves 20% at psnr:40")


def test_the_current_codec_is_not_a_candidate_and_4444_keeps_alpha(opaque_result):
    names = {c.name for c in opaque_result.candidates}
    assert "prores-4444xq" not in names
    kept = next(c for c in opaque_result.candidates if c.name == "prores-4444")
    assert not kept.drops_alpha and kept.psnr_db > 50


def test_unused_alpha_allows_422_hq_and_the_summary_says_alpha_is_dropped(opaque_result):
    assert opaque_result.recommended is not None
    best = next(c for c in opaque_result.candidates if c.name == opaque_result.recommended)
    assert best.drops_alpha and best.acceptable and best.psnr_db >= 40
    assert opaque_result.saved_fraction >= 0.2
    assert "alpha dropped (unused)" in opaque_result.summary
    assert any("opaque" in p for p in opaque_result.problems)


def test_spans_of_8_frames_are_spread_from_the_first_frame_to_the_last(opaque_result):
    frames = opaque_result.sampled_frames
    assert len(frames) == 24 and frames[0] == 0 and frames[-1] == 47
    assert "24 of 48 frames" in opaque_result.confidence


def test_movie_estimate_matches_a_full_reencode_within_5_percent(
    opaque_result, opaque_xq, tmp_path
):
    estimate = next(c for c in opaque_result.candidates if c.name == "prores-hq")
    out = tmp_path / "full_hq.mov"
    with av.open(str(opaque_xq)) as source, av.open(str(out), "w", format="mov") as target:
        stream = target.add_stream("prores_ks", rate=24, options={"profile": "3"})
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv422p10le"
        for frame in source.decode(video=0):
            frame.pts = None
            for packet in stream.encode(frame.reformat(format="yuv422p10le")):
                target.mux(packet)
        for packet in stream.encode():
            target.mux(packet)
    full = os.path.getsize(out)
    assert abs(estimate.estimated_bytes - full) / full < 0.05
    assert estimate.error_bytes < 0.05 * full


def test_movie_what_if_leaves_the_media_folder_untouched(matte_xq, folder_state):
    before = folder_state(matte_xq.parent)
    what_if(matte_xq, candidates=["prores-hq"], spans=2, span_frames=4)
    assert folder_state(matte_xq.parent) == before
