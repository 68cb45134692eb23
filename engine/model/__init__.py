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
from mediaopt.engine.model.projects import Project, Reference, ReferenceTarget
from mediaopt.engine.model.render import (
    FrameOutlier,
    Recommendation,
    RenderAnalysis,
    RenderJob,
    RenderSample,
    RenderTotal,
    SettingEffect,
    SettingGroup,
    WhatIfCandidate,
)
from mediaopt.engine.model.scan import FileProblem, ScanSummary

__all__ = [
    "Asset",
    "AssetKind",
    "AssetStatus",
    "ExrChannel",
    "FileProblem",
    "FrameOutlier",
    "FrameSequence",
    "Project",
    "Reference",
    "Recommendation",
    "ReferenceTarget",
    "RenderAnalysis",
    "RenderJob",
    "RenderSample",
    "RenderTotal",
    "ScanSummary",
    "SettingEffect",
    "SettingGroup",
    "Stream",
    "StreamKind",
    "WhatIfCandidate",
    "Window",
]
