"""A project as the analyses see it: read, with where each reference points, when it was
last active; and the session that holds every such project of a set of roots."""

from __future__ import annotations

import os

import msgspec

from mediaopt.engine.model import FileProblem, LineageEdge, Project
from mediaopt.engine.refs.index import CatalogIndex
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.resolve import Resolution, resolve

DAY = 86400.0


class ResolvedProject(msgspec.Struct, kw_only=True):
    """A project read, with where each of its references points."""

    project: Project
    resolutions: list[Resolution]
    """One per reference, in the project's order."""
    mtime: float
    """The project file's own modification time."""
    last_activity: float
    """Latest change to the project file or any asset it uses."""
    active: bool
    explicit: bool
    """Named by the user rather than discovered under a root: always active."""

    @property
    def failed(self) -> bool:
        return bool(self.project.errors)

    @property
    def assets(self) -> set[str]:
        return {a for r in self.resolutions for a in r.assets}


def folder_project_roots(
    roots: list[str], read: list[ResolvedProject], *, restricted: bool = False
) -> list[str]:
    """Roots with no project file under them, and none of whose media a project named by
    the user uses: such a folder's tree is its project. Without this, a camera-original
    archive that holds no edit would be reported whole as orphans. None when the search
    was `restricted` to named projects: the user said those define what is in use."""
    if restricted:
        return []
    return [r for r in roots if not any(_holds(r, rp) for rp in read)]


def _holds(root: str, rp: ResolvedProject) -> bool:
    if _under(rp.project.path, root):
        return True
    return rp.explicit and any(_under(asset, root) for asset in rp.assets)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve_project(
    project: Project,
    path: str,
    index: CatalogIndex,
    path_map: PathMap,
    dormant_days: float,
    now: float,
    explicit: bool,
) -> ResolvedProject:
    resolutions = [resolve(ref, path, index, path_map) for ref in project.references]
    try:
        mtime = os.stat(path).st_mtime
    except OSError as exc:
        mtime = 0.0
        if not project.errors:
            project.errors = [f"{path}: {exc.strerror}"]
    used = index.entries_at(a for r in resolutions for a in r.assets)
    times = [mtime] + [entry.mtime for entry in used.values()]
    last = max(times)
    return ResolvedProject(
        project=project,
        resolutions=resolutions,
        mtime=mtime,
        last_activity=last,
        active=explicit or now - last <= dormant_days * DAY,
        explicit=explicit,
    )


class Session(msgspec.Struct, kw_only=True):
    """The catalog indexed, the projects read and resolved, the lineage found: the shared
    ground of the projects, orphans and lineage analyses."""

    index: CatalogIndex
    roots: list[str]
    projects: list[ResolvedProject]
    edges: list[LineageEdge]
    now: float
    problems: list[FileProblem] = []
    """Files that could not be fingerprinted for perceptual lineage."""
    restricted_to: list[str] = []
    """The named projects, when the search was restricted to them (`only_projects`):
    other projects under the roots were not read."""
    unlisted: list[FileProblem] = []
    """Folders under the roots that could not be listed: a project in one is unknown, so
    what it could reference is in doubt."""

    def reading_problems(self) -> list[FileProblem]:
        """What could not be read: each unreadable project file (with its first error),
        then the files that could not be fingerprinted. Every report built on a session
        carries these as its `problems`."""
        unreadable = [
            FileProblem(path=rp.project.path, reason=rp.project.errors[0])
            for rp in self.projects
            if rp.failed
        ]
        return [*unreadable, *self.problems]
