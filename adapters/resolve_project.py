"""DaVinci Resolve project archives (.drp, and .drt timeline archives) -> Project, without
Resolve; and the other `.drp`, the switching log an ATEM ISO switcher writes.

The two are told apart by content. An ATEM `.drp` is newline-delimited JSON (a header of
sources, then one switch event a line): OpenTimelineIO's `otio-drp-adapter` reads it, and
its recordings are named relative to the file. A Resolve `.drp` is a zip of XML:

    project.xml                      <SM_Project>: settings, the timeline list
    MediaPool/Master/MpFolder.xml    <Sm2MpFolder>: the media pool's clips (nested bins in
    MediaPool/Master/<n>_<bin>/...   folders of their own), Sm2MpVideoClip/Sm2MpAudioClip
    SeqContainer/<uuid>.xml          <Sm2SequenceContainer>: a timeline's tracks, whose
                                     Sm2TiVideoClip/Sm2TiAudioClip items name their file in
                                     <MediaFilePath> and their range in <MediaStartTime>,
                                     <Duration> (timeline frames; audio starts in samples)

A media pool clip keeps its file in a binary `BtVideoInfo/Clip` (or `BtAudioInfo/Clip`)
field: a version and a length, a marker and an entry id, then protobuf fields 1 (folder)
and 2 (file name); some versions compress that protobuf with zstd. Where it decodes, the
pool clip is a reference; where it does not, the clip is listed by name as missing.

No Resolve-saved archive under a licence that allows testing was found: this reader
follows the structure as Resolve writes it (documented by projects that read and write
these archives) and is tested on archives built to that structure.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import parse_xml, zip_member
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["decode_clip_blob", "read_resolve_archive"]

_MAX_MEMBERS = 100_000
_MEMBER_LIMIT = 256 << 20
_TIMELINE_CLIPS = ("Sm2TiVideoClip", "Sm2TiAudioClip")
_POOL_CLIPS = ("Sm2MpVideoClip", "Sm2MpAudioClip")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_AUDIO_SAMPLE_RATE = 48000  # Resolve counts an audio item's MediaStartTime in 48 kHz samples


@reader("resolve_archive", ["drp", "drt"], preferred=True)  # over OTIO's ATEM-only reader
def read_resolve_archive(path: Path) -> Project:
    """A Resolve archive's timelines (each clip's file and range) and media pool clips;
    an ATEM switcher's `.drp` through OTIO's adapter."""
    if not zipfile.is_zipfile(path):
        return _atem(path)
    project = Project(path=str(path), kind="resolve_archive", name=path.stem)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if len(names) > _MAX_MEMBERS:
            raise ValueError(f"{path}: {len(names):,} members, more than a project holds")
        if not any(n.endswith(".xml") for n in names):
            raise ValueError(f"{path}: a zip with no XML in it, not a Resolve project")
        for name in sorted(names):
            if not name.endswith(".xml") or "/." in f"/{name}":
                continue
            try:
                root = parse_xml(zip_member(archive, name, _MEMBER_LIMIT))
            except Exception as exc:  # one bad member: the rest of the project still counts
                project.errors.append(f"{path}:{name}: {type(exc).__name__}: {exc}")
                continue
            if name.startswith("SeqContainer/"):
                project.references.extend(_timeline(root, name))
            elif name.startswith("MediaPool/"):
                project.references.extend(_pool(root, name, project))
    return project


def _atem(path: Path) -> Project:
    with open(path, "rb") as f:
        first = f.readline(1 << 20)
    try:
        header = json.loads(first)
    except ValueError:
        raise ValueError(
            f"{path}: neither a Resolve project (a zip) nor an ATEM switcher log (JSON lines)"
        ) from None
    if not isinstance(header, dict) or "sources" not in header:
        raise ValueError(f"{path}: JSON, but not an ATEM switcher log (no `sources`)")
    from mediaopt.adapters.otio import read_otio

    project = read_otio(path, "otio_drp_adapter")
    project.kind = "atem_drp"
    cut = {r.path for r in project.references}
    for source in header.get("sources") or []:
        file = source.get("file") if isinstance(source, dict) else None
        if isinstance(file, str) and file and file not in cut:
            # The switcher recorded every input; one never cut to is still its recording.
            project.references.append(
                Reference(
                    target=ReferenceTarget.FILE, path=file, name=source.get("name"),
                    owner="source", location="sources", note="recorded, never cut to",
                )
            )  # fmt: skip
    project.notes.append("an ATEM switcher's log: recordings are named relative to it")
    return project


def _timeline(root: Element, member: str) -> Iterator[Reference]:
    rate = _rate(root)
    name = root.findtext("Name") or member.rsplit("/", 1)[-1].removesuffix(".xml")
    counts: dict[str, int] = {}
    for track in root.iter("Sm2TiTrack"):
        kind = "A" if (track.findtext("Type") or "0").strip() == "1" else "V"
        counts[kind] = counts.get(kind, 0) + 1
        number = 0
        for clip in track.iter():
            if clip.tag not in _TIMELINE_CLIPS:
                continue
            number += 1
            file = (clip.findtext("MediaFilePath") or "").strip()
            where = f'timeline "{name}" track {kind}{counts[kind]} clip {number}'
            common = {"name": clip.findtext("Name"), "owner": clip.tag, "location": where}
            if not file:
                yield Reference(target=ReferenceTarget.MISSING, **common)
                continue
            yield Reference(
                target=ReferenceTarget.FILE, path=file,
                source_range=_range(clip, rate, audio=clip.tag == "Sm2TiAudioClip"), **common,
            )  # fmt: skip
            yield from _proxies(clip, common)


def _rate(root: Element) -> float | None:
    text = (root.findtext("FrameRate") or "").strip()
    try:
        return float(text) if text and float(text) > 0 else None
    except ValueError:
        return None


def _range(clip: Element, rate: float | None, audio: bool) -> tuple[float, float] | None:
    try:
        start = float(clip.findtext("MediaStartTime") or "0")
        duration = float(clip.findtext("Duration") or "")
    except ValueError:
        return None
    if rate is None:
        return None
    start_seconds = start / _AUDIO_SAMPLE_RATE if audio else start / rate
    return (start_seconds, duration / rate)


def _proxies(clip: Element, common: dict) -> Iterator[Reference]:
    for element in clip.iter():
        if "Proxy" in element.tag and _is_path(element.text):
            yield Reference(
                target=ReferenceTarget.FILE, path=element.text.strip(), role="proxy", **common
            )


def _is_path(text: str | None) -> bool:
    text = (text or "").strip()
    return ("/" in text or "\\" in text) and not text.startswith("<")


def _pool(root: Element, member: str, project: Project) -> Iterator[Reference]:
    bin_name = root.findtext("Name") or member.rsplit("/", 2)[-2]
    for clip in root.iter():
        if clip.tag not in _POOL_CLIPS:
            continue
        common = {"name": clip.findtext("Name"), "owner": clip.tag, "location": f"bin {bin_name}"}
        path = (clip.findtext(".//MediaFilePath") or "").strip() or _blob_path(clip)
        if path:
            yield Reference(target=ReferenceTarget.FILE, path=path, **common)
            yield from _proxies(clip, common)
        else:
            yield Reference(
                target=ReferenceTarget.MISSING,
                note="the pool clip's file is in a binary field mediaopt could not decode",
                **common,
            )


def _blob_path(clip: Element) -> str | None:
    for info in ("BtVideoInfo", "BtAudioInfo"):
        for holder in clip.iter(info):
            blob = holder.find("Clip")
            if blob is not None and blob.text:
                try:
                    found = decode_clip_blob(bytes.fromhex(re.sub(r"\s+", "", blob.text)))
                except ValueError:
                    found = None
                if found:
                    return found
    return None


def decode_clip_blob(data: bytes) -> str | None:
    """The file path a media pool clip's `BtVideoInfo/Clip` blob holds: after a 4-byte
    version, a 4-byte length, a 2-byte marker and an 8-byte entry id, protobuf field 1 is
    the folder and field 2 the file name (video blobs put 2 more bytes first). A zstd
    frame in place of the protobuf is decompressed (with a ceiling) first."""
    zstd_at = data.find(_ZSTD_MAGIC, 8, 32)
    if zstd_at >= 0:
        import zstandard

        with zstandard.ZstdDecompressor().stream_reader(data[zstd_at:]) as stream:
            body = stream.read(1 << 20)
        return _folder_and_name(body, 0) or _folder_and_name(body, 2)
    if len(data) < 21:
        return None
    return _folder_and_name(data, 18) or _folder_and_name(data, 20)


def _folder_and_name(data: bytes, at: int) -> str | None:
    fields: dict[int, bytes] = {}
    for number in (1, 2):
        if at >= len(data) or data[at] != (number << 3 | 2):
            return None
        size, at = _varint(data, at + 1)
        if size is None or at + size > len(data):
            return None
        fields[number] = data[at : at + size]
        at += size
    folder, name = (fields[n].decode("utf-8", "replace") for n in (1, 2))
    if not folder or not name:
        return None
    return (
        f"{folder.rstrip('/')}/{name}"
        if "\\" not in folder
        else f"{folder.rstrip(chr(92))}\\{name}"
    )


def _varint(data: bytes, at: int) -> tuple[int | None, int]:
    value, shift = 0, 0
    while at < len(data) and shift < 64:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7
    return None, at
