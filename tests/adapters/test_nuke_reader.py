"""Nuke scripts parsed as text: one written here, and every script Nuke saved in realworld."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget

SCRIPT = r"""#! /usr/local/Nuke14.0v6/libnuke-14.0.6.so -nx
#write_info Write1 file:"/out/comp.%04d.exr" format:"1920 1080 1" framerange:"1001 1010"
version 14.0 v6
Root {
 inputs 0
 name /show/sh010/comp.nk
 first_frame 1001
 last_frame 1010
 views "left #ff0000
right #00ff00"
}
Read {
 inputs 0
 file "\[file dirname \[value root.name]]/plates/plate v1.%04d.exr"
 proxy /show/sh010/proxy/plate.$F4.jpg
 first 1001
 last 1050
 name Read1
}
Group {
 name Group1
}
 Read {
  inputs 0
  file "\[python nuke.script_directory()]/bg.exr"
  name Read2
 }
end_group
DeepRead {
 file /show/deep/deep.####.exr
 name DeepRead1
}
Read {
 file /show/stereo/eye_%V.%04d.exr
 name ReadStereo
 first 1
 last 5
}
set C1 [stack 0]
clone $C1 {
 xpos 10
}
Write {
 file /out/comp.%04d.exr
 file_type exr
 datatype "16 bit half"
 compression Zip
 name Write1
}
RotoPaint {
 curves {{{v x3f99999a}
  {f 0}
  {n
   {layer Root
    {f 2097152}
clone {
 file /not/a/node.exr
}
   }}}}
 name RotoPaint1
}
"""


def test_written_script_yields_every_file_knob_with_range_role_and_line(tmp_path: Path):
    path = tmp_path / "sh010_comp.nk"
    path.write_text(SCRIPT)

    project = read_project(path)
    refs = {(r.name, r.role, r.path): r for r in project.references}

    assert project.kind == "nuke" and project.errors == []
    plate = refs[("Read1", "read", f"{tmp_path}/plates/plate v1.####.exr")]
    assert plate.target is ReferenceTarget.SEQUENCE and plate.frames == (1001, 1050)
    assert plate.location == "line 14"
    assert refs[("Read1", "proxy", "/show/sh010/proxy/plate.####.jpg")].frames == (1001, 1050)
    python = refs[("Group1.Read2", "read", "[python nuke.script_directory()]/bg.exr")]
    assert python.target is ReferenceTarget.UNRESOLVABLE and "Python" in python.note
    assert refs[("DeepRead1", "read", "/show/deep/deep.####.exr")].frames == (1, 1)
    assert ("ReadStereo", "read", "/show/stereo/eye_left.####.exr") in refs
    assert ("ReadStereo", "read", "/show/stereo/eye_right.####.exr") in refs
    assert ("clone of ReadStereo", "read", "/show/stereo/eye_left.####.exr") in refs
    write = refs[("Write1", "write", "/out/comp.####.exr")]
    assert write.frames == (1001, 1010)
    assert project.render_settings["Write1.datatype"] == "16 bit half"
    assert not any("/not/a/node.exr" in (r.path or "") for r in project.references)


def test_unbalanced_script_keeps_what_was_read_and_names_the_file(tmp_path: Path):
    path = tmp_path / "cut_short.nk"
    path.write_text("Read {\n file /a/b.exr\n name Read1\n}\nWrite {\n file /c.exr\n")

    project = read_project(path)

    assert [r.path for r in project.references] == ["/a/b.exr"]
    assert project.errors and project.errors[0].startswith(str(path))


# What each realworld script was saved with, read off the files themselves.
EXPECTED = {
    "dependencies.nk": {
        ("Read1", "/tmp/test.####.tif", (3, 10)),
        ("Read1", "/tmp/testProxy.####.tif", (3, 10)),
        ("ScannedGrain1", "/film/grain/scans/AreDependenciesToo.####.tif", (2, 75)),
        ("Group1.Read2", "/tmp/filesInAGroupMustBeDetected.#.exr", (1, 1)),
        ("Read2", "/tmp/testNoPadding.#.tif", (-100, 1000)),
        ("Read3", "/tmp/testNoFrameNumber.tif", (1, 1)),
        ("Write1", "/tmp/writesShouldNotBeConsideredADependency.tif", (1, 101)),
        ("ReadGeo2", "/tmp/test/geoNoAnimation.obj", None),
        ("ReadGeo1", "/tmp/animatedGeo.####.obj", (1, 101)),
    },
    "planar.nk": {("Read11", "/Volumes/RAID/REDACTED/REDACTED.R3D", (0, 946))},
    "tracker4_with_empty_tracks_knob.nk": {("Read1", "Q:/linear_T1__v001.####.exr", (1001, 1217))},
    "dependenciesWithSpaces.nk": {
        ("Read1", "/tmp/thisFileHas Some SpacesToo.####.exr", (1, 10)),
        ("Read2", "/tmp/thisFileHas Some Spaces.####.exr", (1, 10)),
        ("Write1", "/tmp/blurred.####.exr", (1, 100)),
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_realworld_script_yields_exactly_its_file_knobs(realworld: Path, name: str):
    project = read_project(realworld / "projects/nk" / name)
    assert project.errors == []
    assert {(r.name, r.path, r.frames) for r in project.references} == EXPECTED[name]


def test_every_realworld_script_finds_each_node_with_a_file_knob(realworld: Path):
    for path in sorted((realworld / "projects/nk").glob("*.nk")):
        text = path.read_text(errors="replace")
        # Independent count: lines that set a non-empty file knob.
        lines = [
            n + 1
            for n, line in enumerate(text.splitlines())
            if line.strip().startswith("file ") and line.strip() != 'file ""'
        ]
        project = read_project(path)
        assert project.errors == [], path
        found = {int(r.location.split()[1]) for r in project.references if r.role != "proxy"}
        assert set(lines) <= found, (path, sorted(set(lines) - found))


def test_tcl_relative_to_the_script_resolves_from_where_the_script_is(realworld: Path):
    project = read_project(realworld / "projects/nk/sample.nk")
    (ref,) = project.references
    assert ref.path == f"{(realworld / 'projects/nk').absolute()}/Source.jpg"
    assert "written as [file dirname [value root.name]]/Source.jpg" in ref.note
