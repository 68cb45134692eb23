"""How assets derive from each other."""

from __future__ import annotations

import enum

import msgspec

from mediaopt.engine.model.scan import FileProblem


class LineageKind(enum.StrEnum):
    PROXY = "proxy"
    """A lighter copy for editing; regenerable from its source."""
    TRANSCODE = "transcode"
    """The same pictures in another codec or resolution."""
    RENDER = "render"
    """Made by a comp or scene from its inputs."""
    VERSION = "version"
    """A newer version (`_v003`) of the same output; the source is the older one."""
    CONFORM = "conform"
    """An edit's export made from its source clips."""


class LineageEdge(msgspec.Struct, kw_only=True, frozen=True):
    """`derivative` was made from `source`."""

    source: str
    derivative: str
    kind: LineageKind
    confidence: float
    """1.0 for what a project file states; lower for what names or headers suggest."""
    evidence: str
    """What the edge rests on, e.g. `nuke script comp.nk: Read -> Write`."""


class LineageReport(msgspec.Struct, kw_only=True):
    """`mediaopt lineage --json`."""

    edges: list[LineageEdge] = []
    problems: list[FileProblem] = []
    """Project files that could not be read and files that could not be fingerprinted:
    lineage through them is unknown."""
