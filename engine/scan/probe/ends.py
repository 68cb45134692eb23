"""Files cut short: an interrupted copy, transfer or render.

Header parsers read a cut file happily (its header is intact), so the structure that says
where the data ends is checked against the file's size: QuickTime/MP4 top-level atom
sizes (ISO/IEC 14496-12 4.2) and the OpenEXR offset table of a single-part scan-line
file (OpenEXR file layout, "Line Offset Table"). Both read a few hundred bytes at most
for ordinary files, never the essence.
"""

from __future__ import annotations

import struct

from mediaopt.engine.scan.reader import MediaReader

_MAX_ATOMS = 256
"""Top-level atoms walked; real files have a handful (ftyp, wide, mdat, moov, free)."""

_EXR_HEADER_LIMIT = 1 << 20
_EXR_LINES_PER_CHUNK = {0: 1, 1: 1, 2: 1, 3: 16, 4: 32, 5: 16, 6: 32, 7: 32, 8: 32, 9: 256}
"""Scan lines per chunk by compression code: none, rle, zips, zip, piz, pxr24, b44,
b44a, dwaa, dwab."""


def truncation(head: bytes, reader: MediaReader, size: int) -> str | None:
    """Why the file ends too early, or None when its structure fits in its size."""
    if len(head) >= 8 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return _quicktime(reader, size)
    if head[:4] == b"\x76\x2f\x31\x01":
        return _exr(head, reader, size)
    return None


def _quicktime(reader: MediaReader, size: int) -> str | None:
    offset = 0
    for _ in range(_MAX_ATOMS):
        if offset + 8 > size:
            return None
        atom = reader.read_at(offset, 16)
        if len(atom) < 8:
            return None
        length, kind = struct.unpack(">I4s", atom[:8])
        if length == 1 and len(atom) == 16:
            length = struct.unpack(">Q", atom[8:16])[0]
        elif length == 0:
            return None  # the last atom runs to the end of the file by definition
        if length < 8:
            return None  # not an atom header: leave it to the parser to report
        if offset + length > size:
            name = kind.decode("latin-1")
            return (
                f"truncated: the '{name}' atom needs {offset + length} bytes "
                f"but the file has {size}"
            )
        offset += length
    return None


def _exr(head: bytes, reader: MediaReader, size: int) -> str | None:
    flags = struct.unpack("<I", head[4:8])[0]
    if flags & 0x1A00:
        return None  # tiled, deep or multi-part: their chunk count needs more parsing
    attrs, end = _exr_attributes(head, reader)
    if attrs is None:
        return None
    window, compression = attrs.get("dataWindow"), attrs.get("compression")
    if window is None or compression is None or len(window) != 16 or not compression:
        return None
    y_min, y_max = struct.unpack("<ii", window[4:8] + window[12:16])
    per_chunk = _EXR_LINES_PER_CHUNK.get(compression[0])
    if per_chunk is None or y_max < y_min:
        return None
    chunks = (y_max - y_min) // per_chunk + 1
    if end + 8 * chunks > size:
        return f"truncated: the file ends inside its offset table ({size} bytes)"
    offsets = struct.unpack(f"<{chunks}Q", reader.read_at(end, 8 * chunks))
    last = max(offsets)
    if last + 8 > size:
        return f"truncated: chunk at byte {last} is past the end of the file ({size} bytes)"
    _, data_size = struct.unpack("<ii", reader.read_at(last, 8))
    if last + 8 + data_size > size:
        return (
            f"truncated: the last chunk needs {last + 8 + data_size} bytes but the file has {size}"
        )
    return None


def _exr_attributes(header: bytes, reader: MediaReader) -> tuple[dict | None, int]:
    """name -> raw value of the header's attributes, and the offset where the header ends."""
    attrs: dict[str, bytes] = {}
    pos = 8
    while pos < _EXR_HEADER_LIMIT:
        if pos + 1024 > len(header):
            more = reader.read_at(len(header), 16384)
            if not more and pos >= len(header):
                return None, 0
            header += more
        if header[pos] == 0:
            return attrs, pos + 1
        name_end = header.find(b"\0", pos)
        type_end = header.find(b"\0", name_end + 1)
        if name_end < 0 or type_end < 0 or type_end + 5 > len(header):
            return None, 0
        length = struct.unpack("<i", header[type_end + 1 : type_end + 5])[0]
        start = type_end + 5
        if length < 0:
            return None, 0
        while start + length > len(header) and start + length < _EXR_HEADER_LIMIT:
            more = reader.read_at(len(header), 16384)
            if not more:
                return None, 0
            header += more
        name = header[pos:name_end].decode("latin-1")
        if name in ("dataWindow", "compression"):
            attrs[name] = header[start : start + length]
        pos = start + length
    return None, 0
