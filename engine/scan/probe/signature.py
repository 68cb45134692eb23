"""What a file is, from its first bytes and its extension, before any parser runs.

The signature decides which prober reads the header, catches files whose extension lies
(a JPEG named .mov), and names camera-original formats that no library here decodes
(R3D, BRAW, ARRIRAW, X-OCN, CinemaDNG, Cinema RAW Light) so they are never "unknown".
Magic numbers are from each format's specification or SDK documentation.
"""

from __future__ import annotations

import enum

import msgspec

from mediaopt.engine.model.projects import NATIVE_PROJECT_FILES
from mediaopt.engine.scan.extensions import IMAGE_EXTENSIONS


class Family(enum.StrEnum):
    AV = "av"
    """Audio/video container: MediaInfo reads it."""
    IMAGE = "image"
    """Still image: OpenImageIO reads it."""
    RAW = "raw"
    """Camera raw: recognised by signature; MediaInfo reads what it can."""
    PROJECT = "project"
    OTHER = "other"
    UNKNOWN = "unknown"


class Signature(msgspec.Struct, kw_only=True, frozen=True):
    family: Family
    format: str
    """Short format name, e.g. `QuickTime`, `OpenEXR`, `JPEG`."""
    description: str | None = None
    """A person's name for formats only recognised, e.g. `RED R3D camera raw`."""


HEAD_BYTES = 4096
"""Enough for every signature below, including MPEG-TS sync bytes at 0, 188 and 376."""


# The applications' own project files, then the interchange formats OTIO and the readers
# take (the names a file is filed under in the catalog).
_PROJECT_EXTENSIONS = {
    **NATIVE_PROJECT_FILES,
    "otio": "OpenTimelineIO",
    "otioz": "OpenTimelineIO bundle",
    "otiod": "OpenTimelineIO directory bundle",
    "edl": "CMX 3600 EDL",
    "fcpxml": "Final Cut Pro X XML",
    "xml": "XML",
    "aaf": "AAF",
    "ale": "Avid Log Exchange",
    "nk": "Nuke script",
    "blend": "Blender scene",
}

_RAW_BY_EXTENSION = {
    "r3d": ("R3D", "RED R3D camera raw"),
    "braw": ("BRAW", "Blackmagic RAW camera original"),
    "ari": ("ARRIRAW", "ARRIRAW camera raw frame"),
    "arx": ("ARRIRAW", "ARRIRAW HDE camera raw"),
    "crm": ("Cinema RAW Light", "Canon Cinema RAW Light camera original"),
    "dng": ("CinemaDNG", "CinemaDNG / DNG raw frame"),
    "mxf": ("MXF", None),
}


_DOCUMENT_EXTENSIONS = frozenset(
    [
        "txt",
        "md",
        "json",
        "csv",
        "tsv",
        "pdf",
        "log",
        "toml",
        "yaml",
        "yml",
        "py",
        "sh",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
    ]
)

# Simulation and geometry caches: often the largest files a VFX show writes, not media,
# and never broken just because no media parser reads them. Magic numbers from each
# format's source: Alembic Ogawa and HDF5 headers, OpenVDB's 0x56444220 little-endian,
# Blender's point cache "BPHYSICS", USD crate "PXR-USDC".
_CACHE_MAGIC = (
    (b"Ogawa", "Alembic cache"),
    (b"\x89HDF\r\n\x1a\n", "Alembic/HDF5 cache"),
    (b" BDV", "OpenVDB volume"),
    (b"BPHYSICS", "Blender point cache"),
    (b"PXR-USDC", "USD crate"),
    (b"#usda", "USD text"),
)
_CACHE_EXTENSIONS = {
    "mdd": "MDD point cache",
    "pc2": "PC2 point cache",
    "btx": "Blender cache",
    "bgeo": "Houdini geometry",
    "sc": "Houdini geometry",
    "obj": "OBJ geometry",
    "fbx": "FBX scene",
    "usd": "USD",
    "usdz": "USD package",
}


def _cache(head: bytes, ext: str) -> Signature | None:
    for magic, name in _CACHE_MAGIC:
        if head.startswith(magic):
            return Signature(family=Family.OTHER, format=name)
    if ext in _CACHE_EXTENSIONS:
        return Signature(family=Family.OTHER, format=_CACHE_EXTENSIONS[ext])
    return None


def _ext(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def sniff(head: bytes, name: str) -> Signature:
    """Identify a file from its first bytes (up to HEAD_BYTES) and its file name."""
    ext = _ext(name)
    sig = _from_magic(head, ext) or _cache(head, ext)
    if sig is not None:
        return sig
    if ext in _PROJECT_EXTENSIONS:
        return Signature(family=Family.PROJECT, format=_PROJECT_EXTENSIONS[ext])
    if ext == "tga":
        # TGA has no leading magic (the v2 footer is at the end of the file)
        return Signature(family=Family.IMAGE, format="Targa")
    if ext in ("dv", "dif") and head[:1] == b"\x1f":
        return Signature(family=Family.AV, format="DV")
    if ext in ("ac3", "ec3", "eac3", "dts", "aac", "mp3", "m2v", "h264", "264", "hevc", "265"):
        return Signature(family=Family.AV, format=ext.upper())  # elementary streams
    if ext in _DOCUMENT_EXTENSIONS:
        return Signature(family=Family.OTHER, format=ext.upper())
    return Signature(family=Family.UNKNOWN, format="unknown")


def _from_magic(head: bytes, ext: str) -> Signature | None:  # noqa: C901 - one table
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        brand = head[8:12]
        if brand == b"crx ":
            return Signature(
                family=Family.RAW,
                format="Cinema RAW Light",
                description="Canon Cinema RAW Light camera original",
            )
        if ext == "braw" or brand == b"braw":
            return Signature(
                family=Family.RAW, format="BRAW", description="Blackmagic RAW camera original"
            )
        return Signature(family=Family.AV, format="QuickTime/MP4")
    if head[4:8] in (b"RED1", b"RED2", b"REDV"):
        return Signature(family=Family.RAW, format="R3D", description="RED R3D camera raw")
    if head[:4] == b"ARRI":
        return Signature(
            family=Family.RAW, format="ARRIRAW", description="ARRIRAW camera raw frame"
        )
    if head[:4] == b"\x06\x0e\x2b\x34":
        return _mxf(head, ext)
    if head[:4] == b"\x76\x2f\x31\x01":
        return Signature(family=Family.IMAGE, format="OpenEXR")
    if head[:4] in (b"SDPX", b"XPDS"):
        return Signature(family=Family.IMAGE, format="DPX")
    if head[:4] in (b"\x80\x2a\x5f\xd7", b"\xd7\x5f\x2a\x80"):
        return Signature(family=Family.IMAGE, format="Cineon")
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        if ext == "dng" or _has_dng_version(head):
            return Signature(
                family=Family.RAW, format="CinemaDNG", description="CinemaDNG / DNG raw frame"
            )
        return Signature(family=Family.IMAGE, format="TIFF")
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return Signature(family=Family.IMAGE, format="PNG")
    if head[:3] == b"\xff\xd8\xff":
        return Signature(family=Family.IMAGE, format="JPEG")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Signature(family=Family.IMAGE, format="WebP")
    if head[:4] in (b"RIFF", b"RF64", b"BW64"):
        return Signature(family=Family.AV, format="RIFF")
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return Signature(family=Family.AV, format="AIFF")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return Signature(family=Family.AV, format="Matroska")
    if head[:4] in (b"fLaC", b"OggS", b"FLV\x01", b"ID3\x03", b"ID3\x04", b"ID3\x02"):
        return Signature(family=Family.AV, format=head[:4].decode("latin-1").strip("\x01"))
    if head[:4] == b"\x00\x00\x01\xba" or head[:4] == b"\x00\x00\x01\xb3":
        return Signature(family=Family.AV, format="MPEG-PS")
    if len(head) > 376 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return Signature(family=Family.AV, format="MPEG-TS")
    if head[:2] == b"\x0b\x77":
        return Signature(family=Family.AV, format="AC-3")
    if (
        len(head) >= 2
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and ext in ("mp3", "mp2", "aac", "m4a", "mpa")
    ):
        return Signature(family=Family.AV, format="MPEG audio")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Signature(family=Family.IMAGE, format="GIF")
    if head[:2] == b"BM" and ext in ("bmp", "dib"):
        return Signature(family=Family.IMAGE, format="BMP")
    if head[:10] in (b"#?RADIANCE", b"#?RGBE\n\x00\x00\x00"[:10]):
        return Signature(family=Family.IMAGE, format="Radiance HDR")
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xff\x4f\xff\x51":
        return Signature(family=Family.IMAGE, format="JPEG 2000")
    if head[:7] == b"BLENDER":
        return Signature(family=Family.PROJECT, format="Blender scene")
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and ext == "aaf":
        return Signature(family=Family.PROJECT, format="AAF")
    if head[:8] == b"\x28\xb5\x2f\xfd" and ext == "blend":
        return Signature(family=Family.PROJECT, format="Blender scene (compressed)")
    return None


_DNG_VERSION_TAG = 50706
"""DNGVersion (Adobe DNG Specification 1.6, chapter 4): present in IFD 0 of every DNG
and CinemaDNG frame, absent from plain TIFF."""


def _has_dng_version(head: bytes) -> bool:
    """True when the classic-TIFF IFD 0 in `head` holds a DNGVersion tag."""
    order = "little" if head[:2] == b"II" else "big"
    if head[2:4] not in (b"*\x00", b"\x00*"):
        return False  # BigTIFF: DNG does not use it
    ifd = int.from_bytes(head[4:8], order)
    count = int.from_bytes(head[ifd : ifd + 2], order) if ifd + 2 <= len(head) else 0
    for i in range(count):
        entry = ifd + 2 + 12 * i
        if entry + 2 > len(head):
            return False
        if int.from_bytes(head[entry : entry + 2], order) == _DNG_VERSION_TAG:
            return True
    return False


def _mxf(head: bytes, ext: str) -> Signature:
    # Sony X-OCN and other raw-in-MXF are MXF to MediaInfo; the essence label says more,
    # which the MediaInfo prober reads. Here it is enough to route it to MediaInfo.
    return Signature(family=Family.AV, format="MXF")


def extension_mismatch(sig: Signature, name: str) -> str | None:
    """Say so when the content is clearly not what the extension promises."""
    ext = _ext(name)
    movie_exts = {"mov", "mp4", "m4v", "mxf", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg"}
    audio_exts = {"wav", "aif", "aiff", "flac", "mp3", "m4a", "ogg", "opus", "ac3"}
    if sig.family is Family.IMAGE and ext in movie_exts | audio_exts:
        return f"named .{ext} but the content is a {sig.format} image"
    if sig.family is Family.AV and ext in IMAGE_EXTENSIONS and ext not in ("gif",):
        return f"named .{ext} but the content is a {sig.format} container"
    return None
