"""The render part of `mediaopt demo`: a render folder with the usual float ZIP default,
and its analysis and what-if recommendation."""

from __future__ import annotations

import os
from pathlib import Path

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import AssetKind, Recommendation, RenderAnalysis
from mediaopt.engine.render.analyze import analyze
from mediaopt.engine.render.whatif import what_if


def build_render_folder(production_root: str | os.PathLike[str]) -> Path:
    """Write `renders/sh010_lighting_v001/beauty.####.exr` (12 frames, 256x144, float ZIP,
    RGBA + AOVs + depth/normals/motion/cryptomatte) under the production; returns the
    pattern. Call before the demo's scan."""
    from mediaopt.engine.demo.renders import write_render_sequence

    pattern = Path(production_root) / "renders" / "sh010_lighting_v001" / "beauty.####.exr"
    write_render_sequence(
        pattern,
        range(1001, 1013),
        width=256,
        height=144,
        compression="zip",
        pixel_type="float",
        aovs=True,
        data_passes=True,
        noise=0.03,
    )
    return pattern


def render_demo(
    catalog: Catalog, under: str | os.PathLike[str], quality: str = "psnr:50"
) -> tuple[RenderAnalysis, Recommendation | None]:
    """The analysis of the renders under `under`, and the what-if of its largest EXR
    sequence (None when there is none)."""
    report = analyze(catalog, under=under)
    largest = next(
        (a for a in catalog.find(kind=AssetKind.SEQUENCE, under=under) if a.format == "OpenEXR"),
        None,
    )
    return report, (what_if(largest, quality=quality) if largest else None)
