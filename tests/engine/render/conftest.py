"""Render outputs written once per cache by OpenImageIO (fixtures/renders.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mediaopt.engine.demo.renders import write_render_sequence

SIZE = {"width": 160, "height": 90}


@pytest.fixture(scope="session")
def render_tree(media_cache: Path) -> Callable[[str, Callable[[Path], None]], Path]:
    """render_tree(name, build): a folder built once by build(folder), cached; a folder
    left half-built by an interrupted run is rebuilt (the marker is written last)."""

    def make(name: str, build: Callable[[Path], None]) -> Path:
        root = media_cache / name
        if not (root / ".complete").exists():
            shutil.rmtree(root, ignore_errors=True)
            build(root)
            (root / ".complete").write_text("")
        return root

    return make


def _pixel_type_shows(root: Path) -> None:
    # Two shows; in each, zip and piz at float and half. Noise keeps float incompressible,
    # as it is on real path-traced frames.
    for show, seed in (("alpha", 1), ("beta", 2)):
        for compression in ("zip", "piz"):
            for pixel_type in ("float", "half"):
                write_render_sequence(
                    root / show / f"{compression}_{pixel_type}" / "beauty.####.exr",
                    range(1001, 1007),
                    compression=compression,
                    pixel_type=pixel_type,
                    noise=0.05,
                    seed=seed,
                    **SIZE,
                )


def _channel_shows(root: Path) -> None:
    for index, compression in enumerate(("zip", "piz", "zips")):
        for extra in (False, True):
            write_render_sequence(
                root / f"sh{index}" / ("aovs" if extra else "beauty") / "render.####.exr",
                range(1, 7),
                compression=compression,
                pixel_type="half",
                aovs=extra,
                data_passes=extra,
                noise=0.05,
                seed=index,
                **SIZE,
            )


@pytest.fixture(scope="session")
def pixel_type_renders(render_tree) -> Path:
    return render_tree("renders-pixel-type-v1", _pixel_type_shows)


@pytest.fixture(scope="session")
def channel_renders(render_tree) -> Path:
    return render_tree("renders-channels-v1", _channel_shows)


@pytest.fixture(scope="session")
def float_zip_beauty(render_tree) -> Path:
    """A float ZIP beauty with AOVs and data passes, 16 frames: the usual render default."""

    def build(root: Path) -> None:
        write_render_sequence(
            root / "beauty.####.exr",
            range(1001, 1017),
            compression="zip",
            pixel_type="float",
            aovs=True,
            data_passes=True,
            noise=0.03,
            **SIZE,
        )

    return render_tree("renders-float-zip-v1", build) / "beauty.####.exr"


@pytest.fixture(scope="session")
def broken_frames(render_tree) -> Path:
    def build(root: Path) -> None:
        write_render_sequence(
            root / "broken.####.exr",
            range(1, 21),
            compression="zip",
            pixel_type="half",
            black_frames=(7,),
            noisy_frames=(14,),
            **SIZE,
        )

    return render_tree("renders-broken-v2", build) / "broken.####.exr"


@pytest.fixture(scope="session")
def folder_state() -> Callable[[Path], dict[str, tuple[int, int]]]:
    return listing


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under folder with its size and mtime, to prove nothing changed."""
    out = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            st = os.stat(os.path.join(dirpath, name))
            out[os.path.join(dirpath, name)] = (st.st_size, st.st_mtime_ns)
    return out
