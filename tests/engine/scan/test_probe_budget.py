"""A header probe reads a bounded number of bytes, whatever the file's size."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mediaopt.engine.demo import media
from mediaopt.engine.model import AssetStatus
from mediaopt.engine.scan.probe import probe_file
from mediaopt.engine.scan.probe.mediainfo import PROBE_BUDGET


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        # After their real bytes these are a hole of zeros, which MediaInfo reads on
        # through looking for the next element: both used to read the budget plus the
        # signature read.
        ("h264_320x180.mkv", dict(codec="libx264", pix_fmt="yuv420p", width=320, height=180)),
        (
            "dnxhr_sq_1080p_2f.mxf",
            dict(
                codec="dnxhd",
                pix_fmt="yuv422p",
                options={"profile": "dnxhr_sq"},
                width=1920,
                height=1080,
                frames=2,
            ),
        ),
    ],
)
def test_probe_of_a_500_gb_camera_file_reads_at_most_the_budget(
    name: str, kwargs: dict, cached_media: Callable[..., Path], tmp_path: Path
):
    source = cached_media(name, media.write_movie, **kwargs)
    big = media.make_sparse(tmp_path / f"camera_original{source.suffix}", source, 500 * 1000**3)

    asset = probe_file(str(big))

    assert asset.status is AssetStatus.OK
    assert asset.video is not None
    assert asset.probed_bytes is not None
    assert asset.probed_bytes <= PROBE_BUDGET


@pytest.mark.parametrize(
    ("name", "writer", "kwargs"),
    [
        (
            "budget-2k-zip.exr",
            media.write_image_oiio,
            dict(width=2048, height=1080, attributes={"compression": "zip"}),
        ),
        (
            "budget-2k-10bit.dpx",
            media.write_image_oiio,
            dict(
                width=2048,
                height=1080,
                pixel_type="uint16",
                attributes={"oiio:BitsPerSample": 10},
            ),
        ),
        (
            "budget-2k-progressive.jpg",
            media.write_image_pillow,
            dict(width=2048, height=1080, progressive=True, quality=90),
        ),
    ],
)
def test_probe_of_a_500_gb_still_reads_a_few_pages_of_it(
    name: str, writer, kwargs: dict, cached_media: Callable[..., Path], tmp_path: Path
):
    # Still headers are copied into an in-memory mirror for OpenImageIO; what is copied
    # is what the header points at, never a share of the file's size. A progressive
    # JPEG is the hard case: OpenImageIO alone reads all of its scans to open it.
    source = cached_media(name, writer, **kwargs)
    big = media.make_sparse(tmp_path / f"frame{source.suffix}", source, 500 * 1000**3)

    asset = probe_file(str(big))

    assert asset.video is not None
    assert (asset.video.width, asset.video.height) == (2048, 1080)
    assert asset.probed_bytes is not None
    assert asset.probed_bytes <= 16 * 1024
