"""Reference resolution against the fixture production's catalog, in every spelling a
project might use."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mediaopt.engine.model import Reference, ReferenceTarget
from mediaopt.engine.refs.pathmap import PathMap, normalise
from mediaopt.engine.refs.resolve import resolve

FILE, SEQ, MISSING = ReferenceTarget.FILE, ReferenceTarget.SEQUENCE, ReferenceTarget.MISSING


def _resolve(production, reference: Reference, maps: list[str] | None = None, project=None):
    project = project or os.path.join(production.root, "show", "edit", "cut.otio")
    return resolve(reference, project, production.index, PathMap.parse(maps or []))


def _camera(production, name: str = "A001C003.mov") -> str:
    return os.path.join(production.root, "show", "camera", name)


@pytest.mark.parametrize(
    "spelling",
    [
        "{root}/show/camera/A001C003.mov",
        "file://{root}/show/camera/A001C003.mov",
        "file://localhost{root}/show/camera/A001C003.mov",
        "../camera/A001C003.mov",
        "./../camera/./A001C003.mov",
        "..\\camera\\A001C003.mov",
    ],
)
def test_a_local_file_resolves_in_every_spelling(production, spelling):
    found = _resolve(production, Reference(target=FILE, path=spelling.format(root=production.root)))
    assert found.assets == [_camera(production)]


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("/Volumes/Projects/show/camera/A001C003.mov", "/Volumes/Projects={root}"),
        ("/volumes/projects/SHOW/camera/a001c003.MOV", "/Volumes/Projects={root}"),
        ("file:///Volumes/Projects/show/camera/A001C003.mov", "/Volumes/Projects={root}"),
        ("P:\\show\\camera\\A001C003.mov", "P:/={root}"),
        ("file:///P:/show/camera/A001C003.mov", "P:\\={root}"),
        ("\\\\fileserver\\projects\\show\\camera\\A001C003.mov", "//fileserver/projects={root}"),
        ("file://FileServer/Projects/show/camera/A001C003.mov", "//fileserver/projects={root}"),
    ],
)
def test_a_path_written_on_another_os_resolves_through_the_map(production, written, rule):
    reference = Reference(target=FILE, path=written)
    assert not _resolve(production, reference).resolved
    found = _resolve(production, reference, [rule.format(root=production.root)])
    assert found.assets == [_camera(production)]


def test_percent_encoded_spaces_resolve(production):
    written = "file:///Volumes/Projects/show/sound/scene%2012%20take%204.wav"
    found = _resolve(
        production, Reference(target=FILE, path=written), [f"/Volumes/Projects={production.root}"]
    )
    assert found.assets == [os.path.join(production.root, "show", "sound", "scene 12 take 4.wav")]


@pytest.mark.parametrize(
    "pattern", ["sh010_plate.####.exr", "sh010_plate.%04d.exr", "sh010_plate.$F4.exr"]
)
def test_a_sequence_reference_resolves_to_the_sequence_covering_its_frames(production, pattern):
    plates = os.path.join(production.root, "show", "vfx", "sh010", "plates")
    used = Reference(target=SEQ, path=os.path.join(plates, pattern), frames=(1004, 1006))
    found = _resolve(production, used)
    assert found.assets == [os.path.join(plates, "sh010_plate.####.exr")]
    outside = Reference(target=SEQ, path=os.path.join(plates, pattern), frames=(2001, 2010))
    assert not _resolve(production, outside).resolved


def test_a_single_frame_reference_resolves_to_its_sequence(production):
    plates = os.path.join(production.root, "show", "vfx", "sh010", "plates")
    found = _resolve(production, Reference(target=FILE, path=f"{plates}/sh010_plate.1003.exr"))
    assert found.assets == [os.path.join(plates, "sh010_plate.####.exr")]
    assert found.how == "frame"


def test_an_unresolved_reference_lists_same_name_and_same_reel_candidates(production):
    by_name = Reference(target=FILE, path="D:/lost/A003C001.mov")
    assert _resolve(production, by_name).candidates == [_camera(production, "A003C001.mov")]
    by_reel = Reference(target=MISSING, name="take", reel="A002C005", timecode="01:00:00:00")
    assert _resolve(production, by_reel).assets == [_camera(production, "A002C005.mov")]
    nothing = Reference(target=MISSING, name="Z999", reel="Z999")
    assert _resolve(production, nothing).candidates == []


def test_a_file_outside_the_catalog_that_exists_counts_as_resolved(production, tmp_path: Path):
    outside = tmp_path / "elsewhere.wav"
    outside.write_bytes(b"RIFF")
    found = _resolve(production, Reference(target=FILE, path=str(outside)))
    assert found.resolved and found.assets == []


def test_normalise_spells_every_os_one_way():
    assert normalise("file://host/share/a%20b.mov") == "//host/share/a b.mov"
    assert normalise("\\\\host\\share\\x.mov") == "//host/share/x.mov"
    assert normalise("C:\\show\\x.mov") == "C:/show/x.mov"
    assert normalise('"/Volumes/My Drive/x.mov"') == "/Volumes/My Drive/x.mov"


def test_a_blender_relative_path_resolves_beside_the_blend_file(production):
    scene = os.path.join(production.root, "show", "lookdev", "scene.blend")
    found = _resolve(
        production, Reference(target=FILE, path="//../camera/A001C003.mov"), project=scene
    )
    assert found.assets == [_camera(production)]
    # The same text in an edit is a file share, and stays unresolved without a map.
    assert not _resolve(
        production, Reference(target=FILE, path="//../camera/A001C003.mov")
    ).resolved
