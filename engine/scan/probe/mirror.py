"""A sparse in-memory copy of a still image's header bytes, for OpenImageIO to open.

OpenImageIO opens files by path itself, without O_NOATIME, so opening media with it
updates access times, which DESIGN.md's Safety section rules out. Its Python binding (3.2)
cannot be handed our descriptor instead: no IOProxy or memory-buffer reader is bound
(OpenImageIO issue #1930), and `ImageInput.create(...)` gives no way to open the input it
returns. Restoring the atime with os.utime afterwards is no fix: it changes ctime and races
with real readers.

So the bytes OpenImageIO needs are read here through MediaReader (O_NOATIME, counted,
within the probe budget) into a memfd of the file's logical size, and OpenImageIO opens
that through /proc. What it never reads stays a hole, which costs no memory: a 13 MB DPX
becomes a few KiB of RAM. Nothing is written to disk. A per-format walk of the file's own
structure decides what to copy: the header, and what the header points at that the
reader parses on open (an EXR's headers, a TIFF's first IFD with its tag data and the
Exif/GPS/sub-IFDs, a JPEG's or PNG's segments before the image data, a WebP's chunks
and frame headers, a Targa's footer and extension area, a DPX's or Cineon's header up to
the image data); formats without a walk get a generous head and the tail. The tests
check that OpenImageIO reports the same header whatever fills the holes.
"""

from __future__ import annotations

import contextlib
import os
import struct
import tempfile
from collections.abc import Callable
from types import TracebackType

from mediaopt.engine.scan.reader import MediaReader

PAGE = 4096
"""Copy granularity: disk reads are whole pages, so walks that step through small fields
(EXR attributes, TIFF IFD entries) cost one read per page, not per field."""

_GENERIC_HEAD = 64 * 1024
"""Head copied for formats without a walk (BMP, GIF, Radiance HDR, JPEG 2000): their
headers, palettes and metadata records come first and are far smaller than this."""

_TAG_DATA_CAP = 1 << 20
"""Largest single TIFF tag value or WebP metadata chunk copied. Photoshop stores a whole
layered document in a TIFF tag (ImageSourceData, 37724) that OpenImageIO does not report;
ICC profiles and XMP packets are far smaller."""

_MAX_STEPS = 4096
"""Bound on the records a walk visits (IFDs, segments, chunks), against looping files."""


class Pages:
    """The file's bytes as read so far, by page; reads what is missing through `reader`."""

    def __init__(self, reader: MediaReader, head: bytes = b"") -> None:
        self.reader = reader
        self.size = reader.size
        self.pages: dict[int, bytes] = {}
        self.exhausted = False
        # The signature read already holds the first page: reuse it instead of reading
        # it again (it is counted once, by the caller).
        if len(head) >= min(PAGE, self.size):
            self.pages[0] = head[:PAGE]

    def read(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes at `offset`; short at the end of the file or the budget."""
        end = min(self.size, offset + max(0, length))
        if offset < 0 or offset >= end:
            return b""
        first, last = offset // PAGE, (end - 1) // PAGE
        index = first
        while index <= last and not self.exhausted:
            if index in self.pages:
                index += 1
                continue
            run = index
            while run <= last and run not in self.pages:
                run += 1
            want = min(run * PAGE, self.size) - index * PAGE
            data = self.reader.read_at(index * PAGE, want)
            for start in range(0, len(data), PAGE):
                self.pages[index + start // PAGE] = data[start : start + PAGE]
            if len(data) < want:
                self.exhausted = True  # the probe budget is spent: no more reads
            index = run
        out = bytearray()
        for i in range(first, last + 1):
            page = self.pages.get(i)
            if page is None:
                break
            out += page
            if len(page) < PAGE:
                break
        return bytes(out[offset - first * PAGE : end - first * PAGE])


Walk = Callable[[Pages], int | None]
"""Copies what a format's reader needs into `pages`; may return a shorter size for the
copy than the file's."""


def _exr(pages: Pages) -> None:
    # OpenEXR file layout: magic, version flags, then headers of `name\0type\0size value`
    # attributes, each header ended by a null byte (multi-part files: a list of headers
    # ended by an empty one), then the chunk offset tables. The tables are not copied:
    # OpenEXR 3 reads them for pixels, not on open (opening a 4096x2160 file directly
    # reads 4 KiB, of a 17 KiB table), and the header OpenImageIO reports is the same
    # whatever fills them (tests/engine/scan/test_image_mirror.py).
    flags = _u32(pages.read(4, 4), "<")
    multipart = bool(flags & 0x1000)
    pos = 8
    for _ in range(_MAX_STEPS):
        empty_header = True
        while True:
            name_end = _find_nul(pages, pos, 256)
            if name_end is None:
                return
            if name_end == pos:
                pos += 1
                break
            empty_header = False
            type_end = _find_nul(pages, name_end + 1, 256)
            if type_end is None:
                return
            size = _u32(pages.read(type_end + 1, 4), "<")
            pages.read(type_end + 5, size)
            pos = type_end + 5 + size
        if not multipart or empty_header:
            break


_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_TIFF_TYPE_SIZES |= {13: 4, 16: 8, 17: 8, 18: 8}
_TIFF_IFD_POINTERS = frozenset([330, 34665, 34853, 40965])
"""SubIFDs, Exif IFD, GPS IFD, Interoperability IFD (TIFF 6.0, TIFF/EP, Exif 2.3): tags
whose values are offsets of further IFDs that OpenImageIO reads on open."""


def _tiff(pages: Pages) -> None:
    # TIFF 6.0 section 2 (and BigTIFF). libtiff reads a directory's every tag value, strip
    # and tile offsets included, when it reads the directory: IFD 0 and the IFDs its tags
    # point at (Exif, GPS, SubIFDs) are copied with their values. Later pages of a
    # multi-page file are not: the probe reports the first, and in the mirror IFD 0's
    # next-IFD offset then leads to zeros, which end the chain (a 1000-page scan would
    # otherwise cost a page read per IFD).
    order = "<" if pages.read(0, 2) == b"II" else ">"
    big = _u16(pages.read(2, 2), order) == 43
    todo = [_u64(pages.read(8, 8), order) if big else _u32(pages.read(4, 4), order)]
    seen: set[int] = set()
    while todo and len(seen) < _MAX_STEPS:
        ifd = todo.pop()
        if ifd in seen or not 0 < ifd < pages.size:
            continue
        seen.add(ifd)
        todo += _tiff_ifd(pages, ifd, order, big)


def _tiff_ifd(pages: Pages, ifd: int, order: str, big: bool) -> list[int]:
    """Copy one IFD and its out-of-line values; return the IFDs its tags point at."""
    count_size, entry_size, inline = (8, 20, 8) if big else (2, 12, 4)
    count = (_u64 if big else _u16)(pages.read(ifd, count_size), order)
    if count == 0 or count > 10_000:
        return []
    body = pages.read(ifd + count_size, count * entry_size + inline)
    pointed: list[int] = []
    for i in range(min(count, len(body) // entry_size)):
        entry = body[i * entry_size : (i + 1) * entry_size]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        n = _u64(entry[4:12], order) if big else _u32(entry[4:8], order)
        value = entry[12:20] if big else entry[8:12]
        length = n * _TIFF_TYPE_SIZES.get(kind, 1)
        if length > inline:
            if length > _TAG_DATA_CAP:
                continue
            value = pages.read(_u64(value, order) if big else _u32(value, order), length)
        if tag in _TIFF_IFD_POINTERS:
            width = 8 if kind in (16, 18) else 4
            unpack = _u64 if width == 8 else _u32
            pointed += [unpack(value[j:], order) for j in range(0, len(value) - width + 1, width)]
    return pointed


def _png(pages: Pages) -> None:
    # PNG spec section 5.3: chunks of length, type, data, CRC. libpng's png_read_info
    # reads every chunk before the first IDAT (IHDR, PLTE, iCCP, sRGB, pHYs, eXIf, text)
    # and stops at the IDAT header.
    pos = 8
    for _ in range(_MAX_STEPS):
        header = pages.read(pos, 8)
        if len(header) < 8:
            return
        length, kind = struct.unpack(">I4s", header)
        if kind in (b"IDAT", b"IEND"):
            pages.read(pos, 8 + min(length, 64))
            return
        pages.read(pos, 12 + min(length, _TAG_DATA_CAP))
        pos += 12 + length


def _jpeg(pages: Pages) -> int | None:
    # ITU T.81 annex B: marker segments up to the start of scan carry everything
    # OpenImageIO reports (SOF, JFIF, Exif, ICC, XMP, IPTC, comments). Each APPn segment is
    # at most 64 KiB by its 16-bit length. The copy ends after the SOS header: on open,
    # libjpeg reads every scan of a progressive file (jpeg_start_decompress buffers the
    # whole image), and would otherwise decode a hole as long as the file; at the early
    # end it warns and stops, and the header it reports is the same.
    pos = 2
    for _ in range(_MAX_STEPS):
        marker = pages.read(pos, 4)
        if len(marker) < 4 or marker[0] != 0xFF:
            return None
        if marker[1] == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if 0xD0 <= marker[1] <= 0xD9 or marker[1] == 0x01:
            pos += 2
            continue
        length = _u16(marker[2:4], ">")
        pages.read(pos, 2 + length)
        if marker[1] == 0xDA:
            return min(pages.size, pos + 2 + length)
        pos += 2 + length
    return None


_WEBP_FRAMES = frozenset([b"VP8 ", b"VP8L", b"ALPH"])


def _webp(pages: Pages) -> None:
    # RIFF WebP container (Google's WebP Container Specification): OpenImageIO hands the
    # whole file to libwebp's demuxer, which walks every chunk and parses each frame's
    # bitstream header (VP8 frame tag and size, VP8L signature and size) but decodes no
    # pixels on open. Frame data past those headers stays a hole.
    _riff_chunks(pages, 12, pages.size)


def _riff_chunks(pages: Pages, pos: int, end: int) -> None:
    for _ in range(_MAX_STEPS):
        header = pages.read(pos, 8)
        if pos + 8 > end or len(header) < 8:
            return
        kind, size = header[:4], _u32(header[4:8], "<")
        if kind in _WEBP_FRAMES:
            pages.read(pos, 8 + min(size, 64))
        elif kind == b"ANMF":
            # An animation frame: 16 bytes of frame geometry, then its own chunks.
            pages.read(pos, 24)
            _riff_chunks(pages, pos + 24, min(end, pos + 8 + size))
        else:
            pages.read(pos, 8 + min(size, _TAG_DATA_CAP))
        pos += 8 + size + (size & 1)


def _targa(pages: Pages) -> None:
    # Truevision TGA 2.0: the header, image ID and colour map come first; a 26-byte
    # footer at the end points at the extension area (author, date, gamma, alpha type)
    # and the postage-stamp thumbnail, both read by OpenImageIO on open.
    footer = pages.read(pages.size - 26, 26)
    if len(footer) < 26 or footer[8:24] != b"TRUEVISION-XFILE":
        return
    extension = _u32(footer[:4], "<")
    if not 0 < extension < pages.size:
        return
    area = pages.read(extension, 495)
    stamp = _u32(area[482:486], "<") if len(area) == 495 else 0
    if 0 < stamp < pages.size:
        size = pages.read(stamp, 2)
        if len(size) == 2:
            pixel_bits = pages.read(16, 1)
            depth = (pixel_bits[0] + 7) // 8 if pixel_bits else 4
            pages.read(stamp, 2 + size[0] * size[1] * depth)


def _to_image_data(pages: Pages) -> None:
    # DPX (SMPTE 268M) and Cineon: fixed-layout headers (2048 and 1024 bytes) and any
    # user data lie before the image data offset stored at byte 4.
    order = ">" if pages.read(0, 4) in (b"SDPX", b"\x80\x2a\x5f\xd7") else "<"
    image_data = _u32(pages.read(4, 4), order)
    pages.read(0, max(2048, min(image_data, _TAG_DATA_CAP)))


def _generic(pages: Pages) -> None:
    pages.read(0, _GENERIC_HEAD)
    pages.read(pages.size - PAGE, PAGE)


WALKS: dict[str, Walk] = {
    "OpenEXR": _exr,
    "TIFF": _tiff,
    "CinemaDNG": _tiff,
    "PNG": _png,
    "JPEG": _jpeg,
    "WebP": _webp,
    "Targa": _targa,
    "DPX": _to_image_data,
    "Cineon": _to_image_data,
}
"""Which walk copies a format's header, by the format name the signature sniffed."""


def header_pages(
    reader: MediaReader, format_name: str, head: bytes = b""
) -> tuple[dict[int, bytes], int]:
    """The pages of the file, by index, that OpenImageIO reads for its header (`format_name`
    is a Signature.format), and the size a copy of them should have."""
    pages = Pages(reader, head)
    pages.read(0, PAGE)
    size = None
    # A malformed structure ends the walk: what was copied is kept, and OpenImageIO
    # judges the file as it would on disk.
    with contextlib.suppress(struct.error, IndexError, ValueError):
        size = WALKS.get(format_name, _generic)(pages)
    return pages.pages, size or pages.size


class Mirror:
    """A memfd holding the header bytes of `path`; open `mirror.path` instead of `path`.

    `mirror.path` is a symlink named `header.<extension>` to `/proc/self/fd/N`, in a
    private directory on /dev/shm (RAM). The name is there for OpenImageIO: it picks its
    plug-in by extension, and the Python binding cannot open an input made for a named
    format (`ImageInput.create`), while a bare `/proc/self/fd/N` makes it ask every
    plug-in in turn and report "no format reader" instead of the right plug-in's reason
    for a corrupt file. Use as a context manager: everything is closed and removed on
    exit, so nothing outlives the probe.
    """

    def __init__(
        self,
        path: str,
        format_name: str,
        extension: str,
        *,
        head: bytes = b"",
        budget: int | None = None,
        drop_cache: bool = False,
    ) -> None:
        self._reader = MediaReader(path, budget=budget, drop_cache=drop_cache)
        self._fd = -1
        self._dir: str | None = None
        self.path = ""
        try:
            pages, size = header_pages(self._reader, format_name, head)
            self._fd = os.memfd_create("mediaopt-header", os.MFD_CLOEXEC)
            os.ftruncate(self._fd, size)
            for index, page in pages.items():
                os.pwrite(self._fd, page[: max(0, size - index * PAGE)], index * PAGE)
            self._dir = tempfile.mkdtemp(prefix="mediaopt-header-", dir=_link_dir())
            self.path = os.path.join(self._dir, f"header.{extension}")
            os.symlink(f"/proc/{os.getpid()}/fd/{self._fd}", self.path)
        except BaseException:
            self.close()
            raise
        self.bytes_read = self._reader.bytes_read

    def close(self) -> None:
        if self._dir is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            os.rmdir(self._dir)
            self._dir = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._reader.close()

    def __enter__(self) -> Mirror:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _link_dir() -> str | None:
    # /dev/shm is RAM on Linux: the symlink never touches a disk, let alone the media's.
    # Elsewhere the system temporary folder.
    return "/dev/shm" if os.access("/dev/shm", os.W_OK | os.X_OK) else None


def _find_nul(pages: Pages, pos: int, limit: int) -> int | None:
    data = pages.read(pos, limit)
    end = data.find(b"\0")
    return None if end < 0 else pos + end


def _u16(data: bytes, order: str) -> int:
    return struct.unpack(order + "H", data[:2])[0]


def _u32(data: bytes, order: str) -> int:
    return struct.unpack(order + "I", data[:4])[0]


def _u64(data: bytes, order: str) -> int:
    return struct.unpack(order + "Q", data[:8])[0]


@contextlib.contextmanager
def whole_copy(path: str, extension: str, *, drop_cache: bool = False):
    """A path OpenImageIO can decode `path` from, without opening `path` itself: the
    whole file read through MediaReader (O_NOATIME) into a memfd, named like Mirror's
    (`header.<extension>` on /dev/shm). For decoders that need the pixels, not only the
    header (near-duplicate pictures, render what-ifs); the copy lives in RAM only while
    the `with` block runs."""
    reader = MediaReader(path, drop_cache=drop_cache)
    fd, folder = -1, None
    try:
        fd = os.memfd_create("mediaopt-decode", os.MFD_CLOEXEC)
        offset = 0
        while chunk := reader.read_at(offset, 1 << 20):
            os.pwrite(fd, chunk, offset)
            offset += len(chunk)
        folder = tempfile.mkdtemp(prefix="mediaopt-decode-", dir=_link_dir())
        link = os.path.join(folder, f"header.{extension or 'img'}")
        os.symlink(f"/proc/{os.getpid()}/fd/{fd}", link)
        yield link
    finally:
        if folder is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, f"header.{extension or 'img'}"))
            os.rmdir(folder)
        if fd >= 0:
            os.close(fd)
        reader.close()
