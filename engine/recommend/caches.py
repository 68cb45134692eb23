"""Caches the hosts leave behind, recognised by the folder and file names the hosts give
them, wherever they sit under the roots. Each is regenerable: the host makes it again
when it needs it. Where each name comes from is in README.md ("Host caches")."""

from __future__ import annotations

import os

import msgspec

from mediaopt.engine.model import Risk


class CacheRule(msgspec.Struct, kw_only=True, frozen=True):
    host: str
    what: str
    folder: str | None = None
    """A folder name (case-insensitive) that holds only this cache."""
    folder_prefix: str | None = None
    """A folder name prefix, e.g. Blender's `blendcache_<file name>`."""
    suffixes: tuple[str, ...] = ()
    """File name endings that, inside `folder`, or anywhere when `folder` is None, mark
    the cache (empty: every file in the folder)."""
    risk: Risk = Risk.SAFE


RULES: list[CacheRule] = [
    # DaVinci Resolve manual, "Working Folders": render cache in a hidden CacheClip folder
    # (optimized media and render cache in the .dvcc format), stills in .gallery.
    CacheRule(host="DaVinci Resolve", what="render cache and optimized media", folder="CacheClip"),
    CacheRule(host="DaVinci Resolve", what="proxy media", folder="ProxyMedia"),
    # Gallery stills are grabbed by the colourist: regenerable only by grabbing again.
    CacheRule(host="DaVinci Resolve", what="gallery stills", folder=".gallery", risk=Risk.REVIEW),
    # Adobe: "Media Cache Files" (conformed audio .cfa, peak files .pek) and the "Media
    # Cache" database folder; preview renders in their own folders next to the project.
    CacheRule(host="Adobe Premiere Pro", what="media cache files", folder="Media Cache Files"),
    CacheRule(
        host="Adobe Premiere Pro",
        what="media cache",
        folder="Media Cache",
        suffixes=(".cfa", ".pek", ".mpgindex", ".ims", ".mcdb"),
    ),
    CacheRule(
        host="Adobe Premiere Pro",
        what="conformed audio and peak files",
        suffixes=(".cfa", ".pek"),
    ),
    CacheRule(
        host="Adobe Premiere Pro", what="video previews", folder="Adobe Premiere Pro Video Previews"
    ),
    CacheRule(
        host="Adobe Premiere Pro", what="audio previews", folder="Adobe Premiere Pro Audio Previews"
    ),
    # Avid: rendered effects are "precompute" master clips whose media sit among the
    # other media files; only a folder that says so is recognised by name.
    CacheRule(host="Avid Media Composer", what="precompute (render) files", folder="Precomputes"),
    CacheRule(host="Avid Media Composer", what="precompute (render) files", folder="Precompute"),
    # Nuke: the disk cache (NUKE_DISK_CACHE; DiskCache nodes and the viewer) and the
    # localization folder of copied-in network media.
    CacheRule(host="Nuke", what="viewer disk cache", folder="ViewerCache"),
    CacheRule(host="Nuke", what="localized copies of network media", folder="localize"),
    CacheRule(host="Nuke", what="disk cache", folder="nuke_disk_cache"),
    # Houdini: simulation and geometry caches written as per-frame bgeo files.
    CacheRule(
        host="Houdini",
        what="geometry/simulation cache",
        suffixes=(".bgeo", ".bgeo.sc", ".bgeo.gz", ".bgeo.lzma", ".sim", ".simdata"),
        risk=Risk.REVIEW,  # made again only by re-simulating: hours of farm time
    ),
    # Blender: point caches in blendcache_<file name> beside the .blend, fluid caches
    # (cache_fluid), and movie proxies and timecode indexes in BL_proxy.
    CacheRule(
        host="Blender", what="physics point cache", folder_prefix="blendcache_", risk=Risk.REVIEW
    ),
    CacheRule(host="Blender", what="fluid cache", folder_prefix="cache_fluid", risk=Risk.REVIEW),
    CacheRule(host="Blender", what="movie proxies and timecode indexes", folder="BL_proxy"),
]


class CacheHit(msgspec.Struct, kw_only=True, frozen=True):
    rule: CacheRule
    folder: str
    """The cache folder (the group an action covers), or the file's folder."""


_BY_FOLDER: dict[str, list[CacheRule]] = {}
_BY_PREFIX = [r for r in RULES if r.folder_prefix is not None]
_ANYWHERE = [r for r in RULES if r.folder is None and r.folder_prefix is None]
for _rule in RULES:
    if _rule.folder is not None:
        _BY_FOLDER.setdefault(_rule.folder.lower(), []).append(_rule)


def host_cache(path: str, root: str) -> CacheHit | None:
    """The host cache `path` belongs to, looking only at the part of the path below
    `root` (a root named `CacheClip` says nothing about its contents). Called for every
    cataloged file, so folder names are looked up, not matched rule by rule."""
    base = root.rstrip(os.sep) + os.sep
    if not path.startswith(base):
        return None
    parts = path[len(base) :].split(os.sep)
    folders, name = parts[:-1], parts[-1].lower()
    for depth, folder in enumerate(folders):
        lowered = folder.lower()
        candidates = _BY_FOLDER.get(lowered, [])
        if lowered.startswith(("blendcache_", "cache_fluid")):
            candidates = candidates + _BY_PREFIX
        for rule in candidates:
            if _folder_matches(rule, folder) and _suffix_matches(rule, name):
                return CacheHit(rule=rule, folder=base + os.sep.join(folders[: depth + 1]))
    for rule in _ANYWHERE:
        if _suffix_matches(rule, name):
            return CacheHit(rule=rule, folder=os.path.dirname(path))
    return None


def _folder_matches(rule: CacheRule, folder: str) -> bool:
    folder = folder.lower()
    if rule.folder is not None:
        return folder == rule.folder.lower()
    if rule.folder_prefix is not None:
        return folder.startswith(rule.folder_prefix.lower())
    return False


def _suffix_matches(rule: CacheRule, name: str) -> bool:
    if not rule.suffixes:
        return True
    # A sequence's pattern ends in `.####.bgeo.sc`; a frame in `.0001.bgeo.sc`.
    return any(name.endswith(s) for s in rule.suffixes)
