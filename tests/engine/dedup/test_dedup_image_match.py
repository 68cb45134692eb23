"""The array search over many stills agrees pair for pair with the one-pair comparison."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from mediaopt.engine.fingerprint import image
from mediaopt.engine.fingerprint.image_match import PrintArrays, image_matches, picture_distances
from mediaopt.engine.fingerprint.picture import load_picture
from mediaopt.fixtures import dupes as labelled


@pytest.fixture(scope="module")
def prints(tmp_path_factory) -> list[image.PicturePrint]:
    """Real encodes of four photographs and their copies, crops among them, plus one
    print made without windows (as video frames are) to mix window counts."""
    root = tmp_path_factory.mktemp("match")
    photos = {
        "astronaut": skimage.data.astronaut(),
        "chelsea": skimage.data.chelsea(),
        "camera": np.stack([skimage.data.camera()] * 3, axis=-1),
    }
    hubble = skimage.data.hubble_deep_field()
    photos["hubble_a"], photos["hubble_b"] = hubble[:400, :400], hubble[:400, 500:900]
    paths: list[Path] = []
    for name, array in photos.items():
        im = labelled._fit(Image.fromarray(array), 160)
        for transform in ("jpeg q40", "crop 10% corner", "crop 10% centred", "gamma 1.15"):
            out = labelled.IMAGE_TRANSFORMS[transform](im)
            paths.append(labelled._save_image(out, root / f"{name}_{len(paths)}", transform))
        im.save(root / f"{name}.png")
        paths.append(root / f"{name}.png")
    found = [image.image_print(p)[0] for p in paths]
    found.append(image.hash_picture(load_picture(paths[0]), windows=False))
    return found


def test_distances_equal_the_one_pair_comparison(prints):
    arrays = PrintArrays.of(prints)
    i, j = np.array(list(itertools.combinations(range(len(prints)), 2))).T
    expected = [image.picture_distance(prints[a], prints[b]) for a, b in zip(i, j, strict=True)]
    assert picture_distances(arrays, i, j).tolist() == expected


def test_matches_are_every_pair_within_same_picture_and_no_other(prints):
    brute = {
        (a, b)
        for a, b in itertools.combinations(range(len(prints)), 2)
        if image.picture_distance(prints[a], prints[b]) <= image.SAME_PICTURE
    }
    # Crops, re-encodes and the print without windows all have partners to find.
    assert len(brute) >= 5 * 10
    pairs, dist = image_matches(PrintArrays.of(prints))
    assert set(map(tuple, pairs.tolist())) == brute
    assert (dist <= image.SAME_PICTURE).all()


def test_no_pictures_no_pairs():
    pairs, dist = image_matches(PrintArrays.of([]))
    assert pairs.shape == (0, 2) and dist.size == 0
