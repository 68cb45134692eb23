"""Running beside active editing and rendering: lowest CPU and I/O priority."""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform

_IOPRIO_SET = {"x86_64": 251, "aarch64": 30}.get(platform.machine())
_IOPRIO_WHO_PROCESS = 1
_IOPRIO_CLASS_IDLE = 3
_IOPRIO_CLASS_SHIFT = 13


def be_gentle() -> None:
    """nice 19 and the idle I/O class (ionice -c3) for this process, where the OS allows."""
    with contextlib.suppress(OSError):
        os.nice(19 - os.nice(0))
    if _IOPRIO_SET is None:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall(_IOPRIO_SET, _IOPRIO_WHO_PROCESS, 0, _IOPRIO_CLASS_IDLE << _IOPRIO_CLASS_SHIFT)
    except (OSError, AttributeError):
        pass


def io_priority_class(pid: int = 0) -> int | None:
    """A process's I/O scheduling class (3 is idle; 0 the calling process), for tests and
    diagnostics."""
    if _IOPRIO_SET is None:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    value = libc.syscall(_IOPRIO_SET + 1, _IOPRIO_WHO_PROCESS, pid)  # ioprio_get follows
    return None if value < 0 else value >> _IOPRIO_CLASS_SHIFT
