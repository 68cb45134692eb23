"""Blender files read without Blender: BAT's test files and their folder tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget


@pytest.fixture(scope="module")
def blend(realworld: Path) -> Path:
    return realworld / "projects/blend"


def _refs(path: Path) -> dict[tuple[str, str], object]:
    project = read_project(path)
    assert project.errors == [], project.errors
    return {(r.owner, r.path): r for r in project.references}


@pytest.mark.parametrize(
    ("name", "owner", "written"),
    [
        ("alembic-user.blend", "cache file", "//clothsim.abc"),
        ("movieclip.blend", "movie clip", "//../../../../cloud/pillar/testfiles/video.mov"),
        ("with_font.blend", "font", "/usr/share/fonts/truetype/hack/Hack-Bold.ttf"),
        ("multires_external.blend", "mesh", "//Cube.btx"),
        ("meshcache-user.blend", "modifier", "//meshcache.mdd"),
        ("linked_cube.blend", "library", "//basic_file.blend"),
        ("image_sequencer.blend", "sound", "//../../../../cloud/pillar/testfiles/video-tiny.mkv"),
        ("udim/v01_UDIM_BAT_debugging.blend", "image", "//cube_UDIM.color.<UDIM>.png"),
        (
            "T55542-smoke/smoke_cache_vdb.blend",
            "modifier",
            "//blendcache_smoke_cache_vdb/536D6F6B6520446F6D61696E_*.vdb",
        ),
    ],
)
def test_blend_dependency_is_found_as_written(blend: Path, name: str, owner: str, written: str):
    assert (owner, written) in _refs(blend / name)


def test_image_sequence_is_a_sequence_resolved_against_the_blend_folder(blend: Path):
    refs = _refs(blend / "subdir/image_sequence_dir_up.blend")
    seq = refs[("sequencer strip", "//../imgseq/000210.png")]
    assert seq.target is ReferenceTarget.SEQUENCE
    assert f"resolves to {blend.resolve()}/imgseq/000210.png" in seq.note


def test_libraries_of_libraries_are_listed_with_the_file_that_links_them(blend: Path):
    refs = _refs(blend / "doubly_linked.blend")
    nested = refs[("library", "//basic_file.blend")]
    assert "linked_cube.blend" in nested.note
    assert ("library", "//material_textures.blend") in refs  # missing on purpose, still listed


def test_compressed_blend_files_are_read(blend: Path):
    for name in ("basic_file_compressed.blend", "basic_file_zstandard.blend"):
        project = read_project(blend / name)
        assert project.errors == []
        assert project.render_settings["Scene.format"] == "FFMPEG"


def test_render_output_path_and_format_come_from_the_scene(blend: Path):
    refs = _refs(blend / "T53562/bam_pack_bug.blend")
    output = refs[("scene", "//render\\render-####.png")]
    assert output.role == "write" and output.frames == (1, 100)
    assert output.target is ReferenceTarget.SEQUENCE


def test_corrupt_blend_gives_an_error_naming_the_file(blend: Path):
    path = blend / "corrupt_only_magic.blend"
    project = read_project(path)
    assert project.references == []
    assert project.errors[0].startswith(f"{path}: not a valid .blend file")
