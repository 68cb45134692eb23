"""What a report is made of: sections of facts, tables and pictures, in the order read."""

from __future__ import annotations

import msgspec

from mediaopt.engine.catalog import StatsRow
from mediaopt.engine.model import LineageEdge


class Table(msgspec.Struct, kw_only=True):
    columns: list[str]
    rows: list[list[str]]
    caption: str | None = None


class Figure(msgspec.Struct, kw_only=True):
    path: str = ""
    """A PNG or SVG file, embedded in the HTML so the report is one file."""
    caption: str
    chart: str | None = None
    """Instead of a file: the name of a chart drawn from the report's data when the page
    is written (engine/report/charts.py), so `--json` holds figures, not pictures."""


class Section(msgspec.Struct, kw_only=True):
    title: str
    summary: str
    """One or two sentences a storage manager reads first."""
    headline: dict[str, str] = {}
    """A few key figures shown large: `{"Reclaimable": "12.4 TB"}`."""
    tables: list[Table] = []
    figures: list[Figure] = []
    notes: list[str] = []
    """Caveats: what could not be read, what was assumed."""
    view: str | None = None
    """A picture drawn from the report's data before the tables: `overview`, `plan`,
    `treemap`, `growth`, `lineage`, `formats`."""
    filter: bool = False
    """Each table gets a filter box (long lists a reader searches: orphans)."""


class CategorySaving(msgspec.Struct, kw_only=True):
    category: str
    """A plan category: `orphan`, `duplicate`, `near_duplicate`, `superseded`,
    `regenerable`, `host_cache`, `dormant_project`, `render_settings`, `sequence_trim`,
    `movie_trim`."""
    bytes: int
    """Bytes `mediaopt apply` would free by the category's actions."""
    estimated: int = 0
    """Bytes its estimate-only actions might save (a person acts on them)."""
    actions: int
    """Lines of the plan in the category."""


class EvidenceLine(msgspec.Struct, kw_only=True):
    analysis: str
    """Which analysis found it (`orphans`, `dedup`, `host caches`, `render what-if` ...)."""
    reason: str
    """In a person's words, paths relative to the production root."""
    rows: list[str] = []
    """Catalog assets it rests on, relative to the production root (first ten)."""


class TopAction(msgspec.Struct, kw_only=True):
    """One line of the savings plan as the report shows it, with its evidence."""

    id: str
    """As in the plan: `A001` ...; `mediaopt apply --only` takes it."""
    title: str
    category: str
    kind: str
    """`archive`, `delete`, `dedupe`, `review`, `render_settings` or `estimate`."""
    risk: str
    bytes: int
    """Bytes it frees (or, estimate only, might save)."""
    estimate_only: bool = False
    files: int
    """Files it touches."""
    evidence: list[EvidenceLine] = []
    command: str = ""
    """The command that carries it out."""


class SavingsPlan(msgspec.Struct, kw_only=True):
    """The plan `mediaopt recommend` makes for the same roots, summed per category."""

    reclaimable: int
    """Bytes `mediaopt apply` would free with the whole plan."""
    estimated: int
    """Bytes the estimate-only lines might save besides."""
    by_category: list[CategorySaving]
    """Largest first."""
    actions: list[TopAction]
    """The top-ranked actions (the report shows these; `recommend` lists them all)."""
    total_actions: int
    problems: list[str] = []
    """What the plan could not read (its projects), so left alone."""


class TreeNode(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A folder, an asset or the rest of a folder in the storage tree."""

    name: str
    path: str
    """Relative to the production root."""
    bytes: int
    files: int
    """Assets under it (an image sequence counts once)."""
    kind: str
    """`folder`, `other` (the children past the cap, summed) or the asset's kind."""
    category: str | None = None
    """The plan category of the action that touches this asset, if any."""
    children: list[TreeNode] = []
    """Largest first; empty for an asset, and for a folder past the tree's box budget."""


class GrowthPoint(msgspec.Struct, kw_only=True, frozen=True):
    start: float
    """Start of the period (Unix seconds)."""
    added: int
    """Bytes of assets last modified in the period."""
    total: int
    """Bytes of the project's assets modified by the end of the period."""


class ProjectGrowth(msgspec.Struct, kw_only=True):
    project: str
    """A project folder (first level under a root), relative to the production root."""
    bytes: int
    files: int
    first: float
    """Earliest modification time of its assets (Unix seconds)."""
    last: float
    """Latest modification time of its assets (Unix seconds)."""
    points: list[GrowthPoint]
    """One per period in which something was last modified, oldest first."""


class ProjectActivity(msgspec.Struct, kw_only=True):
    """One project of the analysis on the activity chart."""

    name: str
    path: str
    """The project file (or folder), relative to the production root."""
    kind: str
    """The reader that read it (`otio`, `nuke`, `premiere` ...) or `folder`."""
    first: float | None
    """Earliest modification time of its assets (Unix seconds)."""
    last: float | None
    """Its last activity: the latest change to the project file or its assets."""
    status: str
    """`active`, `dormant` (as the projects analysis decided) or `unreadable`."""
    bytes: int
    """Bytes of the cataloged assets it references."""


class Formats(msgspec.Struct, kw_only=True):
    """What is in the library: assets and bytes by codec, container, resolution, bit depth."""

    codec: list[StatsRow]
    """Largest first; past the twelfth, the rest summed as `other (N)`, as in each list."""
    container: list[StatsRow]
    resolution: list[StatsRow]
    bit_depth: list[StatsRow]


class StorageData(msgspec.Struct, kw_only=True):
    """What the report's pictures are drawn from: the production record's figures plus
    the plan, the storage tree, growth, activity and formats from the catalog."""

    base: str
    """The production root every path in the report is relative to."""
    bytes: int
    """Bytes of every cataloged asset under the roots."""
    files: int
    """Assets under the roots (an image sequence counts once)."""
    plan: SavingsPlan
    tree: TreeNode
    growth: list[ProjectGrowth]
    growth_period: str
    """`day` or `month`: the growth chart's bucket."""
    activity: list[ProjectActivity]
    dormant_days: float
    """Days without a change after which a project is dormant."""
    formats: Formats
    project_folders: list[str]
    """Project folders, relative: the lineage graph's choices."""
    lineage: list[LineageEdge] = []
    """The lineage edges with paths relative to `base`, for the graph."""


class Report(msgspec.Struct, kw_only=True):
    title: str
    generated: str
    catalog: str
    sections: list[Section]
    data: StorageData | None = None
    """The figures the charts, the treemap and the overview are drawn from."""
