"""Audio/video container headers through MediaInfo (pymediainfo, which bundles the library).

MediaInfo is fed through our own MediaReader in buffer mode rather than given the path:
that keeps the file read-only with O_NOATIME, counts every byte, and caps the bytes a
probe may read. ParseSpeed 0 makes MediaInfo stop after the headers instead of sampling
the essence (measured: ~130 KB for a ProRes MOV of any size).
"""

from __future__ import annotations

import msgspec
from pymediainfo import MediaInfo

from mediaopt.engine.model import Stream, StreamKind
from mediaopt.engine.scan.errors import ProbeError
from mediaopt.engine.scan.reader import MediaReader

PROBE_BUDGET = 2 * 1024 * 1024
"""Hard cap on bytes a probe reads. Headers of every format here fit well inside it; a
parser asking for more is reading essence, and gets end-of-file instead."""

_BUFFER_SIZE = 16 * 1024
"""MediaInfo is fed whole buffers and often needs only the start of one before it seeks:
64 KiB buffers read 1.3-2.6x more than needed on MOV/MP4 (measured on ProRes, H.264 and
AAC files: 193 -> 145 KiB, 130 -> 50 KiB, 143 -> 95 KiB) for the same fields, and parse
less (2.6 -> 2.1 ms CPU per probe over the benchmark's movies and audio). Smaller buffers
start to read more on some files (HEVC MP4: 13 KiB at 16 KiB, 21 KiB at 8 KiB)."""

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
    bytes_read: int


def probe_av(path: str, *, drop_cache: bool = False, budget: int = PROBE_BUDGET) -> AVHeader:
    reader = MediaReader(path, budget=budget, drop_cache=drop_cache)
    try:
        # full=False: every field read below is in the short JSON too (records compared
        # equal on the fixture and realworld media) and it is ~8% less CPU (2.06 -> 1.88
        # ms per probe). A new field read here must be checked against it.
        raw = MediaInfo.parse(
            reader, parse_speed=0, output="JSON", buffer_size=_BUFFER_SIZE, full=False
        )
    except RuntimeError as exc:
        raise ProbeError(f"MediaInfo could not parse the file: {exc}") from exc
    finally:
        reader.close()
    tracks = msgspec.json.decode(raw).get("media", {}).get("track", []) if raw else []
    general = next((t for t in tracks if t.get("@type") == "General"), {})
    streams = [_stream(t) for t in tracks if t.get("@type") in _STREAM_KINDS]
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
        bytes_read=reader.bytes_read,
    )


def _stream(track: dict[str, str]) -> Stream:
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
        bit_depth=None if is_audio else _int(track.get("BitDepth")),
        chroma_subsampling=track.get("ChromaSubsampling"),
        alpha=_alpha(track),
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


def _alpha(track: dict[str, str]) -> bool | None:
    if track.get("@type") not in ("Video", "Image"):
        return None
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
