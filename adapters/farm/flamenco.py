"""Flamenco 3: the job as its Manager API returns it (`GET /api/v3/jobs/{id}`), with the
Blender job type's settings (`render_output_path`, `frames`, `format`, `blendfile`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec

from mediaopt.adapters.farm.common import setting_items
from mediaopt.engine.model import RenderJob


def from_flamenco(job: dict[str, Any] | str | os.PathLike[str]) -> RenderJob:
    problems: list[str] = []
    if not isinstance(job, dict):
        try:
            job = msgspec.json.decode(Path(job).read_bytes())
        except (OSError, msgspec.DecodeError) as exc:
            return RenderJob(
                job_id="unknown", farm="flamenco", problems=[f"{job}: not a Flamenco job: {exc}"]
            )
    if not isinstance(job, dict):
        return RenderJob(job_id="unknown", farm="flamenco", problems=["job JSON is not an object"])
    settings = job.get("settings") or {}
    metadata = job.get("metadata") or {}
    job_id = job.get("id")
    if not job_id:
        problems.append("the job JSON has no id")
    return RenderJob(
        job_id=str(job_id or "unknown"),
        farm="flamenco",
        name=job.get("name"),
        user=metadata.get("user.name") or metadata.get("user.email"),
        show=metadata.get("project"),
        renderer="Blender"
        if str(job.get("type", "")).startswith(("simple-blender", "blender"))
        else job.get("type"),
        scene_file=settings.get("blendfile"),
        frames=settings.get("frames"),
        output_pattern=_output(settings),
        settings=setting_items({k: str(v) for k, v in settings.items()}),
        problems=problems,
    )


def _output(settings: dict[str, Any]) -> str | None:
    """Flamenco's render_output_path is Blender's, `######` for the frame number; a path
    ending in a folder gets Blender's default of `######` plus the image extension."""
    path = settings.get("render_output_path")
    if not path:
        return None
    path = str(path)
    ext = str(settings.get("image_file_extension") or ".exr")
    if "#" not in os.path.basename(path):
        if path.endswith(("/", "\\")):
            return path + "######" + ext
        path += "######"
    # Blender adds the file extension after the frame number unless the path has one.
    if not os.path.splitext(os.path.basename(path).replace("#", "0"))[1]:
        path += ext
    return path
