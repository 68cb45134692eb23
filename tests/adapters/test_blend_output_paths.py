"""The render output a .blend names, read without Blender, against the file Blender itself
says it writes (`RenderSettings.frame_path`), for every movie container and the ways
people type output paths: `#` runs or none, an extension of another format, upper case,
Windows separators, "File Extensions" off. Needs Debian's blender (skipped without)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget

pytestmark = pytest.mark.skipif(
    shutil.which("blender") is None, reason="Blender is not installed (Debian: apt install blender)"
)

# (image format or FFMPEG container, output path as typed, "File Extensions" on)
CASES = [
    ("PNG", "//renders/beauty.####", True),
    ("PNG", "//renders/beauty", True),
    ("PNG", "//renders/beauty.png", True),
    ("PNG", "//renders/b_###_v2", True),
    ("OPEN_EXR", "//render\\render-####.png", True),
    ("OPEN_EXR", "//renders/x.####.EXR", True),
    ("OPEN_EXR_MULTILAYER", "//renders/layers_", True),
    ("TIFF", "//t/shot.####.tiff", True),
    ("JPEG", "//j/shot_####.jpeg", True),
    ("DPX", "//d/plate.", True),
    ("PNG", "//n/shot", False),
    *[(f"FFMPEG:{c}", "//renders/movie_", True) for c in (
        "MPEG1", "MPEG2", "MPEG4", "AVI", "QUICKTIME", "DV", "OGG", "MKV", "FLASH", "WEBM"
    )],
    ("FFMPEG:MKV", "//m/shot_###", True),
    ("FFMPEG:MKV", "//m/shot.MKV", True),
    ("FFMPEG:MKV", "//m/shot_##.mkv", True),
    ("FFMPEG:MKV", "//m/shot.mp4", True),
    ("FFMPEG:QUICKTIME", "//m/plain", False),
    ("FFMPEG:QUICKTIME", "//m/plain_###", False),
]  # fmt: skip

_MAKE = """
import bpy, json, sys
cases, blend, out = json.loads(sys.argv[-3]), sys.argv[-2], sys.argv[-1]
bpy.ops.wm.save_as_mainfile(filepath=blend)  # first: `//` is relative to the saved file
for index, (fmt, path, use_ext) in enumerate(cases):
    scene = bpy.data.scenes.new(f"case{index}")
    r = scene.render
    scene.frame_start, scene.frame_end = 3, 42
    if fmt.startswith("FFMPEG:"):
        r.image_settings.file_format = "FFMPEG"
        r.ffmpeg.format = fmt.split(":")[1]
    else:
        r.image_settings.file_format = fmt
    r.filepath, r.use_file_extension = path, use_ext
bpy.ops.wm.save_as_mainfile(filepath=blend)
written = {s.name: s.render.frame_path(frame=3) for s in bpy.data.scenes if s.name != "Scene"}
with open(out, "w") as f:
    json.dump(written, f)
"""


@pytest.fixture(scope="module")
def made_by_blender(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("blend-outputs")
    blend, out, script = folder / "outputs.blend", folder / "written.json", folder / "make.py"
    script.write_text(_MAKE)
    args = [json.dumps(CASES), str(blend), str(out)]
    cmd = ["blender", "-b", "--factory-startup", "--python", str(script), "--", *args]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return blend, json.loads(out.read_text())


def _first_frame(pattern: str, frame: int) -> str:
    runs = list(re.finditer(r"#+", pattern))
    if not runs:
        return pattern
    run = runs[-1]
    return f"{pattern[: run.start()]}{frame:0{len(run.group())}d}{pattern[run.end() :]}"


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{f} {p}" for f, p, _ in CASES])
def test_render_output_is_the_file_blender_writes(made_by_blender, index: int):
    blend, written = made_by_blender
    project = read_project(blend)
    assert project.errors == []
    (output,) = [r for r in project.references if r.name == f"case{index}"]
    fmt = CASES[index][0]
    if fmt.startswith("FFMPEG"):
        assert output.target is ReferenceTarget.FILE
        predicted = output.path
    else:
        assert output.target is ReferenceTarget.SEQUENCE and output.frames == (3, 42)
        predicted = _first_frame(output.path, 3)
    # Blender makes `//` absolute and uses the platform's separator: so does the resolver.
    predicted = str(blend.parent / predicted.removeprefix("//").replace("\\", "/"))
    assert predicted == written[f"case{index}"]
