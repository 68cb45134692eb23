"""Which file system a path lives on, from /proc/self/mountinfo (Linux).

inotify reports changes made through this machine's kernel only: on NFS, SMB/CIFS,
sshfs and other FUSE or cluster file systems another machine's writes are invisible to
it, so `watch` relies on its periodic reconcile there, as Syncthing and watchman do. Where
mountinfo is not available (macOS, Windows) the type is unknown and events are trusted.
"""

from __future__ import annotations

import os

import msgspec

NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "davfs",
        "ncpfs",
        "fuse",
        "fuseblk",
        "virtiofs",
    }
)
"""File systems where another machine (or a user-space daemon) can change files without
this kernel's inotify seeing it. Every `fuse.*` type (sshfs, rclone, s3fs) counts too."""

MOUNTINFO = "/proc/self/mountinfo"


class Mount(msgspec.Struct, frozen=True):
    point: str
    fstype: str
    source: str


def mounts(mountinfo: str = MOUNTINFO) -> list[Mount]:
    """Every mount, in the kernel's order (later mounts over earlier ones)."""
    try:
        with open(mountinfo, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(fields) < 5 or len(tail) < 2:
            continue
        found.append(Mount(_unescape(fields[4]), tail[0], tail[1]))
    return found


def mount_of(path: str, table: list[Mount] | None = None) -> Mount | None:
    """The mount a path is on: the last-mounted, longest mount point above it."""
    real = os.path.realpath(path)
    best: Mount | None = None
    for mount in table if table is not None else mounts():
        point = mount.point.rstrip("/") or "/"
        if (real == point or real.startswith(point.rstrip("/") + "/")) and (
            best is None or len(point) >= len(best.point.rstrip("/") or "/")
        ):
            best = mount
    return best


def events_unreliable(fstype: str) -> bool:
    """True where inotify misses changes (see NETWORK_TYPES)."""
    return fstype in NETWORK_TYPES or fstype.startswith("fuse.")


def _unescape(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as octal (\040 ...).
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)
