"""OpenCue: RQD runs every frame with CUE_* variables (job, show, shot, user, layer, frame
range). OpenCue does not know where a layer writes, so the output comes from the hook's
arguments or MEDIAOPT_OUTPUT."""

from __future__ import annotations

import os

from mediaopt.adapters.farm.common import setting_items
from mediaopt.engine.model import RenderJob


def from_opencue(environ: dict[str, str] | None = None, *, output: str | None = None) -> RenderJob:
    env = dict(os.environ if environ is None else environ)
    problems = []
    job_id = env.get("CUE_JOB_ID") or env.get("CUE_JOB")
    if not job_id:
        problems.append("no CUE_JOB_ID or CUE_JOB in the environment: not run by OpenCue?")
    output = output or env.get("MEDIAOPT_OUTPUT")
    settings = setting_items(
        {
            k[len("MEDIAOPT_SETTING_") :].lower(): v
            for k, v in env.items()
            if k.startswith("MEDIAOPT_SETTING_")
        }
    )
    if env.get("CUE_LAYER"):
        settings["layer"] = env["CUE_LAYER"]
    return RenderJob(
        job_id=job_id or "unknown",
        farm="opencue",
        name=env.get("CUE_JOB"),
        user=env.get("CUE_USER"),
        show=env.get("CUE_SHOW"),
        shot=env.get("CUE_SHOT"),
        frames=env.get("CUE_RANGE"),
        output_pattern=output,
        settings=settings,
        problems=problems,
    )
