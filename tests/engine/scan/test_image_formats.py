"""Stills and frame sequences are cataloged with the values their writer put in the header
(OpenImageIO for EXR/DPX/TIFF/PNG/TGA, Pillow for JPEG/WebP/16-bit greyscale PNG)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo.media import (
    srgb_icc_profile,
    write_image_oiio,
    write_image_pillow,
    write_multipart_exr,
    write_sequence,
)
from mediaopt.engine.model import AssetKind, AssetStatus, ExrChannel, Window
from mediaopt.engine.scan import scan
from mediaopt.engine.scan.probe import probe_file


def _channels(names: tuple[str, ...], kind: str) -> list[ExrChannel]:
    return [ExrChannel(name=n, pixel_type=kind) for n in names]


@pytest.mark.parametrize(
    ("compression", "pixel_type", "expected"),
    [
        ("zip", "half", "zip"),
        ("piz", "float", "piz"),
        ("dwaa:60", "half", "dwaa:60"),
    ],
)
def test_exr_compression_and_pixel_type_are_read(
    compression: str, pixel_type: str, expected: str, cached_media
) -> None:
    path = cached_media(
        f"img1-{compression.replace(':', '')}-{pixel_type}.exr",
        write_image_oiio,
        pixel_type=pixel_type,
        attributes={"compression": compression},
    )

    asset = probe_file(str(path))

    assert asset.status is AssetStatus.OK, asset.reason
    assert (asset.kind, asset.format, asset.part_count) == (AssetKind.IMAGE, "OpenEXR", 1)
    image = asset.video
    assert image is not None
    assert image.compression == expected
    assert image.pixel_type == pixel_type
    assert image.bit_depth == {"half": 16, "float": 32}[pixel_type]
    assert image.exr_channels == _channels(("R", "G", "B"), pixel_type)
    assert (image.width, image.height, image.alpha) == (64, 48, False)


def test_exr_aovs_and_a_data_window_inside_the_display_window_are_read(cached_media) -> None:
    names = ("R", "G", "B", "A", "diffuse.R", "diffuse.G", "diffuse.B", "Z")
    path = cached_media(
        "img1-aov-datawindow.exr",
        write_image_oiio,
        channels=names,
        channel_types=("half",) * 7 + ("float",),
        attributes={"compression": "zip"},
        data_window=(8, 4, 32, 24),
    )

    image = probe_file(str(path)).video

    assert image is not None
    assert {c.name: c.pixel_type for c in image.exr_channels or []} == {
        **dict.fromkeys(names[:7], "half"),
        "Z": "float",
    }
    assert image.channels == 8 and image.alpha is True
    assert (image.pixel_type, image.bit_depth) == ("half", 16)
    assert image.data_window == Window(x_min=8, y_min=4, x_max=39, y_max=27)
    assert image.display_window == Window(x_min=0, y_min=0, x_max=63, y_max=47)
    assert (image.width, image.height) == (64, 48)


def test_multipart_exr_reports_every_part(cached_media) -> None:
    path = cached_media(
        "img1-multipart.exr",
        write_multipart_exr,
        parts=[("beauty", ("R", "G", "B", "A")), ("depth", ("Z",))],
        pixel_type="float",
    )

    asset = probe_file(str(path))

    assert asset.part_count == 2
    assert [[c.name for c in s.exr_channels or []] for s in asset.streams] == [
        ["R", "G", "B", "A"],
        ["Z"],
    ]
    assert [s.alpha for s in asset.streams] == [True, False]


def test_dpx_10bit_packing_and_transfer_are_read(cached_media) -> None:
    path = cached_media(
        "img1-10bit.dpx",
        write_image_oiio,
        pixel_type="uint16",
        attributes={"oiio:BitsPerSample": 10, "dpx:Transfer": "Printing density"},
    )

    asset = probe_file(str(path))

    assert (asset.format, asset.status) == ("DPX", AssetStatus.OK)
    image = asset.video
    assert image is not None
    assert (image.bit_depth, image.dpx_packing, image.dpx_transfer) == (
        10,
        "filled method A",
        "Printing density",
    )
    assert (image.width, image.height, image.channels) == (64, 48, 3)


@pytest.mark.parametrize(
    ("name", "writer", "kwargs", "expected"),
    [
        (
            "tiff16-lzw.tif",
            write_image_oiio,
            dict(pixel_type="uint16", attributes={"compression": "lzw"}),
            dict(format="TIFF", bit_depth=16, channels=3, compression="lzw"),
        ),
        (
            "rgb16.png",
            write_image_oiio,
            dict(pixel_type="uint16"),
            dict(format="PNG", bit_depth=16, channels=3, alpha=False),
        ),
        (
            "grey16.png",
            write_image_pillow,
            dict(mode="I;16"),
            dict(format="PNG", bit_depth=16, channels=1),
        ),
        (
            "rgba8.tga",
            write_image_oiio,
            dict(pixel_type="uint8", channels=("R", "G", "B", "A")),
            dict(format="Targa", bit_depth=8, channels=4, alpha=True),
        ),
        (
            "srgb-icc.jpg",
            write_image_pillow,
            dict(icc_profile=srgb_icc_profile(), quality=90),
            dict(format="JPEG", bit_depth=8, channels=3, icc_profile="sRGB built-in"),
        ),
        (
            "lossy.webp",
            write_image_pillow,
            dict(quality=80),
            dict(format="WebP", bit_depth=8, channels=3, icc_profile=None),
        ),
    ],
)
def test_still_image_header_reads_back_what_the_writer_wrote(
    name: str, writer, kwargs: dict, expected: dict, cached_media
) -> None:
    path = cached_media(f"img1-{name}", writer, **kwargs)

    asset = probe_file(str(path))

    assert asset.status is AssetStatus.OK, asset.reason
    assert asset.kind is AssetKind.IMAGE
    image = asset.video
    assert image is not None and (image.width, image.height) == (64, 48)
    got = {"format": asset.format, **{k: getattr(image, k) for k in expected if k != "format"}}
    assert got == expected


@pytest.mark.parametrize(
    ("ext", "options"),
    [
        ("exr", dict(pixel_type="half", attributes={"compression": "piz"})),
        ("dpx", dict(pixel_type="uint16", attributes={"oiio:BitsPerSample": 10})),
    ],
)
def test_frame_folder_is_one_sequence_asset_with_its_gaps(
    ext: str, options: dict, tmp_path: Path
) -> None:
    shot = tmp_path / "sh010"
    frames = [1001, 1002, 1004, 1005, 1006, 1009]
    written = write_sequence(shot / f"plate.####.{ext}", frames, noise=0.05, **options)

    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([shot], catalog, workers=0)
        assets = list(catalog.find(under=shot))

    assert len(assets) == 1
    asset = assets[0]
    assert asset.kind is AssetKind.SEQUENCE and asset.status is AssetStatus.OK, asset.reason
    seq = asset.sequence
    assert seq is not None
    assert seq.pattern == str(shot / f"plate.####.{ext}")
    assert (seq.first_frame, seq.last_frame, seq.padding) == (1001, 1009, 4)
    assert seq.missing_frames == [1003, 1007, 1008]
    assert seq.frame_bytes == [p.stat().st_size for p in written]
    assert asset.bytes == sum(seq.frame_bytes)
    assert asset.probe_count <= 2
    assert asset.format == {"exr": "OpenEXR", "dpx": "DPX"}[ext]
    image = asset.video
    assert image is not None and (image.width, image.height) == (64, 48)
