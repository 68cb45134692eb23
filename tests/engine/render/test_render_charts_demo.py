"""Charts are real PNG and SVG files; the demo's render folder gets a recommendation."""

from __future__ import annotations

import pytest

from mediaopt.engine import api
from mediaopt.engine.demo.render_folder import build_render_folder, render_demo
from mediaopt.engine.render import charts
from mediaopt.engine.render.analyze import analyze
from mediaopt.engine.render.whatif import what_if


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_charts_are_written_as_png_and_svg(
    catalog, pixel_type_renders, float_zip_beauty, tmp_path, suffix
):
    api.scan([pixel_type_renders], catalog, workers=0)
    report = analyze(catalog, under=pixel_type_renders)
    result = what_if(float_zip_beauty, candidates=["zip", "piz+half", "dwab:45"], samples=2)
    written = [
        charts.bytes_per_frame_chart(report, tmp_path / f"settings.{suffix}"),
        charts.front_chart(result, tmp_path / f"front.{suffix}"),
        charts.jobs_over_time_chart([], tmp_path / f"jobs.{suffix}"),
    ]
    for path in written:
        head = path.read_bytes()[:200]
        assert head.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in head


def test_demo_render_folder_gets_a_recommendation(catalog, tmp_path):
    root = tmp_path / "production"
    build_render_folder(root)
    api.scan([root], catalog, workers=0)
    report, recommendation = render_demo(catalog, root)
    assert report.renders == 1
    assert recommendation is not None and recommendation.recommended
    assert recommendation.saved_fraction >= 0.2
