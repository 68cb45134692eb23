"""The report's data: the production record and the plan, plus what only the catalog
knows (the storage tree, growth by modification date, formats), read through the
catalog's queries. Everything is capped so a library of 100,000 assets stays a page."""

from __future__ import annotations

import datetime
import heapq
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import msgspec

from mediaopt.engine.catalog import Catalog, StatsRow
from mediaopt.engine.model import Plan
from mediaopt.engine.production.analyse import stats_under
from mediaopt.engine.production.record import ProductionRecord
from mediaopt.engine.report.model import (
    CategorySaving,
    EvidenceLine,
    Formats,
    GrowthPoint,
    ProjectActivity,
    ProjectGrowth,
    SavingsPlan,
    StorageData,
    TopAction,
    TreeNode,
)

TREE_CHILDREN = 30
"""Children drawn per folder; the rest become one "other" box. QDirStat draws every file,
but past a few dozen the boxes are too small to read and the page too large to open fast."""
TREE_NODES = 6000
"""Boxes in the whole tree. Measured on the 2-core CI machine: a tree of 100,000 assets
in 12 x 40 x 25 x 9 folders becomes a 0.6 MB page whose treemap (6,009 boxes) is drawn
before the load event in 0.5 s in headless Chromium, a zoom in 0.04 s."""
LINEAGE_EDGES = 3000
"""Links the page's graph gets (highest confidence first); the table and `mediaopt
lineage --json` have them all."""
TOP_ACTIONS = 25
EVIDENCE_ROWS = 10
FORMAT_ROWS = 12
DAY = 86400.0


def storage_data(record: ProductionRecord, catalog: Catalog, plan: Plan) -> StorageData:
    base = production_base(record.roots)
    categories = _categories(plan)
    tree, growth = _walk(catalog, record.roots, base, categories)
    period = _period(growth)
    return StorageData(
        base=base,
        bytes=record.catalog.bytes,
        files=record.catalog.assets,
        plan=savings_plan(plan, base),
        tree=tree,
        growth=[_growth(g, period) for g in growth],
        growth_period=period,
        activity=[
            ProjectActivity(
                name=p.name,
                path=relative(p.path, base),
                kind=p.kind,
                first=p.first_modified,
                last=p.last_activity or p.last_modified,
                status="unreadable" if p.errors else p.status,
                bytes=p.bytes,
            )
            for p in record.projects.projects
        ],
        dormant_days=record.projects.dormant_days,
        formats=Formats(
            codec=_top(record.catalog.by_codec),
            container=_top(stats_under(catalog, "container", record.roots)),
            resolution=_top(record.catalog.by_resolution),
            bit_depth=_top(stats_under(catalog, "bit_depth", record.roots)),
        ),
        project_folders=[g.project for g in growth],
        lineage=[
            msgspec.structs.replace(
                e,
                source=relative(e.source, base),
                derivative=relative(e.derivative, base),
                evidence=e.evidence.replace(base.rstrip(os.sep) + os.sep, ""),
            )
            for e in sorted(record.lineage.edges, key=lambda e: -e.confidence)[:LINEAGE_EDGES]
        ],
    )


def production_base(roots: list[str]) -> str:
    """The folder every root lies in (the root itself when there is one)."""
    if not roots:
        return "/"
    return roots[0] if len(roots) == 1 else os.path.commonpath(roots)


def relative(path: str, base: str) -> str:
    if path == base:
        return "."
    prefix = base.rstrip(os.sep) + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else path


def savings_plan(plan: Plan, base: str) -> SavingsPlan:
    saved: Counter[str] = Counter()
    estimated: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for action in plan.actions:
        category = str(action.category)
        count[category] += 1
        (estimated if action.estimate_only else saved)[category] += action.bytes
    by_category = [
        CategorySaving(category=c, bytes=saved[c], estimated=estimated[c], actions=count[c])
        for c in count
    ]
    by_category.sort(key=lambda c: (-(c.bytes + c.estimated), c.category))
    return SavingsPlan(
        reclaimable=plan.totals.reclaimable,
        estimated=plan.totals.estimated,
        by_category=by_category,
        actions=[_action(a, base) for a in plan.actions[:TOP_ACTIONS]],
        total_actions=len(plan.actions),
        problems=[p.replace(base.rstrip(os.sep) + os.sep, "") for p in plan.problems],
    )


def _action(action, base: str) -> TopAction:
    return TopAction(
        id=action.id,
        title=action.title.replace(base.rstrip(os.sep) + os.sep, ""),
        category=str(action.category),
        kind=str(action.kind),
        risk=str(action.risk),
        bytes=action.bytes,
        estimate_only=action.estimate_only,
        files=len(action.files),
        evidence=[
            EvidenceLine(
                analysis=e.analysis,
                reason=e.reason.replace(base.rstrip(os.sep) + os.sep, ""),
                rows=[relative(r, base) for r in e.catalog_rows[:EVIDENCE_ROWS]],
            )
            for e in action.evidence
        ],
        command=action.command,
    )


def _categories(plan: Plan) -> dict[str, str]:
    """Catalog asset -> the category of the highest-ranked action touching it."""
    found: dict[str, str] = {}
    for action in plan.actions:
        for f in action.files:
            found.setdefault(f.asset or f.path, str(action.category))
        for e in action.evidence:
            for row in e.catalog_rows:
                found.setdefault(row, str(action.category))
    return found


@dataclass
class _Folder:
    bytes: int = 0
    files: int = 0
    folders: dict[str, _Folder] = field(default_factory=dict)
    assets: list[tuple[int, str, str]] = field(default_factory=list)
    """A min-heap of the largest assets: (bytes, name, kind)."""
    rest: int = 0
    rest_files: int = 0


@dataclass
class _Growth:
    project: str
    bytes: int = 0
    files: int = 0
    first: float = float("inf")
    last: float = 0.0
    mtimes: list[tuple[float, int]] = field(default_factory=list)


def _walk(
    catalog: Catalog, roots: list[str], base: str, categories: dict[str, str]
) -> tuple[TreeNode, list[_Growth]]:
    """One streamed pass over the assets: folder totals (the largest assets kept per
    folder) and each project folder's modification dates."""
    top = _Folder()
    growth: dict[str, _Growth] = {}
    for root in roots:
        for path, kind, size, mtime in catalog.sizes_under(root):
            rel = relative(path, base)
            parts = rel.split(os.sep)
            folder = top
            for part in parts[:-1]:
                folder.bytes += size
                folder.files += 1
                folder = folder.folders.setdefault(part, _Folder())
            folder.bytes += size
            folder.files += 1
            _keep(folder, (size, parts[-1], kind))
            project = _project_of(path, root, base)
            g = growth.setdefault(project, _Growth(project=project))
            g.bytes += size
            g.files += 1
            g.first, g.last = min(g.first, mtime), max(g.last, mtime)
            g.mtimes.append((mtime, size))
    name = os.path.basename(base.rstrip(os.sep)) or base
    tree = _tree(name, top, categories, base)
    return tree, sorted(growth.values(), key=lambda g: (-g.bytes, g.project))


def _keep(folder: _Folder, asset: tuple[int, str, str]) -> None:
    if len(folder.assets) < TREE_CHILDREN:
        heapq.heappush(folder.assets, asset)
        return
    dropped = heapq.heappushpop(folder.assets, asset)
    folder.rest += dropped[0]
    folder.rest_files += 1


def _project_of(path: str, root: str, base: str) -> str:
    """The first folder under the root (the root itself for files lying in it)."""
    inside = relative(path, root)
    head = inside.split(os.sep)[0]
    project = os.path.join(root, head) if os.sep in inside else root
    return relative(project, base)


def _tree(name: str, top: _Folder, categories: dict[str, str], base: str) -> TreeNode:
    """The folder tree, largest folders opened first until TREE_NODES boxes are placed:
    a deep or wide library stays a page that opens in a second, and what is left closed
    is the small stuff (its folder box still has its size)."""
    root = TreeNode(name=name, path=".", bytes=top.bytes, files=top.files, kind="folder")
    queue = [(-top.bytes, 0, root, top, "")]
    placed, order = 1, 1
    while queue and placed < TREE_NODES:
        _, _, node, folder, rel = heapq.heappop(queue)
        for child, sub in _children(rel, folder, categories, base):
            node.children.append(child)
            placed += 1
            if sub is not None:
                order += 1
                heapq.heappush(queue, (-child.bytes, order, child, sub, child.path))
    return root


def _children(
    rel: str, folder: _Folder, categories: dict[str, str], base: str
) -> list[tuple[TreeNode, _Folder | None]]:
    """A folder's largest TREE_CHILDREN folders and assets, the rest as one "other"."""
    children: list[tuple[TreeNode, _Folder | None]] = [
        (
            TreeNode(
                name=n,
                path=f"{rel}/{n}" if rel else n,
                bytes=f.bytes,
                files=f.files,
                kind="folder",
            ),
            f,
        )
        for n, f in folder.folders.items()
    ]
    for size, asset, kind in folder.assets:
        path = f"{rel}/{asset}" if rel else asset
        category = categories.get(os.path.join(base, path))
        leaf = TreeNode(name=asset, path=path, bytes=size, files=1, kind=kind, category=category)
        children.append((leaf, None))
    children.sort(key=lambda c: (-c[0].bytes, c[0].name))
    rest, rest_files = folder.rest, folder.rest_files
    for extra, _ in children[TREE_CHILDREN:]:
        rest += extra.bytes
        rest_files += extra.files
    children = children[:TREE_CHILDREN]
    if rest_files:
        other = TreeNode(
            name=f"other ({rest_files} assets)",
            path=f"{rel}/…" if rel else "…",
            bytes=rest,
            files=rest_files,
            kind="other",
        )
        children.append((other, None))
    return children


def _period(growth: list[_Growth]) -> str:
    if not growth:
        return "day"
    span = max(g.last for g in growth) - min(g.first for g in growth)
    return "day" if span <= 120 * DAY else "month"


def _bucket(seconds: float, period: str) -> float:
    day = datetime.datetime.fromtimestamp(seconds).date()
    if period == "month":
        day = day.replace(day=1)
    return datetime.datetime.combine(day, datetime.time()).timestamp()


def _growth(g: _Growth, period: str) -> ProjectGrowth:
    added: defaultdict[float, int] = defaultdict(int)
    for mtime, size in g.mtimes:
        added[_bucket(mtime, period)] += size
    points, total = [], 0
    for start in sorted(added):
        total += added[start]
        points.append(GrowthPoint(start=start, added=added[start], total=total))
    return ProjectGrowth(
        project=g.project, bytes=g.bytes, files=g.files, first=g.first, last=g.last, points=points
    )


def _top(rows: list[StatsRow]) -> list[StatsRow]:
    """The largest rows, the rest summed as "other"."""
    if len(rows) <= FORMAT_ROWS:
        return list(rows)
    rest = rows[FORMAT_ROWS - 1 :]
    other = StatsRow(
        key=f"other ({len(rest)})",
        files=sum(r.files for r in rest),
        bytes=sum(r.bytes for r in rest),
    )
    return [*rows[: FORMAT_ROWS - 1], other]
