"""Paths in AAFs and EDLs that other tools wrote (macOS volumes, Windows drives,
`file://HOST/share` URLs, percent-encoding) resolve once a map to a local tree is given,
and what they point at is never an orphan, with or without the map."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.production.analysis import find_orphans
from mediaopt.engine.production.readers import read_project
from mediaopt.engine.refs.index import CatalogIndex
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.resolve import resolve

PROJECTS = [
    "edl/nucoda_example.edl",  # S:\path\to\... frames of EXR sequences
    "aaf/composite.aaf",  # file:////animation/root/... and file:///C%3A/Avid%20MediaFiles
    "aaf/essence_group.aaf",  # file://VSD/Soul_Render_1/Avid%20MediaFiles/...
    "aaf/2997fps-DFTC.aaf",  # file:///Macintosh%20HD/Users/...
    "aaf/simple.aaf",  # /Users/joshm/Desktop/DemoClips/t-hawk (loop)-HD.mp4
]
RULES = {
    "S:/path/to": "s",
    "//animation/root": "animation",
    "C:/": "c",
    "//VSD": "vsd",
    "/Macintosh HD": "mac",
    "/Users/joshm": "users",
    "/reverb": "reverb",  # an Avid host name prefixing paths in simple/composite.aaf
}


def _write_media(path: str) -> None:
    """A tiny real file where the project expects one: EXR frames for a frame path, a
    movie for a movie name, else a WAV (the name is what resolution looks at)."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".exr":
        head, _, tail = path.rpartition(".")[0].rpartition(".")
        frames = range(int(tail), int(tail) + 3)
        media.write_sequence(f"{head}.{'#' * len(tail)}.exr", frames, width=16, height=16)
    elif ext in (".mov", ".mp4"):
        media.write_movie(path, codec="mpeg4", pix_fmt="yuv420p", width=32, height=18, frames=2)
    else:
        media.write_audio(
            path, codec="pcm_s16le", layout="mono", seconds=0.02, container_format="wav"
        )


@pytest.fixture(scope="module")
def mapped_tree(realworld: Path, tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("realworld-paths")
    tree = base / "tree"
    maps = [f"{written}={tree / local}" for written, local in RULES.items()]
    path_map = PathMap.parse(maps)
    projects = [str(realworld / "projects" / p) for p in PROJECTS]
    written: set[str] = set()
    for project in projects:
        read = read_project(project)
        assert not read.errors, read.errors
        for ref in read.references:
            if ref.path is None:
                continue  # a clip known only by name/reel: nothing to write for it
            local = path_map.local_paths(ref.path, None)
            assert local and local[0].startswith(str(tree)), ref.path
            if local[0] not in written:
                _write_media(local[0])
                written.add(local[0])
    old = 1_500_000_000  # 2017: far outside any grace period
    for dirpath, _, names in os.walk(tree):
        for name in names:
            os.utime(os.path.join(dirpath, name), (old, old))
    with Catalog(base / "catalog.sqlite") as catalog:
        api.scan([str(tree)], catalog, workers=0)
        index = CatalogIndex.from_catalog(catalog)
    return tree, maps, projects, index


def test_foreign_paths_in_aafs_and_edls_resolve_with_a_map(mapped_tree):
    tree, maps, projects, index = mapped_tree
    path_map = PathMap.parse(maps)
    for project in projects:
        for ref in read_project(project).references:
            if ref.path is None:
                continue  # known by clip name only: nothing a map can resolve
            found = resolve(ref, project, index, path_map)
            assert found.assets, (project, ref.path, found.tried)
            assert all(a.startswith(str(tree)) for a in found.assets)
            unmapped = resolve(ref, project, index, PathMap())
            assert not unmapped.resolved, (project, ref.path)


def test_media_they_reference_is_kept_with_the_map_and_uncertain_without(mapped_tree):
    tree, maps, projects, index = mapped_tree
    mapped = find_orphans(index, [str(tree)], projects=projects, path_map=PathMap.parse(maps))
    assert mapped.orphans == []
    # Clips the AAFs know only by name stay unresolved; every path they wrote resolves.
    assert [u for u in mapped.unresolved_references if u.reference.path] == []
    unmapped = find_orphans(index, [str(tree)], projects=projects)
    assert unmapped.orphans == []
    media_assets = {e.path for e in index.under([str(tree)]) if e.kind != "other"}
    assert {u.path for u in unmapped.uncertain} >= {
        p for p in media_assets if index.by_path[p].status != "error"
    }


def test_a_real_blender_scenes_image_sequence_is_kept(realworld: Path, tmp_path: Path):
    import shutil

    source = realworld / "projects" / "blend"
    root = tmp_path / "root"
    root.mkdir()
    scene = root / "image_sequencer.blend"
    shutil.copy(source / "image_sequencer.blend", scene)
    shutil.copytree(source / "imgseq", root / "imgseq")
    unused = media.write_image_pillow(root / "unused" / "matte.png", width=16, height=16)
    for dirpath, _, names in os.walk(root):
        for name in names:
            if not name.endswith(".blend"):  # the scene is being worked on: active
                os.utime(os.path.join(dirpath, name), (1_500_000_000, 1_500_000_000))
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        api.scan([str(root)], catalog, workers=0)
        report = find_orphans(catalog, [str(root)])
    assert [p.path for p in report.projects] == [str(scene)]
    assert [o.path for o in report.orphans] == [str(unused)]
    assert report.referenced == 1 and report.uncertain == []
    # The movie it names lies outside the tree on purpose, and the scene renders to
    # Blender's default /tmp/ output (a movie named by its frame range): both unresolved.
    missing = {u.reference.path for u in report.unresolved_references}
    assert missing == {"//../../../../cloud/pillar/testfiles/video-tiny.mkv", "/tmp/0001-0250.mkv"}
