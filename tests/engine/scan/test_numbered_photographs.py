"""Numbered photographs stay individual assets; numbered frames still collapse.

Built from real JPEGs written by Pillow with the EXIF a camera writes (Make, Model,
DateTimeOriginal), phone-named files without EXIF, and a real PNG render sequence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest
from PIL import Image

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import AssetKind
from mediaopt.engine.scan import describe, scan
from mediaopt.fixtures import photos


@pytest.fixture(scope="module")
def shoot(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shoot")
    photos.write_numbered_photos(root / "day1")
    photos.write_camera_named(root / "phone")
    photos.write_render(root / "render")
    # A cinema camera's run: EXIF names the camera, but every frame was captured within
    # the same second, one run written in one go.
    for k, picture in enumerate(photos.photographs(64)):
        _write_tiff(root / "cinedng" / f"A001_{k:04d}.tif", np.asarray(picture))
    return root


def _write_tiff(path: Path, pixels: np.ndarray) -> None:
    """OpenImageIO writes the EXIF sub-IFD into a TIFF (Pillow's TIFF writer does not)."""
    path.parent.mkdir(exist_ok=True)
    spec = oiio.ImageSpec(pixels.shape[1], pixels.shape[0], 3, "uint8")
    spec.attribute("Make", "Blackmagic Design")
    spec.attribute("Exif:DateTimeOriginal", "2024:05:01 10:00:00")
    out = oiio.ImageOutput.create(str(path))
    out.open(str(path), spec)
    out.write_image(np.ascontiguousarray(pixels))
    out.close()


@pytest.fixture(scope="module")
def cataloged(shoot, tmp_path_factory) -> dict[str, object]:
    path = tmp_path_factory.mktemp("cat") / "catalog.sqlite"
    with Catalog(path) as catalog:
        summary = scan([shoot], catalog, workers=0)
        assets = {str(Path(a.path).relative_to(shoot)): a for a in catalog.find()}
    return {"path": path, "summary": summary, "assets": assets}


def test_numbered_photographs_with_exif_are_each_an_asset(cataloged) -> None:
    assets = cataloged["assets"]
    day1 = sorted(n for n in assets if n.startswith("day1/"))
    assert day1 == [f"day1/name_{k:02d}.jpg" for k in range(8)]
    assert all(assets[n].kind is AssetKind.IMAGE for n in day1)
    assert assets["day1/name_03.jpg"].camera_make == "Canon"
    assert assets["day1/name_03.jpg"].recorded_date == "2024-05-01 10:00:09"


def test_camera_named_files_without_exif_are_each_an_asset(cataloged) -> None:
    phone = sorted(n for n in cataloged["assets"] if n.startswith("phone/"))
    assert phone == [f"phone/IMG_{k}.jpg" for k in range(1234, 1238)]


def test_a_render_sequence_beside_them_still_collapses(cataloged) -> None:
    render = [n for n in cataloged["assets"] if n.startswith("render/")]
    assert render == ["render/shot.####.png"]
    seq = cataloged["assets"]["render/shot.####.png"].sequence
    assert (seq.first_frame, seq.last_frame, seq.frame_count) == (1001, 1008, 8)


def test_a_run_captured_in_one_go_stays_a_sequence(cataloged) -> None:
    assert [n for n in cataloged["assets"] if n.startswith("cinedng/")] == ["cinedng/A001_####.tif"]


def test_a_rescan_keeps_the_photographs_without_probing_them(cataloged, shoot) -> None:
    with Catalog(cataloged["path"]) as catalog:
        again = scan([shoot], catalog, workers=0)
        names = sorted(str(Path(a.path).relative_to(shoot)) for a in catalog.find())
    assert again.probed == 0
    assert names == sorted(cataloged["assets"])


def test_a_photograph_added_to_the_folder_is_probed_alone(shoot, tmp_path) -> None:
    folder = tmp_path / "day2"
    photos.write_numbered_photos(folder)
    with Catalog(tmp_path / "c.sqlite") as catalog:
        scan([folder], catalog, workers=0)
        with Image.open(folder / "name_00.jpg") as im:
            im.save(folder / "name_08.jpg", exif=photos.camera_exif(60))
        again = scan([folder], catalog, workers=0)
        kinds = {Path(a.path).name: a.kind for a in catalog.find()}
    assert again.probed == 1
    assert len(kinds) == 9 and set(kinds.values()) == {AssetKind.IMAGE}


def test_info_on_a_numbered_photograph_describes_that_photograph(shoot, tmp_path) -> None:
    asset = describe(shoot / "day1" / "name_05.jpg")
    assert asset.kind is AssetKind.IMAGE
    assert asset.path.endswith("name_05.jpg")
    no_catalog = tmp_path / "absent.sqlite"
    assert api.info(shoot / "render" / "shot.1003.png", no_catalog).path.endswith("shot.####.png")
