"""Outside formats -> engine records: project files read into Project and Reference.

`read_project(path)` reads any project file a registered reader knows (see registry.py);
it never raises for a bad file.
"""

from mediaopt.adapters.registry import kinds, project_kind, read_project, reader

__all__ = ["kinds", "project_kind", "read_project", "reader"]
