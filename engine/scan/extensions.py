"""File extensions the scanning process needs before any header is read.

Kept out of the probe package: importing anything under `scan.probe` runs its
`__init__`, which loads MediaInfo and OpenImageIO, and the scanning process (which only
walks, groups frames and hands paths to the probe workers) has no use for either. Loading
them there cost about 60 ms of a 120-clip scan's 0.3 s.
"""

from __future__ import annotations

IMAGE_EXTENSIONS = frozenset(
    [
        "exr",
        "sxr",
        "dpx",
        "cin",
        "tif",
        "tiff",
        "png",
        "jpg",
        "jpeg",
        "jpe",
        "jp2",
        "j2k",
        "webp",
        "tga",
        "bmp",
        "gif",
        "hdr",
        "sgi",
        "rgb",
        "psd",
        "tx",
        "dng",
        "ari",
        "heic",
        "avif",
        "jxl",
    ]
)
"""Extensions that are frames of a sequence when numbered; movies never collapse."""
