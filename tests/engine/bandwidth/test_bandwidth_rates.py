"""Per-asset needs match what is on disk within 2%."""

from __future__ import annotations

import pytest

from mediaopt.engine.bandwidth import BandwidthError, asset_need
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, PeakSource
from mediaopt.engine.scan import describe


def test_prores_average_and_index_peak_match_the_file_and_its_packets(prores, truth):
    need = asset_need(describe(prores))
    assert need.average_bytes_per_s == pytest.approx(truth.movie_average(prores, 48), rel=0.02)
    assert need.peak_source is PeakSource.INDEX
    assert need.peak_bytes_per_s == pytest.approx(truth.packet_peak(prores, 2.0), rel=0.02)
    assert need.file_opens_per_s == 0


def test_h264_peak_from_index_exceeds_its_average_as_its_packets_do(h264, truth):
    need = asset_need(describe(h264))
    assert need.average_bytes_per_s == pytest.approx(truth.movie_average(h264, 48), rel=0.02)
    peak = truth.packet_peak(h264, 2.0)
    assert need.peak_bytes_per_s == pytest.approx(peak, rel=0.02)
    assert peak > need.average_bytes_per_s * 1.05  # a GOP codec is not constant rate


def test_dnxhr_in_mxf_peaks_at_its_constant_rate(dnxhr, truth):
    need = asset_need(describe(dnxhr))
    assert need.average_bytes_per_s == pytest.approx(truth.movie_average(dnxhr, 24), rel=0.02)
    assert need.peak_source is PeakSource.AVERAGE
    assert need.peak_bytes_per_s == need.average_bytes_per_s


def test_pcm_audio_rate_is_its_sample_rate_times_sample_size(wav, truth):
    need = asset_need(describe(wav))
    assert need.average_bytes_per_s == pytest.approx(48000 * 3 * 2, rel=0.02)
    assert need.peak_bytes_per_s == pytest.approx(48000 * 3 * 2, rel=0.02)


def test_exr_sequence_rates_are_frame_sizes_times_fps_with_sliding_peak(exr_sequence, truth):
    pattern, frames = exr_sequence
    sizes = truth.sequence_sizes(pattern, frames)
    need = asset_need(describe(pattern), fps=24)
    assert need.average_bytes_per_s == pytest.approx(sum(sizes) * 24 / len(sizes), rel=0.02)
    peak, at = truth.peak_over_windows(sizes)
    assert need.peak_bytes_per_s == pytest.approx(peak, rel=0.02)
    assert need.peak_bytes_per_s > need.average_bytes_per_s * 1.02  # the sizes do vary
    assert need.peak_at_s == pytest.approx(at / 24)
    assert need.file_opens_per_s == 24
    assert need.peak_source is PeakSource.FRAMES


def test_dpx_sequence_at_25fps_opens_25_files_a_second(dpx_sequence, truth):
    pattern, frames = dpx_sequence
    sizes = truth.sequence_sizes(pattern, frames)
    need = asset_need(describe(pattern), fps=25)
    assert need.average_bytes_per_s == pytest.approx(sum(sizes) * 25 / len(sizes), rel=0.02)
    assert need.file_opens_per_s == 25


def test_unreadable_asset_is_refused_naming_the_file_and_reason():
    broken = Asset(
        path="/show/incoming/interrupted.mov",
        kind=AssetKind.VIDEO,
        bytes=10,
        mtime=0,
        status=AssetStatus.ERROR,
        reason="truncated",
    )
    with pytest.raises(BandwidthError, match=r"interrupted\.mov.*truncated"):
        asset_need(broken)
