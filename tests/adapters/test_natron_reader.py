"""Natron projects read as XML without Natron: every real .ntp in realworld lists exactly
the file knobs its XML holds, with `[Project]` expanded, and a production keeps the
frames a project reads."""

from __future__ import annotations

import re
from pathlib import Path

from native_kit import keeps_media

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget

_FILE_KNOB = re.compile(
    r"<Type>(?:InputFile|OutputFile|File)</Type>.*?<Value>([^<]*)</Value>", re.S
)


def test_every_real_project_lists_exactly_its_file_knobs(realworld: Path):
    projects = sorted((realworld / "projects" / "natron").glob("*.ntp"))
    assert len(projects) == 2
    for path in projects:
        project = read_project(path)
        assert project.kind == "natron" and project.errors == [], (path, project.errors)
        raw = _FILE_KNOB.findall(path.read_text(encoding="utf-8"))
        written = [r.note.removeprefix("written as ") for r in project.references]
        assert sorted(written) == sorted(raw), path
        assert all(r.target is ReferenceTarget.SEQUENCE for r in project.references)


def test_project_paths_expand_relative_to_the_project_or_as_defined(realworld: Path):
    simple = read_project(realworld / "projects/natron/scene.ntp")
    here = (realworld / "projects/natron").absolute()
    assert [(r.role, r.path) for r in simple.references] == [
        ("write", f"{here}/render/img.####.jpg")
    ]
    complex_ = read_project(realworld / "projects/natron/scene_complex.ntp")
    reads = {(r.name, r.path, r.frames) for r in complex_.references if r.role == "read"}
    assert reads == {
        ("Read1", "/cgru/examples/natron/render/back.####.exr", (1, 11)),
        ("Read1_1", "/cgru/examples/natron/render/front.####.exr", (1, 10)),
    }


def test_a_production_keeps_the_frames_a_real_project_reads(realworld: Path, tmp_path: Path):
    kept = keeps_media(
        [realworld / "projects/natron/scene_complex.ntp"], tmp_path,
        {"/cgru/examples/natron": "."},
    )  # fmt: skip
    names = {Path(p).name for p in kept.written}
    assert {"back.0001.exr", "front.0001.exr", "final.0001.jpg"} <= names
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert kept.report.uncertain == []
