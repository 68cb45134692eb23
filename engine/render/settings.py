"""The size-driving settings of a render output, read from its catalog record."""

from __future__ import annotations

import os

from mediaopt.engine.model import Asset, AssetKind, RenderJob, RenderSample, Stream

SETTINGS = ("format", "compression", "pixel_type", "channels", "resolution")
"""The settings the analysis groups by, in the order people read them."""


def render_sample(
    asset: Asset, *, job: RenderJob | None = None, under: str | None = None
) -> RenderSample | None:
    """The asset as a render output, or None when it is not one (no picture, no frames)."""
    picture = asset.video
    if picture is None or not picture.width or not picture.height:
        return None
    frames = _frame_count(asset, picture)
    if frames <= 0 or asset.bytes <= 0:
        return None
    pixels = picture.width * picture.height
    per_frame = asset.bytes / frames
    return RenderSample(
        path=asset.path,
        format=_format(asset, picture),
        compression=_compression(asset, picture),
        pixel_type=_pixel_type(asset, picture),
        channels=_channels(picture),
        resolution=f"{picture.width}x{picture.height}",
        frames=frames,
        bytes=asset.bytes,
        bytes_per_frame=per_frame,
        bytes_per_pixel=per_frame / pixels,
        show=(job.show if job and job.show else None) or show_of(asset.path, under),
        job_id=job.job_id if job else None,
        user=job.user if job else None,
        mtime=asset.mtime,
    )


def current_settings(asset: Asset) -> dict[str, str]:
    """The settings of an output as a flat mapping, for reports."""
    sample = render_sample(asset)
    if sample is None:
        return {}
    return {name: str(getattr(sample, name)) for name in SETTINGS}


def show_of(path: str, under: str | None) -> str | None:
    """The folder right below `under`: on a facility's storage, `under` is usually the
    shows root, so this is the show. None when there is no `under` to measure from."""
    if not under:
        return None
    root = os.path.abspath(under).rstrip(os.sep) + os.sep
    if not path.startswith(root):
        return None
    head = path[len(root) :].split(os.sep, 1)[0]
    return head if os.sep in path[len(root) :] else os.path.basename(root.rstrip(os.sep))


def _frame_count(asset: Asset, picture: Stream) -> int:
    if asset.kind is AssetKind.SEQUENCE and asset.sequence is not None:
        return asset.sequence.frame_count
    if asset.kind is AssetKind.VIDEO:
        if picture.frame_count:
            return picture.frame_count
        if picture.frame_rate and asset.duration_s:
            return round(picture.frame_rate * asset.duration_s)
    return 0


def _format(asset: Asset, picture: Stream) -> str:
    if asset.kind is AssetKind.VIDEO:
        return " ".join(p for p in (picture.codec, picture.codec_profile) if p) or "video"
    return asset.format or picture.codec or "image"


def _compression(asset: Asset, picture: Stream) -> str:
    if asset.kind is AssetKind.VIDEO:
        # A movie's compression is its rate: bucket to 10 Mb/s so near-equal rates group.
        rate = picture.bit_rate or asset.overall_bit_rate
        return f"~{round(rate / 1e7) * 10} Mb/s" if rate else "unknown rate"
    if asset.format == "DPX":
        return picture.dpx_packing or "none"
    return (picture.compression or "none").lower()


def _pixel_type(asset: Asset, picture: Stream) -> str:
    if asset.format == "OpenEXR" and picture.pixel_type:
        return picture.pixel_type
    if picture.bit_depth:
        return f"{picture.bit_depth}-bit"
    return picture.pixel_type or "unknown"


def _channels(picture: Stream) -> int:
    if picture.channels:
        return picture.channels
    return 4 if picture.alpha else 3
