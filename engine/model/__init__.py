"""Typed records that cross a boundary: catalog rows, CLI JSON, what hosts read.

One module per area; everything a caller needs is re-exported here.
"""

from mediaopt.engine.model.assets import (
    Asset,
    AssetKind,
    AssetStatus,
    ExrChannel,
    FrameSequence,
    Stream,
    StreamKind,
    Window,
)
from mediaopt.engine.model.lineage import LineageEdge, LineageKind, LineageReport
from mediaopt.engine.model.orphans import (
    Orphan,
    OrphanCategory,
    OrphanReport,
    ProjectRead,
    ProjectsReport,
    ProjectSummary,
    Uncertain,
    UnresolvedReference,
)
from mediaopt.engine.model.projects import Project, Reference, ReferenceTarget
from mediaopt.engine.model.scan import FileProblem, ScanSummary

__all__ = [
    "Asset",
    "AssetKind",
    "AssetStatus",
    "ExrChannel",
    "FileProblem",
    "FrameSequence",
    "LineageEdge",
    "LineageKind",
    "LineageReport",
    "Orphan",
    "OrphanCategory",
    "OrphanReport",
    "Project",
    "ProjectRead",
    "ProjectSummary",
    "ProjectsReport",
    "Reference",
    "ReferenceTarget",
    "ScanSummary",
    "Stream",
    "StreamKind",
    "Uncertain",
    "UnresolvedReference",
    "Window",
]
