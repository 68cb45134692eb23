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
from mediaopt.engine.model.bandwidth import (
    BandwidthNeed,
    CheckReport,
    ClipUse,
    CurveSegment,
    NeedReport,
    PeakSource,
    ReadTest,
    StorageMeasurement,
    TimelineCurve,
    Verdict,
    Workflow,
    WorkflowNeed,
)
from mediaopt.engine.model.dedup import (
    Comparison,
    DupesReport,
    DuplicateGroup,
    DuplicateMember,
    MatchKind,
    TechnicalDifference,
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
    "Comparison",
    "DupesReport",
    "DuplicateGroup",
    "DuplicateMember",
    "MatchKind",
    "TechnicalDifference",
    "AssetKind",
    "AssetStatus",
    "BandwidthNeed",
    "CheckReport",
    "ClipUse",
    "CurveSegment",
    "ExrChannel",
    "FileProblem",
    "FrameSequence",
    "NeedReport",
    "PeakSource",
    "Project",
    "ReadTest",
    "LineageEdge",
    "LineageKind",
    "LineageReport",
    "Orphan",
    "OrphanCategory",
    "OrphanReport",
    "ProjectRead",
    "ProjectSummary",
    "ProjectsReport",
    "Reference",
    "ReferenceTarget",
    "ScanSummary",
    "StorageMeasurement",
    "Stream",
    "StreamKind",
    "TimelineCurve",
    "Verdict",
    "Uncertain",
    "UnresolvedReference",
    "Window",
    "Workflow",
    "WorkflowNeed",
]
