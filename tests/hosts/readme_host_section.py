"""Prints the README's "Inside the hosts" examples: what each add-on shows, produced by
running it on a small generated shot (Blender for real and headless; Nuke and Resolve
through their fakes; Deadline's event plug-in with a Job object).

    uv run python tests/hosts/readme_host_section.py [WORK_DIR [SCREENSHOT.png]]

Blender 3.4 cannot draw its UI in background mode, so the Blender panel is shown as the
text lines the panel draws (ui.panel_lines); with a SCREENSHOT path and `xvfb-run`
installed, Blender also runs with a window on a virtual display, the panel's buttons are
pressed in turn and the Properties editor is saved as a picture.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent / "adapters")]

from mediaopt.engine.cli import main  # noqa: E402


def blender_panel(work: Path) -> list[str]:
    import test_blender_addon as t

    shot = work / "show" / "sh010"
    t.make_shot(shot)
    scripts = work / "scripts"
    with contextlib.redirect_stdout(io.StringIO()):
        main(["hosts", "install", "blender", "--prefix", str(scripts / "addons")])
    blend = str(shot / "shot.blend")
    calls = [{"operator": "media"}, {"operator": "orphans"}, {"operator": "render_what_if"},
             {"operator": "report", "args": {"open_browser": False}}]  # fmt: skip
    jobs = {"jobs": [{"blend": blend, "calls": calls, "panel": True}], "out": str(work / "o.json")}
    (work / "jobs.json").write_text(json.dumps(jobs))
    env = t.host_environment(
        {
            "BLENDER_USER_SCRIPTS": str(scripts),
            "MEDIAOPT_COMMAND": f"{sys.executable} -m mediaopt.engine.cli",
            "MEDIAOPT_CATALOG": str(work / "blender.sqlite"),
        }
    )
    t.blender("blender_driver.py", str(work / "jobs.json"), env=env)
    if len(sys.argv) > 2 and shutil.which("xvfb-run"):
        screenshot(shot / "shot.blend", env, Path(sys.argv[2]))
    lines = []
    for title, section in json.loads((work / "o.json").read_text())[blend]["panel"]:
        lines.append(f"[{title}]")
        lines.extend("  " + line for line in section)
    return lines


def screenshot(blend: Path, env: dict[str, str], out: Path) -> None:
    env = dict(env, SHOT_PNG=str(out.absolute()))
    script = str(HERE / "blender_panel_screenshot.py")
    command = ["xvfb-run", "-a", "-s", "-screen 0 1400x2200x24", shutil.which("blender"),
               "--factory-startup", str(blend), "--python", script]  # fmt: skip
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=900)
    _crop_to_panel(out)


def _crop_to_panel(path: Path) -> None:
    """Keep the lower part of the Properties editor, where mediaopt's panel is (below
    Blender's own Output panels), down to the last row that is not empty."""
    import numpy as np
    from PIL import Image

    image = Image.open(path)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    empty = pixels[-40, image.width // 2]  # the editor's background, above its border
    rows = np.nonzero(np.abs(pixels[:-40, 60:-60] - empty).sum(axis=(1, 2)) > 0)[0]
    top = int(image.height * 0.42)
    image.crop((0, top, image.width, int(rows.max()) + 12)).save(path)


def nuke_menu(work: Path) -> list[str]:
    import test_nuke_addon as t
    from nuke_fake import FakeNuke

    from mediaopt.hosts.nuke import mediaopt_nuke as addon

    shot = t.shot.__wrapped__(_Factory(work / "nuke"))
    os.environ["MEDIAOPT_CATALOG"] = str(work / "nuke.sqlite")
    nuke = FakeNuke(shot / "comp.nk")
    lines = ["[Nuke > mediaopt > Report script media]"]
    lines += ["  " + line for line in addon.media_lines(addon.media_report(nuke))]
    nuke.selected = [nuke.toNode("WriteComp")]
    with contextlib.redirect_stdout(io.StringIO()):
        addon.what_if(nuke).wait(600)
        _settle(nuke)
    lines.append("[Nuke > mediaopt > Render what-if on selected Write]")
    lines += ["  " + line for line in nuke.messages[-1].splitlines()]
    return lines


def resolve_console(work: Path) -> list[str]:
    import resolve_fake as fake
    from test_resolve_adapter import Show

    from mediaopt.engine import api
    from mediaopt.engine.catalog import Catalog
    from mediaopt.hosts.resolve import mediaopt_resolve as host

    show = Show(work / "resolve" / "show")
    os.environ["MEDIAOPT_ROOTS"] = show.root
    os.environ["MEDIAOPT_CATALOG"] = str(work / "resolve.sqlite")
    with Catalog(work / "resolve.sqlite") as catalog:
        api.scan([show.root], catalog, workers=0)
    project = show.project()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        host.run(project, out_dir=str(work / "resolve"), app=fake.Resolve(project),
                 open_browser=False)  # fmt: skip
    # One line per step while it works, then the summary.
    return ["[Workspace > Console]"] + ["  " + line for line in out.getvalue().splitlines()]


def _settle(nuke) -> None:
    import time

    for _ in range(100):
        if nuke.messages:
            return
        time.sleep(0.1)


class _Factory:
    def __init__(self, base: Path):
        self.base = base

    def mktemp(self, name: str) -> Path:
        path = self.base / name
        path.mkdir(parents=True, exist_ok=True)
        return path


def main_() -> None:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="hosts-"))
    sections = [
        ("Blender: Properties > Output > mediaopt, after each button", blender_panel(work)),
        ("Nuke: the mediaopt menu's message boxes", nuke_menu(work)),
        ("Resolve: the Console after Scripts > mediaopt_resolve", resolve_console(work)),
    ]
    for title, lines in sections:
        text = "\n".join(lines).replace(str(work), "/projects")
        text = re.sub(r"/tmp/mediaopt-[a-z]+/", "/tmp/mediaopt/", text)
        print(f"{title}:\n\n```\n{text}\n```\n")


if __name__ == "__main__":
    main_()
