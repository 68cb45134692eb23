"""The seam with the project readers in `mediaopt.adapters`: `read_project(path) -> Project`
(never raises; problems land in Project.errors) and `project_kind(path) -> str | None`."""

from __future__ import annotations

from mediaopt.adapters import project_kind, read_project
from mediaopt.adapters.registry import kinds


def project_extensions() -> list[str]:
    """File name endings some reader knows (`otio`, `nk`, `tar.gz`-like), lower case."""
    return list(kinds())


__all__ = ["project_extensions", "project_kind", "read_project"]
