"""Files are named from their bytes: camera originals no library here decodes are still
recognised, files other tools wrote are never "unknown", and a probe's reads stay small
whatever the file's size."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from mediaopt.engine.demo.media import make_sparse, write_movie
from mediaopt.engine.model import AssetKind, AssetStatus
from mediaopt.engine.scan.probe import probe_file

# Leading bytes as each vendor documents them; the rest of each file is padding, as in a
# camera file whose header no parser here understands.
CAMERA_ORIGINALS = {
    # RED: a 4-byte big-endian atom size, then `RED1`/`RED2` (R3D SDK, file structure).
    "A001_C001_0101AB_001.R3D": (
        struct.pack(">I", 0x200) + b"RED2" + bytes(600),
        "R3D",
        "RED R3D camera raw",
    ),
    # Blackmagic RAW: a QuickTime file structure with the .braw extension.
    "A001_01011200_C001.braw": (
        struct.pack(">I", 20)
        + b"ftypqt  "
        + b"\0\0\2\0"
        + b"qt  "
        + struct.pack(">I", 264)
        + b"mdat"
        + bytes(256),
        "BRAW",
        "Blackmagic RAW camera original",
    ),
    # ARRIRAW frame: `ARRI` then the byte-order mark 0x12345678.
    "A001C001_220101_R1AB.0000001.ari": (
        b"ARRI\x12\x34\x56\x78" + bytes(4088),
        "Arri Raw",  # MediaInfo reads the frame header
        "ARRIRAW camera raw frame",
    ),
    # Canon Cinema RAW Light: an ISO base media file with the `crx ` major brand.
    "A001C001.CRM": (
        struct.pack(">I", 24) + b"ftypcrx " + b"\0\0\0\1" + b"crx isom" + bytes(100),
        "Cinema RAW Light",
        "Canon Cinema RAW Light camera original",
    ),
    # Sony X-OCN: MXF (SMPTE 377-1 header partition pack key) with Sony's raw essence.
    "A001C001_220101_R1AB.mxf": (
        bytes.fromhex("060e2b34020501010d01020101020400") + b"\x83\x00\x00\x58" + bytes(0x58),
        "MXF",
        "MXF camera original with undecoded essence (e.g. Sony X-OCN, ARRIRAW MXF)",
    ),
}


@pytest.mark.parametrize("name", sorted(CAMERA_ORIGINALS))
def test_camera_original_is_recognised_from_its_signature(name: str, tmp_path: Path) -> None:
    content, format_name, description = CAMERA_ORIGINALS[name]
    path = tmp_path / name
    path.write_bytes(content)

    asset = probe_file(str(path))

    assert asset.kind is not AssetKind.UNKNOWN
    assert asset.status is not AssetStatus.ERROR, asset.reason
    assert (asset.format, asset.recognised_as) == (format_name, description)


def _write_dng(path: Path) -> Path:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[50706] = bytes([1, 4, 0, 0])  # DNGVersion 1.4.0.0
    info.tagtype[50706] = 1  # BYTE, as the DNG specification defines the tag
    info[271], info[272] = "Blackmagic Design", "Pocket Cinema Camera 4K"
    Image.fromarray(np.zeros((48, 64), np.uint16)).save(path, format="TIFF", tiffinfo=info)
    return path


@pytest.mark.parametrize("name", ["clip_000001.dng", "renamed_000001.tif"])
def test_cinemadng_frame_is_recognised_by_its_dngversion_tag(name: str, tmp_path: Path) -> None:
    path = _write_dng(tmp_path / name)

    asset = probe_file(str(path))

    assert (asset.kind, asset.status) == (AssetKind.IMAGE, AssetStatus.OK)
    assert (asset.format, asset.recognised_as) == ("CinemaDNG", "CinemaDNG / DNG raw frame")
    assert (asset.camera_make, asset.camera_model) == (
        "Blackmagic Design",
        "Pocket Cinema Camera 4K",
    )
    assert asset.video is not None and (asset.video.width, asset.video.height) == (64, 48)


def test_plain_tiff_is_not_mistaken_for_dng(tmp_path: Path) -> None:
    path = tmp_path / "plate.tif"
    Image.fromarray(np.zeros((48, 64), np.uint16)).save(path, format="TIFF")

    assert probe_file(str(path)).format == "TIFF"


# Files in ../shared/realworld/media that are broken on purpose, and why.
BROKEN = {"mpeg4.mp4": "empty: the MPEG-4 container holds no tracks"}


def test_every_realworld_media_file_is_cataloged(realworld: Path) -> None:
    files = sorted(p for p in (realworld / "media").rglob("*") if p.is_file())
    assert files, "realworld/media holds no files"
    problems = {}
    for path in files:
        asset = probe_file(str(path))
        if path.name in BROKEN:
            assert asset.status is AssetStatus.ERROR and asset.reason == BROKEN[path.name]
            assert asset.kind is not AssetKind.UNKNOWN
            continue
        if asset.kind is AssetKind.UNKNOWN or asset.status is AssetStatus.ERROR:
            problems[path.name] = (asset.kind, asset.reason)
        assert asset.probed_bytes is not None and asset.probed_bytes < 2 * 1024 * 1024
    assert problems == {}


def test_realworld_cover_art_mp3_is_audio_and_subtitle_mkv_is_not_unknown(
    realworld: Path,
) -> None:
    mp3 = probe_file(str(realworld / "media/pymediainfo/sample_with_cover.mp3"))
    mkv = probe_file(str(realworld / "media/pymediainfo/sample.mkv"))

    assert mp3.kind is AssetKind.AUDIO
    assert (mkv.kind, mkv.status, mkv.format) == (AssetKind.OTHER, AssetStatus.OK, "Matroska")


def test_probing_a_200_gb_prores_mov_reads_under_2_mib_in_under_a_second(
    cached_media, tmp_path: Path
) -> None:
    header = cached_media(
        "sig1-prores-head.mov",
        write_movie,
        codec="prores_ks",
        pix_fmt="yuv422p10le",
        options={"profile": "3"},
        width=64,
        height=48,
        frames=6,
        timecode="01:00:00:00",
        # moov before mdat, so the whole header sits in the bytes before the hole and
        # the probe has no reason to read into the 200 GB of essence.
        container_options={"movflags": "faststart"},
    )
    big = make_sparse(tmp_path / "A001C001.mov", header, 200 * 10**9)

    start = time.perf_counter()
    asset = probe_file(str(big))
    elapsed = time.perf_counter() - start

    assert asset.bytes == 200 * 10**9
    assert asset.format == "MPEG-4" and asset.video is not None
    assert asset.video.codec == "ProRes"
    assert asset.probed_bytes is not None and asset.probed_bytes < 2 * 1024 * 1024
    assert elapsed < 1.0


def test_simulation_and_geometry_caches_are_recognised_not_unknown(realworld):
    from mediaopt.engine.scan.probe import probe_file

    blend = realworld / "projects" / "blend"
    expected = {"clothsim.abc": "Alembic cache", "meshcache.mdd": "MDD point cache"}
    found = {p.name: probe_file(str(p)) for p in blend.rglob("*") if p.name in expected}
    caches = [*blend.rglob("*.bphys")][:1] + [*blend.rglob("*.vdb")][:1]
    assert len(caches) == 2, "the realworld blend tree holds point caches and volumes"
    for path in caches:
        found[path.name] = probe_file(str(path))
    expected |= {caches[0].name: "Blender point cache", caches[1].name: "OpenVDB volume"}
    assert {name: (a.format, str(a.status)) for name, a in found.items()} == {
        name: (fmt, "ok") for name, fmt in expected.items()
    }
