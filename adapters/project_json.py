"""A Project record saved as JSON (`*.mediaopt-project.json`), read back as a project.

Host add-ons collect a live session (a Resolve project has no file) into a Project and
save it; the CLI then takes that file wherever it takes a project file. The record keeps
the path and kind its reader gave it, so reports and lineage name the host's project.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from mediaopt.adapters.registry import reader
from mediaopt.engine.model import Project

__all__ = ["SUFFIX", "read_project_json", "write_project_json"]

SUFFIX = ".mediaopt-project.json"


@reader("project_json", [SUFFIX.lstrip(".")])
def read_project_json(path: Path) -> Project:
    try:
        project = msgspec.json.decode(path.read_bytes(), type=Project)
    except msgspec.ValidationError as exc:
        raise ValueError(f"{path}: not a mediaopt Project record: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise ValueError(f"{path}: not JSON: {exc}") from exc
    project.notes.append(f"read from {path}")
    return project


def write_project_json(project: Project, path: str | Path) -> Path:
    """Save `project` where `read_project` will read it back (the suffix is added when
    missing)."""
    path = Path(path)
    if not path.name.endswith(SUFFIX):
        path = path.with_name(path.name + SUFFIX)
    path.write_bytes(msgspec.json.format(msgspec.json.encode(project)))
    return path
