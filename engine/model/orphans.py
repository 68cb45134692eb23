"""What the projects and orphans analyses report."""

from __future__ import annotations

import enum

import msgspec

from mediaopt.engine.model.projects import Reference
from mediaopt.engine.model.scan import FileProblem


class OrphanCategory(enum.StrEnum):
    UNREFERENCED = "unreferenced"
    """No project references it and nothing referenced was made from it."""
    REGENERABLE = "regenerable"
    """A derivative (proxy, transcode) of a referenced asset: it can be made again."""
    SUPERSEDED = "superseded"
    """An older version of a render whose newer version a project references."""


class Orphan(msgspec.Struct, kw_only=True, frozen=True):
    """An asset under the roots that no active project needs."""

    path: str
    """The file, or a sequence's `####` pattern."""
    bytes: int
    category: OrphanCategory
    reason: str
    """Why it is an orphan, in a person's words."""


class Uncertain(msgspec.Struct, kw_only=True, frozen=True):
    """An asset kept because it might be needed; a person should look at it."""

    path: str
    bytes: int
    reason: str
    """Why it could not be called an orphan: which unresolved reference or unread project."""


class UnresolvedReference(msgspec.Struct, kw_only=True, frozen=True):
    """A reference that matched no cataloged asset, with the assets it might mean."""

    project: str
    """The project file holding it."""
    reference: Reference
    tried: list[str] = []
    """Local paths looked for, after relative resolution and path mapping."""
    candidates: list[str] = []
    """Cataloged assets with the same file name, or the same reel and timecode."""


class ProjectRead(msgspec.Struct, kw_only=True, frozen=True):
    """One project file the analysis read, and how that went."""

    path: str
    kind: str
    references: int
    resolved: int
    active: bool
    errors: list[str] = []
    """Reading problems; any error means what it references is not fully known."""


class OrphanReport(msgspec.Struct, kw_only=True):
    """`mediaopt orphans --json`."""

    roots: list[str]
    grace_days: float
    orphans: list[Orphan] = []
    uncertain: list[Uncertain] = []
    unresolved_references: list[UnresolvedReference] = []
    projects: list[ProjectRead] = []
    """Projects read (successfully or not); a failed one makes its scope uncertain."""
    failed_projects: list[str] = []
    """Project files that could not be read fully."""
    restricted_to: list[str] = []
    """Set when the search was restricted to these named projects (`--only-projects`):
    other projects under the roots were not read, so an orphan here may be one of their
    files."""
    unlisted_folders: list[FileProblem] = []
    """Folders under the roots that could not be listed (permission denied, a path longer
    than the OS allows): a project in one is unknown, so what it could use is uncertain."""
    referenced: int = 0
    """Assets under the roots kept because an active project references them."""
    kept_as_source: int = 0
    """Assets kept because a referenced asset was made from them."""
    kept_recent: int = 0
    """Assets kept because they changed within the grace period."""
    folder_projects: list[str] = []
    """Roots under which no project file was found: each folder's tree is its own project,
    so nothing under it can be called an orphan until its projects are known."""
    kept_in_folder_projects: int = 0
    """Assets kept because they lie under one of `folder_projects`."""
    orphan_bytes: int = 0
    problems: list[FileProblem] = []
    """Project files that could not be read: what they use is uncertain, never orphaned."""


class ProjectSummary(msgspec.Struct, kw_only=True):
    """One project: a project file with what it references, or a folder by convention."""

    name: str
    path: str
    """The project file, or the folder for a folder-convention project."""
    kind: str
    """Reader that produced it (`otio`, `cmx_3600`, `nuke` ...) or `folder`."""
    files: int = 0
    """Cataloged assets it references (folder projects: assets under the folder)."""
    bytes: int = 0
    first_modified: float | None = None
    """Earliest modification time (Unix seconds) over its assets."""
    last_modified: float | None = None
    first_recorded: str | None = None
    """Earliest recorded date the media carries in its headers."""
    last_recorded: str | None = None
    last_activity: float | None = None
    """Latest change to the project file or any of its assets."""
    status: str = "active"
    """`active`, or `dormant` when the last activity is older than the threshold."""
    references: int = 0
    unresolved: int = 0
    errors: list[str] = []


class ProjectsReport(msgspec.Struct, kw_only=True):
    """`mediaopt projects --json`."""

    roots: list[str]
    dormant_days: float
    projects: list[ProjectSummary] = []
    restricted_to: list[str] = []
    """Set when only these named projects were read (`--only-projects`), not those found
    under the roots."""
    problems: list[FileProblem] = []
    """Project files that could not be read."""
