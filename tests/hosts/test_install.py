"""`mediaopt hosts install`: each host's user plug-in folder on Linux, macOS and Windows,
what --dry-run prints (and that it writes nothing), and what a real install copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.engine.cli import main
from mediaopt.engine.cli.hosts import plan

HOSTS = Path(__file__).parents[2] / "hosts"
HOMES = {"linux": "/home/ana", "macos": "/Users/ana", "windows": "C:\\Users\\ana"}
ENV = {"windows": {"APPDATA": "C:\\Users\\ana\\AppData\\Roaming", "USERPROFILE": "C:\\Users\\ana"}}

EXPECTED = {
    ("nuke", "linux"): "/home/ana/.nuke/mediaopt/menu.py",
    ("nuke", "macos"): "/Users/ana/.nuke/mediaopt/menu.py",
    ("nuke", "windows"): "C:\\Users\\ana\\.nuke\\mediaopt\\menu.py",
    ("resolve", "linux"): "/home/ana/.local/share/DaVinciResolve/Fusion/Scripts/Utility/"
    "mediaopt_resolve.py",
    ("resolve", "macos"): "/Users/ana/Library/Application Support/Blackmagic Design/"
    "DaVinci Resolve/Fusion/Scripts/Utility/mediaopt_resolve.py",
    ("resolve", "windows"): "C:\\Users\\ana\\AppData\\Roaming\\Blackmagic Design\\"
    "DaVinci Resolve\\Support\\Fusion\\Scripts\\Utility\\mediaopt_resolve.py",
    ("deadline", "linux"): "/opt/Thinkbox/DeadlineRepository10/custom/events/MediaOpt/MediaOpt.py",
    ("deadline", "macos"): "/Applications/Thinkbox/DeadlineRepository10/custom/events/"
    "MediaOpt/MediaOpt.py",
    ("deadline", "windows"): "C:\\DeadlineRepository10\\custom\\events\\MediaOpt\\MediaOpt.py",
    ("blender", "linux"): "/home/ana/.config/blender/4.2/extensions/user_default/"
    "mediaopt_blender/__init__.py",
    ("blender", "macos"): "/Users/ana/Library/Application Support/Blender/4.2/extensions/"
    "user_default/mediaopt_blender/__init__.py",
    ("blender", "windows"): "C:\\Users\\ana\\AppData\\Roaming\\Blender Foundation\\Blender\\"
    "4.2\\extensions\\user_default\\mediaopt_blender\\__init__.py",
}


@pytest.mark.parametrize(("host", "platform"), sorted(EXPECTED))
def test_each_host_installs_into_its_user_folder_on_each_os(host, platform):
    steps = plan(
        host,
        platform=platform,
        home=HOMES[platform],
        environ=ENV.get(platform, {}),
        blender_version="4.2",
    )
    targets = [s.target for s in steps]
    assert EXPECTED[host, platform] in targets
    # Every add-on carries the shared client beside it.
    assert any(t.endswith("mediaopt_client.py") for t in targets)
    separator = "\\" if platform == "windows" else "/"
    assert all(separator in t and ("/" not in t or platform != "windows") for t in targets)


def test_blender_before_4_2_gets_a_legacy_add_on_in_scripts_addons():
    steps = plan("blender", platform="linux", home="/home/ana", environ={}, blender_version="3.4")
    assert "/home/ana/.config/blender/3.4/scripts/addons/mediaopt_blender/__init__.py" in [
        s.target for s in steps
    ]


def test_blender_installs_into_every_version_folder_found(tmp_path):
    for version in ("3.6", "4.2", "junk"):
        (tmp_path / "blender" / version).mkdir(parents=True)
    environ = {"XDG_CONFIG_HOME": str(tmp_path)}
    steps = plan("blender", platform="linux", home="/nowhere", environ=environ)
    assert {Path(s.target).parent for s in steps} == {
        tmp_path / "blender/3.6/scripts/addons/mediaopt_blender",
        tmp_path / "blender/4.2/extensions/user_default/mediaopt_blender",
    }


def test_blender_with_no_settings_folder_says_what_to_pass(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    code = main(["hosts", "install", "blender", "--platform", "linux", "--dry-run"])
    message = capsys.readouterr().err
    assert code == 2 and "no Blender settings folder" in message
    assert "--blender-version" in message and "--prefix" in message


@pytest.mark.parametrize("host", ["blender", "nuke", "resolve", "deadline"])
def test_dry_run_prints_every_copy_and_writes_nothing(host, tmp_path, capsys):
    prefix = tmp_path / "prefix"
    assert main(["hosts", "install", host, "--prefix", str(prefix), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would copy" in out and out.strip().endswith("dry run: nothing was written")
    assert str(prefix) in out and not prefix.exists()


@pytest.mark.parametrize("host", ["blender", "nuke", "resolve", "deadline"])
def test_install_copies_the_add_on_byte_for_byte(host, tmp_path, capsys):
    prefix = tmp_path / "prefix"
    assert main(["hosts", "install", host, "--prefix", str(prefix)]) == 0
    printed = capsys.readouterr().out
    steps = plan(host, platform="linux", home="/", environ={}, prefix=str(prefix))
    for step in steps:
        assert step.target in printed
        if step.source is not None:
            assert Path(step.target).read_bytes() == step.source.read_bytes()
    client = next(prefix.rglob("mediaopt_client.py"))
    assert client.read_bytes() == (HOSTS / "client.py").read_bytes()
