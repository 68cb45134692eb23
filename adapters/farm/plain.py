"""Plain flags or a JSON file, for a farm mediaopt has no reader for: the JSON is the
RenderJob record itself (see `mediaopt schema farm`)."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from mediaopt.engine.model import RenderJob


def from_plain(source: str | os.PathLike[str] | None = None, **fields: object) -> RenderJob:
    """A RenderJob from a JSON file (optional) overridden by keyword fields (flags)."""
    base: dict[str, object] = {}
    problems: list[str] = []
    if source is not None:
        try:
            loaded = msgspec.json.decode(Path(source).read_bytes())
            if isinstance(loaded, dict):
                base = loaded
            else:
                problems.append(f"{source}: the JSON is not an object")
        except (OSError, msgspec.DecodeError) as exc:
            problems.append(f"{source}: cannot read the job JSON: {exc}")
    base.update({k: v for k, v in fields.items() if v is not None})
    base.setdefault("farm", "plain")
    if not base.get("job_id"):
        problems.append("no job id given")
        base["job_id"] = "unknown"
    base["problems"] = list(base.get("problems") or []) + problems
    try:
        return msgspec.convert(base, RenderJob, strict=False)
    except msgspec.ValidationError as exc:
        return RenderJob(
            job_id=str(base.get("job_id")), farm="plain", problems=[*problems, f"bad field: {exc}"]
        )
