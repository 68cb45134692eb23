"""Avid Media Composer bins (.avb) -> Project, through pyavb, without Media Composer.

A bin holds mobs: composition mobs (sequences) use master mobs over ranges; a master mob
points at file source mobs, whose descriptor locates the media: a file locator (a path,
for linked or imported files) or an MSMLocator (Avid-managed media: only the file mob's
ID and the volume it was last on). A file mob in turn points at the import source mob it
was made from, whose locator is the original file's path.

Managed media lives in `Avid MediaFiles/MXF/<n>/*.mxf`, named by nothing in the bin but
the package ID; each MXF states that ID in its header. So the `Avid MediaFiles/MXF`
folders where Media Composer looks (the root of every volume; here also the bin's folder
and those above it, and any listed in $MEDIAOPT_AVID_MEDIA) are indexed by the file
package IDs their MXF headers state, and an MSMLocator resolves to its file: what Media
Composer's Media Tool does inside Avid, done from outside.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import msgspec

from mediaopt.adapters.mxf_header import file_package_ids
from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import MAX_PROJECT_BYTES, TooLarge
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["MEDIA_ENV", "managed_media", "read_avid_bin"]

_MAX_DEPTH = 64  # effects nest a few levels; a deeper tree is a hostile or broken bin
MEDIA_ENV = "MEDIAOPT_AVID_MEDIA"
_SYSTEM_MOUNTS = ("/proc", "/sys", "/dev", "/run", "/boot", "/snap")
_index_cache: dict[tuple, dict[str, str]] = {}


@reader("avid_bin", ["avb"], preferred=True)
def read_avid_bin(path: Path) -> Project:
    """Master, source and composition mobs: the media files their locators name, the
    MXF files of Avid-managed media found by package ID, and the ranges sequences use."""
    import avb  # lazily: pyavb is only needed when a bin is read

    if path.stat().st_size > MAX_PROJECT_BYTES:
        raise TooLarge(f"{path} is larger than {MAX_PROJECT_BYTES:,} bytes")
    project = Project(path=str(path), kind="avid_bin", name=path.stem)
    with avb.open(str(path)) as bin_file:
        content = bin_file.content
        mobs = {str(m.mob_id): m for m in content.mobs}
        managed = managed_media(path.absolute().parent)
        _Bin(project, mobs, managed).read()
    return project


def managed_media(folder: Path) -> dict[str, str]:
    """Package URN -> MXF path, for every `Avid MediaFiles/MXF/<n>/*.mxf` where Media
    Composer would look: at `folder` and the folders above it, at the top of every mounted
    volume (Avid keeps its projects on one drive and its media on others), and in the
    folders `$MEDIAOPT_AVID_MEDIA` lists (os.pathsep-separated; each an `Avid MediaFiles`
    folder or the folder holding one)."""
    found: dict[str, str] = {}
    for place in _places(folder):
        mxf = (
            place / "MXF" if place.name == "Avid MediaFiles" else place / "Avid MediaFiles" / "MXF"
        )
        try:
            if not mxf.is_dir():
                continue
            for urn, file in _index(mxf).items():
                found.setdefault(urn, file)
        except OSError:
            continue  # an unreachable volume: its media stays unnamed, never wrongly named
    return found


def _places(folder: Path) -> list[Path]:
    listed = [p for p in os.environ.get(MEDIA_ENV, "").split(os.pathsep) if p]
    places = [folder, *folder.parents, *map(Path, listed), *_volume_roots()]
    return list(dict.fromkeys(places))


def _volume_roots() -> list[Path]:
    """Mount points (Linux /proc/mounts, macOS /Volumes, Windows drive letters)."""
    roots: list[Path] = []
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as mounts:
            for line in mounts:
                point = line.split(" ")[1].replace("\\040", " ") if " " in line else ""
                if point.startswith("/") and not point.startswith(_SYSTEM_MOUNTS):
                    roots.append(Path(point))
    except OSError:
        pass
    volumes = Path("/Volumes")
    if volumes.is_dir():
        roots += [p for p in volumes.iterdir() if p.is_dir()]
    if os.name == "nt":
        roots += [Path(f"{d}:\\") for d in "CDEFGHIJKLMNOPQRSTUVWXYZ" if Path(f"{d}:\\").exists()]
    return roots


def _index(mxf: Path) -> dict[str, str]:
    """Package URN -> file for one `Avid MediaFiles/MXF` folder, cached while none of its
    numbered folders changes (a new file changes its folder's mtime)."""
    numbered = sorted(p for p in mxf.iterdir() if p.is_dir())
    key = (str(mxf), tuple((p.name, p.stat().st_mtime_ns) for p in numbered))
    if key in _index_cache:
        return _index_cache[key]
    index: dict[str, str] = {}
    for folder in numbered:
        for file in sorted(folder.iterdir()):
            if file.suffix.lower() != ".mxf" or not file.is_file():
                continue
            try:
                for urn in file_package_ids(file):
                    index.setdefault(urn, str(file))
            except (OSError, ValueError):
                continue  # not MXF, unreadable: it stays unnamed, never wrongly named
    _index_cache[key] = index
    return index


class _Bin:
    def __init__(self, project: Project, mobs: dict, managed: dict[str, str]):
        self.project, self.mobs, self.managed = project, mobs, managed
        self.used: set[str] = set()
        self.missing: set[str] = set()
        self.urls = 0

    def read(self) -> None:
        refs = self.project.references
        for mob in self.mobs.values():
            if mob.mob_type == "CompositionMob":
                refs.extend(self._composition(mob))
        for mob_id, mob in self.mobs.items():
            if mob.mob_type == "MasterMob" and mob_id not in self.used:
                for ref in self._master(mob, location="bin", range_=None):
                    refs.append(_with(ref, note="not used by any sequence in this bin"))
        refs.extend(self._loose_source_mobs())
        if self.urls:
            self.project.notes.append(
                f"{self.urls} URL locators were not read (pyavb does not decode their URL)"
            )
        if self.missing:
            self.project.notes.append(
                f"{len(self.missing)} Avid-managed media files were not found by package ID "
                "under an `Avid MediaFiles/MXF` folder at or above the bin, at the top of a "
                f"mounted volume or in ${MEDIA_ENV}"
            )

    def _composition(self, mob) -> Iterator[Reference]:
        for track in mob.tracks:
            number = 0
            for clip in _source_clips(track.component, 0):
                master = self.mobs.get(str(clip.mob_id))
                if master is None or master.mob_type != "MasterMob":
                    continue
                number += 1
                self.used.add(str(clip.mob_id))
                where = f'sequence "{mob.name}" track {_track_label(track)} clip {number}'
                yield from self._master(master, where, _seconds(clip))

    def _master(self, master, location: str, range_) -> Iterator[Reference]:
        for track in master.tracks:
            for clip in _source_clips(track.component, 0):
                file_mob = self.mobs.get(str(clip.mob_id))
                if file_mob is not None and file_mob.mob_type == "SourceMob":
                    yield from self._file_mob(file_mob, master.name, location, range_)

    def _file_mob(self, mob, clip_name, location, range_) -> Iterator[Reference]:
        common = {"name": clip_name, "location": location, "source_range": range_}
        for locator in _locators(mob.descriptor):
            kind = type(locator).__name__
            if kind == "MSMLocator":
                urn = str(getattr(locator, "mob_id", None) or mob.mob_id)
                yield self._managed(urn, locator, common)
            elif kind == "URLLocator":
                # pyavb reads no URL out of it: the file it names stays unknown.
                self.urls += 1
            else:
                path = _locator_path(locator)
                if path:
                    yield Reference(target=ReferenceTarget.FILE, path=path, owner=kind, **common)
        for track in mob.tracks:
            for clip in _source_clips(track.component, 0):
                origin = self.mobs.get(str(clip.mob_id))
                if origin is None or origin is mob:
                    continue
                for locator in _locators(getattr(origin, "descriptor", None)):
                    path = _locator_path(locator)
                    if path:
                        yield Reference(
                            target=ReferenceTarget.FILE,
                            path=path,
                            role="source",
                            owner=type(locator).__name__,
                            note=f"the media of {mob.name!r} was made from this file",
                            name=clip_name,
                            location=location,
                        )

    def _managed(self, urn: str, locator, common: dict) -> Reference:
        mxf = self.managed.get(urn)
        if mxf:
            return Reference(
                target=ReferenceTarget.FILE, path=mxf, owner="MSMLocator",
                note=f"Avid-managed media, package {urn}", **common,
            )  # fmt: skip
        self.missing.add(urn)
        volume = getattr(locator, "last_known_volume_utf8", None) or getattr(
            locator, "last_known_volume", None
        )
        where = f", last on volume {volume!r}" if volume else ""
        return Reference(
            target=ReferenceTarget.MISSING, owner="MSMLocator",
            note=f"Avid-managed media, package {urn}{where}: no MXF with that package ID found",
            **common,
        )  # fmt: skip

    def _loose_source_mobs(self) -> Iterator[Reference]:
        """Locators of source mobs no master reaches (a bin of file mobs only)."""
        reached: set[str] = set()
        for mob in self.mobs.values():
            if mob.mob_type != "SourceMob":
                for track in mob.tracks:
                    for clip in _source_clips(track.component, 0):
                        reached.add(str(clip.mob_id))
                        target = self.mobs.get(str(clip.mob_id))
                        for inner in getattr(target, "tracks", None) or []:
                            reached.update(str(c.mob_id) for c in _source_clips(inner.component, 0))
        for mob_id, mob in self.mobs.items():
            if mob.mob_type == "SourceMob" and mob_id not in reached:
                for ref in self._file_mob(mob, mob.name, "bin", None):
                    yield _with(ref, note="a source mob no clip in this bin uses")


def _source_clips(component, depth: int) -> Iterator:
    """Every SourceClip under a component: sequences, effects' input tracks, nests."""
    if component is None or depth > _MAX_DEPTH:
        return
    if type(component).__name__ == "SourceClip":
        if getattr(component, "mob_id", None) is not None:
            yield component
        return
    for child in getattr(component, "components", None) or []:
        yield from _source_clips(child, depth + 1)
    for track in _tracks(component):
        yield from _source_clips(getattr(track, "component", None), depth + 1)


def _track_label(track) -> str:
    kind = getattr(getattr(track, "component", None), "media_kind", None)
    prefix = {"picture": "V", "sound": "A"}.get(kind, f"{kind} " if kind else "")
    return f"{prefix}{track.index}"


def _tracks(component) -> list:
    try:
        return list(component.tracks or [])
    except (AttributeError, KeyError):
        return []


def _locators(descriptor) -> list:
    if descriptor is None:
        return []
    found = []
    for inner in getattr(descriptor, "descriptors", None) or []:  # a MultiDescriptor
        found += _locators(inner)
    try:
        locator = descriptor.locator
    except (AttributeError, KeyError):
        return found
    return found + (locator if isinstance(locator, list) else [locator] if locator else [])


def _locator_path(locator) -> str | None:
    for attr in ("path_utf8", "path_posix", "path"):
        try:
            value = getattr(locator, attr)
        except (AttributeError, KeyError):
            continue
        if value:
            return os.fspath(value)
    return None


def _seconds(clip) -> tuple[float, float] | None:
    try:
        rate = float(clip.edit_rate)
        return (clip.start_time / rate, clip.length / rate) if rate > 0 else None
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _with(ref: Reference, note: str) -> Reference:
    return msgspec.structs.replace(ref, note="; ".join(n for n in (ref.note, note) if n))
