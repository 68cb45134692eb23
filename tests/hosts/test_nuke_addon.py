"""The Nuke add-on, installed by `mediaopt hosts install nuke` and driven through the fake
of the `nuke` calls it makes (tests/adapters/nuke_fake.py) on a shot with real media."""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

import pytest

from mediaopt.engine.cli import main
from mediaopt.engine.demo.renders import write_render_sequence

sys.path.insert(0, str(Path(__file__).parents[1] / "adapters"))
from nuke_fake import FakeNuke  # noqa: E402

DAY = 86400
SCRIPT = """#! /usr/local/Nuke15.1v2/libnuke-15.1.2.so -nx
version 15.1 v2
Root {
 inputs 0
 name /elsewhere/comp.nk
 first_frame 1
 last_frame 4
}
Read {
 inputs 0
 file "\\[file dirname \\[value root.name]]/plates/plate.%04d.exr"
 first 1001
 last 1006
 name Plate
}
Write {
 file "\\[file dirname \\[value root.name]]/renders/comp.####.exr"
 file_type exr
 datatype "32 bit float"
 compression "Zip (16 scanlines)"
 name WriteComp
}
"""


@pytest.fixture(scope="module")
def shot(tmp_path_factory) -> Path:
    shot = tmp_path_factory.mktemp("nuke") / "sh020"
    write_render_sequence(shot / "plates/plate.####.exr", [1001, 1002, 1003, 1005, 1006],
                          width=96, height=54)  # fmt: skip
    write_render_sequence(shot / "renders/comp.####.exr", range(1, 5), width=96, height=54,
                          compression="zip", pixel_type="float")  # fmt: skip
    old = write_render_sequence(shot / "unused/old_comp.####.exr", range(1, 3), width=96,
                                height=54)  # fmt: skip
    for path in old:
        os.utime(path, (time.time() - 60 * DAY,) * 2)
    (shot / "comp.nk").write_text(SCRIPT)
    os.utime(shot / "comp.nk", (time.time() - 30 * DAY,) * 2)
    return shot


@pytest.fixture(scope="module")
def addon(tmp_path_factory):
    """The add-on as `mediaopt hosts install nuke --prefix` lays it out, imported the way
    Nuke does (the plug-in folder on sys.path)."""
    nuke_home = tmp_path_factory.mktemp("dot_nuke")
    (nuke_home / "init.py").write_text("# the user's own init.py\n")
    assert main(["hosts", "install", "nuke", "--prefix", str(nuke_home)]) == 0
    assert main(["hosts", "install", "nuke", "--prefix", str(nuke_home)]) == 0  # twice: no-op
    init = (nuke_home / "init.py").read_text()
    assert init.startswith("# the user's own init.py\n")
    assert init.count('nuke.pluginAddPath("./mediaopt")') == 1
    folder = nuke_home / "mediaopt"
    assert {p.name for p in folder.iterdir()} >= {"init.py", "menu.py", "mediaopt_nuke"}
    sys.path.insert(0, str(folder))
    try:
        module = importlib.import_module("mediaopt_nuke")
        assert Path(module.__file__).parent == folder / "mediaopt_nuke"
        assert module.client.__name__ == "mediaopt_nuke.mediaopt_client"
        yield module
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("mediaopt_nuke", None)
        sys.modules.pop("mediaopt_nuke.mediaopt_client", None)


@pytest.fixture
def nuke(shot, monkeypatch, tmp_path) -> FakeNuke:
    monkeypatch.setenv("MEDIAOPT_CATALOG", str(tmp_path / "catalog.sqlite"))
    return FakeNuke(shot / "comp.nk")


def test_the_menu_has_the_three_commands(addon, nuke):
    addon.add_menu(nuke)
    assert set(nuke.menu("Nuke").items["mediaopt"].items) == {
        "Report script media",
        "Check shot folder for orphans",
        "Render what-if on selected Write",
    }


def test_media_report_gives_sizes_and_missing_frames_from_disk(addon, nuke, shot):
    report = addon.media_report(nuke)
    items = {i["name"]: i for i in report["items"]}
    plate = items["Plate"]
    assert plate["path"] == f"{shot}/plates/plate.####.exr"
    assert plate["missing_frames"] == [1004]
    assert plate["bytes"] == sum(p.stat().st_size for p in (shot / "plates").iterdir())
    comp = items["WriteComp"]
    assert list(comp["frames"]) == [1, 4] and comp["files"] == 4
    lines = addon.media_lines(report)
    assert lines[0].startswith("comp.nk: 2 references") and "1 frames missing" in lines[0]
    assert any("frames missing: 1004" in line for line in lines)


def test_media_report_without_the_engine_reads_knobs_as_nuke_evaluates_them(
    addon, nuke, shot, monkeypatch
):
    monkeypatch.setattr(addon.client, "engine_importable", lambda: False)
    items = {i["name"]: i for i in addon.media_report(nuke)["items"]}
    assert items["Plate"]["missing_frames"] == [1004]
    assert items["Plate"]["path"] == f"{shot}/plates/plate.####.exr"


def test_orphans_in_the_shot_folder_match_the_cli_on_the_saved_script(
    addon, nuke, shot, tmp_path, capsysbinary
):
    job = addon.orphans(nuke)
    job.wait(300)
    for _ in range(50):  # the watcher hands the answer over after the job ends
        if nuke.messages:
            break
        time.sleep(0.1)
    assert job.error is None
    live = job.results["finding orphans"].data
    assert {o["path"] for o in live["orphans"]} == {f"{shot}/unused/old_comp.####.exr"}
    assert nuke.progress_seen and "1 orphans" in nuke.messages[-1]
    catalog = str(tmp_path / "offline.sqlite")
    main(["scan", str(shot), "--catalog", catalog, "--json"])
    capsysbinary.readouterr()
    main(["orphans", "--root", str(shot), "--project", str(shot / "comp.nk"), "--catalog",
          catalog, "--json"])  # fmt: skip
    offline = json.loads(capsysbinary.readouterr().out)
    assert {o["path"] for o in offline["orphans"]} == {o["path"] for o in live["orphans"]}


def test_what_if_on_the_selected_write_sets_the_recommended_knobs(addon, nuke, shot):
    nuke.message("first")
    assert addon.what_if(nuke) is None and "select one Write" in nuke.messages[-1]
    write = nuke.toNode("WriteComp")
    nuke.selected = [write]
    job = addon.what_if(nuke, quality="psnr:45")
    job.wait(300)
    for _ in range(50):
        if "set WriteComp" in nuke.messages[-1]:
            break
        time.sleep(0.1)
    assert job.error is None, job.error
    outputs = job.results["measuring settings"].data["outputs"]  # a RenderSettingsReport
    [output] = [o for o in outputs if o["node"] == "WriteComp"]
    assert output["rendered_bytes"] == sum(p.stat().st_size for p in (shot / "renders").iterdir())
    assert output["changes"]
    for knob, value in output["changes"].items():
        expected = float(value) if knob == "dw_compression_level" else value
        assert write[knob].value() == expected
    assert "set WriteComp." in nuke.messages[-1]


def test_cancel_from_nukes_progress_bar_stops_the_work(addon, nuke, monkeypatch):
    monkeypatch.setenv("MEDIAOPT_COMMAND", f'{sys.executable} -c "import time; time.sleep(60)"')
    monkeypatch.setattr(addon, "make_client", lambda: addon.client.Client(in_process=False))
    job = addon.orphans(nuke)
    time.sleep(0.5)
    nuke.cancel_progress = True
    started = time.monotonic()
    job.wait(20)
    assert job.done and job.cancelled and time.monotonic() - started < 10
    for _ in range(50):
        if nuke.messages:
            break
        time.sleep(0.1)
    assert nuke.messages[-1] == "mediaopt: cancelled"
