"""Relink a clip's MissingReference, or an ExternalReference whose file has moved, to an
asset in the mediaopt catalog: by file name first, then by reel and source timecode.

A clip that matches nothing, or matches several assets equally, is left as it was: a
guessed link is worse than a missing one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetKind

__all__ = ["find_asset", "link_media_reference"]


def link_media_reference(
    in_clip: otio.schema.Clip, media_linker_argument_map: dict | None = None
) -> otio.core.MediaReference:
    """OTIO's media linker entry point. `media_linker_argument_map["catalog"]` names the
    catalog file (default: mediaopt's default catalog)."""
    current = in_clip.media_reference
    if isinstance(current, otio.schema.ExternalReference) and _exists(current.target_url):
        return current
    arguments = media_linker_argument_map or {}
    with Catalog(arguments.get("catalog")) as catalog:
        asset = find_asset(catalog, in_clip)
    if asset is None:
        return current
    return _reference_for(asset, in_clip)


def find_asset(catalog: Catalog, clip: otio.schema.Clip) -> Asset | None:
    """The one cataloged asset this clip uses, or None when none or several fit."""
    for name in _names(clip):
        found = _only(catalog.by_name(name))
        if found is not None:
            return found
    reel = _reel(clip)
    if reel and clip.source_range is not None:
        start = clip.source_range.start_time
        fits = [a for a in catalog.by_reel(reel) if _covers(a, start)]
        return fits[0] if len(fits) == 1 else None
    return None


def _names(clip: otio.schema.Clip) -> list[str]:
    names = []
    media = clip.media_reference
    if isinstance(media, otio.schema.ExternalReference) and media.target_url:
        names.append(os.path.basename(_path(media.target_url)))
    for candidate in (media.name, clip.name):
        if candidate and os.path.splitext(candidate)[1]:
            names.append(os.path.basename(candidate))
    return list(dict.fromkeys(n for n in names if n))


def _only(assets: Iterable[Asset]) -> Asset | None:
    found = list(assets)
    return found[0] if len(found) == 1 else None


def _reel(clip: otio.schema.Clip) -> str | None:
    for metadata in (clip.metadata, clip.media_reference.metadata):
        for namespace in ("cmx_3600", "AAF", "ale", "ALE"):
            value = metadata.get(namespace)
            if hasattr(value, "get"):
                reel = value.get("reel") or value.get("Reel") or value.get("Tape")
                if isinstance(reel, str) and reel.strip():
                    return reel.strip()
    return None


def _covers(asset: Asset, start: otio.opentime.RationalTime) -> bool:
    """Whether the clip's source start lies inside the asset's timecode span."""
    if not asset.start_timecode:
        return False
    rate = (asset.video.frame_rate if asset.video else None) or start.rate
    try:
        first = otio.opentime.from_timecode(asset.start_timecode, rate)
    except ValueError:
        return False
    wanted = start.rescaled_to(rate).value
    length = (asset.duration_s or 0) * rate
    return first.value <= wanted <= first.value + max(length, 0)


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
