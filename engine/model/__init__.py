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
from mediaopt.engine.model.projects import Project, Reference, ReferenceTarget
from mediaopt.engine.model.scan import FileProblem, ScanSummary

__all__ = [
    "Asset",
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
    "Reference",
    "ReferenceTarget",
    "ScanSummary",
    "StorageMeasurement",
    "Stream",
    "StreamKind",
    "TimelineCurve",
    "Verdict",
    "Window",
    "Workflow",
    "WorkflowNeed",
]
