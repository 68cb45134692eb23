"""Everything OpenTimelineIO reads (.otio, .otioz, .otiod, EDL, FCP 7 XML, FCPXML, AAF,
ALE...), through OTIO and its plug-in adapters, into Project and Reference records.

The adapters are found through OTIO's own plug-in manifest, so a format OTIO learns (a new
adapter package installed) is read here without a change.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import msgspec
import opentimelineio as otio

from mediaopt.adapters.fcpxml_library import with_library
from mediaopt.adapters.otio_lineage import (
    alternative_role,
    stated_exports,
    stated_sources,
    url_path,
)
from mediaopt.adapters.registry import reader
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["newer_schemas", "read_otio", "references"]

_NO_LINKING = otio.media_linker.MediaLinkingPolicy.DoNotLinkMedia
_KIND = {"otio_json": "otio"}
# Rates tried, in order, when a CMX 3600 EDL's timecodes have frames beyond what 24 fps
# allows: the EDL format does not carry its rate, and these cover the broadcast standards.
_EDL_RATES = (24, 25, 30, 48, 50, 60)
_SCHEMA = re.compile(r'"OTIO_SCHEMA"\s*:\s*"([A-Za-z_][\w.]*?)\.(\d+)"')
_REEL_KEYS = ("reel", "Reel", "ReelName", "reel_name", "TapeName", "Tape", "tape")


def read_otio(path: Path, adapter_name: str | None = None) -> Project:
    """Read every timeline in an OTIO-readable file (all of a collection's, nested stacks
    included) into one Project. Raises for a file the adapter cannot read."""
    adapter = adapter_name or otio.adapters.from_filepath(str(path)).name
    kind = _KIND.get(adapter, adapter)
    notes: list[str] = []
    try:
        result = _read(path, adapter, notes)
    except otio.exceptions.UnsupportedSchemaError as exc:
        newer = newer_schemas(path)
        if newer:
            raise UnsupportedOtio(
                f"{path}: written by a newer OpenTimelineIO than the installed "
                f"{otio.__version__}: {', '.join(newer)}; upgrade opentimelineio to read it"
            ) from exc
        raise UnsupportedOtio(f"{path}: unsupported OTIO schema: {exc}") from exc
    project = Project(path=str(path), kind=kind, name=_name(result), notes=notes)
    if adapter == "otioz":
        project.notes.append("media paths are relative to the .otioz bundle's contents")
    project.references.extend(references(result))
    if adapter == "fcpx_xml":
        project.references = with_library(path, project.references)
    return project


class UnsupportedOtio(ValueError):
    """A file OTIO recognises but this installation cannot read."""


BUNDLE_CONTENT_LIMIT = 256 * 1024**2
"""Largest `content.otio` inflated from an .otioz: a feature's timeline is a few MB of
JSON, and a 2 MB bundle inflating to 2 GB took 8.6 GB of memory to read."""


def _check_bundle(path: Path) -> None:
    """Refuse a bundle whose timeline inflates beyond BUNDLE_CONTENT_LIMIT, before any of
    it is inflated (the zip's directory states each member's size)."""
    if not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as bundle:
        for info in bundle.infolist():
            if info.filename.endswith(".otio") and info.file_size > BUNDLE_CONTENT_LIMIT:
                raise ValueError(
                    f"{path}: {info.filename} inflates to {info.file_size:,} bytes, beyond "
                    f"the {BUNDLE_CONTENT_LIMIT:,} mediaopt reads from a bundle"
                )


def _read(path: Path, adapter: str, notes: list[str]) -> otio.core.SerializableObject:
    kwargs: dict[str, object] = {}
    if adapter == "otioz":
        _check_bundle(path)
    if adapter == "otiod":
        kwargs["absolute_media_reference_paths"] = True
    if adapter != "cmx_3600":
        return otio.adapters.read_from_file(
            str(path), adapter_name=adapter, media_linker_name=_NO_LINKING, **kwargs
        )
    for rate in _EDL_RATES:
        try:
            result = otio.adapters.read_from_file(
                str(path), adapter_name=adapter, media_linker_name=_NO_LINKING, rate=rate
            )
        except ValueError as exc:
            if "rate mismatch" not in str(exc).lower():
                raise
            continue
        if rate != _EDL_RATES[0]:
            notes.append(f"read at {rate} fps: its timecodes have frames beyond 23")
        return result
    raise ValueError(f"timecodes fit none of {', '.join(map(str, _EDL_RATES))} fps")


def newer_schemas(path: Path) -> list[str]:
    """Schemas in an OTIO JSON file (or bundle) newer than the installed OTIO reads, as
    `Marker.3 (reads up to Marker.2)`."""
    try:
        text = _json_text(path)
    except (OSError, KeyError, zipfile.BadZipFile):
        return []
    known = otio.core.type_version_map()
    found: dict[str, str] = {}
    for name, version in set(_SCHEMA.findall(text)):
        mine = known.get(name)
        if mine is not None and int(version) > mine:
            found[f"{name}.{version}"] = f"{name}.{version} (reads up to {name}.{mine})"
    return [found[k] for k in sorted(found)]


def _json_text(path: Path) -> str:
    if path.is_dir():
        return (path / "content.otio").read_text(encoding="utf-8", errors="replace")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as bundle:
            return bundle.read("content.otio").decode("utf-8", errors="replace")
    return path.read_text(encoding="utf-8", errors="replace")


def _name(result: otio.core.SerializableObject) -> str | None:
    return getattr(result, "name", None) or None


def references(result: otio.core.SerializableObject, where: str = "") -> Iterator[Reference]:
    """Every media reference under a timeline, collection, stack, track or clip."""
    if isinstance(result, otio.schema.SerializableCollection):
        for child in result:
            yield from references(child, where)
    elif isinstance(result, otio.schema.Timeline):
        here = _join(where, f'timeline "{result.name}"')
        yield from _composition(result.tracks, here)
        yield from stated_exports(result, here)
    elif isinstance(result, otio.schema.Clip):
        yield from _clip(result, _join(where, f'clip "{result.name}"'))
    elif isinstance(result, otio.core.Composition):
        yield from _composition(result, where)


def _composition(composition: otio.core.Composition, where: str) -> Iterator[Reference]:
    counts: dict[str, int] = {}
    clips = 0
    for item in composition:
        if isinstance(item, otio.schema.Track):
            prefix = "V" if item.kind == otio.schema.TrackKind.Video else "A"
            counts[prefix] = counts.get(prefix, 0) + 1
            label = item.name or f"{prefix}{counts[prefix]}"
            yield from _composition(item, _join(where, f"track {label}"))
        elif isinstance(item, otio.schema.Stack):
            yield from _composition(item, _join(where, f'stack "{item.name}"'))
        elif isinstance(item, otio.schema.Clip):
            clips += 1
            yield from _clip(item, _join(where, f"clip {clips}"))


def _clip(clip: otio.schema.Clip, where: str) -> Iterator[Reference]:
    active = clip.active_media_reference_key
    references = clip.media_references()
    active_target = _target(references.get(active))
    for key, media in references.items():
        ref = _reference(clip, media, where)
        if ref is None:
            continue
        if key != active and _target(media) == active_target:
            continue  # the AAF reader files the active media again under the clip's name
        if key != active:
            ref = msgspec.structs.replace(ref, role=alternative_role(key))
            ref = _with_note(ref, f"alternative media reference {key!r}")
        yield ref
        if key == active:
            yield from stated_sources(clip, media, ref)


def _target(media: otio.core.MediaReference | None) -> str | None:
    return getattr(media, "target_url", None) or getattr(media, "target_url_base", None)


def _reference(
    clip: otio.schema.Clip, media: otio.core.MediaReference, where: str
) -> Reference | None:
    if isinstance(media, otio.schema.GeneratorReference):
        return None  # generated (bars, solids): no media on disk
    used = _used_range(clip, media)
    common = {
        "name": clip.name or None,
        "owner": "Clip",
        "location": where or None,
        "reel": _reel(clip, media),
    }
    if used is not None:
        common["source_range"] = (used.start_time.to_seconds(), used.duration.to_seconds())
        common["timecode"] = _timecode(used.start_time)
    if isinstance(media, otio.schema.ExternalReference):
        path, note = url_path(media.target_url)
        return Reference(target=ReferenceTarget.FILE, path=path, note=note, **common)
    if isinstance(media, otio.schema.ImageSequenceReference):
        return _sequence(media, used, common)
    if isinstance(media, otio.schema.MissingReference):
        return Reference(target=ReferenceTarget.MISSING, **common)
    return Reference(
        target=ReferenceTarget.UNRESOLVABLE,
        note=f"media reference of type {type(media).__name__} is not understood",
        **common,
    )


def _sequence(
    media: otio.schema.ImageSequenceReference,
    used: otio.opentime.TimeRange | None,
    common: dict,
) -> Reference:
    base, note = url_path(media.target_url_base)
    if base and not base.endswith(("/", "\\")):
        base += "/"
    padding = media.frame_zero_padding
    pattern = f"{base}{media.name_prefix}{'#' * max(padding, 1)}{media.name_suffix}"
    if padding == 0:
        note = _join_notes(note, "frame numbers are not zero-padded")
    frames = None
    try:
        if used is not None:
            frames = (
                media.frame_for_time(used.start_time),
                media.frame_for_time(used.end_time_inclusive()),
            )
        else:
            frames = (media.start_frame, media.end_frame())
    except (ValueError, otio.exceptions.OTIOError):
        if media.available_range is not None:
            frames = (media.start_frame, media.end_frame())
    return Reference(
        target=ReferenceTarget.SEQUENCE, path=pattern, frames=frames, note=note, **common
    )


def _used_range(
    clip: otio.schema.Clip, media: otio.core.MediaReference
) -> otio.opentime.TimeRange | None:
    return clip.source_range or media.available_range


def _timecode(time: otio.opentime.RationalTime) -> str | None:
    try:
        return otio.opentime.to_timecode(time, time.rate)
    except (ValueError, TypeError):
        return None  # a rate timecode cannot express (e.g. 1 fps for audio samples)


def _reel(clip: otio.schema.Clip, media: otio.core.MediaReference) -> str | None:
    """The reel or tape name, wherever an adapter put it in the metadata (cmx_3600 puts it
    in clip.metadata['cmx_3600']['reel'], AAF and ALE under their own names)."""
    for metadata in (clip.metadata, media.metadata):
        for value in _metadata_dicts(metadata):
            present = set(value)  # keys read once: see otio_lineage.metadata_get
            for key in _REEL_KEYS:
                reel = value[key] if key in present else None
                if isinstance(reel, str) and reel.strip():
                    return reel.strip()
    return None


def _metadata_dicts(metadata) -> Iterator[dict]:
    # Two levels: the adapter's namespace, and one below it (AAF's UserComments).
    yield metadata
    for value in metadata.values():
        if hasattr(value, "items"):
            yield value
            for inner in value.values():
                if hasattr(inner, "items"):
                    yield inner


def _join(where: str, part: str) -> str:
    return f"{where} {part}" if where else part


def _join_notes(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _with_note(ref: Reference, note: str) -> Reference:
    return msgspec.structs.replace(ref, note=_join_notes(ref.note, note))


def _register() -> None:
    for adapter in otio.plugins.ActiveManifest().adapters:
        if not adapter.has_feature("read"):
            continue
        kind = _KIND.get(adapter.name, adapter.name)

        def read(path: Path, _adapter: str = adapter.name) -> Project:
            return read_otio(path, _adapter)

        reader(kind, adapter.suffixes)(read)


_register()
