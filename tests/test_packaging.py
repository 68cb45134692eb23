"""The built wheel installs everything under `mediaopt` and nothing generic at the top."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {
    "engine": "mediaopt/engine",
    "adapters": "mediaopt/adapters",
    "hosts": "mediaopt/hosts",
    "fixtures": "mediaopt/fixtures",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return zipfile.ZipFile(next(out.glob("*.whl")))


def test_wheel_holds_every_module_under_mediaopt(wheel):
    names = set(wheel.namelist())
    for folder, package in FOLDERS.items():
        for source in (ROOT / folder).rglob("*.py"):
            relative = source.relative_to(ROOT / folder).as_posix()
            assert f"{package}/{relative}" in names, f"{folder}/{relative} missing from wheel"


def test_wheel_installs_no_generic_top_level_names(wheel):
    tops = {n.split("/")[0] for n in wheel.namelist() if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"mediaopt"}


def test_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "mediaopt.engine.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "scan" in result.stdout and "demo" in result.stdout


def test_wheel_holds_the_reports_script_and_style(wheel):
    # Every report inlines these; an installed mediaopt without them writes no page.
    names = set(wheel.namelist())
    for source in (ROOT / "engine" / "report" / "static").iterdir():
        assert f"mediaopt/engine/report/static/{source.name}" in names, source.name
