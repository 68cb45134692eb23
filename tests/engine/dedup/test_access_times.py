"""Reading media for duplicates decodes it (pictures, frames, audio): every decoder is
handed bytes read through MediaReader's O_NOATIME opening, so on a `strictatime` mount,
where every read would update it, no access time changes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo import media
from mediaopt.engine.render.codecs import read_frame


@pytest.fixture
def strictatime(tmp_path: Path):
    """A tmpfs mounted with strictatime: any read through a plain open updates atime."""
    mount = tmp_path / "strict"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "strictatime,size=64m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a strictatime tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _aged(root: Path) -> dict[str, int]:
    times = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_mtime_ns - 10**12, st.st_mtime_ns))
            times[str(path)] = path.stat().st_atime_ns
    return times


def test_near_duplicate_search_and_a_frame_read_leave_access_times_alone(
    strictatime: Path, tmp_path: Path
):
    root = strictatime / "media"
    media.write_image_pillow(root / "still.png", width=64, height=48)
    media.write_image_pillow(root / "still.jpg", width=64, height=48, quality=90)
    media.write_image_oiio(root / "plate.exr", width=64, height=48)
    media.write_image_oiio(root / "plate.tif", width=64, height=48, pixel_type="uint16")
    media.write_movie(
        root / "clip.mov", codec="mpeg4", pix_fmt="yuv420p", width=64, height=48, frames=12
    )
    shutil.copyfile(root / "clip.mov", root / "clip_copy.mov")
    media.write_audio(root / "tone.wav", codec="pcm_s16le", layout="mono", seconds=1.0)
    catalog = tmp_path / "catalog.sqlite"
    with Catalog(catalog) as opened:
        api.scan([root], opened, workers=0)
    before = _aged(root)
    (root / "still.png").read_bytes()  # the mount does update atimes on a plain read
    assert os.stat(root / "still.png").st_atime_ns != before[str(root / "still.png")]
    before = _aged(root)
    assert main(["dupes", "--near", "--catalog", str(catalog), "--json"]) in (0, 1)
    read_frame(str(root / "plate.exr"))
    after = {p: os.stat(p).st_atime_ns for p in before}
    assert after == before
