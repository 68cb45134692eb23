"""render analyze: what each setting costs, measured over scanned render outputs."""

from __future__ import annotations

import json

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.render.analyze import analyze


@pytest.fixture
def scanned(catalog: Catalog):
    def scan(root):
        api.scan([root], catalog, workers=0)
        return catalog

    return scan


def test_pixel_type_is_found_to_drive_size_when_float_and_half_are_mixed(
    scanned, pixel_type_renders
):
    report = analyze(scanned(pixel_type_renders), under=pixel_type_renders)
    assert report.renders == 8
    assert report.driver == "pixel_type"
    assert report.fit_r2 is not None and report.fit_r2 > 0.8
    levels = next(e for e in report.effects if e.setting == "pixel_type").levels
    assert levels["float"] > 1.5 * levels["half"]


def test_channel_count_is_found_to_drive_size_when_aovs_vary(scanned, channel_renders):
    report = analyze(scanned(channel_renders), under=channel_renders)
    assert report.driver == "channels"
    by_channels = {g.channels for g in report.groups}
    assert by_channels == {4, 18}


def test_groups_totals_and_forecast_add_up_to_the_files_on_disk(scanned, pixel_type_renders):
    report = analyze(scanned(pixel_type_renders), under=pixel_type_renders)
    on_disk = sum(p.stat().st_size for p in pixel_type_renders.rglob("*.exr"))
    assert report.bytes == on_disk
    assert report.frames == 48
    assert sum(g.bytes for g in report.groups) == on_disk
    assert {t.key for t in report.by_show} == {"alpha", "beta"}
    assert report.forecast_per_1000_frames == round(on_disk / 48 * 1000)


def test_black_and_noisy_frames_are_flagged_and_no_others(scanned, broken_frames):
    report = analyze(scanned(broken_frames.parent), under=broken_frames.parent)
    flagged = {o.frame: o for o in report.outliers}
    assert set(flagged) == {7, 14}
    assert flagged[7].ratio < 0.5 and "smaller" in flagged[7].reason
    assert flagged[14].ratio > 2.0 and "larger" in flagged[14].reason


def test_analyze_cli_prints_the_report_as_json(scanned, pixel_type_renders, capsysbinary):
    catalog = scanned(pixel_type_renders)
    code = main(
        [
            "render",
            "analyze",
            "--under",
            str(pixel_type_renders),
            "--catalog",
            str(catalog.path),
            "--json",
        ]
    )
    assert code == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert data["driver"] == "pixel_type" and data["renders"] == 8
