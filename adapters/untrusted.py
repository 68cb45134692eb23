"""Reading project files as hostile input: XML without entities or DTDs, decompression
with a ceiling, zip members read with a ceiling, text read with a ceiling.

A project file comes from anyone's disk: a gzip or zip bomb, an XML billion-laughs or an
external entity must end in an error naming the file, never in a machine out of memory
or a file read from elsewhere.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_et

__all__ = [
    "MAX_PROJECT_BYTES",
    "BoundedReader",
    "TooLarge",
    "gunzip_bounded",
    "iterparse",
    "parse_xml",
    "read_bounded",
    "zip_member",
]

# The largest real Premiere project seen (GZone, 1.4 MB gzipped) is 27 MB of XML; projects
# with tens of thousands of clips reach a few hundred MB. 1 GiB leaves room for those and
# stops a bomb long before memory runs out.
MAX_PROJECT_BYTES = 1 << 30
_CHUNK = 1 << 20


class TooLarge(ValueError):
    """The file (or what it decompresses to) is larger than a project file can be."""


class BoundedReader(io.RawIOBase):
    """A read-only stream over `raw` that raises TooLarge past `limit` bytes."""

    def __init__(self, raw: IO[bytes], limit: int, what: str):
        self._raw, self._left, self._limit, self._what = raw, limit, limit, what

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise TooLarge(f"{self._what} is larger than {self._limit:,} bytes")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def read_all(self) -> bytes:
        chunks = []
        while chunk := self.read(_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)


def read_bounded(path: Path, limit: int = MAX_PROJECT_BYTES) -> bytes:
    """The file's bytes, or TooLarge."""
    with open(path, "rb") as raw:
        return BoundedReader(raw, limit, f"{path}").read_all()


def gunzip_bounded(path: Path, limit: int = MAX_PROJECT_BYTES) -> IO[bytes]:
    """A stream of the gzip file's decompressed bytes that raises TooLarge past `limit`
    (a gzip bomb stops there). A file that is not gzipped is streamed as it is."""
    raw = open(path, "rb")  # noqa: SIM115 - closed with the returned stream
    magic = raw.read(2)
    raw.seek(0)
    inner: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw
    return io.BufferedReader(_Closing(BoundedReader(inner, limit, f"{path} uncompressed"), raw))


class _Closing(io.RawIOBase):
    def __init__(self, inner: BoundedReader, raw: IO[bytes]):
        self._inner, self._raw = inner, raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._inner.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


def zip_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_PROJECT_BYTES) -> bytes:
    """One member of a zip, read with a ceiling whatever its header claims."""
    with archive.open(name) as member:
        return BoundedReader(member, limit, f"{archive.filename}:{name}").read_all()


def parse_xml(data: bytes | IO[bytes], *, doctype: bool = False) -> Element:
    """The root element; entities and external references are refused, and a DTD too
    unless `doctype` (boost serialization, as Natron writes, declares one with nothing in
    it: the declaration is allowed, still no entity)."""
    if isinstance(data, bytes):
        return safe_et.fromstring(data, forbid_dtd=not doctype)
    return safe_et.parse(data, forbid_dtd=not doctype).getroot()


def iterparse(source: IO[bytes], events: tuple[str, ...] = ("start", "end")) -> Iterator:
    """defusedxml's iterparse with DTDs refused as well as entities."""
    return safe_et.iterparse(source, events=events, forbid_dtd=True)
