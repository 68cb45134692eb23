"""What is checked before each file is touched: it is inside the plan's roots, it is the
same file the plan saw (size, mtime, inode; the content hash is compared as it is read),
and no active project needs it now."""

from __future__ import annotations

import os
import stat

from mediaopt.engine.model import PlannedFile


def inside(path: str, roots: list[str]) -> bool:
    """Whether `path` lies under one of `roots` once symlinked folders are resolved (the
    file itself is never followed: a symlink is refused on its own)."""
    real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    for root in roots:
        base = os.path.realpath(root).rstrip(os.sep) + os.sep
        if real.startswith(base):
            return True
    return False


def changed(f: PlannedFile) -> str | None:
    """Why the file on disk is not the one the plan saw, or None."""
    try:
        st = os.lstat(f.path)
    except FileNotFoundError:
        return "it is gone"
    except OSError as exc:
        return f"cannot stat it: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return "it is no longer a regular file"
    what = []
    if st.st_size != f.bytes:
        what.append(f"size {f.bytes} -> {st.st_size}")
    if st.st_mtime_ns != f.mtime_ns:
        what.append("modification time")
    if (st.st_ino, st.st_dev) != (f.inode, f.device):
        what.append("inode (replaced by another file)")
    return f"changed since the plan: {', '.join(what)}" if what else None


def refuse_reason(f: PlannedFile, roots: list[str], need: dict[str, str] | None) -> str | None:
    """Why this file must not be acted on, or None. `need` (assets active projects use
    now) is None for dedupes: a link keeps the path and its bytes."""
    if not inside(f.path, roots):
        return "outside the plan's roots"
    why = changed(f)
    if why:
        return why
    if need is not None:
        for key in (f.path, f.asset):
            if key and key in need:
                return f"in use now: {need[key]}"
    return None
