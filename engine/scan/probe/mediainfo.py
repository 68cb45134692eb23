"""Audio/video container headers through MediaInfo (pymediainfo, which bundles the library).

MediaInfo is fed through our own MediaReader in buffer mode rather than given the path:
that keeps the file read-only with O_NOATIME, counts every byte, and caps the bytes a
probe may read. ParseSpeed 0 makes MediaInfo stop after the headers instead of sampling
the essence (measured: ~130 KB for a ProRes MOV of any size).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from typing import Any

import msgspec

from mediaopt.engine.model import Stream, StreamKind
from mediaopt.engine.scan.errors import ProbeError
from mediaopt.engine.scan.probe.quicktime import visual_sample_depths
from mediaopt.engine.scan.reader import MediaReader

PROBE_BUDGET = 2 * 1024 * 1024
"""Hard cap on bytes a probe reads. Headers of every format here fit well inside it; a
parser asking for more is reading essence, and gets end-of-file instead."""

_CHUNK = 4096
"""Bytes handed to MediaInfo per call. Small on purpose: given a 64 KB buffer MediaInfo
parses whatever is in it, so on a small QuickTime file it walks the `mdat` before it has
seen `moov` and never comes back for the timecode sample (measured: start timecode lost
on a 26 KB MOV); fed 4 KB at a time it skips `mdat` by seeking and reads less (22 KB
instead of 132 KB for a ProRes MOV)."""

_STREAM_KINDS = {
    "Video": StreamKind.VIDEO,
    "Audio": StreamKind.AUDIO,
    "Image": StreamKind.IMAGE,
    "Text": StreamKind.TEXT,
    "Other": StreamKind.DATA,
}


class AVHeader(msgspec.Struct, kw_only=True):
    format: str | None
    format_profile: str | None
    streams: list[Stream]
    general: dict[str, str]
    timecode_track: dict[str, str]
    """MediaInfo's `Other` track of type `Time code`: start timecode and reel (its Title)."""
    audio_delays: list[float] = []
    """Start offsets (seconds) that audio streams carry from a Broadcast Wave bext chunk."""
    bytes_read: int


def probe_av(path: str, *, drop_cache: bool = False, budget: int = PROBE_BUDGET) -> AVHeader:
    reader = MediaReader(path, budget=budget, drop_cache=drop_cache)
    try:
        # full=False: every field read here is in the short JSON too (records compared
        # equal on the fixture and realworld media) for ~8% less CPU per probe. A new
        # field read here must be checked against it.
        raw = _parse(reader)
        tracks = msgspec.json.decode(raw).get("media", {}).get("track", []) if raw else []
        general = next((t for t in tracks if t.get("@type") == "General"), {})
        depths = _quicktime_depths(reader, general, tracks)
    except RuntimeError as exc:
        raise ProbeError(f"MediaInfo could not parse the file: {exc}") from exc
    finally:
        reader.close()
    streams = [_stream(t, depths) for t in tracks if t.get("@type") in _STREAM_KINDS]
    if not general.get("Format") and not streams:
        raise ProbeError("MediaInfo found no recognisable container or stream")
    return AVHeader(
        format=general.get("Format"),
        format_profile=general.get("Format_Profile"),
        streams=streams,
        general=general,
        timecode_track=next(
            (t for t in tracks if t.get("@type") == "Other" and t.get("Type") == "Time code"),
            {},
        ),
        audio_delays=[
            float(t["Delay"])
            for t in tracks
            if t.get("@type") == "Audio" and t.get("Delay_Source") == "Container (bext)"
        ],
        bytes_read=reader.bytes_read,
    )


_OPTIONS = (
    # What MediaInfo.parse(parse_speed=0, output="JSON", full=False) sets, in its order.
    ("Cover_Data", ""),
    ("CharSet", "UTF-8"),
    ("Inform", "JSON"),
    ("Complete", ""),
    ("ParseSpeed", "0"),
    ("LegacyStreamDisplay", ""),
)
_FINISHED = 0x08
"""Open_Buffer_Continue's status bit 3: the parser has what it wants (File__Analyze.h)."""
_NO_SEEK = ctypes.c_uint64(-1).value
_library: Any = None


def _parse(reader: MediaReader) -> str:
    """pymediainfo's buffer loop, with the library loaded once per process: MediaInfo.parse
    loads it, declares its prototypes and asks its version on every call, and reads into
    a new bytes object per chunk (measured: a fifth of a probe's CPU on short clips)."""
    lib = _lib()
    handle = lib.MediaInfo_New()
    try:
        for name, value in _OPTIONS:
            lib.MediaInfo_Option(handle, name, value)
        lib.MediaInfo_Open_Buffer_Init(handle, reader.size, 0)
        chunk = ctypes.create_string_buffer(_CHUNK)
        reader.seek(0)
        while n := reader.readinto(chunk):
            if lib.MediaInfo_Open_Buffer_Continue(handle, chunk, n) & _FINISHED:
                break
            seek = lib.MediaInfo_Open_Buffer_Continue_GoTo_Get(handle)
            if seek != _NO_SEEK:
                reader.seek(seek)
                lib.MediaInfo_Open_Buffer_Init(handle, reader.size, reader.tell())
        lib.MediaInfo_Open_Buffer_Finalize(handle)
        return lib.MediaInfo_Inform(handle, 0) or ""
    finally:
        lib.MediaInfo_Close(handle)
        lib.MediaInfo_Delete(handle)


def _lib() -> Any:
    global _library
    if _library is None:
        _library = _load_library()
    return _library


_PROTOTYPES: dict[str, tuple[list[Any], Any]] = {
    # name: (argtypes, restype), as pymediainfo declares them (MediaInfoDLL.h).
    "MediaInfo_New": ([], ctypes.c_void_p),
    "MediaInfo_Option": ([ctypes.c_void_p, ctypes.c_wchar_p, ctypes.c_wchar_p], ctypes.c_wchar_p),
    "MediaInfo_Inform": ([ctypes.c_void_p, ctypes.c_size_t], ctypes.c_wchar_p),
    "MediaInfo_Open_Buffer_Init": (
        [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64],
        ctypes.c_size_t,
    ),
    "MediaInfo_Open_Buffer_Continue": (
        [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t],
        ctypes.c_size_t,
    ),
    "MediaInfo_Open_Buffer_Continue_GoTo_Get": ([ctypes.c_void_p], ctypes.c_uint64),
    "MediaInfo_Open_Buffer_Finalize": ([ctypes.c_void_p], ctypes.c_size_t),
    "MediaInfo_Close": ([ctypes.c_void_p], None),
    "MediaInfo_Delete": ([ctypes.c_void_p], None),
}


def _load_library() -> Any:
    """The MediaInfo library that pymediainfo's wheel bundles, loaded without importing
    pymediainfo: its import reads its own version through importlib.metadata, which walks
    every installed distribution (~25 ms, a tenth of a short scan's start-up, paid by the
    fork server before any worker could start). Where the bundled copy is not found
    (Windows, a build using the system's library) pymediainfo finds it as before."""
    spec = importlib.util.find_spec("pymediainfo")  # finds the package, runs none of it
    name = {"linux": "libmediainfo.so.0", "darwin": "libmediainfo.0.dylib"}.get(sys.platform)
    bundled = (
        os.path.join(os.path.dirname(spec.origin), name)
        if spec is not None and spec.origin and name
        else None
    )
    if bundled is None or not os.path.isfile(bundled):
        from pymediainfo import MediaInfo

        lib, handle, _, _ = MediaInfo._get_library()
        lib.MediaInfo_Close(handle)
        lib.MediaInfo_Delete(handle)  # the handle it opened to read the version
        return lib
    lib = ctypes.CDLL(bundled)
    for function, (argtypes, restype) in _PROTOTYPES.items():
        getattr(lib, function).argtypes = argtypes
        getattr(lib, function).restype = restype
    return lib


def _quicktime_depths(
    reader: MediaReader, general: dict[str, str], tracks: list[dict[str, str]]
) -> dict[bytes, int]:
    needs_depth = any(t.get("Format") == "ProRes" and _is_prores_4444(t) for t in tracks)
    if general.get("Format") != "MPEG-4" or not needs_depth:
        return {}
    return visual_sample_depths(reader)


def _is_prores_4444(track: dict[str, str]) -> bool:
    return (track.get("Format_Profile") or "").startswith("4444")


def _stream(track: dict[str, str], depths: dict[bytes, int] | None = None) -> Stream:
    kind = _STREAM_KINDS[track["@type"]]
    if kind is StreamKind.DATA and track.get("Type") == "Time code":
        kind = StreamKind.TIMECODE
    is_audio = kind is StreamKind.AUDIO
    return Stream(
        kind=kind,
        index=_int(track.get("StreamOrder", "0").split("-")[-1]) or 0,
        codec=track.get("Format"),
        codec_profile=_profile(track),
        width=_int(track.get("Width")),
        height=_int(track.get("Height")),
        pixel_aspect=_float(track.get("PixelAspectRatio")),
        frame_rate=_float(track.get("FrameRate")),
        frame_count=_int(track.get("FrameCount")),
        duration_s=_float(track.get("Duration")),
        bit_depth=None if is_audio else _int(track.get("BitDepth")) or _codec_bit_depth(track),
        chroma_subsampling=track.get("ChromaSubsampling"),
        alpha=_alpha(track, depths or {}),
        bit_rate=_int(track.get("BitRate") or track.get("BitRate_Nominal")),
        bit_rate_mode=track.get("BitRate_Mode"),
        scan_type=track.get("ScanType"),
        colour_primaries=track.get("colour_primaries"),
        transfer=track.get("transfer_characteristics"),
        matrix=track.get("matrix_coefficients"),
        colour_range=track.get("colour_range"),
        hdr_format=track.get("HDR_Format")
        or ("SMPTE ST 2086" if track.get("MasteringDisplay_ColorPrimaries") else None),
        channels=_int(track.get("Channels")) if is_audio else None,
        channel_layout=(track.get("ChannelLayout") or track.get("ChannelPositions"))
        if is_audio
        else None,
        sample_rate=_int(track.get("SamplingRate")),
        sample_bit_depth=_int(track.get("BitDepth")) if is_audio else None,
        language=track.get("Language"),
        timecode=track.get("TimeCode_FirstFrame"),
    )


def _profile(track: dict[str, str]) -> str | None:
    profile = track.get("Format_Profile")
    commercial = track.get("Format_Commercial_IfAny")
    if track.get("Format") == "VC-3" and commercial:
        return commercial  # DNxHD 175x / DNxHR HQX: the name editors know
    if track.get("Format") == "AAC" and track.get("Format_AdditionalFeatures"):
        return track["Format_AdditionalFeatures"]
    return profile


def _codec_bit_depth(track: dict[str, str]) -> int | None:
    # MediaInfo reports no BitDepth for ProRes at ParseSpeed 0 (nor at 1). The codec
    # fixes it: the 422 family is 10-bit and 4444/4444 XQ 12-bit (Apple ProRes white
    # paper, "ProRes family"), so the profile, which MediaInfo reads from the fourcc, is
    # the cheapest correct source: no frame needs to be read.
    if track.get("Format") == "ProRes" and track.get("Format_Profile"):
        return 12 if _is_prores_4444(track) else 10
    return None


def _alpha(track: dict[str, str], depths: dict[bytes, int]) -> bool | None:
    if track.get("@type") not in ("Video", "Image"):
        return None
    if track.get("Format") == "ProRes":
        # 422 profiles cannot carry alpha; for 4444 the sample description depth says.
        if not _is_prores_4444(track):
            return False
        depth = depths.get((track.get("CodecID") or "").encode("latin-1"))
        return None if depth is None else depth == 32
    space = track.get("ColorSpace", "")
    return "A" in space[-1:] or bool(track.get("Format_Settings_Alpha") == "Yes") or None


def _int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(float(value.split(" / ")[0]))
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return round(float(value.split(" / ")[0]), 4)
    except ValueError:
        return None
