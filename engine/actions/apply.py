"""Carry out a plan: dry run unless told to execute; every step journaled and fsynced;
a run over a journal left by a killed run finishes what that run started."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mediaopt.engine.actions.checks import refuse_reason
from mediaopt.engine.actions.dedupe import Linker
from mediaopt.engine.actions.fileops import free_bytes
from mediaopt.engine.actions.journal import Journal, default_journal
from mediaopt.engine.actions.mhl import ManifestFile, existed, write_manifest
from mediaopt.engine.actions.move import DiskFull, Mover
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import (
    Action,
    ActionKind,
    ActionOutcome,
    ApplyReport,
    FileOutcome,
    JournalEntry,
    Plan,
    Risk,
    StepKind,
)
from mediaopt.engine.recommend.files import may_share
from mediaopt.engine.recommend.inuse import needed_now

WORKERS = 2
"""Files of one action carried at a time."""
TRASH = ".mediaopt-trash"
"""Deleted files wait here, under the archive root, until a person empties it."""


class ApplyError(ValueError):
    """The plan cannot be applied as asked (a usage error, not a file problem)."""


def apply_plan(
    plan: Plan,
    plan_path: str | os.PathLike[str],
    *,
    catalog: Catalog,
    only: list[str] | None = None,
    execute: bool = False,
    archive_root: str | os.PathLike[str] | None = None,
    confirm_destructive: bool = False,
    hardlink: bool = False,
    journal: str | os.PathLike[str] | None = None,
) -> ApplyReport:
    actions = _selected(plan, only)
    _check_roots(plan, catalog)
    archive = _archive_root(plan, actions, archive_root, execute)
    need, failed = needed_now(
        catalog,
        plan.roots,
        projects=plan.projects,
        path_map=plan.path_map,
        dormant_days=plan.dormant_days,
    )
    new_failures = sorted(set(failed) - set(plan.unreadable_projects))
    report = ApplyReport(plan=str(plan_path), executed=execute)
    report.problems += [f"{p}: cannot be read now; nothing is removed" for p in new_failures]
    places = [*plan.roots, *([str(archive)] if archive else [])]
    report.free_before = {p: free_bytes(p, settle=execute) for p in places if os.path.isdir(p)}
    if not execute:
        for action in actions:
            report.actions.append(
                _dry_run(action, plan, need, new_failures, confirm_destructive, hardlink)
            )
        return report
    journal_path = Path(journal) if journal else default_journal(plan_path)
    with Journal(journal_path) as j:
        report.journal = str(journal_path)
        report.resumed = _interrupted(j.entries)
        j.write(
            StepKind.BEGIN, plan=f"{plan_path}#{plan.id}", dest=str(archive) if archive else None
        )
        run = _Run(plan, j, need, archive, hardlink)
        for action in actions:
            why = _blocked(action, new_failures, confirm_destructive)
            if why:
                report.actions.append(_outcome(action, "refused", note=why))
                continue
            if run.disk_full:
                report.actions.append(_outcome(action, "skipped", note=run.disk_full))
                continue
            report.actions.append(run.action(action))
        j.write(StepKind.END)
    report.free_after = {p: free_bytes(p, settle=True) for p in places if os.path.isdir(p)}
    return report


def _check_roots(plan: Plan, catalog: Catalog) -> None:
    """A plan is a file anyone can edit: its roots must be ones the catalog was scanned
    with (or folders under them), so a changed plan cannot widen what apply may touch."""
    scanned = [os.path.abspath(r.path) for r in catalog.scanned_roots()]
    for root in plan.roots:
        real = os.path.abspath(root)
        if real == os.sep or not any(
            real == s or real.startswith(s.rstrip(os.sep) + os.sep) for s in scanned
        ):
            raise ApplyError(f"the plan's root {root} is not a root the catalog was scanned with")


def _interrupted(entries: list[JournalEntry]) -> bool:
    """Whether the journal's last run began and never ended: it was killed."""
    last_begin = max((i for i, e in enumerate(entries) if e.step is StepKind.BEGIN), default=-1)
    return last_begin >= 0 and not any(e.step is StepKind.END for e in entries[last_begin + 1 :])


def _selected(plan: Plan, only: list[str] | None) -> list[Action]:
    if not only:
        return list(plan.actions)
    ids = {a.id for a in plan.actions}
    unknown = [i for i in only if i not in ids]
    if unknown:
        raise ApplyError(f"no action {', '.join(unknown)} in the plan (it has {len(ids)})")
    return [a for a in plan.actions if a.id in only]


def _archive_root(
    plan: Plan, actions: list[Action], root: str | os.PathLike[str] | None, execute: bool
) -> Path | None:
    moves = [a for a in actions if a.kind in (ActionKind.ARCHIVE, ActionKind.DELETE)]
    if root is None:
        if moves and execute:
            raise ApplyError(
                "archive and delete actions need --archive-root DIR (deleted files wait in "
                f"DIR/{TRASH} so that undo can restore them)"
            )
        return None
    path = Path(root).resolve()
    for r in plan.roots:
        real = Path(r).resolve()
        if path == real or real in path.parents or path in real.parents:
            raise ApplyError(f"the archive root {path} overlaps the plan's root {r}")
    if execute:
        path.mkdir(parents=True, exist_ok=True)
    return path


def _blocked(action: Action, new_failures: list[str], confirm: bool) -> str | None:
    if action.estimate_only:
        return "estimate only: a person acts on it"
    if action.kind is ActionKind.DELETE and action.risk is not Risk.SAFE and not confirm:
        return f"a {action.risk} delete: give --confirm-destructive to carry it out"
    if action.kind in (ActionKind.DELETE, ActionKind.DEDUPE) and any(
        f.xxh128 is None for f in action.files
    ):
        # Size, mtime and inode miss a file rewritten in place within a second; only the
        # hash taken at plan time proves it is what the plan saw.
        return (
            "the plan holds no content hash of what this removes (a plan made for reading, "
            "as the report's): make one with `mediaopt recommend -o plan.json`"
        )
    if action.kind is not ActionKind.DEDUPE and new_failures:
        return "a project cannot be read now, so what it uses is unknown"
    return None


def _dry_run(
    action: Action,
    plan: Plan,
    need: dict[str, str],
    new_failures: list[str],
    confirm: bool,
    hardlink: bool,
) -> ActionOutcome:
    why = _blocked(action, new_failures, confirm)
    if why:
        return _outcome(action, "refused" if not action.estimate_only else "skipped", note=why)
    files = []
    freed = 0
    for f in action.files:
        reason = refuse_reason(f, plan.roots, None if action.kind is ActionKind.DEDUPE else need)
        linkless = action.kind is ActionKind.DEDUPE and not hardlink and not may_share(f.device)
        if reason is None and linkless:
            reason = "this file system cannot share extents; give --hardlink to link"
        files.append(FileOutcome(path=f.path, done=False, reason=reason))
        freed += 0 if reason else f.freed
    fine = sum(1 for f in files if f.reason is None)
    status = "would" if fine == len(files) else "partly" if fine else "refused"
    return ActionOutcome(id=action.id, kind=action.kind, status=status, bytes=freed, files=files)


def _outcome(action: Action, status: str, note: str) -> ActionOutcome:
    return ActionOutcome(id=action.id, kind=action.kind, status=status, note=note)


class _Run:
    def __init__(
        self, plan: Plan, journal: Journal, need: dict[str, str], archive: Path | None, hard: bool
    ):
        self.plan = plan
        self.journal = journal
        self.archive = archive
        self.mover = Mover(journal, plan.roots, need)
        self.linker = Linker(journal, plan.roots, hardlink=hard)
        self.disk_full: str | None = None
        self.prior: dict[tuple[str, str], list[JournalEntry]] = {}
        for entry in journal.entries:
            if entry.action and entry.path:
                self.prior.setdefault((entry.action, entry.path), []).append(entry)

    def action(self, action: Action) -> ActionOutcome:
        outcome = ActionOutcome(id=action.id, kind=action.kind, status="done")
        # Two files in flight: one is being written and fsynced while the other is read
        # back, which keeps the storage busy (measured in benchmarks/savings.py). Each
        # file's steps stay in order in the journal; recovery works file by file.
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = list(pool.map(lambda f: self._file(action, f), action.files))
        for f, result in zip(action.files, results, strict=True):
            if result is None:
                continue  # not started: the archive root filled up first
            outcome.files.append(result)
            outcome.bytes += f.freed if result.done else 0
        done = [f for f in outcome.files if f.done]
        if len(done) < len(action.files):
            outcome.status = "partly" if done else "refused"
        if action.kind is ActionKind.ARCHIVE and done:
            outcome.manifest = self._manifest(action)
        if outcome.status == "done":
            self.journal.write(StepKind.ACTION_DONE, action=action.id)
        return outcome

    def _file(self, action: Action, f) -> FileOutcome | None:
        prior = self.prior.get((action.id, f.path), [])
        if action.kind is ActionKind.DEDUPE:
            return self.linker.link(action.id, f, prior)
        if self.disk_full:
            return None
        try:
            return self.mover.move(action.id, f, self._dest(action, f.path), prior)
        except DiskFull as exc:
            self.disk_full = str(exc)
            return FileOutcome(path=f.path, done=False, reason=str(exc))

    def _dest(self, action: Action, path: str) -> Path:
        assert self.archive is not None
        base = (
            self.archive / TRASH / self.plan.id
            if action.kind is ActionKind.DELETE
            else self.archive
        )
        for root in self.plan.roots:
            prefix = root.rstrip(os.sep) + os.sep
            if path.startswith(prefix):
                name = os.path.basename(root.rstrip(os.sep)) or "root"
                return base / name / path[len(prefix) :]
        # Never written to: the mover refuses a file outside the roots before copying it.
        return base / "outside-the-roots" / os.path.basename(path)

    def _manifest(self, action: Action) -> str | None:
        """One ASC MHL generation over what this action archived, at the top of its tree;
        written once (a resumed run finds the entry and leaves it)."""
        assert self.archive is not None
        for entry in self.journal.entries:
            if entry.step is StepKind.MANIFEST and entry.action == action.id:
                return entry.dest
        tree = self.archive / (action.archive_subdir or "")
        files = []
        for f in action.files:
            steps = self.prior.get((action.id, f.path), []) + [
                e for e in self.journal.entries if e.action == action.id and e.path == f.path
            ]
            verified = next((e for e in reversed(steps) if e.step is StepKind.VERIFIED), None)
            removed = any(e.step is StepKind.REMOVED for e in steps)
            if verified and removed and verified.dest:
                files.append(
                    ManifestFile(verified.dest, f.bytes, f.mtime_ns, verified.xxh128 or "")
                )
        if not files:
            return None
        fresh = not existed(tree)
        folder = write_manifest(tree, files, comment=f"mediaopt plan {self.plan.id} {action.id}")
        self.journal.write(
            StepKind.MANIFEST,
            action=action.id,
            dest=str(folder),
            reason="new" if fresh else "appended",
        )
        return str(folder)
