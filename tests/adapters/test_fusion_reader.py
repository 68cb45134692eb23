"""Fusion comps parsed as Lua tables, never run: the real comp in realworld lists what
Fusion's own OutputClips says it renders, Loaders give their clips' frame ranges, a comp
that would call code is refused, and a production keeps a comp's renders."""

from __future__ import annotations

import re
from pathlib import Path

from native_kit import keeps_media

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget

_OUTPUT_CLIPS = re.compile(r"OutputClips = \{(.*?)\}", re.S)


def test_the_real_comp_lists_the_outputs_fusion_recorded(realworld: Path):
    path = realworld / "projects/fusion/Composition1.comp"
    project = read_project(path)
    assert project.kind == "fusion" and project.errors == []
    text = path.read_text(encoding="utf-8", errors="replace")
    recorded = re.findall(r'"((?:[^"\\]|\\.)*)"', _OUTPUT_CLIPS.search(text).group(1))
    recorded = [r.replace("\\\\", "\\") for r in recorded]
    writes = [r for r in project.references if r.role == "write"]
    assert [r.note.removeprefix("written as ") for r in writes] == recorded
    assert [(r.target, r.path, r.frames) for r in writes] == [
        (ReferenceTarget.SEQUENCE, "C:\\cgru\\examples\\Fusion\\render\\img.####.jpg", (1, 10))
    ]


COMP = r"""Composition {
	RenderRange = { 1001, 1010, },
	Tools = ordered() {
		Plate = Loader {
			Clips = {
				Clip {
					ID = "Clip1",
					Filename = "Comp:\\plates\\sh010.1001.exr",
					StartFrame = 1001,
					TrimIn = 2,
					TrimOut = 7,
				},
				Clip { ID = "Clip2", Filename = "/show/elements/smoke.exr", },
			},
		},
		Grain = Loader {
			Clips = {
				Clip {
					Filename = "Shots:sh010/grain.0001.exr",
					StartFrame = 1, TrimIn = 0, TrimOut = 9,
				},
			},
		},
		Out = Saver {
			CustomData = { Settings = { [1] = { Tools = ordered() { Out = Saver {
				Inputs = { Clip = Input { Value = Clip { Filename = "/old/out.####.exr", }, }, },
			}, }, }, }, },
			Inputs = { Clip = Input { Value = Clip { Filename = "/show/comp/out.####.exr", }, }, },
		},
	},
}
"""


def test_loaders_clips_savers_outputs_and_path_maps(tmp_path: Path):
    comp = tmp_path / "sh010.comp"
    comp.write_text(COMP)
    refs = [(r.name, r.target, r.path, r.frames, r.role) for r in read_project(comp).references]
    assert refs == [
        (
            "Plate",
            ReferenceTarget.SEQUENCE,
            str(tmp_path / "plates/sh010.####.exr"),
            (1003, 1008),
            "read",
        ),
        ("Plate", ReferenceTarget.FILE, "/show/elements/smoke.exr", None, "read"),
        ("Grain", ReferenceTarget.UNRESOLVABLE, "Shots:sh010/grain.####.exr", (1, 10), "read"),
        ("Out", ReferenceTarget.SEQUENCE, "/show/comp/out.####.exr", (1001, 1010), "write"),
    ]


def test_a_comp_that_would_call_code_is_refused_and_nothing_runs(tmp_path: Path):
    marker = tmp_path / "ran"
    comp = tmp_path / "evil.comp"
    call = f'os.execute("touch {marker}")'
    comp.write_text(f"Composition {{ Tools = {{ X = Loader {{ Clips = {{ {call} }} }} }} }}")
    project = read_project(comp)
    assert project.references == [] and str(comp) in project.errors[0]
    assert not marker.exists()


def test_a_production_keeps_the_real_comps_renders(realworld: Path, tmp_path: Path):
    kept = keeps_media(
        [realworld / "projects/fusion/Composition1.comp"],
        tmp_path,
        {"C:/cgru/examples/Fusion": "."},
    )
    assert {Path(p).name for p in kept.written} == {"img.0001.jpg", "img.0002.jpg"}
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert kept.report.uncertain == []
