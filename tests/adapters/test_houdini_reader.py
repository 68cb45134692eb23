"""Houdini scenes read without Houdini: every real .hip in realworld lists exactly the
`$HIP/...` file parameters its .parm entries hold, expands the plain variables, leaves
what needs evaluating unresolvable, and a production keeps what a scene reads."""

from __future__ import annotations

import re
from pathlib import Path

from native_kit import keeps_media

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget

# A parameter line with one value that starts with $HIP/, in the raw bytes of the file.
_HIP_PARM = re.compile(rb"^\w+\t\[[^\]\n]*\]\t\(\t(\$HIP/[^\t\n]*)\t\)$", re.M)
_FILE_NAME = re.compile(r"\.(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,8}$")


def _written(ref) -> str:
    return ref.note.split("; ")[0].removeprefix("written as ") if ref.note else ref.path


def test_every_real_scene_lists_the_hip_file_parameters_of_its_nodes(realworld: Path):
    scenes = sorted((realworld / "projects" / "houdini").glob("*.hip"))
    assert len(scenes) == 3
    for path in scenes:
        project = read_project(path)
        assert project.kind == "houdini" and project.errors == [], (path, project.errors)
        raw = {re.sub(r"\\(.)", r"\1", v.decode()) for v in _HIP_PARM.findall(path.read_bytes())}
        files = {v for v in raw if _FILE_NAME.search(v.split("`")[-1]) or v.endswith("`")}
        assert {_written(r) for r in project.references} == files, path
        for ref in project.references:
            if ref.target is ReferenceTarget.UNRESOLVABLE:
                assert "`" in ref.path or "$SF" in ref.path or "$SHAPETYPENUM" in ref.path
            else:
                assert ref.path.startswith(str(path.parent.absolute()) + "/")
                assert "$" not in ref.path


def test_rop_outputs_are_writes_with_their_frame_range(realworld: Path):
    project = read_project(realworld / "projects/houdini/scene.hip")
    exr = [r for r in project.references if r.location == "/out/mantra_exr vm_picture"]
    assert [(r.role, r.target, r.frames) for r in exr] == [
        ("write", ReferenceTarget.SEQUENCE, (1, 240))
    ]
    assert exr[0].path == str((realworld / "projects/houdini/render/image.####.exr").absolute())
    reads = [r for r in project.references if r.location == "/img/comp1/image_F4_exr filename"]
    assert [(r.role, r.path) for r in reads] == [("read", exr[0].path)]


def test_a_production_keeps_the_files_a_real_scene_reads_and_writes(
    realworld: Path, tmp_path: Path
):
    kept = keeps_media([realworld / "projects/houdini/start.hip"], tmp_path)
    assert {Path(p).name for p in kept.written} == {"fog.geo", "test.ifd", "dcm.rat", "mySphere.3b"}
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert kept.report.uncertain == []


def test_a_truncated_scene_keeps_what_was_read_and_says_where_it_stopped(
    realworld: Path, tmp_path: Path
):
    whole = (realworld / "projects/houdini/scene.hip").read_bytes()
    cut = tmp_path / "cut.hip"
    cut.write_bytes(whole[: len(whole) // 2])
    project = read_project(cut)
    assert (
        project.errors and str(cut) in project.errors[0] and "read up to there" in project.errors[0]
    )
    assert (
        0
        < len(project.references)
        < len(read_project(realworld / "projects/houdini/scene.hip").references)
    )


def test_a_scrambled_apprentice_scene_is_recognised_and_in_doubt(tmp_path: Path):
    scene = tmp_path / "learning.hipnc"
    scene.write_bytes(b"HouNC\x1a" + bytes(range(256)) * 4)
    project = read_project(scene)
    assert project.kind == "houdini" and project.references == []
    assert str(scene) in project.errors[0] and "Apprentice" in project.errors[0]
