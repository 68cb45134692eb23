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
from mediaopt.engine.model.dedup import (
    Comparison,
    DupesReport,
    DuplicateGroup,
    DuplicateMember,
    MatchKind,
    TechnicalDifference,
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
    "ExrChannel",
    "FileProblem",
    "FrameSequence",
    "Project",
    "Reference",
    "ReferenceTarget",
    "ScanSummary",
    "Stream",
    "StreamKind",
    "Window",
]
