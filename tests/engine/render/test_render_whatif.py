"""render what-if: candidate settings measured by re-encoding real frames."""

from __future__ import annotations

import os

import numpy as np
import OpenImageIO as oiio
import pytest

from mediaopt.engine.render.codecs import read_frame
from mediaopt.engine.render.whatif import extrapolate, sample_indices, what_if


@pytest.fixture(scope="module")
def psnr50(float_zip_beauty):
    return what_if(float_zip_beauty, quality="psnr:50")


def test_float_zip_beauty_gets_a_recommendation_saving_at_least_20_percent(psnr50):
    assert psnr50.recommended is not None
    best = next(c for c in psnr50.candidates if c.name == psnr50.recommended)
    assert psnr50.saved_fraction >= 0.20
    assert best.acceptable and best.data_passes_exact
    assert best.lossless or best.psnr_db >= 50
    assert psnr50.recommended in psnr50.summary and "saves" in psnr50.summary


def test_eight_frames_spread_over_the_range_are_sampled(psnr50):
    assert len(psnr50.sampled_frames) == 8
    assert psnr50.sampled_frames[0] == 1001 and psnr50.sampled_frames[-1] == 1016


def test_candidates_that_alter_data_passes_are_rejected(psnr50):
    # DWA compresses channels named R/G/B lossily, cryptomatte's crypto00.R included.
    dwab = next(c for c in psnr50.candidates if c.name == "dwab:45")
    assert not dwab.data_passes_exact and not dwab.acceptable
    for c in psnr50.candidates:
        if c.acceptable:
            assert c.data_passes_exact, c.name


def test_data_passes_of_the_recommendation_decode_bit_exact(psnr50, float_zip_beauty, tmp_path):
    from mediaopt.engine.render.codecs import candidate_named, encode

    frame = str(float_zip_beauty).replace("####", "1005")
    original = read_frame(frame)
    out = str(tmp_path / "f.exr")
    encode(out, original, candidate_named(psnr50.recommended, "OpenEXR"))
    back = read_frame(out)
    names = [str(n) for n in original[0].spec.channelnames]
    for c, name in enumerate(names):
        if name.startswith(("Z", "N.", "motion.", "crypto")):
            assert np.array_equal(original[0].pixels[..., c], back[0].pixels[..., c]), name


@pytest.mark.parametrize("candidate", ["piz+half", "zips+half"])
def test_extrapolated_size_matches_a_full_reencode_within_5_percent(
    psnr50, float_zip_beauty, tmp_path, candidate
):
    estimate = next(c for c in psnr50.candidates if c.name == candidate)
    compression = candidate.split("+")[0]
    total = 0
    # The real re-encode goes through ImageBuf, not the what-if's own writer.
    for path in sorted(float_zip_beauty.parent.glob("beauty.*.exr")):
        buf = oiio.ImageBuf(str(path))
        names = buf.spec().channelnames
        data = ("Z", "N.", "motion.", "crypto")
        buf.set_write_format(
            [oiio.TypeDesc("float" if n.startswith(data) else "half") for n in names]
        )
        buf.specmod().attribute("compression", compression)
        out = str(tmp_path / path.name)
        assert buf.write(out), buf.geterror()
        total += os.path.getsize(out)
    assert abs(estimate.estimated_bytes - total) / total < 0.05
    assert estimate.error_bytes < 0.05 * total


def test_lossless_request_accepts_only_bit_exact_and_says_when_nothing_saves_enough(
    float_zip_beauty,
):
    result = what_if(float_zip_beauty, quality="lossless", candidates=["zip:9", "piz", "dwab:45"])
    assert all(c.lossless for c in result.candidates if c.acceptable)
    assert not next(c for c in result.candidates if c.name == "dwab:45").acceptable
    assert result.recommended is None
    assert result.summary.startswith("Nothing saves 20% at lossless")


def test_what_if_leaves_the_media_folder_untouched(float_zip_beauty, folder_state):
    before = folder_state(float_zip_beauty.parent)
    what_if(float_zip_beauty, candidates=["piz+half"], samples=3)
    assert folder_state(float_zip_beauty.parent) == before


def test_an_undecodable_sample_frame_is_named_and_the_rest_measured(tmp_path, float_zip_beauty):
    for path in sorted(float_zip_beauty.parent.glob("beauty.*.exr"))[:4]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    broken = tmp_path / "beauty.1004.exr"
    broken.write_bytes(broken.read_bytes()[:300])
    result = what_if(tmp_path / "beauty.####.exr", candidates=["piz+half"])
    assert any("frame 1004" in p for p in result.problems)
    assert result.sampled_frames == [1001, 1002, 1003]


def test_sampling_and_extrapolation_bounds():
    assert sample_indices(1000, 8)[0] == 0 and sample_indices(1000, 8)[-1] == 999
    assert sample_indices(5, 8) == [0, 1, 2, 3, 4]
    estimate, error, ratio = extrapolate([50, 50], [100, 100], 1000, 10)
    assert (estimate, error, ratio) == (500, 0, 0.5)
    _, error, _ = extrapolate([40, 60, 50], [100, 100, 100], 1000, 10)
    assert error > 0


def test_the_recommendation_is_measured_on_every_sample_and_beaten_candidates_stop_early(psnr50):
    best = next(c for c in psnr50.candidates if c.name == psnr50.recommended)
    assert best.sampled_frames == 8
    stopped = [c for c in psnr50.candidates if c.sampled_frames < 8]
    assert stopped, "every candidate ran on every frame: the first pass prunes nothing"
    assert all(c.sampled_frames == 3 for c in stopped)
    # Three of sixteen frames leave room for error, except where the re-encode repeats the
    # source's own codec byte for byte (zip of a zip render).
    assert any(c.error_bytes > 0 for c in stopped)


@pytest.mark.parametrize("name", ["zip+half", "piz", "htj2k256+half"])
def test_a_lossless_codecs_predicted_decode_is_what_openexr_decodes(
    float_zip_beauty, tmp_path, name
):
    from mediaopt.engine.render.codecs import (
        candidate_named,
        encode,
        htj2k_compressions,
        predicted_decode,
    )
    from mediaopt.engine.render.measure import exactness

    if name.startswith("htj2k") and not htj2k_compressions():
        pytest.skip("this OpenEXR has no HTJ2K")
    original = read_frame(str(float_zip_beauty).replace("####", "1003"))
    candidate = candidate_named(name, "OpenEXR")
    out = str(tmp_path / "f.exr")
    encode(out, original, candidate)
    back = read_frame(out)
    assert exactness(predicted_decode(original, candidate), back) == (True, True)
    assert predicted_decode(original, candidate_named("dwab:45", "OpenEXR")) is None
