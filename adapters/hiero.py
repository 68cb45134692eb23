"""Hiero / Nuke Studio .hrox projects -> Project, without Nuke Studio.

A project is `hieroXML`: `<Media>` holds one `<Source file=... name=... guid=...>` per
clip's media; `<trackItemCollection>` holds the `<TrackItem>`s, each linking its media
through `MediaGroup/groupdata/MediaInstance_Vector/Source guid=...`; `<Sequence>` lists
its tracks (`videotracks/VideoTrack`, `audiotracks/AudioTrack`) and their `trackItems`.
Every `file` attribute holding a path is listed; sources a track item uses carry where
(sequence, track, item), the others are in the bins.

No .hrox under a licence that allows testing was found: this reader follows the layout
that projects writing hieroXML document, and is tested on files built to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import gunzip_bounded, parse_xml
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["read_hiero"]


@reader("hiero", ["hrox"], preferred=True)
def read_hiero(path: Path) -> Project:
    """Every media source with its file, and which sequences' track items use it."""
    with gunzip_bounded(path) as stream:
        root = parse_xml(stream, doctype=True)
    if root.tag != "hieroXML":
        raise ValueError(f"not a Hiero project (root element <{root.tag}>)")
    project = Project(path=str(path), kind="hiero", name=root.get("name") or path.stem)
    files = _sources(root)
    used = set()
    for ref in _uses(root, files):
        used.add(ref.path)
        project.references.append(ref)
    listed = set(used)
    for element in root.iter():
        file = (element.get("file") or "").strip()
        if _is_path(file) and file not in listed:
            listed.add(file)
            project.references.append(
                Reference(
                    target=_target(file), path=file, name=element.get("name"), owner=element.tag,
                    location="bin", note="not used by any sequence's track item",
                )
            )  # fmt: skip
    return project


def _is_path(text: str) -> bool:
    return "/" in text or "\\" in text


def _target(file: str) -> ReferenceTarget:
    return ReferenceTarget.SEQUENCE if "#" in file or "%0" in file else ReferenceTarget.FILE


def _sources(root: Element) -> dict[str, Element]:
    """guid -> the Source element that names a file."""
    return {
        source.get("guid", ""): source
        for source in root.iter("Source")
        if _is_path(source.get("file") or "")
    }


def _uses(root: Element, files: dict[str, Element]) -> Iterator[Reference]:
    # A sequence's track lists its items by guid; the items themselves, with their media,
    # are in the trackItemCollection (the ones holding a Source).
    items = {
        i.get("guid", ""): i
        for i in root.iter("TrackItem")
        if i.get("guid") and i.find(".//Source") is not None
    }
    for sequence in root.iter("Sequence"):
        name = sequence.get("name") or "sequence"
        for kind, tag in (("V", "VideoTrack"), ("A", "AudioTrack")):
            for number, track in enumerate(sequence.iter(tag), 1):
                for position, link in enumerate(track.iter("TrackItem"), 1):
                    item = items.get(link.get("guid", ""), link)
                    for source in item.iter("Source"):
                        media = files.get(source.get("guid", ""))
                        if media is None:
                            continue
                        file = media.get("file", "").strip()
                        yield Reference(
                            target=_target(file), path=file, name=item.get("name"),
                            owner="TrackItem", note=_range_note(item),
                            location=f'sequence "{name}" track {kind}{number} item {position}',
                        )  # fmt: skip


def _range_note(item: Element) -> str | None:
    source_in, source_out = item.get("sourceIn"), item.get("sourceOut")
    if source_in is not None and source_out is not None:
        return f"source frames {source_in}-{source_out}"
    return None
