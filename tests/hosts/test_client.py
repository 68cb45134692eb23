"""The shared host client: finding the command, JSON in and out, in process or not,
background jobs with progress and cancel, and what is on disk for a reference."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from mediaopt.engine.demo.renders import write_render_sequence
from mediaopt.hosts import client

MEDIAOPT = f"{sys.executable} -m mediaopt.engine.cli"


def test_the_command_comes_from_the_setting_then_the_environment(monkeypatch):
    monkeypatch.setenv("MEDIAOPT_COMMAND", f"{sys.executable} -m mediaopt.engine.cli")
    assert client.find_command() == [sys.executable, "-m", "mediaopt.engine.cli"]
    assert client.find_command(sys.executable) == [sys.executable]


def test_a_missing_command_says_where_it_looked_and_what_to_set(monkeypatch, tmp_path):
    monkeypatch.delenv("MEDIAOPT_COMMAND", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(client.CommandNotFound) as found:
        client.find_command()
    message = str(found.value)
    assert "MEDIAOPT_COMMAND" in message and str(tmp_path) in message
    assert "uv tool install mediaopt" in message


def test_a_command_set_to_a_program_that_does_not_exist_is_an_error(monkeypatch):
    monkeypatch.setenv("MEDIAOPT_COMMAND", "/opt/nowhere/mediaopt --flag")
    with pytest.raises(client.CommandNotFound, match="no program /opt/nowhere/mediaopt"):
        client.find_command()


@pytest.fixture(scope="module")
def frames(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("client") / "renders"
    write_render_sequence(folder / "beauty.####.exr", [1, 2, 4], width=32, height=18)
    return folder


@pytest.mark.parametrize("in_process", [True, False])
def test_a_command_runs_in_process_or_as_the_command_with_the_same_json(
    in_process, frames, tmp_path, monkeypatch
):
    monkeypatch.setenv("MEDIAOPT_COMMAND", MEDIAOPT)
    runner = client.Client(in_process=in_process, catalog=str(tmp_path / "c.sqlite"))
    scanned = runner.run(["scan", str(frames)])
    assert scanned.ok and scanned.data["assets"] == 1 and scanned.data["sequences"] == 1
    info = runner.run(["info", str(frames / "beauty.####.exr")])
    assert info.data["bytes"] == sum(p.stat().st_size for p in frames.iterdir())
    assert info.data["sequence"]["missing_frames"] == [3]


def test_a_usage_error_is_not_ok_and_carries_the_message(tmp_path):
    runner = client.Client(in_process=True, catalog=str(tmp_path / "c.sqlite"))
    result = runner.run(["scan", str(tmp_path / "absent")])
    assert not result.ok and result.code == 2 and "absent" in result.error_text()


def test_a_job_runs_its_steps_in_the_background_with_progress(frames, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIAOPT_COMMAND", MEDIAOPT)
    runner = client.Client(in_process=False, catalog=str(tmp_path / "c.sqlite"))
    job = runner.start([("scan", ["scan", str(frames)]), ("stats", ["stats"])])
    assert job.progress < 1.0 and "scan (1/2" in job.status
    job.wait(300)
    assert job.done and job.error is None and job.progress == 1.0
    assert job.results["stats"].data and job.status.startswith("mediaopt: done in")


def test_cancel_ends_the_running_command_and_skips_the_rest(monkeypatch):
    monkeypatch.setenv("MEDIAOPT_COMMAND", f'{sys.executable} -c "import time; time.sleep(60)"')
    job = client.Client(in_process=False).start([("slow", ["x"]), ("never", ["y"])])
    time.sleep(0.5)
    started = time.monotonic()
    job.cancel()
    job.wait(20)
    assert job.done and job.cancelled and time.monotonic() - started < 10
    assert "never" not in job.results and job.status == "mediaopt: cancelled"


def test_a_failed_step_stops_the_job_and_names_the_step(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIAOPT_COMMAND", MEDIAOPT)
    runner = client.Client(in_process=False, catalog=str(tmp_path / "c.sqlite"))
    job = runner.start([("cataloguing", ["scan", str(tmp_path / "absent")]), ("x", ["stats"])])
    job.wait(300)
    assert job.error.startswith("cataloguing failed:") and "absent" in job.error
    assert "x" not in job.results


def test_on_disk_counts_a_sequences_frames_and_the_ones_missing_from_its_range(frames):
    pattern = str(frames / "beauty.####.exr")
    found = client.on_disk(pattern, sequence=True, frames=(1, 5))
    assert found["files"] == 3 and found["missing_frames"] == [3, 5]
    assert found["bytes"] == sum(p.stat().st_size for p in frames.iterdir())
    # Blender's form: one frame of the sequence; the gaps between the frames found.
    blender = client.on_disk(str(frames / "beauty.0001.exr"), sequence=True)
    assert blender["files"] == 3 and blender["missing_frames"] == [3]
    assert client.on_disk(str(frames / "nothing.exr"))["missing"] is True
    assert client.on_disk(str(frames))["files"] == 3


def test_the_client_needs_only_the_standard_library():
    source = (Path(client.__file__)).read_text()
    imported = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from ")) and "mediaopt" not in line
    }
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
    assert os.path.basename(client.__file__) == "client.py"


def test_an_in_process_command_captures_only_its_own_threads_output(capsys):
    import threading

    out, err = client._CapturedText(), client._CapturedText()
    inside, printed = threading.Event(), threading.Event()

    def command():
        with client._Captured(out, err):
            print("the command's JSON")
            inside.set()
            printed.wait(10)

    worker = threading.Thread(target=command)
    worker.start()
    inside.wait(10)
    print("the host's own line")  # from the host's thread while the command runs
    printed.set()
    worker.join(10)
    assert out.getvalue() == "the command's JSON\n"
    assert "the host's own line" in capsys.readouterr().out
    assert not isinstance(sys.stdout, client._Router)


@pytest.mark.parametrize(
    ("path", "oldest"),
    [
        ("client.py", (3, 6)),
        ("resolve/mediaopt_resolve.py", (3, 6)),
        ("nuke/mediaopt_nuke/__init__.py", (3, 7)),
        ("deadline/events/MediaOpt/MediaOpt.py", (3, 7)),
    ],
)
def test_host_code_parses_as_the_oldest_python_its_host_runs(path, oldest):
    import ast

    source = (Path(client.__file__).parent / path).read_text()
    ast.parse(source, feature_version=oldest)
