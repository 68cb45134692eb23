"""Header probes: one file in, one Asset out, reading a bounded number of bytes.

`probe_file` never raises for a bad file: every failure becomes an Asset with status
`error` and a one-line reason, so a scan can go on.
"""

from __future__ import annotations

import os
import stat

from mediaopt.engine.model import Asset, AssetKind, AssetStatus, StreamKind
from mediaopt.engine.scan.errors import ProbeError
from mediaopt.engine.scan.probe.ends import truncation
from mediaopt.engine.scan.probe.image import probe_image
from mediaopt.engine.scan.probe.mediainfo import PROBE_BUDGET, probe_av
from mediaopt.engine.scan.probe.sanity import clean_text, impossible, without_impossible_rates
from mediaopt.engine.scan.probe.signature import (
    HEAD_BYTES,
    IMAGE_EXTENSIONS,
    Family,
    Signature,
    extension_mismatch,
    sniff,
)
from mediaopt.engine.scan.reader import MediaReader

__all__ = ["probe_file", "sniff"]


def probe_file(path: str, *, low_impact: bool = False) -> Asset:
    """Read one file's header and describe it. Never raises for a bad file."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return _failed(path, 0, 0.0, _os_reason(exc))
    base = {"path": path, "bytes": st.st_size, "mtime": st.st_mtime, "extension": _extension(path)}
    if not stat.S_ISREG(st.st_mode):
        return Asset(
            **base, kind=AssetKind.UNKNOWN, status=AssetStatus.ERROR, reason="not a regular file"
        )
    if st.st_size == 0:
        return Asset(
            **base,
            kind=AssetKind.UNKNOWN,
            status=AssetStatus.ERROR,
            reason="zero-byte file",
            probe_count=1,
            probed_bytes=0,
        )
    try:
        with MediaReader(path, drop_cache=low_impact) as reader:
            head = reader.read_at(0, HEAD_BYTES)
            tail = reader.read_at(max(0, st.st_size - 16), 16)
            cut_short = truncation(head, reader, st.st_size)
            head_bytes = reader.bytes_read
    except OSError as exc:
        return Asset(
            **base,
            kind=AssetKind.UNKNOWN,
            status=AssetStatus.ERROR,
            reason=_os_reason(exc),
            probe_count=1,
            probed_bytes=0,
        )
    sig = sniff(head, path)
    try:
        # The signature read counts against the budget: the cap is for the whole probe.
        budget = PROBE_BUDGET - head_bytes
        asset = _probe_family(path, sig, base, head, tail, low_impact, budget)
    except ProbeError as exc:
        asset = Asset(
            **base,
            kind=_kind_of(sig),
            status=AssetStatus.ERROR,
            format=sig.format,
            recognised_as=sig.description,
            reason=str(exc),
        )
    except OSError as exc:
        asset = Asset(
            **base,
            kind=_kind_of(sig),
            status=AssetStatus.ERROR,
            format=sig.format,
            reason=_os_reason(exc),
        )
    except Exception as exc:  # noqa: BLE001 - a parser's bug on hostile bytes is this file's error
        asset = Asset(
            **base,
            kind=_kind_of(sig),
            status=AssetStatus.ERROR,
            format=sig.format,
            recognised_as=sig.description,
            reason=f"the header could not be parsed ({type(exc).__name__}: {exc})"[:300],
        )
    asset = without_impossible_rates(asset)
    if asset.status is not AssetStatus.ERROR and (nonsense := impossible(asset)):
        asset.status, asset.reason = AssetStatus.ERROR, nonsense
    if cut_short:
        # A cut-short file confuses the parsers into vaguer complaints ("no tracks"):
        # the structural finding is the cause a person can act on.
        asset.status, asset.reason = AssetStatus.ERROR, cut_short
    mismatch = extension_mismatch(sig, path)
    if mismatch and asset.status is not AssetStatus.ERROR:
        asset.status = AssetStatus.ERROR
        asset.reason = mismatch
    asset.probe_count = 1
    asset.probed_bytes = (asset.probed_bytes or 0) + head_bytes
    return clean_text(asset)


def _probe_family(
    path: str,
    sig: Signature,
    base: dict,
    head: bytes,
    tail: bytes,
    low_impact: bool,
    budget: int,
) -> Asset:
    if sig.family is Family.IMAGE:
        return _probe_still(path, sig, base, head, tail, low_impact, budget)
    if sig.family is Family.RAW and sig.format == "CinemaDNG":
        # A DNG is a TIFF: OpenImageIO reads its header (size, bit depth, camera)
        # even where no raw decoder is built in.
        try:
            asset = _probe_still(path, sig, base, head, tail, low_impact, budget)
        except ProbeError:
            return _raw_partial(sig, base)
        asset.format, asset.recognised_as = sig.format, sig.description
        return asset
    if sig.family in (Family.AV, Family.RAW):
        return _probe_movie(path, sig, base, low_impact, budget)
    if sig.family in (Family.PROJECT, Family.OTHER):
        return Asset(status=AssetStatus.OK, **base, kind=AssetKind.OTHER, format=sig.format)
    return Asset(
        **base,
        kind=AssetKind.UNKNOWN,
        status=AssetStatus.ERROR,
        reason="content is not a media format mediaopt recognises",
    )


def _probe_still(
    path: str,
    sig: Signature,
    base: dict,
    head: bytes,
    tail: bytes,
    low_impact: bool,
    budget: int,
) -> Asset:
    header = probe_image(path, sig.format, head=head, budget=budget, drop_cache=low_impact)
    attrs = header.attributes
    asset = Asset(
        status=AssetStatus.OK,
        **base,
        kind=AssetKind.IMAGE,
        format=header.format,
        streams=header.streams,
        part_count=attrs.get("part_count"),  # type: ignore[arg-type]
        start_timecode=attrs.get("start_timecode"),  # type: ignore[arg-type]
        reel=attrs.get("reel"),  # type: ignore[arg-type]
        recorded_date=attrs.get("recorded_date"),  # type: ignore[arg-type]
        encoded_date=attrs.get("encoded_date"),  # type: ignore[arg-type]
        camera_make=attrs.get("camera_make"),  # type: ignore[arg-type]
        camera_model=attrs.get("camera_model"),  # type: ignore[arg-type]
        probed_bytes=header.bytes_read,
    )
    truncated = _truncated_still(sig.format, tail)
    if truncated:
        asset.status, asset.reason = AssetStatus.ERROR, truncated
    return asset


def _truncated_still(format_name: str, tail: bytes) -> str | None:
    # Formats with an end marker tell us for free (16 bytes already read) that the file
    # was cut short: an interrupted copy or render.
    if format_name == "PNG" and b"IEND" not in tail:
        return "truncated: PNG ends before its IEND chunk"
    if format_name == "JPEG" and b"\xff\xd9" not in tail:
        return "truncated: JPEG ends before its end-of-image marker"
    return None


def _probe_movie(path: str, sig: Signature, base: dict, low_impact: bool, budget: int) -> Asset:
    try:
        header = probe_av(path, drop_cache=low_impact, budget=budget)
    except ProbeError:
        if sig.family is Family.RAW:
            return _raw_partial(sig, base)
        raise
    general = header.general
    streams = header.streams
    if sig.family is Family.RAW and not streams:
        return _raw_partial(sig, base, header.format, header.bytes_read)
    if header.format == "MXF" and not streams:
        # Camera MXF (Sony X-OCN, ARRIRAW in MXF) wraps essence MediaInfo has no parser
        # for: the container is sound, only the picture is not decoded here.
        return _raw_partial(_CAMERA_MXF, base, header.format, header.bytes_read)
    timecode_stream = next((s for s in streams if s.kind is StreamKind.TIMECODE), None)
    timecode_track = header.timecode_track
    kind = _movie_kind(streams, base.get("extension"))
    asset = Asset(
        status=AssetStatus.OK,
        **base,
        kind=kind,
        format=header.format or sig.format,
        format_profile=header.format_profile,
        recognised_as=sig.description,
        duration_s=_num(general.get("Duration")),
        overall_bit_rate=_int(general.get("OverallBitRate")),
        start_timecode=(timecode_stream.timecode if timecode_stream else None)
        or general.get("TimeCode_FirstFrame")
        or _first_video_timecode(streams)
        or _extra(general, "timecode")
        or _bext_time_of_day(streams, header.audio_delays),
        reel=timecode_track.get("Title")
        or general.get("TapeName")
        or general.get("Reel")
        or _extra(general, "reel_name", "com_apple_proapps_reel", "ReelName"),
        recorded_date=_date(general.get("Recorded_Date")),
        encoded_date=_date(general.get("Encoded_Date") or general.get("Tagged_Date")),
        camera_make=_extra(general, "com_apple_quicktime_make", "Make") or general.get("Make"),
        camera_model=_extra(general, "com_apple_quicktime_model", "Model") or general.get("Model"),
        streams=streams,
        probed_bytes=header.bytes_read,
    )
    if not streams:
        asset.status = AssetStatus.ERROR
        asset.reason = f"empty: the {asset.format} container holds no tracks"
    if general.get("IsTruncated") == "Yes":
        asset.status = AssetStatus.ERROR
        asset.reason = "truncated: the file ends before its last frame's data"
    if sig.family is Family.RAW and asset.status is AssetStatus.OK and not streams:
        asset.status = AssetStatus.PARTIAL
    return asset


_CAMERA_MXF = Signature(
    family=Family.RAW,
    format="MXF",
    description="MXF camera original with undecoded essence (e.g. Sony X-OCN, ARRIRAW MXF)",
)


def _raw_partial(
    sig: Signature, base: dict, container: str | None = None, probed: int | None = None
) -> Asset:
    """A camera original no library here decodes: named from its signature, kept as
    `partial` so it is cataloged (and never called unknown) with what could be read."""
    frame_based = (base.get("extension") or "") in IMAGE_EXTENSIONS
    return Asset(
        **base,
        kind=AssetKind.IMAGE if frame_based else AssetKind.VIDEO,
        status=AssetStatus.PARTIAL,
        format=sig.format if sig.format != "MXF" else container or sig.format,
        recognised_as=sig.description,
        reason="camera raw: recognised by signature, header not decoded",
        probed_bytes=probed,
    )


def _bext_time_of_day(streams: list, delays: list[float]) -> str | None:
    # A Broadcast Wave's start is its bext TimeReference, a sample count since midnight
    # with no frame rate (EBU Tech 3285); it is shown as a time of day to the
    # millisecond, which an editor conforms to any frame rate.
    if not delays or any(s.kind is not StreamKind.AUDIO for s in streams):
        return None
    seconds = delays[0]
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def _date(value: str | None) -> str | None:
    # Muxers write zeroed or epoch dates when they were given none (FFmpeg's MXF muxer:
    # `0-00-00`, DV: 1970-01-01); an absent date is better than a false one.
    if not value or value.startswith(_NO_DATE):
        return None
    return value


_NO_DATE = ("0-00-00", "0000-00-00", "1904-01-01 00:00:00", "1970-01-01 00:00:00")


_AUDIO_EXTENSIONS = frozenset(
    ["wav", "bwf", "aif", "aiff", "flac", "mp3", "m4a", "aac", "ogg", "opus", "ac3", "wma"]
)


def _movie_kind(streams: list, extension: str | None) -> AssetKind:
    kinds = {s.kind for s in streams}
    if StreamKind.VIDEO in kinds:
        return AssetKind.VIDEO
    if StreamKind.AUDIO in kinds:
        return AssetKind.AUDIO  # an image beside audio is cover art, not picture
    if StreamKind.IMAGE in kinds:
        return AssetKind.IMAGE
    if kinds:
        return AssetKind.OTHER  # subtitles, data or timecode only: a sidecar
    # An empty container: say what it was made to hold, so it is never "unknown".
    return AssetKind.AUDIO if extension in _AUDIO_EXTENSIONS else AssetKind.VIDEO


def _first_video_timecode(streams) -> str | None:
    return next((s.timecode for s in streams if s.timecode), None)


def _extra(general: dict, *names: str) -> str | None:
    extra = general.get("extra") or {}
    for name in names:
        if extra.get(name):
            return extra[name]
    return None


def _kind_of(sig: Signature) -> AssetKind:
    return {
        Family.IMAGE: AssetKind.IMAGE,
        Family.AV: AssetKind.VIDEO,
        Family.RAW: AssetKind.VIDEO,
    }.get(sig.family, AssetKind.UNKNOWN)


def _failed(path: str, size: int, mtime: float, reason: str) -> Asset:
    return Asset(
        path=path,
        bytes=size,
        mtime=mtime,
        kind=AssetKind.UNKNOWN,
        status=AssetStatus.ERROR,
        reason=reason,
    )


def _os_reason(exc: OSError) -> str:
    return {
        "EACCES": "unreadable: permission denied",
        "EPERM": "unreadable: operation not permitted",
        "ENOENT": "deleted during the scan",
        "ELOOP": "symlink loop",
        "EIO": "I/O error reading the file",
    }.get(_errno_name(exc), f"unreadable: {exc.strerror or exc}")


def _errno_name(exc: OSError) -> str:
    import errno

    return errno.errorcode.get(exc.errno or 0, "")


def _extension(path: str) -> str | None:
    name = os.path.basename(path)
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot and _ else None


def _num(value: str | None) -> float | None:
    try:
        return round(float(value), 4) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None
