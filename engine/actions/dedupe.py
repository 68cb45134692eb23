"""Dedupe, one copy at a time: compare it with its keeper byte for byte now, then share
the keeper's extents with it (FIDEDUPERANGE: the kernel compares again under lock) or,
when asked, replace it by a hard link. The path stays; so do its bytes."""

from __future__ import annotations

import os

from mediaopt.engine.actions.checks import refuse_reason
from mediaopt.engine.actions.fault import fault
from mediaopt.engine.actions.fileops import (
    LINKING,
    Unsupported,
    dedupe_range,
    hard_link_over,
    remove_quietly,
    same_bytes,
)
from mediaopt.engine.actions.journal import Journal
from mediaopt.engine.model import FileOutcome, JournalEntry, PlannedFile, StepKind


class Linker:
    def __init__(self, journal: Journal, roots: list[str], *, hardlink: bool):
        self.journal = journal
        self.roots = roots
        self.hardlink = hardlink

    def link(self, action: str, f: PlannedFile, prior: list[JournalEntry]) -> FileOutcome:
        last = prior[-1].step if prior else None
        keeper = f.keeper or ""
        if last is StepKind.LINKED:
            return FileOutcome(path=f.path, done=True)
        if last is StepKind.INTENT_LINK:
            remove_quietly(f.path + LINKING)
            if _same_inode(f.path, keeper):  # the rename happened before its entry
                self.journal.write(StepKind.LINKED, action=action, path=f.path, method="hardlink")
                return FileOutcome(path=f.path, done=True)
        why = refuse_reason(f, self.roots, None)
        if why is None and not os.path.isfile(keeper):
            why = f"its keeper {keeper} is gone"
        if why is None:
            same, digest = same_bytes(keeper, f.path)
            if not same:
                why = f"no longer identical to {keeper}"
            elif f.xxh128 and digest != f.xxh128:
                why = "its content changed since the plan (hash differs)"
        if why:
            self.journal.write(StepKind.REFUSED, action=action, path=f.path, reason=why)
            return FileOutcome(path=f.path, done=False, reason=why)
        st = os.lstat(f.path)
        self.journal.write(
            StepKind.INTENT_LINK,
            action=action,
            path=f.path,
            dest=keeper,
            bytes=st.st_size,
            xxh128=f.xxh128,
            mtime_ns=st.st_mtime_ns,
            atime_ns=st.st_atime_ns,
            mode=st.st_mode,
            uid=st.st_uid,
            gid=st.st_gid,
        )
        fault("link")
        try:
            method = self._share(keeper, f.path)
        except (Unsupported, ValueError, OSError) as exc:
            reason = str(exc)
            self.journal.write(StepKind.REFUSED, action=action, path=f.path, reason=reason)
            return FileOutcome(path=f.path, done=False, reason=reason)
        self.journal.write(StepKind.LINKED, action=action, path=f.path, method=method)
        return FileOutcome(path=f.path, done=True)

    def _share(self, keeper: str, copy: str) -> str:
        try:
            dedupe_range(keeper, copy)
            return "reflink"
        except Unsupported as exc:
            if not self.hardlink:
                raise Unsupported(
                    f"this file system cannot share extents ({exc}); "
                    "give --hardlink to replace the copy by a hard link"
                ) from exc
        hard_link_over(keeper, copy)
        return "hardlink"


def _same_inode(a: str, b: str) -> bool:
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev)
