"""Still-image headers through OpenImageIO: EXR, DPX, TIFF, PNG, JPEG, WebP, TGA ...

ImageInput.open reads the header only; pixels are never decoded. OpenImageIO opens files
by path itself, without O_NOATIME, so it is given a Mirror of the file's header bytes
(see mirror.py) instead of the media: the media is only read through MediaReader.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mediaopt.engine.model import ExrChannel, Stream, StreamKind, Window
from mediaopt.engine.scan.errors import ProbeError
from mediaopt.engine.scan.probe.mirror import Mirror
from mediaopt.engine.scan.reader import drop_from_page_cache

if TYPE_CHECKING:
    import OpenImageIO as oiio

_FORMAT_NAMES = {
    "openexr": "OpenEXR",
    "dpx": "DPX",
    "tiff": "TIFF",
    "png": "PNG",
    "jpeg": "JPEG",
    "webp": "WebP",
    "targa": "Targa",
    "cineon": "Cineon",
    "bmp": "BMP",
    "gif": "GIF",
    "hdr": "Radiance HDR",
    "jpeg2000": "JPEG 2000",
    "psd": "Photoshop",
    "sgi": "SGI",
}

# Pixel types as users say them; OpenImageIO's TypeDesc names differ for the integers.
_PIXEL_TYPES = {
    "uint8": "uint8",
    "uint16": "uint16",
    "half": "half",
    "float": "float",
    "uint": "uint32",
    "int8": "int8",
    "int16": "int16",
    "int": "int32",
    "double": "double",
}


# The extension that makes OpenImageIO use its plug-in for each format the signature
# sniffs as a still (a DNG's header is a TIFF's). The signature, not the file's name,
# decides: a TIFF named .dng or a frame with no extension is read by the right plug-in.
_EXTENSIONS = {
    "OpenEXR": "exr",
    "DPX": "dpx",
    "Cineon": "cin",
    "TIFF": "tif",
    "CinemaDNG": "tif",
    "PNG": "png",
    "JPEG": "jpg",
    "WebP": "webp",
    "Targa": "tga",
    "BMP": "bmp",
    "GIF": "gif",
    "Radiance HDR": "hdr",
    "JPEG 2000": "jp2",
}


class ImageHeader:
    """What the image prober returns: the format, one stream per part, and asset facts."""

    def __init__(
        self,
        format_name: str,
        streams: list[Stream],
        attributes: dict[str, object],
        bytes_read: int | None = None,
    ):
        self.format = format_name
        self.streams = streams
        self.attributes = attributes
        self.bytes_read = bytes_read
        """Bytes read from the media for the header, beyond the caller's `head`; None
        where they are not counted."""


def probe_image(
    path: str,
    sniffed: str,
    *,
    head: bytes = b"",
    budget: int | None = None,
    drop_cache: bool = False,
) -> ImageHeader:
    """Read the header of the still at `path`, whose signature says it is `sniffed`
    (a Signature.format); `head` is the file's first bytes, already read."""
    # Imported at the first still, not with the probes: OpenImageIO takes ~25 ms to load,
    # which the scan's fork server paid before any worker could start, and a tree of
    # movies and sound (or `mediaopt info` of one) never needs it.
    import OpenImageIO as oiio

    if not hasattr(os, "memfd_create"):
        # No memfd (macOS, Windows): OpenImageIO reads the file itself, and may update
        # its access time; bytes read are not counted.
        try:
            inp = oiio.ImageInput.open(path)
            if inp is None:
                raise ProbeError(_oiio_reason(oiio_error()))
            return _read_header(inp)
        finally:
            if drop_cache:
                drop_from_page_cache(path)
    extension = _EXTENSIONS.get(sniffed) or os.path.splitext(path)[1][1:] or "img"
    with Mirror(
        path, sniffed, extension, head=head, budget=budget, drop_cache=drop_cache
    ) as mirror:
        inp = oiio.ImageInput.open(mirror.path)
        if inp is None:
            raise ProbeError(_oiio_reason(oiio_error().replace(mirror.path, path)))
        header = _read_header(inp)
        header.bytes_read = mirror.bytes_read
        return header


def _read_header(inp: oiio.ImageInput) -> ImageHeader:
    try:
        format_name = _FORMAT_NAMES.get(inp.format_name(), inp.format_name())
        streams: list[Stream] = []
        attributes: dict[str, object] = {}
        part = 0
        while True:
            spec = inp.spec()
            streams.append(_stream(spec, part, format_name))
            if part == 0:
                attributes = _asset_attributes(spec)
            part += 1
            # Multi-part EXR: each part is a subimage; mip levels are not parts.
            if format_name != "OpenEXR" or not inp.seek_subimage(part, 0):
                break
        attributes["part_count"] = part if format_name == "OpenEXR" else None
        return ImageHeader(format_name, streams, attributes)
    finally:
        inp.close()


def oiio_error() -> str:
    """OpenImageIO's last error. Its message quotes bytes of the file, and a corrupt
    header's bytes are not UTF-8: the binding then raises UnicodeDecodeError instead of
    returning it (12 of 300 byte-flipped EXR headers did)."""
    import OpenImageIO as oiio

    try:
        return oiio.geterror()
    except UnicodeDecodeError as exc:
        return exc.object.decode("utf-8", "replace") if isinstance(exc.object, bytes) else ""


def _oiio_reason(message: str) -> str:
    message = " ".join(message.split())
    return message or "OpenImageIO could not read the header"


def _stream(spec: oiio.ImageSpec, index: int, format_name: str) -> Stream:
    channel_types = [str(t) for t in spec.channelformats] or [str(spec.format)] * spec.nchannels
    pixel_type = _dominant_pixel_type(channel_types)
    # DPX/TIFF/PNG store their sample size (10-bit DPX in uint16 buffers); an EXR's depth
    # is its channels' type, and with mixed channels (half RGBA, float Z) the type most
    # channels use, not the widest one OpenImageIO reports as the file's format.
    bits = (
        _bits_of(pixel_type or "")
        if format_name == "OpenEXR"
        else spec.get_int_attribute("oiio:BitsPerSample", 0) or _bits_of(str(spec.format))
    )
    names = [str(n) for n in spec.channelnames]
    alpha = spec.alpha_channel >= 0 or any(n.upper() in ("A", "ALPHA") for n in names)
    compression = spec.get_string_attribute("compression") or None
    if compression and compression.startswith("dwa"):
        level = spec.get_float_attribute("openexr:dwaCompressionLevel", 0.0)
        if level and ":" not in compression:
            compression = f"{compression}:{level:g}"
    is_exr = format_name == "OpenEXR"
    data = Window(
        x_min=spec.x, y_min=spec.y, x_max=spec.x + spec.width - 1, y_max=spec.y + spec.height - 1
    )
    display = Window(
        x_min=spec.full_x,
        y_min=spec.full_y,
        x_max=spec.full_x + spec.full_width - 1,
        y_max=spec.full_y + spec.full_height - 1,
    )
    return Stream(
        kind=StreamKind.IMAGE,
        index=index,
        codec=format_name,
        width=spec.full_width or spec.width,
        height=spec.full_height or spec.height,
        pixel_aspect=_round(spec.get_float_attribute("PixelAspectRatio", 1.0)),
        bit_depth=bits or None,
        alpha=alpha,
        channels=spec.nchannels,
        compression=compression,
        pixel_type=pixel_type,
        exr_channels=[
            ExrChannel(name=n, pixel_type=_PIXEL_TYPES.get(t, t))
            for n, t in zip(names, channel_types, strict=False)
        ]
        if is_exr
        else None,
        data_window=data if is_exr else None,
        display_window=display if is_exr else None,
        dpx_packing=_dpx_packing(spec.get_string_attribute("dpx:Packing")),
        dpx_transfer=spec.get_string_attribute("dpx:Transfer") or None,
        # Not oiio:ColorSpace: for most formats that is OpenImageIO's default guess
        # (sRGB for any 8-bit PNG), not something the file says.
        icc_profile=_icc_description(spec),
        timecode=_timecode(spec),
    )


def _asset_attributes(spec: oiio.ImageSpec) -> dict[str, object]:
    return {
        "camera_make": spec.get_string_attribute("Make") or None,
        "camera_model": spec.get_string_attribute("Model") or None,
        # Recorded is when a camera captured the picture; DateTime is when some software
        # wrote the file (a render's every frame has one), which must not look like a
        # capture: numbered photographs are told from frames by their capture times.
        "recorded_date": _iso_date(
            spec.get_string_attribute("Exif:DateTimeOriginal")
            or spec.get_string_attribute("Exif:DateTimeDigitized")
        ),
        "encoded_date": _iso_date(spec.get_string_attribute("DateTime")),
        "start_timecode": _timecode(spec),
        "reel": spec.get_string_attribute("dpx:InputDevice")
        or spec.get_string_attribute("reelName")
        or None,
    }


def _iso_date(value: str) -> str | None:
    # TIFF/EXIF/EXR write `YYYY:MM:DD HH:MM:SS`; the catalog keeps the ISO form MediaInfo
    # uses for movies so dates sort and compare across formats.
    if len(value) >= 10 and value[4] == ":" and value[7] == ":":
        return f"{value[:4]}-{value[5:7]}-{value[8:]}"
    return value or None


def _bits_of(type_name: str) -> int:
    return {
        "uint8": 8,
        "int8": 8,
        "uint16": 16,
        "int16": 16,
        "half": 16,
        "float": 32,
        "uint": 32,
        "int": 32,
        "double": 64,
    }.get(type_name, 0)


def _dominant_pixel_type(types: list[str]) -> str | None:
    if not types:
        return None
    most = max(set(types), key=types.count)
    return _PIXEL_TYPES.get(most, most)


def _dpx_packing(value: str) -> str | None:
    if not value:
        return None
    value = value.lower()
    if value.startswith("packed"):
        return "packed"
    if "method a" in value:
        return "filled method A"
    if "method b" in value:
        return "filled method B"
    return value


def _icc_description(spec: oiio.ImageSpec) -> str | None:
    for name in ("ICCProfile:profile_description", "ICCProfile:description"):
        value = spec.get_string_attribute(name)
        if value:
            return value
    raw = spec.getattribute("ICCProfile")
    if raw is None:
        return None
    return _icc_desc_tag(bytes(raw))


def _icc_desc_tag(profile: bytes) -> str:
    """The `desc` tag of an ICC profile (ICC.1:2010 section 9.2.41), or a fallback label."""
    try:
        count = int.from_bytes(profile[128:132], "big")
        for i in range(min(count, 100)):
            entry = profile[132 + 12 * i : 144 + 12 * i]
            if entry[:4] != b"desc":
                continue
            offset = int.from_bytes(entry[4:8], "big")
            body = profile[offset:]
            if body[:4] == b"desc":  # ICC v2 textDescriptionType
                length = int.from_bytes(body[8:12], "big")
                return body[12 : 12 + length].rstrip(b"\0").decode("latin-1")
            if body[:4] == b"mluc":  # ICC v4 multiLocalizedUnicodeType
                rec_len, rec_off = (
                    int.from_bytes(body[20:24], "big"),
                    int.from_bytes(body[24:28], "big"),
                )
                return body[rec_off : rec_off + rec_len].decode("utf-16-be").rstrip("\0")
    except (ValueError, UnicodeDecodeError):
        pass
    return "embedded ICC profile"


def _timecode(spec: oiio.ImageSpec) -> str | None:
    value = spec.getattribute("smpte:TimeCode")
    if not value:
        return None
    word = int(value[0])
    # SMPTE 12M packs hours, minutes, seconds, frames as BCD from the high byte down; the
    # masks drop the drop-frame, colour-frame and binary-group flag bits.
    hh, mm, ss, ff = (
        _bcd(word >> 24 & 0x3F),
        _bcd(word >> 16 & 0x7F),
        _bcd(word >> 8 & 0x7F),
        _bcd(word & 0x3F),
    )
    return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"


def _bcd(byte: int) -> int:
    return (byte >> 4) * 10 + (byte & 0xF)


def _round(value: float) -> float:
    return round(float(value), 4)
