"""The farm add-ons, each fed its farm's real job shape: Deadline's event plug-in (as
installed into a repository) with a Job object carrying what `deadlinecommand -GetJob`
prints, OpenCue's Post layer recipe run with RQD's CUE_* environment, and the Flamenco
job type compiled by Node.js the way Flamenco's JS runtime would, then its mediaopt task
run. Each must leave the job in the catalog with the bytes on disk."""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo.renders import write_render_sequence
from mediaopt.engine.render.jobs import render_jobs

HOSTS = Path(__file__).parents[2] / "hosts"
MEDIAOPT = f"{sys.executable} -m mediaopt.engine.cli"


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """A finished job's frames 1-6, frame 4 missing (a failed task)."""
    folder = tmp_path_factory.mktemp("farm") / "show" / "sh010" / "lighting"
    write_render_sequence(folder / "beauty.####.exr", [1, 2, 3, 5, 6], width=64, height=36)
    return folder


def on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.exr"))


def recorded(catalog: Path):
    with Catalog(catalog) as opened:
        return render_jobs(opened)


# --- Deadline -------------------------------------------------------------------------

# A job as `deadlinecommand -GetJob <id>` prints it (trimmed to what a Job object holds).
JOB_INFO = """Plugin=Nuke
Name=sh010 comp v012
UserName=ana
Department=comp
Frames=1-6
JobId=6571a9f0c0ffee
OutputDirectory0={folder}
OutputFilename0=beauty.####.exr
EnvironmentKeyValue0=SHOW=alpha
"""
PLUGIN_INFO = (
    "SceneFile=/show/alpha/sh010/comp/sh010_comp_v012.nk\nVersion=15.1\nWriteNode=Write1\n"
)


class Event:
    """Deadline's .NET-style event: `+=` adds a handler, calling it calls them all."""

    def __init__(self):
        self.handlers = []

    def __iadd__(self, handler):
        self.handlers.append(handler)
        return self

    def __call__(self, *args):
        for handler in self.handlers:
            handler(*args)


class DeadlineEventListener:
    """Deadline.Events.DeadlineEventListener: the calls the plug-in makes."""

    config: dict = {}

    def __init__(self):
        self.OnJobFinishedCallback = Event()
        self.log: list[tuple[str, str]] = []

    def GetConfigEntryWithDefault(self, key, default):  # noqa: N802
        return self.config.get(key, default)

    def LogInfo(self, message):  # noqa: N802
        self.log.append(("info", message))

    def LogWarning(self, message):  # noqa: N802
        self.log.append(("warning", message))


class Job:
    """Deadline.Jobs.Job's properties, from a job info and a plugin info file."""

    def __init__(self, job_info: str, plugin_info: str):
        info = dict(line.split("=", 1) for line in job_info.splitlines() if "=" in line)
        self.plugin = dict(line.split("=", 1) for line in plugin_info.splitlines() if "=" in line)
        self.JobId, self.JobName = info["JobId"], info["Name"]
        self.JobUserName, self.JobPlugin = info["UserName"], info["Plugin"]
        self.JobDepartment, self.JobFrames = info["Department"], info["Frames"]
        self.JobOutputDirectories = [info["OutputDirectory0"]]
        self.JobOutputFileNames = [info["OutputFilename0"]]
        self.environment = dict(
            v.split("=", 1) for k, v in info.items() if k.startswith("EnvironmentKeyValue")
        )

    def GetJobPluginInfoKeys(self):  # noqa: N802
        return list(self.plugin)

    def GetJobPluginInfoKeyValue(self, key):  # noqa: N802
        return self.plugin[key]

    def GetJobEnvironmentKeys(self):  # noqa: N802
        return list(self.environment)

    def GetJobEnvironmentKeyValue(self, key):  # noqa: N802
        return self.environment[key]


@pytest.fixture
def deadline_plugin(tmp_path, monkeypatch):
    repository = tmp_path / "DeadlineRepository10"
    assert main(["hosts", "install", "deadline", "--prefix", str(repository)]) == 0
    folder = repository / "custom/events/MediaOpt"
    assert {p.name for p in folder.iterdir()} == {
        "MediaOpt.py",
        "MediaOpt.param",
        "mediaopt_client.py",
    }
    events = types.ModuleType("Deadline.Events")
    events.DeadlineEventListener = DeadlineEventListener
    monkeypatch.setitem(sys.modules, "Deadline", types.ModuleType("Deadline"))
    monkeypatch.setitem(sys.modules, "Deadline.Events", events)
    monkeypatch.delitem(sys.modules, "mediaopt_client", raising=False)
    spec = importlib.util.spec_from_file_location("MediaOpt", folder / "MediaOpt.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(folder))


def test_deadline_event_plugin_records_the_finished_job(deadline_plugin, output, tmp_path):
    catalog = tmp_path / "catalog.sqlite"
    listener = deadline_plugin.GetDeadlineEventListener()
    listener.config = {"MediaoptCommand": MEDIAOPT, "Catalog": str(catalog)}
    job = Job(JOB_INFO.format(folder=output), PLUGIN_INFO)
    listener.OnJobFinishedCallback(job)  # what Deadline does when the job finishes
    [record] = recorded(catalog)
    assert (record.job_id, record.user, record.show) == ("6571a9f0c0ffee", "ana", "alpha")
    assert record.scene_file == "/show/alpha/sh010/comp/sh010_comp_v012.nk"
    assert record.output_bytes == on_disk(output) and record.missing_frames == [4]
    assert any("recorded job 6571a9f0c0ffee: 5 frames" in m for kind, m in listener.log)
    deadline_plugin.CleanupDeadlineEventListener(listener)


def test_deadline_event_plugin_only_warns_when_mediaopt_is_missing(deadline_plugin, output):
    listener = deadline_plugin.GetDeadlineEventListener()
    listener.config = {"MediaoptCommand": "/nonexistent/mediaopt"}
    listener.OnJobFinishedCallback(Job(JOB_INFO.format(folder=output), PLUGIN_INFO))
    [(kind, message)] = listener.log
    assert kind == "warning" and "there is no program /nonexistent/mediaopt" in message


def test_deadline_param_file_declares_every_setting_the_plugin_reads():
    text = (HOSTS / "deadline/events/MediaOpt/MediaOpt.param").read_text()
    sections = {line.strip("[]") for line in text.splitlines() if line.startswith("[")}
    plugin = (HOSTS / "deadline/events/MediaOpt/MediaOpt.py").read_text()
    read = set(__import__("re").findall(r'GetConfigEntryWithDefault\("(\w+)"', plugin))
    assert read | {"State"} == sections


# --- OpenCue --------------------------------------------------------------------------


def test_opencue_post_layer_recipe_records_the_job_from_rqds_environment(output, tmp_path):
    spec = ET.parse(HOSTS / "opencue/mediaopt_post_layer.xml")
    [layer] = [e for e in spec.iter("layer") if e.get("type") == "Post"]
    command = shlex.split(layer.find("cmd").text)
    assert command[:5] == ["mediaopt", "farm", "post-job", "--from", "opencue"]
    command[command.index("--output") + 1] = str(output / "beauty.%04d.exr")
    catalog = tmp_path / "catalog.sqlite"
    env = dict(os.environ, MEDIAOPT_CATALOG=str(catalog))
    env.update(  # what RQD sets for a frame of the job's Post layer
        CUE_JOB="alpha-sh010-ana_sh010_lighting",
        CUE_JOB_ID="d7e0-44b1",
        CUE_SHOW="alpha",
        CUE_SHOT="sh010",
        CUE_USER="ana",
        CUE_LAYER="mediaopt",
        CUE_RANGE="1-6",
        CUE_IFRAME="1",
    )
    done = subprocess.run(shlex.split(MEDIAOPT) + command[1:], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    [record] = recorded(catalog)
    assert (record.job_id, record.show, record.shot, record.user) == (
        "d7e0-44b1",
        "alpha",
        "sh010",
        "ana",
    )
    assert record.output_bytes == on_disk(output) and record.missing_frames == [4]


# --- Flamenco -------------------------------------------------------------------------

HARNESS = r"""
// Loads a Flamenco job type the way the Manager's JS runtime does, with its `author`
// API recorded, and prints the compiled tasks as JSON.
const fs = require("fs"), vm = require("vm"), path = require("path");
const [file, jobFile] = process.argv.slice(2);
const tasks = [];
const author = {
  Task(name, type) {
    const task = { name, type, commands: [], depends: [] };
    return Object.assign(task, {
      addCommand(c) { task.commands.push(c); },
      addDependency(t) { task.depends.push(t.name); },
    });
  },
  Command(type, parameters) { return { type, parameters }; },
};
function frameChunker(frames, size) {  // Flamenco's: "1-6" in chunks of `size`
  const [a, b] = frames.split("-").map(Number), out = [];
  for (let f = a; f <= b; f += size) out.push(`${f}-${Math.min(b, f + size - 1)}`);
  return out;
}
const context = vm.createContext({ author, frameChunker, path: path.posix, print() {} });
vm.runInContext(fs.readFileSync(file, "utf8") + "\ncompileJob(job);", Object.assign(context, {
  job: Object.assign(JSON.parse(fs.readFileSync(jobFile, "utf8")), {
    addTask(t) {
      tasks.push({ name: t.name, type: t.type, commands: t.commands, depends: t.depends });
    },
  }),
}));
process.stdout.write(JSON.stringify(tasks));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_flamenco_job_type_ends_with_a_mediaopt_task_that_records_the_job(output, tmp_path):
    job = {  # as the Flamenco Blender add-on submits it
        "name": "sh010 anim",
        "type": "mediaopt-blender-render",
        "priority": 50,
        "submitter_platform": "linux",
        "settings": {
            "blendfile": "/p/sh010.blend",
            "frames": "1-6",
            "chunk_size": 3,
            "format": "OPEN_EXR",
            "image_file_extension": ".exr",
            "render_output_path": str(output / "beauty.####"),
        },
        "metadata": {"user.name": "Ben", "project": "beta"},
    }
    (tmp_path / "job.json").write_text(json.dumps(job))
    (tmp_path / "harness.js").write_text(HARNESS)
    compiled = subprocess.run(
        ["node", str(tmp_path / "harness.js"), str(HOSTS / "flamenco/mediaopt-blender-render.js"),
         str(tmp_path / "job.json")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    tasks = json.loads(compiled.stdout)
    assert [t["name"] for t in tasks] == ["render-1-3", "render-4-6", "mediaopt"]
    [command] = tasks[-1]["commands"]
    assert tasks[-1]["depends"] == ["render-1-3", "render-4-6"]
    assert command["type"] == "exec" and command["parameters"]["exe"] == "{mediaopt}"
    catalog = tmp_path / "catalog.sqlite"
    args = command["parameters"]["args"] + ["--catalog", str(catalog)]
    done = subprocess.run(shlex.split(MEDIAOPT) + args, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [record] = recorded(catalog)
    assert (record.name, record.user, record.show, record.renderer) == (
        "sh010 anim",
        "Ben",
        "beta",
        "Blender",
    )
    assert record.output_pattern.endswith("beauty.####.exr")
    assert record.output_bytes == on_disk(output) and record.missing_frames == [4]
