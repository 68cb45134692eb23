"""Relink a clip's MissingReference, or an ExternalReference whose file has moved, to an
asset in the mediaopt catalog, through the one resolver every command uses.

The clip is turned into a Reference the way the project reader turns it (adapters/otio.py:
its path, clip name and the reel wherever an adapter put it, AAF's nested UserComments
included), then resolved (engine/refs/resolve.py: path maps, sequences, frames, case,
links, reel and timecode). A reference that does not resolve is linked to the one
cataloged asset of the same file name, else by reel and timecode.

A clip that matches nothing, or matches several assets equally, is left as it was: a
guessed link is worse than a missing one.
"""

from __future__ import annotations

import contextlib
import os
from urllib.parse import unquote, urlparse

import msgspec
import opentimelineio as otio

from mediaopt.adapters.otio import references
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetKind, Reference
from mediaopt.engine.refs.config import load_settings
from mediaopt.engine.refs.index import CatalogIndex
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.resolve import resolve

__all__ = ["find_asset", "link_media_reference"]


def link_media_reference(
    in_clip: otio.schema.Clip, media_linker_argument_map: dict | None = None
) -> otio.core.MediaReference:
    """OTIO's media linker entry point. `media_linker_argument_map` may name the
    `catalog` file (default: mediaopt's default catalog), path-map rules `map`
    (`["/Volumes/Projects=/mnt/projects"]`), a `config` file whose path map applies as
    for every command, and the `project` file relative paths are relative to."""
    current = in_clip.media_reference
    if isinstance(current, otio.schema.ExternalReference) and _exists(current.target_url):
        return current
    arguments = media_linker_argument_map or {}
    path_map = PathMap.parse(
        [*load_settings(arguments.get("config")).path_map, *arguments.get("map", [])]
    )
    with Catalog(arguments.get("catalog")) as catalog:
        asset = find_asset(catalog, in_clip, path_map=path_map, project=arguments.get("project"))
    if asset is None:
        return current
    return _reference_for(asset, in_clip)


def find_asset(
    catalog: Catalog,
    clip: otio.schema.Clip,
    *,
    path_map: PathMap | None = None,
    project: str | None = None,
) -> Asset | None:
    """The one cataloged asset this clip uses, or None when none or several fit."""
    reference = clip_reference(clip)
    if reference is None:
        return None
    index = _index(catalog)
    path_map = path_map or PathMap()
    where = os.path.abspath(project) if project else os.path.join(os.getcwd(), "timeline")
    found = resolve(reference, where, index, path_map)
    path = _only(found.assets) if found.assets else _only(_same_name(found.candidates, clip))
    if path is None and not found.assets and reference.path and reference.reel:
        # Moved media whose name changed too: its reel and timecode still say which take.
        by_reel = resolve(msgspec.structs.replace(reference, path=None), where, index, path_map)
        path = _only(by_reel.assets)
    return catalog.get(path) if path else None


def clip_reference(clip: otio.schema.Clip) -> Reference | None:
    """The clip's active media as the project reader records it."""
    return next(references(clip), None)


def _same_name(candidates: list[str], clip: otio.schema.Clip) -> list[str]:
    """Candidates (same stem or reel) whose file name is the clip's file name."""
    names = {n.casefold() for n in _names(clip)}
    return [c for c in candidates if os.path.basename(c).casefold() in names]


def _names(clip: otio.schema.Clip) -> list[str]:
    names = []
    media = clip.media_reference
    if isinstance(media, otio.schema.ExternalReference) and media.target_url:
        names.append(os.path.basename(_path(media.target_url)))
    for candidate in (media.name, clip.name):
        if candidate and os.path.splitext(candidate)[1]:
            names.append(os.path.basename(candidate))
    return list(dict.fromkeys(n for n in names if n))


def _only(paths: list[str]) -> str | None:
    return paths[0] if len(paths) == 1 else None


_INDEXES: dict[tuple, CatalogIndex] = {}


def _index(catalog: Catalog) -> CatalogIndex:
    """The catalog's index, built once per catalog state: OTIO calls the linker once per
    clip, and a timeline has thousands. The state is the database's and its write-ahead
    log's stat: a scan in between changes one of them."""
    key: tuple = (str(catalog.path),)
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            st = os.stat(f"{catalog.path}{suffix}")
            key += (st.st_mtime_ns, st.st_size)
    if key not in _INDEXES:
        _INDEXES.clear()
        _INDEXES[key] = CatalogIndex.from_catalog(catalog)
    return _INDEXES[key]


def _reference_for(asset: Asset, clip: otio.schema.Clip) -> otio.core.MediaReference:
    metadata = {"mediaopt": {"relinked_from": type(clip.media_reference).__name__}}
    available = None
    if asset.duration_s and asset.video and asset.video.frame_rate:
        rate = asset.video.frame_rate
        start = otio.opentime.RationalTime(0, rate)
        if asset.start_timecode:
            with contextlib.suppress(ValueError):
                start = otio.opentime.from_timecode(asset.start_timecode, rate)
        available = otio.opentime.TimeRange(
            start, otio.opentime.RationalTime(round(asset.duration_s * rate), rate)
        )
    if asset.kind is AssetKind.SEQUENCE and asset.sequence is not None:
        seq = asset.sequence
        folder, _, filename = seq.pattern.rpartition("/")
        prefix, _, suffix = filename.partition("#" * seq.padding)
        return otio.schema.ImageSequenceReference(
            target_url_base=otio.url_utils.url_from_filepath(folder + "/"),
            name_prefix=prefix,
            name_suffix=suffix,
            start_frame=seq.first_frame,
            frame_zero_padding=seq.padding,
            metadata=metadata,
        )
    return otio.schema.ExternalReference(
        target_url=otio.url_utils.url_from_filepath(asset.path),
        available_range=available,
        metadata=metadata,
    )


def _path(url: str) -> str:
    if url.lower().startswith("file:"):
        return otio.url_utils.filepath_from_url(url)
    return unquote(urlparse(url).path) if "://" in url else url


def _exists(url: str | None) -> bool:
    return bool(url) and os.path.exists(_path(url))
