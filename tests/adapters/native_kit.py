"""A small production around one real project file: the project copied under a root, a
tiny real media file written wherever the project names one (through a path map for
paths written on another machine), one file nobody names, then a scan and the orphan
search. What the project names must be kept; only the unnamed file is an orphan."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.demo.avid import managed_mxf, write_avid_bin  # noqa: F401 (re-exported)
from mediaopt.engine.model import OrphanReport, ReferenceTarget
from mediaopt.engine.production.analysis import find_orphans
from mediaopt.engine.production.readers import read_project
from mediaopt.engine.refs.pathmap import PathMap

OLD = 1_500_000_000  # 2017: far outside any grace period
_MOVIES = {".mov", ".mp4", ".mxf", ".avi", ".m4v", ".mkv", ".r3d"}
_IMAGES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".tga": "TGA", ".tif": "TIFF"}
_IMAGES |= {".tiff": "TIFF", ".exr": None, ".dds": None}
_AUDIO = {".wav", ".mp3", ".aif", ".aiff"}


@dataclass
class Kept:
    report: OrphanReport
    written: set[str]
    """Media files written where the project names them."""
    unused: str


def write_media(path: str, frames: tuple[int, int] | None = None) -> list[str]:
    """A tiny real file where a project expects one (a few frames for a `#` pattern)."""
    if "#" in path or "<UDIM>" in path:
        first = frames[0] if frames else 1
        numbers = range(first, first + 2) if "#" in path else [1001, 1002]
        pattern = path.replace("<UDIM>", "####")
        ext = os.path.splitext(pattern)[1].lower()
        writer = media.write_image_oiio if ext in (".exr", ".dds") else _pillow
        return [str(p) for p in media.write_sequence(pattern, numbers, writer=writer)]
    ext = os.path.splitext(path)[1].lower()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if ext in _MOVIES:
        media.write_movie(
            path, codec="mpeg4", pix_fmt="yuv420p", width=32, height=18, frames=2,
            container_format="mov",
        )  # fmt: skip
    elif ext in _IMAGES and _IMAGES[ext]:
        media.write_image_pillow(path, width=16, height=16, format=_IMAGES[ext])
    elif ext in _IMAGES:
        media.write_image_oiio(path, width=16, height=16)
    elif ext in _AUDIO:
        media.write_audio(
            path, codec="pcm_s16le", layout="mono", seconds=0.02, container_format="wav"
        )
    else:  # PSD, AI, PICT, caches: a file the scan catalogs by name
        Path(path).write_bytes(b"\0" * 64)
    return [path]


def _pillow(path: str, index: int = 0, **_) -> Path:
    return media.write_image_pillow(path, width=16, height=16, index=index)


def keeps_media(
    projects: list[Path],
    tmp: Path,
    rules: dict[str, str] | None = None,
    *,
    beside: list[Path] = (),
    limit: int | None = None,
) -> Kept:
    """Copy `projects` (and the `beside` files or folders) into a root, write the media
    they name (at most `limit` files), one unnamed movie, scan and search for orphans."""
    root = tmp / "root"
    root.mkdir()
    copies = []
    for project in projects:
        copies.append(str(root / project.name))
        shutil.copy(project, root / project.name)
    for item in beside:
        (shutil.copytree if item.is_dir() else shutil.copy)(item, root / item.name)
    maps = [f"{written}={root / local}" for written, local in (rules or {}).items()]
    path_map = PathMap.parse(maps)
    written: set[str] = set()
    for copy in copies:
        read = read_project(copy)
        for ref in read.references:
            if ref.path is None or ref.target is ReferenceTarget.UNRESOLVABLE:
                continue
            local = path_map.local_paths(ref.path, os.path.dirname(copy))
            assert local and local[0].startswith(str(root)), (ref.path, local)
            if local[0] in written or os.path.exists(local[0]):
                continue
            if limit is not None and len(written) >= limit:
                break
            written.update(write_media(local[0], ref.frames))
    unused = root / "unused" / "nobody.mov"
    write_media(str(unused))
    report = search(root, tmp, path_map, active=copies)
    return Kept(report=report, written=written, unused=str(unused))


def search(root: Path, tmp: Path, path_map: PathMap, active: list[str] = ()) -> OrphanReport:
    """Age every file under `root` but the `active` projects past the grace period,
    scan, and search for orphans."""
    for dirpath, _, names in os.walk(root):
        for name in names:
            if os.path.join(dirpath, name) not in active:
                os.utime(os.path.join(dirpath, name), (OLD, OLD))
    with Catalog(tmp / "catalog.sqlite") as catalog:
        api.scan([str(root)], catalog, workers=0)
        return find_orphans(catalog, [str(root)], path_map=path_map)
