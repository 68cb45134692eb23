"""When a numbered run of images is photographs, not the frames of one sequence.

Frame sequences and photographs can share a naming scheme (`name_00.jpg` ... `name_07.jpg`
is either eight renders of one shot or eight holiday pictures), so the name is only the
first test. A run stays a sequence unless one of these says it is stills:

- camera naming (`IMG_1234`, `DSC01234`, `_MG_1234`, ...): what stills cameras and phones
  write, never a renderer or a compositor;
- a format that only stills cameras write as numbered files (HEIC/HEIF: a HEIF image
  sequence lives inside one file);
- the first frame's EXIF names a camera (Make) or a capture time (DateTimeOriginal),
  and the capture times of the two probed frames are at least a second per frame apart.
  A cinema camera writing CinemaDNG frames also records both, but its frames are a
  fraction of a second apart: that run was captured in one go and stays a sequence.

The decision costs nothing extra: the scan probes the first and a middle frame of every
sequence anyway, and the EXIF fields come from the same bounded header read.
"""

from __future__ import annotations

import re
from datetime import datetime

from mediaopt.engine.model import Asset

# Stills-camera and phone file names: Canon/Apple/Android `IMG_`, Canon Adobe RGB `_MG_`,
# Sony `DSC`, Nikon `DSC_`/`_DSC`/`DSCN`, Fujifilm `DSCF`, Panasonic/Olympus `P1010001`,
# Pentax `IMGP`/`_IGP`, Casio `CIMG`, Samsung `SAM_`, Google Pixel `PXL_`, GoPro `GOPR`/`GX`,
# DJI `DJI_`. Anchored on the whole stem so `dsc_comp.0001.exr` is not caught.
CAMERA_NAME = re.compile(
    r"^(?:IMG_|IMG|_MG_|DSC_|_DSC|DSCN|DSCF|DSC|IMGP|_IGP|CIMG|SAM_|DJI_|GOPR|GX\d{2}|"
    r"PXL_\d{8}_|MVIMG_|P\d{3})\d{4,}(?:[_-]\d+)?$",
    re.IGNORECASE,
)

STILLS_ONLY_EXTENSIONS = frozenset({"heic", "heif"})
"""Formats no renderer or scanner writes as numbered frames."""

EXIF_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "tif", "tiff", "dng", "heic", "heif", "webp"})
"""Formats a stills camera writes EXIF into; a render in EXR, DPX or PNG has no camera."""

_MOTION_SECONDS_PER_FRAME = 1.0
"""Faster than one frame a second is motion picture (a CinemaDNG or a timelapse burst
written by the camera as one run), slower is separate pictures."""


def camera_named(name: str) -> bool:
    """A file name stills cameras write (`IMG_1234.jpg`, `DSC01234.ARW`)."""
    stem = name.rpartition(".")[0] or name
    return CAMERA_NAME.match(stem) is not None


def photographs(frames: list[int], probes: list[Asset]) -> bool:
    """Whether the probed frames of a numbered run (frame numbers `frames`, probes in the
    same order) are photographs rather than frames of one sequence."""
    first = probes[0]
    if (first.extension or "") not in EXIF_EXTENSIONS:
        return False
    if not (first.camera_make or first.recorded_date):
        return False
    times = [_seconds(p.recorded_date) for p in probes]
    if len(probes) > 1 and times[0] is not None and times[1] is not None:
        step = abs(frames[1] - frames[0]) or 1
        return abs(times[1] - times[0]) / step >= _MOTION_SECONDS_PER_FRAME
    return True


def _seconds(stamp: str | None) -> float | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.strip()[:19]).timestamp()
    except ValueError:
        return None
