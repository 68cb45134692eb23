"""farm post-job: each farm's input form becomes a RenderJob tied to what it wrote."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mediaopt.adapters.farm import from_deadline, from_flamenco, from_opencue, from_plain
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo.renders import write_render_sequence
from mediaopt.engine.render.analyze import analyze
from mediaopt.engine.render.jobs import normalise_pattern, parse_frames, render_jobs

SIZE = {"width": 128, "height": 72}


@pytest.fixture(scope="module")
def job_output(tmp_path_factory) -> Path:
    """A finished job's output: frames 1-10 written, 5 missing (a failed task)."""
    root = tmp_path_factory.mktemp("farm") / "show" / "sh010" / "lighting"
    write_render_sequence(
        root / "beauty.####.exr",
        [1, 2, 3, 4, 6, 7, 8, 9, 10],
        compression="zip",
        pixel_type="half",
        **SIZE,
    )
    return root


def post(tmp_path: Path, *args: str, capsysbinary=None) -> tuple[int, dict | None]:
    catalog = tmp_path / "catalog.sqlite"
    code = main(["farm", "post-job", "--catalog", str(catalog), "--json", *args])
    out = capsysbinary.readouterr().out if capsysbinary else b""
    return code, json.loads(out) if out.strip() else None


def test_deadline_job_and_plugin_info_files_record_the_job(job_output, tmp_path, capsysbinary):
    job_info = tmp_path / "job.job"
    job_info.write_text(
        "\ufeffPlugin=Arnold\nName=sh010 lighting v003\nUserName=ana\nFrames=1-10\n"
        f"OutputDirectory0={job_output}\nOutputFilename0=beauty.####.exr\n"
        "JobId=64f0c0ffee\nEnvironmentKeyValue0=SHOW=alpha\n",
        encoding="utf-8",
    )
    plugin_info = tmp_path / "plugin.job"
    plugin_info.write_text(
        "SceneFile=/show/sh010/light.ma\nRenderer=arnold\nAASamples=6\nCamera=shotcam\n"
    )
    start = time.perf_counter()
    code, job = post(
        tmp_path,
        "--from",
        "deadline",
        "--job-info",
        str(job_info),
        "--plugin-info",
        str(plugin_info),
        capsysbinary=capsysbinary,
    )
    assert time.perf_counter() - start < 5
    assert code == 0
    assert job["job_id"] == "64f0c0ffee" and job["user"] == "ana" and job["show"] == "alpha"
    assert job["scene_file"] == "/show/sh010/light.ma"
    assert job["settings"]["AASamples"] == "6"
    assert job["output_frames"] == 9 and job["missing_frames"] == [5]
    on_disk = sum(p.stat().st_size for p in job_output.glob("*.exr"))
    assert job["output_bytes"] == on_disk
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        assert render_jobs(catalog)[0].job_id == "64f0c0ffee"
        report = analyze(catalog)
        assert [t.key for t in report.by_job] == ["64f0c0ffee"]
        assert report.by_user[0].key == "ana"


def test_opencue_environment_records_show_shot_and_user(job_output, tmp_path):
    env = {
        "CUE_JOB": "alpha-sh010-ana_light",
        "CUE_JOB_ID": "7d3c",
        "CUE_SHOW": "alpha",
        "CUE_SHOT": "sh010",
        "CUE_USER": "ana",
        "CUE_RANGE": "1-10",
        "CUE_LAYER": "beauty",
    }
    job = from_opencue(env, output=str(job_output / "beauty.%04d.exr"))
    assert (job.job_id, job.show, job.shot, job.user, job.frames) == (
        "7d3c",
        "alpha",
        "sh010",
        "ana",
        "1-10",
    )
    assert normalise_pattern(job.output_pattern).endswith("beauty.####.exr")
    assert job.settings["layer"] == "beauty"


def test_flamenco_job_json_records_blender_settings(tmp_path):
    data = {
        "id": "0f3e-9a",
        "name": "sh010 anim",
        "type": "simple-blender-render",
        "settings": {
            "blendfile": "/p/sh010.blend",
            "frames": "1-10",
            "format": "OPEN_EXR",
            "render_output_path": "/renders/sh010/frame_######",
            "image_file_extension": ".exr",
        },
        "metadata": {"user.name": "Ben", "project": "beta"},
    }
    path = tmp_path / "job.json"
    path.write_text(json.dumps(data))
    job = from_flamenco(path)
    assert (job.job_id, job.user, job.show, job.renderer) == ("0f3e-9a", "Ben", "beta", "Blender")
    assert job.output_pattern == "/renders/sh010/frame_######.exr"
    assert job.settings["format"] == "OPEN_EXR" and job.frames == "1-10"


def test_plain_flags_record_a_job(job_output, tmp_path, capsysbinary):
    code, job = post(
        tmp_path,
        "--job-id",
        "j1",
        "--user",
        "cy",
        "--frames",
        "1-10",
        "--output",
        str(job_output / "beauty.@@@@.exr"),
        "--setting",
        "samples=64",
        capsysbinary=capsysbinary,
    )
    assert code == 0 and job["farm"] == "plain" and job["settings"] == {"samples": "64"}
    assert job["output_frames"] == 9


def test_a_job_whose_output_is_missing_is_recorded_and_exits_0(tmp_path, capsysbinary):
    missing = tmp_path / "nowhere" / "beauty.####.exr"
    code, job = post(
        tmp_path, "--job-id", "lost", "--output", str(missing), capsysbinary=capsysbinary
    )
    assert code == 0
    assert job.get("output_frames", 0) == 0
    assert any("no output found" in p and str(missing) in p for p in job["problems"])
    code, _ = post(tmp_path, "--job-id", "lost", "--output", str(missing), "--strict")
    assert code == 1


def test_unreadable_farm_files_become_problems_not_crashes(tmp_path):
    job = from_deadline(tmp_path / "absent.job")
    assert job.job_id == "unknown" and any("cannot read the job info" in p for p in job.problems)
    assert from_flamenco(tmp_path / "absent.json").problems
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert any("not an object" in p for p in from_plain(bad).problems)


def test_frame_ranges_and_tokens_in_the_forms_farms_write():
    assert parse_frames("1-5,8,10-14x2") == [1, 2, 3, 4, 5, 8, 10, 12, 14]
    assert parse_frames("1001-1003") == [1001, 1002, 1003]
    assert normalise_pattern("/r/a.%04d.exr") == "/r/a.####.exr"
    assert normalise_pattern("/r/a.$F4.exr") == "/r/a.####.exr"
    assert normalise_pattern("/r/a.@@@.exr") == "/r/a.###.exr"
