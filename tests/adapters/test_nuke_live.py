"""The live Nuke adapter, driven by a fake of the `nuke` calls it makes, against the
offline .nk parser on the same scripts: the 15 real scripts Nuke saved, and one written
here with what only a live session can know."""

from __future__ import annotations

from pathlib import Path

import pytest
from nuke_fake import FakeNuke

from mediaopt.adapters.nuke import read_nuke
from mediaopt.adapters.nuke_live import read_nuke_live
from mediaopt.engine.model import ReferenceTarget


def facts(project) -> set[tuple]:
    return {(r.name, r.role, r.owner, r.path, r.target.value, r.frames) for r in project.references}


def real_scripts(realworld: Path) -> list[Path]:
    scripts = sorted((realworld / "projects/nk").glob("*.nk"))
    assert len(scripts) == 15
    return scripts


def test_every_real_script_reads_the_same_live_and_offline(realworld):
    for script in real_scripts(realworld):
        offline, live = read_nuke(script), read_nuke_live(FakeNuke(script))
        assert facts(live) == facts(offline), script.name
        assert live.render_settings == offline.render_settings, script.name
        assert live.errors == [] and live.kind == "nuke" and live.path == offline.path


SCRIPT = r"""#! /usr/local/Nuke14.0v6/libnuke-14.0.6.so -nx
version 14.0 v6
Root {
 inputs 0
 name /somewhere/else/comp.nk
 first_frame 1001
 last_frame 1010
 views "left #ff0000
right #00ff00"
 shots /show/plates
}
Read {
 inputs 0
 file "\[file dirname \[value root.name]]/plates/plate.%04d.exr"
 proxy "\[value root.shots]/proxy/plate.####.jpg"
 first 1001
 last 1050
 name Read1
}
Read {
 inputs 0
 file "/show/versions/v\[frame]/bg.exr"
 name ByFrame
 first 1
 last 2
}
Read {
 inputs 0
 file "\[python nuke.script_directory()]/bg.exr"
 name Python1
}
Group {
 name Group1
}
 Read {
  file /show/stereo/eye_%V.%04d.exr
  first 1
  last 5
  name ReadStereo
 }
end_group
Write {
 file /out/comp.####.exr
 file_type exr
 datatype "32 bit float"
 name Write1
}
"""


@pytest.fixture
def script(tmp_path) -> Path:
    path = tmp_path / "shot" / "comp.nk"
    path.parent.mkdir()
    path.write_text(SCRIPT)
    return path


def test_live_and_offline_agree_where_the_script_needs_no_evaluation(script):
    offline, live = facts(read_nuke(script)), facts(read_nuke_live(FakeNuke(script)))
    folder = script.parent.as_posix()
    shared = {
        ("Read1", "read", "Read", f"{folder}/plates/plate.####.exr", "sequence", (1001, 1050)),
        ("Read1", "proxy", "Read", "/show/plates/proxy/plate.####.jpg", "sequence", (1001, 1050)),
        ("Group1.ReadStereo", "read", "Read", "/show/stereo/eye_left.####.exr", "sequence", (1, 5)),
        ("Group1.ReadStereo", "read", "Read", "/show/stereo/eye_right.####.exr", "sequence", (1, 5)),  # noqa: E501
        ("Write1", "write", "Write", "/out/comp.####.exr", "sequence", (1001, 1010)),
    }  # fmt: skip
    assert shared <= offline and shared <= live


def test_live_evaluates_frame_expressions_the_text_reader_cannot(script):
    live = read_nuke_live(FakeNuke(script))
    by_frame = sorted(r.path for r in live.references if r.name == "ByFrame")
    assert by_frame == ["/show/versions/v1/bg.exr", "/show/versions/v2/bg.exr"]
    offline = [r for r in read_nuke(script).references if r.name == "ByFrame"]
    assert [r.target for r in offline] == [ReferenceTarget.UNRESOLVABLE]


def test_an_expression_nuke_cannot_evaluate_is_unresolvable_with_the_reason(script):
    [python] = [r for r in read_nuke_live(FakeNuke(script)).references if r.name == "Python1"]
    assert python.target is ReferenceTarget.UNRESOLVABLE
    assert "could not evaluate" in python.note and "python" in python.path


def test_unsaved_knob_changes_are_seen_live(script):
    nuke = FakeNuke(script)
    nuke.toNode("Write1")["compression"].setValue("DWAB")
    nuke.toNode("Write1")["file"].setValue("/out/v2/comp.%04d.exr")
    live = read_nuke_live(nuke)
    assert live.render_settings["Write1.compression"] == "DWAB"
    assert "Write1.compression" not in read_nuke(script).render_settings
    writes = [r.path for r in live.references if r.role == "write"]
    assert writes == ["/out/v2/comp.####.exr"]


def test_a_node_that_fails_is_listed_by_name_and_the_rest_is_read(script):
    nuke = FakeNuke(script)
    broken = nuke.toNode("Read1")

    def fail():
        raise RuntimeError("knob table is being rebuilt")

    broken.knobs = fail
    live = read_nuke_live(nuke)
    assert any("node Read1" in e and "knob table" in e for e in live.errors)
    assert any(r.name == "Write1" for r in live.references)
