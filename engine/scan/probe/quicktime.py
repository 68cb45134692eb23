"""The one QuickTime fact MediaInfo does not report: the sample description's pixel depth.

ProRes 4444 may or may not carry an alpha channel, and MediaInfo (24.x) says nothing
about it at any parse speed. QuickTime records it in the video sample description's
`depth` field: 32 means the frames carry alpha, 24 means they do not (Apple, QuickTime
File Format, "Video sample description"). Reading it costs a handful of box headers
and one `stsd` box, a few hundred bytes, because only the boxes on the path
moov/trak/mdia/minf/stbl/stsd are opened and everything else is skipped by seeking.
"""

from __future__ import annotations

from mediaopt.engine.scan.reader import MediaReader

_CONTAINERS = (b"moov", b"trak", b"mdia", b"minf", b"stbl")
_MAX_BOXES = 512
"""Stop after this many box headers: a damaged file must not make the walk unbounded."""


def visual_sample_depths(reader: MediaReader) -> dict[bytes, int]:
    """Pixel depth of each video sample description, by its codec fourcc (`ap4h`: 32)."""
    depths: dict[bytes, int] = {}
    budget = [_MAX_BOXES]
    _walk(reader, 0, reader.size, 0, depths, budget)
    return depths


def _walk(
    reader: MediaReader, start: int, end: int, level: int, out: dict[bytes, int], budget: list[int]
) -> None:
    pos = start
    while pos + 8 <= end and budget[0] > 0:
        budget[0] -= 1
        header = reader.read_at(pos, 16)
        if len(header) < 8:
            return
        size = int.from_bytes(header[:4], "big")
        kind = header[4:8]
        body = pos + 8
        if size == 1 and len(header) == 16:  # 64-bit size follows the type
            size = int.from_bytes(header[8:16], "big")
            body = pos + 16
        elif size == 0:  # box runs to the end of the file
            size = end - pos
        if size < 8:
            return
        if kind == _CONTAINERS[min(level, len(_CONTAINERS) - 1)] and level < len(_CONTAINERS):
            _walk(reader, body, min(pos + size, end), level + 1, out, budget)
        elif kind == b"stsd" and level == len(_CONTAINERS):
            _sample_descriptions(reader.read_at(body, min(size - 8, 4096)), out)
        pos += size


def _sample_descriptions(stsd: bytes, out: dict[bytes, int]) -> None:
    # stsd: version/flags (4), entry count (4), then entries. A video entry has its
    # fourcc at +4 and its depth at +82 (after 6 reserved, data reference index, version,
    # revision, vendor, temporal and spatial quality, width, height, resolutions, data
    # size, frame count and the 32-byte compressor name).
    count = int.from_bytes(stsd[4:8], "big")
    pos = 8
    for _ in range(min(count, 16)):
        size = int.from_bytes(stsd[pos : pos + 4], "big")
        if size < 86 or pos + 86 > len(stsd):
            return
        out[stsd[pos + 4 : pos + 8]] = int.from_bytes(stsd[pos + 82 : pos + 84], "big")
        pos += size
