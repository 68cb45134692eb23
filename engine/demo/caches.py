"""What a real production also holds, for the savings plan to find: caches the hosts left
behind (a DaVinci Resolve render cache of the camera clips, Premiere's conformed audio
and peak files, Blender movie proxies) and a project nobody has opened for months.
Media made by real encoders; ages set as a production's would be."""

from __future__ import annotations

import os
import time
from pathlib import Path

import msgspec
import opentimelineio as otio

from mediaopt.engine.demo import media
from mediaopt.engine.demo.feature import _timeline

DAY = 86400.0
CACHE_AGE_DAYS = 30.0
"""Past the grace period: nobody is working on these right now."""
DORMANT_AGE_DAYS = 200.0
"""Past the 90-day dormant threshold."""


class SavingsTruth(msgspec.Struct, kw_only=True):
    caches: dict[str, str]
    """cache file -> host."""
    dormant_project: str
    dormant_media: list[str]


def build_savings_extras(
    commercial: str | Path,
    feature: str | Path,
    *,
    picture: tuple[int, int] = (640, 360),
    peak_file: bool = False,
) -> SavingsTruth:
    """`picture` is the render cache's frame size: the commercial's camera clips' own.
    `peak_file` adds Premiere's .pek beside the conformed audio (not media: the scan
    lists it as unreadable, so the demo, which lists those, leaves it out)."""
    commercial, feature = Path(commercial), Path(feature)
    caches = {
        **_resolve_cache(commercial / "show", picture),
        **_premiere_cache(commercial / "show", peak_file),
    }
    caches.update(_blender_proxies(feature / "show" / "camera"))
    _age(caches, CACHE_AGE_DAYS)
    project, clips = _dormant_project(feature / "old_promo")
    _age([project, *clips], DORMANT_AGE_DAYS)
    return SavingsTruth(caches=caches, dormant_project=project, dormant_media=clips)


def _resolve_cache(show: Path, picture: tuple[int, int]) -> dict[str, str]:
    """Resolve's render cache: the clips' pictures again, same size, in its CacheClip
    folder (stored as .dvcc; here QuickTime ProRes under that name)."""
    folder = show / "CacheClip" / "4a6f2c1e-0d2b-4b8e-9a51-2f3c7e8d9b10"
    found = {}
    for clip, seed, profile in (("A001C003", 3, "3"), ("A001C004", 4, "3")):
        path = folder / f"{clip}_220914_R1AB.1.dvcc"
        media.write_movie(
            path,
            codec="prores_ks",
            pix_fmt="yuv422p10le",
            options={"profile": profile},
            container_format="mov",
            width=picture[0],
            height=picture[1],
            frames=24,
            seed=seed,
        )
        found[str(path)] = "DaVinci Resolve"
    return found


def _premiere_cache(show: Path, peak_file: bool) -> dict[str, str]:
    """Premiere's media cache: audio conformed to 32-bit float (.cfa) and peak files."""
    folder = show / "editorial" / "Media Cache Files"
    cfa = folder / "dialogue.flac 48000.cfa"
    media.write_audio(cfa, codec="pcm_f32le", container_format="wav", seconds=2.0, layout="stereo")
    found = {str(cfa): "Adobe Premiere Pro"}
    if peak_file:
        pek = folder / "dialogue.flac 48000.pek"
        pek.write_bytes(bytes(range(256)) * 16)
        found[str(pek)] = "Adobe Premiere Pro"
    return found


def _blender_proxies(camera: Path) -> dict[str, str]:
    """Blender's movie-clip proxies: <clip folder>/BL_proxy/<clip>/proxy_50.avi."""
    path = camera / "BL_proxy" / "A001C004.mov" / "proxy_50.avi"
    media.write_movie(
        path, codec="mjpeg", pix_fmt="yuvj420p", width=32, height=18, frames=4, seed=4
    )
    return {str(path): "Blender"}


def _dormant_project(folder: Path) -> tuple[str, list[str]]:
    """A promo cut last touched months ago, with the two clips it uses."""
    clips = [
        str(
            media.write_movie(
                folder / "camera" / f"P001C00{n}.mov",
                codec="prores_ks",
                pix_fmt="yuv422p10le",
                width=320,
                height=180,
                frames=48,
                timecode="01:00:00:00",
                reel=f"P001C00{n}",
                seed=40 + n,
            )
        )
        for n in (1, 2)
    ]
    edit = folder / "edit" / "promo.otio"
    edit.parent.mkdir(parents=True, exist_ok=True)
    timeline = _timeline("promo", [(Path(c).stem, Path(c).as_uri(), None) for c in clips])
    otio.adapters.write_to_file(timeline, str(edit))
    return str(edit), clips


def _age(paths, days: float) -> None:
    moment = time.time() - days * DAY
    for path in paths:
        os.utime(path, (moment, moment))
