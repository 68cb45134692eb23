"""The Blender add-on, run in real Blender (Debian's `blender`, 3.4), headless.

One Blender process installs nothing itself: `mediaopt hosts install blender --prefix`
copies the add-on into a user scripts folder, Blender enables it from there with
--factory-startup, opens each .blend (the shot made by that same Blender at test time,
and the real files in ../shared/realworld/projects/blend) and calls each operator as a
headless user would. The answers are checked against the offline .blend reader
(blender-asset-tracer) and the mediaopt CLI on the same files, and against the bytes on
disk.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediaopt.adapters.blend import read_blend
from mediaopt.engine.cli import main
from mediaopt.engine.demo.media import write_audio, write_image_pillow
from mediaopt.engine.demo.renders import write_render_sequence

HERE = Path(__file__).parent
BLENDER = shutil.which("blender")
pytestmark = pytest.mark.skipif(
    BLENDER is None, reason="Blender is not installed (.ci/run installs Debian's `blender`)"
)
OPERATORS = {"media", "orphans", "render_what_if", "apply_render_settings", "report"}
DAY = 86400


def host_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a user's Blender starts with: no virtual environment. Debian's
    Blender finds its Python's prefix from the first `python3` on PATH, so a venv's bin
    folder there would give it another Python's standard library."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    folders = env.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(
        f for f in folders if not (Path(f).parent / "pyvenv.cfg").exists()
    )
    env.update(extra or {})
    return env


def blender(script: str, *args: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        [BLENDER, "--factory-startup", "--python-exit-code", "1", "-b", "--python"]
        + [str(HERE / script), "--", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env or host_environment(),
    )
    assert done.returncode == 0, done.stdout[:3000] + done.stdout[-1500:] + done.stderr[-3000:]


def make_shot(shot: Path) -> None:
    """The media the shot uses (and some it does not), then its .blend files."""
    write_render_sequence(shot / "plates/plate.####.exr", [1001, 1002, 1003, 1005, 1006],
                          width=96, height=54, compression="zip")  # fmt: skip
    write_image_pillow(shot / "textures/wood.png")
    write_audio(shot / "audio/temp.wav", codec="pcm_s16le", seconds=0.5)
    write_render_sequence(shot / "renders/beauty.####.exr", range(1, 5), width=96, height=54,
                          compression="zip", pixel_type="float")  # fmt: skip
    # Unused and old: the orphans, aged past the grace period.
    old = write_render_sequence(shot / "unused/old_plate.####.exr", range(1, 4), width=96,
                                height=54)  # fmt: skip
    old.append(write_image_pillow(shot / "unused/reference.jpg"))
    for path in old:
        os.utime(path, (time.time() - 60 * DAY,) * 2)
    blender("blender_make_scene.py", str(shot))
    for path in shot.rglob("*.blend"):
        os.utime(path, (time.time() - 30 * DAY,) * 2)


@pytest.fixture(scope="module")
def run(tmp_path_factory, realworld) -> dict:
    """Blender's answers for every job, keyed by .blend path."""
    base = tmp_path_factory.mktemp("blender")
    shot = base / "show" / "sh010"
    make_shot(shot)
    scripts = base / "scripts"
    assert main(["hosts", "install", "blender", "--prefix", str(scripts / "addons")]) == 0
    out = base / "out"
    out.mkdir()
    blend = str(shot / "shot.blend")
    jobs = [
        {
            "blend": blend,
            "calls": [
                {"operator": "media", "args": {"report_path": str(out / "media.json")}},
                {"operator": "orphans", "args": {"report_path": str(out / "orphans.json")}},
                {
                    "operator": "render_what_if",
                    "args": {"report_path": str(out / "what_if.json"), "quality": "psnr:45"},
                },
                {"operator": "apply_render_settings"},
                {
                    "operator": "report",
                    "args": {"report_path": str(out / "report.json"), "open_browser": False},
                },
            ],
            "panel": True,
            "scene_after": True,
        }
    ]
    real = sorted((realworld / "projects/blend").rglob("*.blend"))
    for index, path in enumerate(real):
        args = {"report_path": str(out / f"real{index}.json")}
        jobs.append({"blend": str(path), "calls": [{"operator": "media", "args": args}]})
    (base / "jobs.json").write_text(json.dumps({"jobs": jobs, "out": str(base / "done.json")}))
    env = host_environment(
        {
            "BLENDER_USER_SCRIPTS": str(scripts),
            "MEDIAOPT_COMMAND": f"{sys.executable} -m mediaopt.engine.cli",
            "MEDIAOPT_CATALOG": str(base / "catalog.sqlite"),
        }
    )
    blender("blender_driver.py", str(base / "jobs.json"), env=env)
    done = json.loads((base / "done.json").read_text())
    answers = {"shot": shot, "out": out, "done": done, "real": real, "base": base}
    return answers


def read(run: dict, name: str):
    return json.loads((run["out"] / name).read_text())


def offline_paths(path: Path) -> dict[str, str]:
    """The offline reader's references of `path`, absolute as Blender resolves them."""
    found = {}
    for reference in read_blend(path).references:
        if reference.role == "write":
            continue
        resolved = re.search(r"resolves to (.*?)(;|$)", reference.note or "")
        full = resolved.group(1) if resolved else reference.path
        if full.startswith("//"):
            full = str(path.parent / full[2:])
        found[os.path.normpath(full)] = reference.owner
    return found


def test_the_addon_registers_every_operator(run):
    assert set(run["done"]["registered"]) >= OPERATORS
    shot = run["done"][str(run["shot"] / "shot.blend")]
    assert "error" not in shot, shot.get("error")
    assert all(shot[name] == ["FINISHED"] for name in OPERATORS), shot


def test_external_media_of_the_shot_agree_with_the_offline_reader_and_the_disk(run):
    media = read(run, "media.json")
    shot = run["shot"]
    live = {item["path"]: item for item in media["items"]}
    assert set(live) == set(offline_paths(shot / "shot.blend"))
    plate = live[str(shot / "plates/plate.1001.exr")]
    assert plate["target"] == "sequence" and plate["missing_frames"] == [1004]
    assert plate["files"] == 5
    assert plate["bytes"] == sum(p.stat().st_size for p in (shot / "plates").iterdir())
    assert live[str(shot / "textures/missing.png")]["missing"] is True
    wood = live[str(shot / "textures/wood.png")]
    assert wood["bytes"] == (shot / "textures/wood.png").stat().st_size
    assert "used by linked library" in wood["note"]
    assert live[str(shot / "lib/props.blend")]["role"] == "library"
    assert live[str(shot / "audio/temp.wav")]["owner"] == "sound"
    assert media["missing"] == 1 and media["libraries"] == 1


def test_render_output_and_settings_agree_with_the_offline_reader(run):
    media = read(run, "media.json")
    offline = read_blend(run["shot"] / "shot.blend")
    [write] = [r for r in offline.references if r.role == "write"]
    [live] = media["outputs"]
    assert live["path"] == str(run["shot"] / write.path[2:])
    assert tuple(live["frames"]) == write.frames == (1, 4)
    assert media["render_settings"] == offline.render_settings
    assert offline.render_settings["Scene.exr_codec"] == "ZIP"


# Where Blender 3.4 and the offline reader legitimately see different files: files from
# Blender 2.7x with a smoke simulation are converted on open to the Fluid modifier, whose
# cache is a folder; the reader reports the point cache the file stores.
CONVERTED_ON_OPEN = {"smoke_cache.blend", "smoke_cache_vdb.blend"}


def test_real_blend_files_agree_with_the_offline_reader(run):
    compared = 0
    for index, path in enumerate(run["real"]):
        outcome = run["done"][str(path)]
        if path.name == "corrupt_only_magic.blend":
            assert "corrupt_only_magic.blend" in outcome["error"]
            assert read_blend(path).errors  # both refuse it, naming the file
            continue
        assert "error" not in outcome, f"{path}: {outcome.get('error')}"
        live = {item["path"] for item in read(run, f"real{index}.json")["items"]}
        offline = set(offline_paths(path))
        if path.name in CONVERTED_ON_OPEN:
            assert {p for p in live - offline if "cache_fluid" in p}
            assert {p for p in offline - live if "blendcache_" in p}
            continue
        assert live == offline, path
        compared += 1
    assert compared >= 38


def test_real_render_outputs_agree_with_the_offline_reader(run):
    for index, path in enumerate(run["real"]):
        if path.name == "corrupt_only_magic.blend":
            continue
        media = read(run, f"real{index}.json")
        offline = {r.name: r for r in read_blend(path).references if r.role == "write" and r.name}
        for live in media["outputs"]:
            written = offline[live["name"]]
            # Blender turns a Windows `\` in a relative output path into `/` on open.
            expected = written.path.replace("\\", "/")
            if expected.startswith("//"):
                expected = str(path.parent / expected[2:])
            assert tuple(live["frames"]) == written.frames
            if media["render_settings"].get(f"{live['name']}.format") == "FFMPEG":
                # The movie's extension comes from its container; see
                # test_offline_reader_movie_extensions below.
                assert live["path"].rsplit(".", 1)[0] == expected.rsplit(".", 1)[0]
            else:
                assert live["path"] == expected, path


def test_orphans_in_the_project_folder_are_those_the_cli_finds_for_the_saved_file(run, tmp_path):
    live = read(run, "orphans.json")
    shot = run["shot"]
    assert {o["path"] for o in live["orphans"]} == {
        str(shot / "unused/old_plate.####.exr"),
        str(shot / "unused/reference.jpg"),
    }
    catalog = str(tmp_path / "c.sqlite")
    assert main(["scan", str(shot), "--catalog", catalog, "--json"]) in (0, 1)
    out = tmp_path / "orphans.json"
    code = subprocess.run(
        [sys.executable, "-m", "mediaopt.engine.cli", "orphans", "--root", str(shot), "--project",
         str(shot / "shot.blend"), "--catalog", catalog, "--json"],
        capture_output=True, text=True,
    )  # fmt: skip
    out.write_text(code.stdout)
    offline = json.loads(code.stdout)
    assert {o["path"] for o in offline["orphans"]} == {o["path"] for o in live["orphans"]}
    assert live["orphan_bytes"] == sum(p.stat().st_size for p in (shot / "unused").iterdir())


def test_what_if_recommends_settings_and_apply_sets_them_on_the_scene(run):
    [output] = read(run, "what_if.json")
    assert output["node"] == "Scene" and output["declared_as"]["compression"] == "zip"
    assert output["rendered_bytes"] == sum(
        p.stat().st_size for p in (run["shot"] / "renders").iterdir()
    )
    changes = output["changes"]
    assert changes, output
    after = run["done"][str(run["shot"] / "shot.blend")]["scene_after"]
    key = "scene.render.image_settings."
    assert after["exr_codec"] == changes.get(key + "exr_codec", "ZIP")
    assert after["color_depth"] == changes.get(key + "color_depth", "32")
    assert output["recommendation"]["recommended"]


def test_report_is_written_and_the_panel_shows_each_answer(run):
    report = read(run, "report.json")
    html = Path(report["path"]).read_text(encoding="utf-8")
    assert "plate" in html
    panel = dict(
        (title, lines) for title, lines in run["done"][str(run["shot"] / "shot.blend")]["panel"]
    )
    assert panel["External media"][0].startswith("6 external files")
    assert "1 missing" in panel["External media"][0]
    assert panel["Orphans in the project folder"][0].startswith("2 orphans")
    assert any(line.startswith("change: ") for line in panel["Render what-if"])


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_with_a_window_the_buttons_run_in_the_background_with_progress(run, tmp_path):
    """Blender with its UI on a virtual display: each button's work runs as a modal
    operator whose progress the panel shows while Blender keeps drawing."""
    picture = tmp_path / "panel.png"
    env = host_environment(
        {
            "BLENDER_USER_SCRIPTS": str(run["base"] / "scripts"),
            "MEDIAOPT_COMMAND": f"{sys.executable} -m mediaopt.engine.cli",
            "MEDIAOPT_CATALOG": str(tmp_path / "catalog.sqlite"),
            "SHOT_PNG": str(picture),
        }
    )
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x2200x24", BLENDER, "--factory-startup",
         str(run["shot"] / "shot.blend"), "--python", str(HERE / "blender_panel_screenshot.py")],
        env=env, timeout=900, check=True, capture_output=True,
    )  # fmt: skip
    seen = json.loads(Path(str(picture) + ".json").read_text())
    assert seen["answers"] == {
        "media": True, "orphans": True, "what_if": True, "report": True, "status": True
    }  # fmt: skip
    # The panel is sampled every 0.5 s: a scan of a few files can finish between two
    # samples, so any step's "(n/2, N s)" status proves progress was drawn while it ran.
    assert any(re.search(r"\([12]/2, \d+ s\)", s) for s in seen["statuses"])
    assert any("measuring settings (2/2" in s for s in seen["statuses"])
    assert picture.stat().st_size > 10_000
