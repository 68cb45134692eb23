"""Deadline: the job info and plugin info files (`key=value` lines, as submitted and as
`deadlinecommand -GetJob` prints them), and the environment a Deadline task runs in."""

from __future__ import annotations

import os
from pathlib import Path

from mediaopt.adapters.farm.common import seconds, setting_items
from mediaopt.engine.model import RenderJob


def read_key_values(path: str | os.PathLike[str]) -> dict[str, str]:
    """A Deadline info file as a dict. Lines without `=` and `#`/`;` comments are skipped;
    files are read as UTF-8 with a BOM allowed (Deadline on Windows writes one)."""
    values: dict[str, str] = {}
    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;[" or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def from_deadline(
    job_info: dict[str, str] | str | os.PathLike[str] | None = None,
    plugin_info: dict[str, str] | str | os.PathLike[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
) -> RenderJob:
    """A RenderJob from Deadline's job info and plugin info (dicts or file paths). Missing
    keys are filled from the environment's DEADLINE_* / job-info environment variables."""
    problems: list[str] = []
    job = _load(job_info, "job info", problems)
    plugin = _load(plugin_info, "plugin info", problems)
    env = dict(os.environ if environ is None else environ)
    # Submitters put job-wide variables in EnvironmentKeyValue0=NAME=value.
    for key, value in job.items():
        if key.startswith("EnvironmentKeyValue") and "=" in value:
            name, _, val = value.partition("=")
            env.setdefault(name, val)
    job_id = job.get("JobId") or job.get("ID") or env.get("DEADLINE_JOB_ID")
    if not job_id:
        problems.append("no job id in the job info (JobId) or DEADLINE_JOB_ID")
    output = None
    if job.get("OutputFilename0"):
        folder = job.get("OutputDirectory0", "")
        output = os.path.join(folder, job["OutputFilename0"]) if folder else job["OutputFilename0"]
    elif job.get("OutputDirectory0"):
        problems.append("the job info names an output folder but no file name")
    settings = setting_items(plugin)
    settings.update(setting_items({k: v for k, v in job.items() if k.startswith("Extra")}))
    return RenderJob(
        job_id=job_id or "unknown",
        farm="deadline",
        name=job.get("Name") or env.get("DEADLINE_JOB_NAME"),
        user=job.get("UserName") or env.get("DEADLINE_USER"),
        show=env.get("SHOW") or job.get("Department") or None,
        renderer=plugin.get("Renderer") or job.get("Plugin"),
        scene_file=plugin.get("SceneFile") or plugin.get("InputFile"),
        frames=job.get("Frames"),
        output_pattern=output,
        settings=settings,
        render_seconds=seconds(job.get("RenderTime") or env.get("DEADLINE_RENDER_SECONDS")),
        problems=problems,
    )


def _load(source, label: str, problems: list[str]) -> dict[str, str]:
    if source is None:
        return {}
    if isinstance(source, dict):
        return {str(k): str(v) for k, v in source.items()}
    try:
        return read_key_values(source)
    except OSError as exc:
        problems.append(f"{source}: cannot read the {label}: {exc.strerror or exc}")
        return {}
