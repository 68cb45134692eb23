"""The production record: everything one analysis of a production found, in one value.

`mediaopt analyse --json` prints it, `mediaopt report` and `mediaopt demo` build their
output from it, and host add-ons and the plan (engine/recommend) read it.
"""

from __future__ import annotations

import msgspec

from mediaopt.engine.catalog import StatsRow
from mediaopt.engine.model import (
    CheckReport,
    DupesReport,
    FileProblem,
    LineageReport,
    NeedReport,
    OrphanReport,
    ProjectsReport,
    Recommendation,
    RenderAnalysis,
)


class AnalysisOptions(msgspec.Struct, kw_only=True, frozen=True):
    """What an analysis does beyond reading the catalog and the project files. Each of
    these reads or decodes media, so each costs time proportional to the production."""

    near_duplicates: bool = False
    """Also look for near-duplicates (decodes sampled frames of every picture and movie)."""
    render_what_if: bool = False
    """Re-encode sample frames of the largest EXR render to measure cheaper settings."""
    measure_bandwidth: bool = False
    """Read from each root's storage (bounded by the two limits below) and judge whether
    each workflow will work; without it, only what each workflow needs is reported."""
    bandwidth_seconds: float = 2.0
    bandwidth_max_bytes: int = 200_000_000
    timelines: list[str] = []
    """Timeline files whose bandwidth curve is reckoned clip by clip as well."""
    pictures: str | None = None
    """Folder for duplicate comparison pictures and bandwidth charts; None writes none."""


class LargeAsset(msgspec.Struct, kw_only=True, frozen=True):
    path: str
    kind: str
    format: str | None = None
    bytes: int


class CatalogSummary(msgspec.Struct, kw_only=True):
    """What the catalog holds under the roots."""

    assets: int
    """Assets (an image sequence counts once)."""
    bytes: int
    sequences: int
    by_kind: list[StatsRow]
    by_codec: list[StatsRow]
    by_resolution: list[StatsRow]
    largest: list[LargeAsset]
    """The largest assets, largest first."""
    unreadable: list[FileProblem]
    """Assets the scan could not read, each with the reason."""


class ProductionRecord(msgspec.Struct, kw_only=True):
    """`mediaopt analyse --json`: one production's catalog, projects, orphans, lineage,
    duplicates, renders and bandwidth, from one read of the catalog and project files."""

    roots: list[str]
    """The folders analysed (absolute)."""
    catalog_path: str
    generated: str
    """When the analysis ran (ISO 8601, local time with offset)."""
    options: AnalysisOptions
    catalog: CatalogSummary
    projects: ProjectsReport
    orphans: OrphanReport
    lineage: LineageReport
    duplicates: DupesReport
    """Groups with at least one copy under the roots."""
    render: list[RenderAnalysis]
    """One per root: what each render setting costs there."""
    render_what_if: Recommendation | None = None
    """The measured what-if of the largest EXR render, when asked for and one exists."""
    bandwidth: list[NeedReport] = []
    """What each root (and each timeline asked for) needs from storage, per workflow."""
    bandwidth_checks: list[CheckReport] = []
    """With `measure_bandwidth`: the storage measured and each workflow's verdict."""
    problems: list[str] = []
    """Every problem of every part, each naming the part, the file and the reason: what
    could not be read or analysed. The run went on without it."""
