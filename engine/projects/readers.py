"""The seam with the project readers: `read_project(path) -> Project` (never raises) and
`project_kind(path) -> str | None`, from `mediaopt.adapters` once the readers branch has
landed, else from the stand-in kept for tests until then."""

from __future__ import annotations

try:
    from mediaopt.adapters import project_kind, read_project  # type: ignore[attr-defined]
except ImportError:  # the readers branch has not landed: see standin_readers.py
    from mediaopt.engine.projects.standin_readers import project_kind, read_project

__all__ = ["project_kind", "read_project"]
