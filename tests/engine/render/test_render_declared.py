"""render settings: what Write nodes and Blender scenes declare, next to what they rendered,
and the what-if written as the host's own knob and property values."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest

from mediaopt.engine import api
from mediaopt.engine.demo.renders import write_render_sequence
from mediaopt.engine.production.readers import read_project
from mediaopt.engine.render.declared import declared_outputs
from mediaopt.engine.render.host_settings import as_text, host_changes

SCRIPT = """\
Root {
 inputs 0
 name /old/machine/sh010/comp.nk
 first_frame 1001
 last_frame 1006
}
Write {
 file "[file dirname [value root.name]]/renders/beauty.%04d.exr"
 file_type exr
 datatype "32 bit float"
 compression "Zip (16 scanlines)"
 channels all
 name Write1
}
Write {
 file "[file dirname [value root.name]]/renders/beauty.%04d.exr"
 file_type exr
 compression DWAB
 name Write2
}
"""


@pytest.fixture(scope="module")
def nuke_shot(tmp_path_factory):
    """A comp script whose Write1 rendered a float ZIP beauty with data passes, scanned."""
    from mediaopt.engine.catalog import Catalog

    base = tmp_path_factory.mktemp("declared")
    shot = base / "sh010"
    write_render_sequence(
        shot / "renders" / "beauty.####.exr",
        range(1001, 1007),
        width=160,
        height=90,
        compression="zip",
        pixel_type="float",
        aovs=True,
        data_passes=True,
        noise=0.03,
    )
    script = shot / "comp.nk"
    script.write_text(SCRIPT)
    catalog = Catalog(base / "catalog.sqlite")
    api.scan([shot], catalog, workers=0)
    yield script, catalog
    catalog.close()


@pytest.fixture(scope="module")
def nuke_with_what_if(nuke_shot):
    script, catalog = nuke_shot
    return {
        o.node: o
        for o in declared_outputs([read_project(script)], catalog, what_if_quality="psnr:50")
    }


def test_a_write_node_shows_its_knobs_next_to_the_exr_sequence_it_rendered(nuke_shot):
    script, catalog = nuke_shot
    write1 = next(
        o for o in declared_outputs([read_project(script)], catalog) if o.node == "Write1"
    )
    assert write1.declared["compression"] == "Zip (16 scanlines)"
    assert write1.declared_as == {"format": "OpenEXR", "pixel_type": "float", "compression": "zip"}
    assert write1.outputs == [str(script.parent / "renders" / "beauty.####.exr")]
    assert write1.rendered["compression"] == "zip" and write1.rendered["pixel_type"] == "float"
    assert write1.mismatches == [] and write1.rendered_bytes > 0


def test_a_write_node_whose_knobs_differ_from_the_files_on_disk_is_flagged(nuke_shot):
    script, catalog = nuke_shot
    write2 = next(
        o for o in declared_outputs([read_project(script)], catalog) if o.node == "Write2"
    )
    # datatype is absent from the script: Nuke's default, 16 bit half, is what it declares.
    assert write2.declared_as["pixel_type"] == "half"
    assert "compression: declared dwab, rendered zip" in write2.mismatches
    assert "pixel_type: declared half, rendered float" in write2.mismatches
    assert any("Nuke's default" in n for n in write2.notes)


def test_the_what_if_is_written_as_write_knobs_nuke_can_render(nuke_with_what_if):
    write1 = nuke_with_what_if["Write1"]
    result = write1.recommendation
    assert result is not None and result.recommended is not None
    assert not any(c.name.startswith(("htj2k", "pxr24")) for c in result.candidates)
    assert write1.changes
    assert set(write1.changes) <= {"compression", "datatype", "dw_compression_level"}
    assert all(write1.declared.get(k) != v for k, v in write1.changes.items())
    assert write1.change_text.startswith("Write1: ")
    if "+half" in result.recommended:
        assert 'datatype "16 bit half"' in write1.change_text
        assert any("every channel" in n for n in write1.notes)


def test_knobs_the_script_already_has_are_not_listed_as_changes(nuke_with_what_if):
    write1, write2 = nuke_with_what_if["Write1"], nuke_with_what_if["Write2"]
    # Both point at one output: measured once, and the same recommendation for both.
    assert write2.recommendation is write1.recommendation
    # Write2 leaves datatype at Nuke's default (16 bit half), so a half candidate changes
    # only its compression there.
    if "+half" in write1.recommendation.recommended:
        assert "datatype" not in write2.changes and "compression" in write2.changes


def test_exr_candidates_become_nuke_knobs_and_blender_properties():
    knobs, _ = host_changes("nuke", "dwab:45", "OpenEXR")
    assert as_text("nuke", "Write1", knobs) == (
        'Write1: compression DWAB; dw_compression_level 45; datatype "32 bit float"'
    )
    props, notes = host_changes("blend", "piz+half", "OpenEXR")
    assert as_text("blend", "Scene", props) == (
        "scene.render.image_settings.exr_codec = 'PIZ'; "
        "scene.render.image_settings.color_depth = '16'"
    )
    assert notes and "every channel" in notes[0]
    assert host_changes("nuke", "htj2k256", "OpenEXR") == ({}, [])
    movie, _ = host_changes("nuke", "prores-hq", "")
    assert movie == {"mov64_codec": "appr", "mov_prores_codec_profile": "ProRes 4:2:2 HQ 10-bit"}


def test_a_realworld_blend_scene_output_is_matched_to_the_png_frames_it_rendered(
    realworld: Path, tmp_path: Path
):
    from mediaopt.engine.catalog import Catalog

    source = realworld / "projects" / "blend" / "T53562" / "bam_pack_bug.blend"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    project = tmp_path / "proj"
    project.mkdir()
    blend = project / source.name
    shutil.copyfile(source, blend)
    # The scene renders to `//render\\render-####.png` (written on Windows), beside the .blend.
    for frame in (1, 2, 3):
        pixels = np.random.default_rng(frame).integers(0, 255, (48, 64, 4), dtype=np.uint8)
        out = oiio.ImageOutput.create("png")
        path = str(project / "render" / f"render-{frame:04d}.png")
        (project / "render").mkdir(exist_ok=True)
        assert out.open(path, oiio.ImageSpec(64, 48, 4, "uint8")) and out.write_image(pixels)
        out.close()
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        api.scan([project / "render"], catalog, workers=0)
        (scene,) = declared_outputs([read_project(blend)], catalog)
    assert scene.host == "blend" and scene.frames == (1, 100)
    assert scene.declared["format"] == "PNG" and scene.declared["color_mode"] == "RGBA"
    assert scene.declared_as == {"format": "PNG", "pixel_type": "8-bit"}
    assert scene.outputs == [str(project / "render" / "render-####.png")]
    assert scene.rendered["format"] == "PNG" and scene.rendered["pixel_type"] == "8-bit"
    assert scene.mismatches == []
    png, _ = host_changes("blend", "png:9", "PNG")
    assert png == {"scene.render.image_settings.compression": "100"}


def test_render_settings_command_prints_declared_and_rendered_as_json(nuke_shot, capsys):
    import json

    from mediaopt.engine.cli import main

    script, catalog = nuke_shot
    assert main(["render", "settings", str(script), "--catalog", str(catalog.path), "--json"]) == 0
    out = {o["node"]: o for o in json.loads(capsys.readouterr().out)["outputs"]}
    assert out["Write2"]["mismatches"] == [
        "compression: declared dwab, rendered zip",
        "pixel_type: declared half, rendered float",
    ]
    assert out["Write1"]["rendered"]["format"] == "OpenEXR"


def test_a_write_path_only_python_could_give_is_shown_unresolvable(tmp_path: Path, capsys):
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.cli import main

    script = tmp_path / "comp.nk"
    script.write_text(
        "Root {\n inputs 0\n}\nWrite {\n"
        ' file "\\[python -execlocal \\{ret = nuke.root().name()\\}]/out.####.exr"\n'
        " file_type exr\n name Write1\n}\n"
    )
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        [output] = declared_outputs([read_project(script)], catalog)
    assert output.path == "[python -execlocal {ret = nuke.root().name()}]/out.####.exr"
    assert output.unresolvable and "Python, which mediaopt never runs" in output.unresolvable
    assert output.outputs == [] and not any("tried" in n for n in output.notes)
    assert main(["render", "settings", str(script), "--catalog", str(tmp_path / "c.sqlite")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "-> [python -execlocal {ret = nuke.root().name()}]/out.####.exr" in out
    assert "unresolvable: [python" in out
