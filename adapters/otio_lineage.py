"""What an OTIO timeline states about where its media came from, as references with a
lineage role: a clip's alternative media references (OTIO 0.17+), a clip's metadata
naming the media its file was made from, and a timeline's metadata naming its export.

OTIO leaves the keys of `Clip.media_references` to the pipeline; only `DEFAULT_MEDIA` is
its own. The names matched below are those OTIO's docs and pipelines use for a lighter
or a fuller copy of the same clip; a key that says neither stays a plain read, with no
lineage claimed from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import opentimelineio as otio

from mediaopt.engine.model import Reference, ReferenceTarget, notation

__all__ = [
    "EXPORT_KEYS",
    "NAMESPACE",
    "SOURCE_KEYS",
    "alternative_role",
    "stated_exports",
    "stated_sources",
    "url_path",
]

NAMESPACE = "mediaopt"
"""The metadata namespace mediaopt reads lineage from (`clip.metadata["mediaopt"]`)."""
SOURCE_KEYS = ("source_media", "derived_from")
"""Clip or media-reference metadata naming what the clip's file was transcoded from."""
EXPORT_KEYS = ("export", "master", "rendered_media")
"""Timeline metadata naming the master the timeline was exported or conformed to."""

_PROXY = re.compile(r"proxy|proxies|low|offline|preview|draft|review|(^|_)lt($|_)", re.I)
_ORIGINAL = re.compile(r"high|hi_?res|full|original|camera|online|source|ocn", re.I)
_CONFORM = re.compile(r"conform", re.I)


def alternative_role(key: str) -> str:
    """The role of a clip's non-active media reference, from its key: `proxy` (made from
    the active media), `original` (the active media was made from it), `conform` (a
    conform pull made from the active media), else `read`."""
    if _CONFORM.search(key):
        return "conform"
    if _PROXY.search(key):
        return "proxy"
    if _ORIGINAL.search(key):
        return "original"
    return "read"


def stated_sources(
    clip: otio.schema.Clip, media: otio.core.MediaReference, active: Reference
) -> Iterator[Reference]:
    """A `source` reference for each path the clip's or its media's metadata names as
    what the clip's file was made from."""
    for metadata in (clip.metadata, media.metadata):
        for url in _named(metadata, SOURCE_KEYS):
            yield _stated(url, "source", active.name, active.owner, active.location)


def stated_exports(timeline: otio.schema.Timeline, where: str) -> Iterator[Reference]:
    """A `write` reference for each export the timeline's metadata names."""
    for url in _named(timeline.metadata, EXPORT_KEYS):
        yield _stated(url, "write", timeline.name or None, "Timeline", where or None)


def _named(metadata, keys: tuple[str, ...]) -> Iterator[str]:
    # Our namespace first, then the top level: a pipeline that writes its own keys
    # without a namespace is common (Flame and Hiero exports do), and both are explicit.
    places = [metadata_get(metadata, NAMESPACE), metadata]
    for place in places:
        if not hasattr(place, "get"):
            continue
        present = set(place)
        for key in keys:
            if key in present:
                yield from _strings(place[key])


def metadata_get(metadata, key: str):
    """`metadata.get(key)` without asking for a missing key: OTIO's AnyDictionary answers
    `get` and `in` of a missing key by raising KeyError through its C++ binding (~10 us),
    and a timeline asks for a dozen keys per clip, nearly all missing. Its keys are read
    once instead (iterating is native)."""
    return metadata[key] if key in set(metadata) else None


def _strings(value) -> list[str]:
    """A string, or the strings of a list (OTIO's AnyVector); never a mapping's keys."""
    if isinstance(value, str):
        items = [value]
    elif value is None or hasattr(value, "items") or not hasattr(value, "__iter__"):
        return []
    else:
        items = list(value)
    return [i.strip() for i in items if isinstance(i, str) and i.strip()]


def _stated(url: str, role: str, name: str | None, owner: str | None, where: str | None):
    path, note = url_path(url)
    target = ReferenceTarget.FILE
    if path and notation.parse(path.replace("\\", "/")) is not None:
        target = ReferenceTarget.SEQUENCE
    what = "source media" if role == "source" else "export"
    note = f"{what} named in the metadata" + (f"; {note}" if note else "")
    return Reference(
        target=target, path=path, name=name, role=role, owner=owner, location=where, note=note
    )


def url_path(url: str | None) -> tuple[str | None, str | None]:
    """The file path an OTIO URL names, and a note when the URL was not a plain path."""
    if not url:
        return None, "empty target URL"
    if url.lower().startswith("file:"):
        return otio.url_utils.filepath_from_url(url), None
    if re.match(r"^[a-z][a-z0-9+.-]+://", url, re.IGNORECASE):
        return url, "not a local file URL"
    return url, None
