"""The package IDs in an MXF file's header metadata, read from its first bytes.

An Avid bin names its managed media only by the file package's UMID (an MSMLocator holds
the mob ID, never a path); the MXF file in `Avid MediaFiles/MXF/<n>/` carries the same
UMID in its header (SMPTE ST 377-1): the EssenceContainerData set's LinkedPackageUID
(local tag 0x2701) names the file package whose essence the file holds. Reading the KLV
sets of the header partition is enough, so a file costs a bounded read, whatever its size.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["HEADER_LIMIT", "file_package_ids", "umid_urn"]

# Avid OP-Atom headers are a few KB to a few hundred KB (long audio files carry a large
# index in the header); 8 MB bounds the read of a hostile or unusual file.
HEADER_LIMIT = 8 << 20
_PARTITION = bytes.fromhex("060e2b34020501010d010201")
_LOCAL_SET = bytes.fromhex("060e2b34025301010d0101010101")
_ESSENCE_CONTAINER_DATA = b"\x23\x00"
_SOURCE_PACKAGE = b"\x37\x00"
_PACKAGE_UID, _LINKED_PACKAGE_UID, _DESCRIPTOR = 0x4401, 0x2701, 0x4701


def umid_urn(umid: bytes) -> str:
    """A 32-byte UMID as the URN pyavb prints for a mob ID."""
    return "urn:smpte:umid:" + ".".join(umid[i : i + 4].hex() for i in range(0, 32, 4))


def file_package_ids(path: Path, limit: int = HEADER_LIMIT) -> list[str]:
    """The URNs of the file packages whose essence `path` holds (the linked packages of
    its EssenceContainerData; failing those, the source packages with a descriptor).
    Raises ValueError for a file that is not MXF."""
    with open(path, "rb") as f:
        data = f.read(limit)
    start = data.find(_PARTITION, 0, 65536)  # a run-in may precede the partition pack
    if start < 0:
        raise ValueError(f"{path}: not an MXF file (no header partition pack)")
    linked: list[str] = []
    described: list[str] = []
    for key, value in _klv(data, start):
        if not key.startswith(_LOCAL_SET):
            continue
        tags = dict(_local_tags(value))
        kind = key[14:16]
        if kind == _ESSENCE_CONTAINER_DATA and len(tags.get(_LINKED_PACKAGE_UID, b"")) == 32:
            linked.append(umid_urn(tags[_LINKED_PACKAGE_UID]))
        elif (
            kind == _SOURCE_PACKAGE
            and _DESCRIPTOR in tags
            and len(tags.get(_PACKAGE_UID, b"")) == 32
        ):
            described.append(umid_urn(tags[_PACKAGE_UID]))
    return linked or described


def _klv(data: bytes, at: int):
    """(key, value) of each KLV triplet up to the end of what was read."""
    while at + 17 <= len(data):
        key = data[at : at + 16]
        length, at = _ber(data, at + 16)
        if length is None or at + length > len(data):
            return
        yield key, data[at : at + length]
        at += length


def _ber(data: bytes, at: int) -> tuple[int | None, int]:
    first = data[at]
    if first < 0x80:
        return first, at + 1
    size = first & 0x7F
    if size == 0 or size > 8 or at + 1 + size > len(data):
        return None, at
    return int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def _local_tags(value: bytes):
    at = 0
    while at + 4 <= len(value):
        tag = int.from_bytes(value[at : at + 2], "big")
        size = int.from_bytes(value[at + 2 : at + 4], "big")
        yield tag, value[at + 4 : at + 4 + size]
        at += 4 + size
