"""Archive and delete, one file at a time: copy, verify the copy by reading it back,
then remove the source. Delete is the same move into the trash under the archive root,
so that `undo` can put everything back. Each step is journaled; a file's earlier
entries (from a run that was killed) say where to pick up."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from mediaopt.engine.actions.checks import changed, refuse_reason
from mediaopt.engine.actions.fault import fault
from mediaopt.engine.actions.fileops import (
    PARTIAL,
    copy_hashed,
    fsync_dir,
    hash_from_disk,
    remove_quietly,
)
from mediaopt.engine.actions.journal import Journal
from mediaopt.engine.model import FileOutcome, JournalEntry, PlannedFile, StepKind


class DiskFull(Exception):
    """The archive root is full: nothing more can be archived in this run."""


class Mover:
    def __init__(self, journal: Journal, roots: list[str], need: dict[str, str]):
        self.journal = journal
        self.roots = roots
        self.need = need

    def move(
        self, action: str, f: PlannedFile, dest: Path, prior: list[JournalEntry]
    ) -> FileOutcome:
        """Carry one file to `dest`, resuming from what `prior` (its journal entries)
        says was done."""
        last = prior[-1].step if prior else None
        if last is StepKind.REMOVED:
            return FileOutcome(path=f.path, done=True)
        if last in (StepKind.VERIFIED, StepKind.INTENT_REMOVE):
            return self._finish_remove(action, f, _latest(prior, StepKind.INTENT_COPY), prior)
        if last is StepKind.COPIED:
            return self._verify(action, f, dest, prior[-1].xxh128 or "", prior)
        if last is StepKind.INTENT_COPY:
            # Killed mid-copy: the source was never touched; start the copy again.
            remove_quietly(str(dest) + PARTIAL)
            remove_quietly(str(dest))
        return self._fresh(action, f, dest)

    def _fresh(self, action: str, f: PlannedFile, dest: Path) -> FileOutcome:
        why = refuse_reason(f, self.roots, self.need)
        if why:
            return self._refuse(action, f, why)
        if dest.exists():
            return self._refuse(action, f, f"{dest} already exists in the archive")
        st = os.lstat(f.path)
        self.journal.write(
            StepKind.INTENT_COPY,
            action=action,
            path=f.path,
            dest=str(dest),
            bytes=st.st_size,
            mtime_ns=st.st_mtime_ns,
            atime_ns=st.st_atime_ns,
            mode=st.st_mode,
            uid=st.st_uid,
            gid=st.st_gid,
        )
        try:
            digest = copy_hashed(f.path, str(dest))
        except OSError as exc:
            reason = _copy_error(exc, dest)
            self.journal.write(StepKind.REFUSED, action=action, path=f.path, reason=reason)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFull(reason) from exc
            return FileOutcome(path=f.path, done=False, reason=reason)
        if f.xxh128 and digest != f.xxh128:
            remove_quietly(str(dest))
            return self._refuse(action, f, "its content changed since the plan (hash differs)")
        self.journal.write(
            StepKind.COPIED, action=action, path=f.path, dest=str(dest), xxh128=digest
        )
        return self._verify(action, f, dest, digest, None)

    def _verify(
        self, action: str, f: PlannedFile, dest: Path, digest: str, prior: list[JournalEntry] | None
    ) -> FileOutcome:
        try:
            back = hash_from_disk(str(dest))
        except OSError as exc:
            back = f"unreadable: {exc.strerror}"
        if back != digest:
            remove_quietly(str(dest))
            return self._refuse(action, f, f"the copy did not read back the same ({back})")
        entry = self.journal.write(
            StepKind.VERIFIED, action=action, path=f.path, dest=str(dest), xxh128=digest
        )
        intent = _latest(prior or [], StepKind.INTENT_COPY) or self._intent(action, f.path)
        return self._finish_remove(action, f, intent, [entry])

    def _intent(self, action: str, path: str) -> JournalEntry | None:
        return self.journal.last_intent.get((action, path))

    def _finish_remove(
        self, action: str, f: PlannedFile, intent: JournalEntry | None, prior: list[JournalEntry]
    ) -> FileOutcome:
        fault("before_remove")
        if not os.path.lexists(f.path):
            # Killed after the unlink and before its entry: the copy is verified, so done.
            self.journal.write(StepKind.REMOVED, action=action, path=f.path)
            return FileOutcome(path=f.path, done=True)
        dest = intent.dest if intent else None
        why = changed(f)
        if why:  # rewritten while it was copied: the copy is not of this content
            if dest:
                remove_quietly(dest)
            return self._refuse(action, f, f"{why} (while being archived)")
        self.journal.write(StepKind.INTENT_REMOVE, action=action, path=f.path)
        try:
            os.unlink(f.path)
            fsync_dir(os.path.dirname(f.path))
        except OSError as exc:
            if dest:
                remove_quietly(dest)
            return self._refuse(action, f, f"could not remove the source: {exc.strerror}")
        fault("after_remove")
        self.journal.write(StepKind.REMOVED, action=action, path=f.path)
        return FileOutcome(path=f.path, done=True)

    def _refuse(self, action: str, f: PlannedFile, reason: str) -> FileOutcome:
        self.journal.write(StepKind.REFUSED, action=action, path=f.path, reason=reason)
        return FileOutcome(path=f.path, done=False, reason=reason)


def _latest(entries: list[JournalEntry], step: StepKind) -> JournalEntry | None:
    return next((e for e in reversed(entries) if e.step is step), None)


def _copy_error(exc: OSError, dest: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the archive root is full ({dest.parent}); source kept"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied: {exc.filename}; source kept"
    return f"could not copy: {exc.strerror} ({exc.filename}); source kept"
