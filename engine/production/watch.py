"""What `mediaopt watch` says beyond single files: new orphans, new duplicates, renders
over their budget, projects gone dormant. Each is the difference between two runs of the
same analyses the commands run, so an event means what the command would now print.

The analyses read every project file under the roots, so they run on their own thread,
on their own catalog connection, at most once a minute after the catalog changed (and
hourly regardless: a project goes dormant with time, not with a file change). The first
run is the baseline: starting the watch does not announce every orphan there is.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.dedup import find_duplicates
from mediaopt.engine.model import AssetKind
from mediaopt.engine.model.watch import WatchEvent, WatchEventKind
from mediaopt.engine.production.session import open_session
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.projects.summary import summarise_projects
from mediaopt.engine.refs.config import Settings
from mediaopt.engine.refs.pathmap import PathMap

log = logging.getLogger("mediaopt.watch")

MIN_INTERVAL = 60.0
REFRESH_SECONDS = 3600.0


class Findings(msgspec.Struct, kw_only=True):
    orphans: dict[str, int] = {}
    """path -> bytes."""
    copies: dict[str, tuple[str, int]] = {}
    """A duplicate copy's path -> (its keeper, bytes)."""
    over_budget: dict[str, float] = {}
    """A render sequence's pattern -> its bytes per frame."""
    dormant: set[str] = set()
    """Project paths."""


def findings(
    catalog: Catalog, roots: list[str], settings: Settings, render_budget: int | None
) -> Findings:
    """One run of the analyses whose changes are events."""
    session = open_session(
        catalog,
        roots,
        path_map=PathMap.parse(settings.path_map),
        dormant_days=settings.dormant_days,
    )
    orphans = orphans_in(
        session,
        grace_days=settings.grace_days,
        unreadable_scope_depth=settings.unreadable_scope_depth,
    )
    projects = summarise_projects(
        session, conventions=settings.conventions, dormant_days=settings.dormant_days
    )
    dupes = find_duplicates(catalog, near=False, low_impact=True)
    copies = {
        m.path: (group.keep, m.bytes)
        for group in dupes.groups
        for m in group.members
        if m.path != group.keep
    }
    return Findings(
        orphans={o.path: o.bytes for o in orphans.orphans},
        copies=copies,
        over_budget=_over_budget(catalog, roots, render_budget),
        dormant={p.path for p in projects.projects if p.status == "dormant"},
    )


def _over_budget(catalog: Catalog, roots: list[str], budget: int | None) -> dict[str, float]:
    """Image sequences (render outputs) whose mean frame is larger than `budget` bytes."""
    if not budget:
        return {}
    found = {}
    for root in roots:
        for asset in catalog.find(kind=AssetKind.SEQUENCE, under=root):
            frames = asset.sequence.frame_count if asset.sequence else 0
            if frames and asset.bytes / frames > budget:
                found[asset.path] = asset.bytes / frames
    return found


def changes(before: Findings, after: Findings, budget: int | None) -> list[WatchEvent]:
    """What is new in `after`."""
    now = time.time()
    events = [
        WatchEvent(
            kind=WatchEventKind.NEW_ORPHAN,
            path=path,
            time=now,
            bytes=size,
            detail="no active project needs it any more",
        )
        for path, size in sorted(after.orphans.items())
        if path not in before.orphans
    ]
    events += [
        WatchEvent(
            kind=WatchEventKind.NEW_DUPLICATE,
            path=path,
            time=now,
            bytes=size,
            detail=f"an exact copy of {keeper}",
        )
        for path, (keeper, size) in sorted(after.copies.items())
        if path not in before.copies
    ]
    events += [
        WatchEvent(
            kind=WatchEventKind.RENDER_OVER_BUDGET,
            path=path,
            time=now,
            bytes=round(per_frame),
            detail=f"{per_frame:,.0f} bytes per frame, over the budget of {budget:,}",
        )
        for path, per_frame in sorted(after.over_budget.items())
        if path not in before.over_budget
    ]
    events += [
        WatchEvent(
            kind=WatchEventKind.PROJECT_DORMANT,
            path=path,
            time=now,
            detail="no activity within the dormancy threshold",
        )
        for path in sorted(after.dormant - before.dormant)
    ]
    return events


class FindingsWatch:
    """Runs `findings` on its own thread when told the catalog changed, and emits what
    changed since the run before."""

    def __init__(
        self,
        catalog_path: str,
        roots: list[str],
        emit: Callable[[WatchEvent], None],
        *,
        settings: Settings | None = None,
        render_budget: int | None = None,
        min_interval: float = MIN_INTERVAL,
        refresh_seconds: float = REFRESH_SECONDS,
    ):
        self.catalog_path = catalog_path
        self.roots = roots
        self.emit = emit
        self.settings = settings or Settings()
        self.render_budget = render_budget
        self.min_interval = min_interval
        self.refresh_seconds = refresh_seconds
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mediaopt-findings", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self._thread.start()

    def changed(self) -> None:
        """The catalog changed (called from the watch's loop; returns at once)."""
        self._changed.set()

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()
        self._thread.join(30)

    def _run(self) -> None:
        with Catalog(self.catalog_path) as catalog:
            last = self._analyse(catalog)
            ran = time.monotonic()
            while not self._stop.is_set():
                self._changed.wait(timeout=self.refresh_seconds)
                if self._stop.is_set():
                    return
                self._stop.wait(max(0.0, ran + self.min_interval - time.monotonic()))
                if self._stop.is_set():
                    return
                self._changed.clear()
                now = self._analyse(catalog)
                ran = time.monotonic()
                if now is None or last is None:
                    last = now or last
                    continue
                for event in changes(last, now, self.render_budget):
                    self.emit(event)
                last = now

    def _analyse(self, catalog: Catalog) -> Findings | None:
        try:
            found = findings(catalog, self.roots, self.settings, self.render_budget)
        except Exception as exc:  # an analysis failing must not stop the watch
            log.warning("watch: the analyses failed this time (%s); trying again later", exc)
            return None
        self.runs += 1
        return found
