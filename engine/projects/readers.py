"""The seam with the project readers in `mediaopt.adapters`: `read_project(path) -> Project`
(never raises; problems land in Project.errors) and `project_kind(path) -> str | None`."""

from __future__ import annotations

from mediaopt.adapters import project_kind, read_project

__all__ = ["project_kind", "read_project"]
