"""Undo an apply from its journal: every source it removed is copied back from the
archive or the trash (its hash checked against the one recorded when it was verified),
with its mode, owner and times; every link it made is replaced by an independent copy
(a reflinked copy gets its own extents back, in place where the file system can);
then the copies and manifests it wrote are removed. Undo journals what it restores, so an
undo that is killed can be run again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mediaopt.engine.actions.fileops import (
    LINKING,
    PARTIAL,
    Unsupported,
    hash_from_disk,
    remove_quietly,
    restore_copy,
    set_meta,
    unshare,
)
from mediaopt.engine.actions.journal import Journal, last_steps
from mediaopt.engine.model import JournalEntry, StepKind, UndoReport
from mediaopt.engine.recommend.files import shared_bytes


def undo_journal(path: str | os.PathLike[str]) -> UndoReport:
    report = UndoReport(journal=str(path))
    with Journal(path) as journal:
        files = list(last_steps(journal.entries))
        if not files and not journal.entries:
            raise FileNotFoundError(f"{path}: no such journal, or it is empty")
        created_dirs: set[Path] = set()
        for action, source, steps in reversed(files):
            if steps[-1].step is StepKind.UNDONE:
                continue
            try:
                _undo_file(source, steps, report, created_dirs)
            except (OSError, ValueError) as exc:
                report.problems.append(f"{source}: not restored: {exc}")
                continue
            journal.write(StepKind.UNDONE, action=action, path=source)
        for entry in journal.entries:
            if entry.step is StepKind.MANIFEST and entry.reason == "new" and entry.dest:
                shutil.rmtree(entry.dest, ignore_errors=True)
                created_dirs.add(Path(entry.dest).parent)
        stops = {Path(e.dest) for e in journal.entries if e.step is StepKind.BEGIN and e.dest}
        _remove_empty(created_dirs, stops)
        journal.write(StepKind.UNDO_END)
    return report


def _undo_file(
    source: str, steps: list[JournalEntry], report: UndoReport, created: set[Path]
) -> None:
    intent = next(
        (e for e in reversed(steps) if e.step in (StepKind.INTENT_COPY, StepKind.INTENT_LINK)),
        None,
    )
    if intent is None:
        return  # refused before anything was done
    meta = {
        "mode": intent.mode,
        "uid": intent.uid,
        "gid": intent.gid,
        "mtime_ns": intent.mtime_ns,
        "atime_ns": intent.atime_ns,
    }
    if intent.step is StepKind.INTENT_LINK:
        _unlink_copy(source, intent, steps, meta, report)
        return
    dest = intent.dest or ""
    created.add(Path(dest).parent)
    remove_quietly(dest + PARTIAL)
    if os.path.lexists(source):
        if os.path.exists(dest):
            os.unlink(dest)  # the source was never removed: drop the copy
            report.removed_copies.append(dest)
        return
    if not os.path.exists(dest):
        raise ValueError(f"neither it nor its copy {dest} exists")
    verified = next((e for e in reversed(steps) if e.step is StepKind.VERIFIED), None)
    expect = verified.xxh128 if verified else None
    Path(source).parent.mkdir(parents=True, exist_ok=True)
    restore_copy(dest, source, expect=expect, meta=meta)
    report.restored.append(source)
    os.unlink(dest)
    report.removed_copies.append(dest)


def _unlink_copy(
    source: str,
    intent: JournalEntry,
    steps: list[JournalEntry],
    meta: dict[str, int | None],
    report: UndoReport,
) -> None:
    remove_quietly(source + LINKING)
    keeper = intent.dest or ""
    linked = next((e for e in reversed(steps) if e.step is StepKind.LINKED), None)
    if _same_inode(source, keeper):
        # A hard link: give the path its own inode again, with the bytes it had.
        restore_copy(keeper, source, expect=intent.xxh128, meta=meta)
        report.restored.append(source)
    elif (linked is None or linked.method == "reflink") and shared_bytes(source) > 0:
        # A reflink (or one a crash cut short) kept the inode and the bytes but gave the
        # copy the keeper's storage: before the apply it had its own, and a later write to
        # either file must not be what gives it back, so it gets its own blocks again now.
        _own_extents(source, intent, meta)
        report.restored.append(source)
    elif linked is not None:
        set_meta(source, meta)
        report.restored.append(source)


def _same_inode(a: str, b: str) -> bool:
    sa = os.stat(a)
    try:
        sb = os.stat(b)
    except FileNotFoundError:
        return False  # the keeper is gone: the copy holds its bytes alone
    return (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev)


def _own_extents(source: str, intent: JournalEntry, meta: dict[str, int | None]) -> None:
    try:
        unshare(source)
    except Unsupported:
        # No unshare in place (btrfs): a fresh copy through a temporary name, as for a
        # hard link; the path gets a new inode.
        restore_copy(source, source, expect=intent.xxh128, meta=meta)
        return
    except OSError:
        set_meta(source, meta)  # XFS stamps the time before it runs out of space
        raise
    if intent.xxh128 and hash_from_disk(source) != intent.xxh128:
        raise ValueError("its bytes no longer match the journal's hash")
    set_meta(source, meta)


def _remove_empty(folders: set[Path], stops: set[Path]) -> None:
    """Remove folders the apply created in the archive, deepest first, while empty,
    never the archive root itself or anything above it."""
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        current = folder
        while not any(current == s or current in s.parents for s in stops):
            if not any(s in current.parents for s in stops):
                break  # not inside an archive root this journal names
            try:
                current.rmdir()
            except OSError:
                break  # not empty (or not ours): stop climbing
            current = current.parent
