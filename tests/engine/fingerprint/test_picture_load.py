"""Pictures are decoded reduced, and bars are found from the edges, without changing what
matches: a wallpaper-size photograph hashes like its small copy."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image

from mediaopt.engine.demo import media
from mediaopt.engine.fingerprint import image
from mediaopt.engine.fingerprint.picture import LOAD_SIDE, load_picture, trim_bars


@pytest.fixture(scope="module")
def wallpaper(tmp_path_factory) -> Image.Image:
    photo = Image.fromarray(skimage.data.astronaut()).resize((1440, 1440), Image.BICUBIC)
    canvas = Image.new("RGB", (2560, 1440), (200, 180, 160))
    canvas.paste(photo, (560, 0))
    return canvas


def test_a_wallpaper_decodes_reduced_and_matches_its_small_copy(tmp_path, wallpaper):
    big, small = tmp_path / "wallpaper.jpg", tmp_path / "wallpaper_small.png"
    wallpaper.save(big, quality=92)
    wallpaper.resize((640, 360), Image.LANCZOS).save(small)
    pixels = load_picture(big)
    assert max(pixels.shape[:2]) <= LOAD_SIDE
    assert pixels.shape[1] / pixels.shape[0] == pytest.approx(2560 / 1440, rel=0.01)
    distance = image.picture_distance(image.image_print(big)[0], image.image_print(small)[0])
    assert distance <= 6  # copies of the labelled set score <= 19; the threshold is 22


def test_a_large_exr_is_box_reduced_in_linear_light(tmp_path):
    path = media.write_image_oiio(
        tmp_path / "plate.exr", width=2048, height=1152, attributes={"compression": "zip"}
    )
    pixels = load_picture(path)
    assert pixels.shape == (576, 1024, 3) and pixels.dtype == np.uint8
    assert 0 < pixels.mean() < 255


def test_letterbox_bars_are_trimmed_and_a_dark_sky_is_kept(tmp_path, wallpaper):
    boxed = np.asarray(wallpaper).copy()
    boxed[:140] = 8
    boxed[-140:] = 8
    trimmed, found = trim_bars(boxed)
    assert found and trimmed.shape[0] == 1440 - 280
    night = np.asarray(wallpaper).copy()
    night[:500] = 10  # a dark sky: one-sided, so not a bar
    assert not trim_bars(night)[1]
    dim = np.asarray(wallpaper).copy()
    dim[:60] = (61, 0, 0)  # mean 20.3 over the channels: just above the dark level
    dim[-60:] = (60, 0, 0)
    assert not trim_bars(dim)[1]
