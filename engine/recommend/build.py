"""Findings become one ranked plan: each analysis' finding turns into an Action with the
files it touches (as they are now), the bytes it frees, its risk and its evidence."""

from __future__ import annotations

import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import (
    Action,
    ActionKind,
    CatalogState,
    Category,
    Evidence,
    LineageKind,
    MatchKind,
    Orphan,
    OrphanCategory,
    OrphanReport,
    Plan,
    PlannedFile,
    Recommendation,
    Risk,
)
from mediaopt.engine.production.session import open_session
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.recommend.caches import host_cache
from mediaopt.engine.recommend.files import (
    asset_files,
    count_freed,
    planned_file,
    shared_with,
)
from mediaopt.engine.recommend.inuse import needed
from mediaopt.engine.recommend.rank import finish
from mediaopt.engine.recommend.trims import trims
from mediaopt.engine.refs.config import Settings
from mediaopt.engine.refs.index import Entry
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.projects import DAY, Session

_LOOKUP_BATCH = 5000
DEFAULT_HANDLES = 8
"""Frames kept either side of what a project uses: the common editorial handle length."""
SAFE_CONFIDENCE = 0.9
"""A derivative deleted without review must be known as one: a project file stating it
(1.0) or a name and a matching reel/timecode (0.9), not a name alone (0.75)."""


def recommend(
    catalog: Catalog,
    roots: list[str],
    *,
    settings: Settings | None = None,
    projects: list[str] | None = None,
    what_if: Iterable[Recommendation] = (),
    near: bool = False,
    dupes: bool = True,
    handles: int = DEFAULT_HANDLES,
    plan_file: str = "plan.json",
    now: float | None = None,
    hashes: bool = True,
    session: Session | None = None,
    orphans: OrphanReport | None = None,
) -> Plan:
    """The savings plan for `roots` (scanned into `catalog`). `what_if` holds measured
    render what-if results to turn into render-settings lines (none are run here: they
    take minutes); `near` adds near-duplicate groups for review.

    `hashes` records the content hash of every file a delete or dedupe would remove, for
    `apply` to check nothing changed: it reads those files whole (terabytes of superseded
    renders, on a real production). A plan only shown (the report) passes False: its
    files carry no hash, and `apply` refuses its deletes and dedupes (size, mtime and
    inode alone miss a file rewritten in place). `session` and `orphans`, from an analysis of
    the same roots and settings just made (`production_session`), are used as they are
    instead of reading the projects again."""
    settings = settings or Settings()
    roots = [os.path.abspath(r) for r in roots]
    if session is None:
        now = time.time() if now is None else now
        session = open_session(
            catalog,
            roots,
            projects=projects,
            path_map=PathMap.parse(settings.path_map),
            dormant_days=settings.dormant_days,
            now=now,
        )
    else:
        now = session.now
    if orphans is None:
        orphans = orphans_in(
            session,
            grace_days=settings.grace_days,
            unreadable_scope_depth=settings.unreadable_scope_depth,
        )
    plan = Plan(
        id=uuid.uuid4().hex[:12],
        created=now,
        roots=roots,
        catalog=CatalogState(
            path=str(catalog.path), assets=catalog.count(), last_scan=catalog.last_scan_finished()
        ),
        projects=list(projects or []),
        path_map=list(settings.path_map),
        dormant_days=settings.dormant_days,
        grace_days=settings.grace_days,
        handles=handles,
        projects_read=[(rp.project.path, rp.mtime) for rp in session.projects],
        unreadable_projects=[rp.project.path for rp in session.projects if rp.failed],
    )
    plan.problems = [
        f"{p}: could not be read; what it may use is left alone" for p in plan.unreadable_projects
    ]
    builder = _Builder(session, settings, now, hashes=hashes)
    builder.host_caches()
    removals = builder.removal_sets(orphans)
    if dupes:
        builder.duplicates(catalog, near, removals)
    builder.orphans(orphans)
    builder.dormant(orphans)
    builder.render_settings(what_if)
    builder.actions += trims(
        session, builder.claimed, builder.need, handles, builder.read_at, hashes=hashes
    )
    builder.actions = _count_once(builder.actions)
    total = sum(e.bytes for e in session.index.under(roots))
    return finish(plan, builder.actions, total, plan_file)


class _Builder:
    def __init__(self, session: Session, settings: Settings, now: float, *, hashes: bool):
        self.hashes = hashes
        self.session = session
        self.index = session.index
        self.settings = settings
        self.now = now
        self.read_at = now
        self.need = needed(session)
        self.claimed: set[str] = set()
        self.actions: list[Action] = []

    def _root(self, path: str) -> str:
        for root in self.session.roots:
            if path.startswith(root.rstrip(os.sep) + os.sep):
                return root
        return self.session.roots[0]

    def _recent(self, entry: Entry) -> bool:
        return self.now - entry.mtime < self.settings.grace_days * DAY

    def _files(self, entry: Entry, *, hashed: bool) -> list[PlannedFile]:
        found = []
        for path in asset_files(entry):
            f = planned_file(path, asset=entry.path, hashed=hashed and self.hashes)
            if f is not None:
                found.append(f)
        return found

    # -- host caches ---------------------------------------------------------------

    def host_caches(self) -> None:
        groups: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
        rules = {}
        for entry in self.index.under(self.session.roots):
            hit = host_cache(entry.path, self._root(entry.path))
            if hit is None or entry.path in self.need or self._recent(entry):
                continue  # in use, or written within the grace period: the host may be at it
            key = (hit.folder, hit.rule.host, hit.rule.what)
            groups[key].append(entry)
            rules[key] = hit.rule
        for key, entries in sorted(groups.items()):
            folder, host, what = key
            files = [f for e in entries for f in self._files(e, hashed=True)]
            if not files:
                continue
            self.claimed.update(e.path for e in entries)
            self.actions.append(
                Action(
                    id="",
                    kind=ActionKind.DELETE,
                    category=Category.HOST_CACHE,
                    risk=rules[key].risk,
                    title=f"delete the {host} {what} in {folder}",
                    bytes=0,
                    host=host,
                    files=files,
                    evidence=[
                        Evidence(
                            analysis="host caches",
                            reason=f"{host} {what}: the host makes it again when needed; "
                            "no active project references it and it has not changed in "
                            f"{self.settings.grace_days:g} days",
                            catalog_rows=sorted(e.path for e in entries),
                            read_at=self.read_at,
                        )
                    ],
                )
            )

    # -- duplicates ------------------------------------------------------------------

    def removal_sets(self, orphans: OrphanReport) -> set[str]:
        """Assets some later line would remove: a duplicate's keeper must not be one."""
        found = set(self.claimed) | {o.path for o in orphans.orphans}
        found |= {a for rp in self._dormant_projects() for a in rp.assets}
        return found

    def duplicates(self, catalog: Catalog, near: bool, removals: set[str]) -> None:
        from mediaopt.engine.dedup.api import find_duplicates  # scipy: only when asked

        report = find_duplicates(catalog, near=near)
        under = self._under_roots
        # Project files are never linked: two identical ones are two projects (a copy
        # saved to start a version), and a host that saves in place (an Avid bin) would
        # change both through a hard link. They are small; their media is not.
        projects = {rp.project.path for rp in self.session.projects}  # unreadable ones too
        for group in report.groups:
            members = [m for m in group.members if under(m.path)]
            if len(members) < 2 or any(m.path in projects for m in members):
                continue
            if group.kind is MatchKind.NEAR:
                self._near(group, members)
                continue
            keeper = next(
                (m.path for m in [*members] if m.path == group.keep and m.path not in removals),
                None,
            ) or next((m.path for m in members if m.path not in removals), None)
            if keeper is None or keeper in self.claimed:
                continue
            for member in members:
                if member.path != keeper and member.path not in self.claimed:
                    self._dedupe(keeper, member.path)

    def _under_roots(self, path: str) -> bool:
        return any(path.startswith(r.rstrip(os.sep) + os.sep) for r in self.session.roots)

    def _dedupe(self, keeper: str, copy: str) -> None:
        keep_entry, copy_entry = self.index.by_path.get(keeper), self.index.by_path.get(copy)
        if keep_entry is None or copy_entry is None:
            return
        keep_files, copy_files = list(asset_files(keep_entry)), list(asset_files(copy_entry))
        if len(keep_files) != len(copy_files):
            return  # frame counts differ: not the same sequence on disk any more
        files = []
        for k, c in zip(keep_files, copy_files, strict=True):
            kept = planned_file(k)
            f = planned_file(c, asset=copy, hashed=self.hashes, keeper=k)
            if kept is None or f is None:
                return
            if (kept.device, kept.inode) == (f.device, f.inode):
                continue  # already a hard link of the keeper
            shared = shared_with(c, k, f.device)
            if shared >= f.bytes:
                continue  # already on the keeper's blocks (an earlier reflink)
            files.append(msgspec.structs.replace(f, freed=f.bytes - shared))
        if not files:
            return  # already hard links or reflinks of the keeper
        self.claimed.add(copy)
        self.actions.append(
            Action(
                id="",
                kind=ActionKind.DEDUPE,
                category=Category.DUPLICATE,
                risk=Risk.SAFE,
                title=f"link {copy} to its identical copy {keeper}",
                bytes=sum(f.freed for f in files),
                files=files,
                evidence=[
                    Evidence(
                        analysis="dedup",
                        reason="byte-identical (xxh3-128 of the whole content); the keeper is "
                        "the copy the keeper rules prefer that nothing else in the plan "
                        "removes; compared again byte for byte before linking",
                        catalog_rows=[keeper, copy],
                        read_at=self.read_at,
                    )
                ],
            )
        )

    def _near(self, group, members) -> None:
        copies = [m for m in members if m.path != group.keep]
        if not copies or any(m.path in self.claimed for m in copies):
            return
        saved = sum(m.bytes for m in copies)
        self.actions.append(
            Action(
                id="",
                kind=ActionKind.REVIEW,
                category=Category.NEAR_DUPLICATE,
                risk=Risk.REVIEW,
                title=f"review {len(copies)} near-duplicate(s) of {group.keep} ({group.relation})",
                bytes=saved,
                estimate_only=True,
                evidence=[
                    Evidence(
                        analysis="dedup (near)",
                        reason=f"the same pictures or sound after {group.relation}; "
                        "a person decides which copy a production still needs",
                        catalog_rows=[m.path for m in members],
                        read_at=self.read_at,
                    )
                ],
                command=f"mediaopt compare {group.keep} {copies[0].path}",
            )
        )

    # -- orphans -----------------------------------------------------------------------

    def orphans(self, report: OrphanReport) -> None:
        confidence: dict[str, tuple[float, str]] = {}
        for edge in self.session.edges:
            if edge.kind in (LineageKind.PROXY, LineageKind.TRANSCODE):
                best = confidence.get(edge.derivative, (0.0, ""))
                if edge.confidence > best[0]:
                    confidence[edge.derivative] = (edge.confidence, edge.evidence)
        for orphan, entry in self._with_entries(report.orphans):
            if entry is None or orphan.path in self.claimed:
                continue
            if orphan.category is OrphanCategory.REGENERABLE:
                conf, why = confidence.get(orphan.path, (0.0, ""))
                risk = Risk.SAFE if conf >= SAFE_CONFIDENCE else Risk.REVIEW
                kind, category = ActionKind.DELETE, Category.REGENERABLE
                title = f"delete the regenerable {orphan.path}"
                reason = f"{orphan.reason} (lineage {conf:.2f}: {why})"
            elif orphan.category is OrphanCategory.SUPERSEDED:
                risk, kind, category = Risk.DESTRUCTIVE, ActionKind.DELETE, Category.SUPERSEDED
                title, reason = f"delete the superseded render {orphan.path}", orphan.reason
            else:
                risk, kind, category = Risk.REVIEW, ActionKind.ARCHIVE, Category.ORPHAN
                title, reason = f"archive the orphan {orphan.path}", orphan.reason
            files = self._files(entry, hashed=kind is ActionKind.DELETE)
            if not files:
                continue
            self.claimed.add(orphan.path)
            self.actions.append(
                Action(
                    id="",
                    kind=kind,
                    category=category,
                    risk=risk,
                    title=title,
                    bytes=0,
                    files=files,
                    archive_subdir=self._subdir(os.path.dirname(orphan.path)),
                    evidence=[
                        Evidence(
                            analysis="orphans",
                            reason=f"{reason}; checked against all "
                            f"{len(self.session.projects)} project files read",
                            catalog_rows=[orphan.path],
                            read_at=self.read_at,
                        )
                    ],
                )
            )

    def _with_entries(self, orphans: list[Orphan]) -> Iterator[tuple[Orphan, Entry | None]]:
        """Each orphan with its catalog entry, looked up a few thousand per query: one
        query per orphan was a tenth of a 100,000-asset production's plan."""
        for start in range(0, len(orphans), _LOOKUP_BATCH):
            chunk = orphans[start : start + _LOOKUP_BATCH]
            found = self.index.entries_at(o.path for o in chunk)
            for orphan in chunk:
                yield orphan, found.get(orphan.path)

    def _subdir(self, folder: str) -> str:
        """The folder as the archive keeps it: under the root's own name, so two roots
        never collide. (String slicing: os.path.relpath costs more than the rest of a
        line, over tens of thousands of orphans.)"""
        root = self._root(folder + os.sep).rstrip(os.sep)
        name = os.path.basename(root) or "root"
        relative = folder[len(root) + 1 :] if folder.startswith(root + os.sep) else ""
        return os.path.join(name, relative) if relative else name

    # -- dormant projects ----------------------------------------------------------------

    def _dormant_projects(self):
        return [
            rp
            for rp in self.session.projects
            if not rp.active and not rp.failed and not rp.explicit
        ]

    def dormant(self, report: OrphanReport) -> None:
        doubt = {u.path: u.reason for u in report.uncertain}
        for rp in self._dormant_projects():
            name = os.path.basename(rp.project.path)
            assets = []
            for path in sorted(rp.assets | {rp.project.path}):
                entry = self.index.by_path.get(path)
                why = doubt.get(path, "")
                unsure = why and not why.startswith("used by the dormant project")
                if (
                    entry is None
                    or path in self.need
                    or path in self.claimed
                    or unsure
                    or self._recent(entry)
                    or not self._under_roots(path)
                ):
                    continue
                assets.append(entry)
            files = [f for e in assets for f in self._files(e, hashed=False)]
            if not project_file_planned(files, rp.project.path):
                project = planned_file(rp.project.path)
                if project is not None and self._under_roots(rp.project.path):
                    files.append(project)
            if not assets:
                continue
            self.claimed.update(e.path for e in assets)
            days = (self.now - rp.last_activity) / DAY
            folder = os.path.commonpath([f.path for f in files])
            folder = folder if os.path.isdir(folder) else os.path.dirname(folder)
            self.actions.append(
                Action(
                    id="",
                    kind=ActionKind.ARCHIVE,
                    category=Category.DORMANT_PROJECT,
                    risk=Risk.REVIEW,
                    title=f"archive the dormant project {name} and the media only it uses",
                    bytes=0,
                    files=files,
                    archive_subdir=self._subdir(folder),
                    evidence=[
                        Evidence(
                            analysis="projects",
                            reason=f"last activity {days:.0f} days ago (dormant after "
                            f"{self.settings.dormant_days:g}); no active project uses "
                            "these files",
                            projects=[(rp.project.path, rp.mtime)],
                            catalog_rows=[e.path for e in assets],
                            read_at=self.read_at,
                        )
                    ],
                )
            )

    # -- render settings -------------------------------------------------------------------

    def render_settings(self, what_if: Iterable[Recommendation]) -> None:
        for rec in what_if:
            if not rec.recommended or rec.saved_bytes <= 0:
                continue
            self.actions.append(
                Action(
                    id="",
                    kind=ActionKind.RENDER_SETTINGS,
                    category=Category.RENDER_SETTINGS,
                    risk=Risk.REVIEW,
                    title=f"render {rec.sequence} as {rec.recommended} "
                    f"({rec.saved_fraction:.0%} smaller, measured)",
                    bytes=rec.saved_bytes,
                    estimate_only=True,
                    evidence=[
                        Evidence(
                            analysis="render what-if",
                            reason=f"{rec.summary} {rec.confidence}".strip(),
                            catalog_rows=[rec.sequence],
                            read_at=self.read_at,
                        )
                    ],
                    command=f"set the host's output to {rec.recommended} and render again "
                    f"(mediaopt render settings shows the knob values)",
                )
            )


def project_file_planned(files: list[PlannedFile], project: str) -> bool:
    return any(f.path == project for f in files)


def _count_once(actions: list[Action]) -> list[Action]:
    """Set each executable action's bytes from its files, every inode counted once over
    the whole plan (hard links), shared extents not at all (reflinks)."""
    executable = [a for a in actions if a.kind in (ActionKind.ARCHIVE, ActionKind.DELETE)]
    flat = [f for a in executable for f in a.files]
    counted = iter(count_freed(flat))
    for action in executable:
        action.files = [next(counted) for _ in action.files]
        action.bytes = sum(f.freed for f in action.files)
    return [a for a in actions if a.files or a.estimate_only]
