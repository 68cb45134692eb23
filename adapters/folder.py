"""A folder with no project file: its tree is the project, each file a reference."""

from __future__ import annotations

import os
from pathlib import Path

from mediaopt.adapters.registry import reader
from mediaopt.engine.model import Project, Reference, ReferenceTarget


@reader("folder")
def read_folder(path: Path) -> Project:
    """Every file under the folder, as a `read` reference. Hidden files and folders
    (dot-names: .DS_Store, .git) are skipped, as editors never point at them."""
    project = Project(path=str(path), kind="folder", name=path.name)
    for top, dirs, files in os.walk(path, onerror=lambda e: _unreadable(project, e)):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = os.path.join(top, name)
            project.references.append(
                Reference(
                    target=ReferenceTarget.FILE,
                    path=full,
                    name=name,
                    owner="folder",
                    location=os.path.relpath(full, path),
                )
            )
    return project


def _unreadable(project: Project, error: OSError) -> None:
    project.errors.append(f"{error.filename}: could not be listed: {error.strerror}")
