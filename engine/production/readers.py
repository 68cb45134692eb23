"""The seam with the project readers in `mediaopt.adapters`: `read_project(path) -> Project`
(never raises; problems land in Project.errors) and `project_kind(path) -> str | None`.

Project files are untrusted input, and the readers are libraries that trust them: a
`.otio` of 30,000 nested stacks overflows OTIO's native stack (SIGSEGV), a 2 MB `.otioz`
inflating to 2 GB took 8.6 GB of memory. So every project is read in a worker process
with a memory limit and a time limit; a file that kills or stalls the worker is that
file's error, and the run goes on. The worker is forked once and reused, so a normal
read costs a round trip through a pipe, not a process start.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing import popen_fork  # noqa: F401 - see below
from multiprocessing.connection import Connection

import msgspec

from mediaopt.adapters import project_kind
from mediaopt.adapters import read_project as read_here
from mediaopt.adapters.registry import generation, kinds
from mediaopt.engine.model import Project

try:  # imported here, not in the worker: see popen_fork above
    import resource
except ImportError:  # Windows: no fork, no worker
    resource = None

__all__ = ["project_extensions", "project_kind", "read_project"]

READ_SECONDS = 120.0
"""Time one project file may take to read. An hour-long AAF reads in seconds; a reader
still busy after two minutes is stuck on what the file does to it."""
READ_MEMORY = 2 * 1024**3
"""Address space the worker may grow by while reading (beyond what it maps at start):
ten times what the largest real project here needs, a fraction of a workstation's RAM."""

# popen_fork is imported above, not when the first worker starts: multiprocessing imports
# it lazily, and a process that has since dropped privileges (a service, a permission
# test) may no longer reach the interpreter's files.

_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(Project).decode


def project_extensions() -> list[str]:
    """File name endings some reader knows (`otio`, `nk`, `tar.gz`-like), lower case."""
    return list(kinds())


IN_PROCESS_ENV = "MEDIAOPT_READ_IN_PROCESS"
"""Set to 1 to read project files in the calling process: for a host application
(Nuke, Blender) that calls the engine in process and must not be forked."""


def read_project(path: str | os.PathLike[str]) -> Project:
    """Read one project file (or folder) in the worker; never raises for a bad file."""
    if not hasattr(os, "fork") or os.environ.get(IN_PROCESS_ENV) == "1":
        return read_here(path)  # no fork (Windows), or a host that must not be forked
    with _lock:  # one worker, one conversation at a time (hosts run commands in threads)
        return _reader().read(os.fspath(path))


class _Worker:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self.pipe, child = ctx.Pipe()
        self.generation = generation()
        self.owner = os.getpid()
        self.process = ctx.Process(
            target=_serve, args=(child, READ_MEMORY), daemon=True, name="mediaopt-reader"
        )
        self.process.start()
        child.close()

    def alive(self) -> bool:
        if self.owner != os.getpid():
            return False  # inherited through a fork: the worker is the parent's
        return self.process.is_alive() and self.generation == generation()

    def read(self, path: str) -> Project:
        try:
            self.pipe.send((path, os.getcwd()))
            if not self.pipe.poll(READ_SECONDS):
                self.stop()
                return _failed(path, f"still reading after {READ_SECONDS:g} s; stopped")
            data, chatter = self.pipe.recv()
            if chatter:  # what the reader printed: the parent's stderr, where it belongs
                sys.stderr.write(chatter)
            return _decode(data)
        except (EOFError, OSError):
            self.process.join(1)
            code = self.process.exitcode
            return _failed(path, f"the reader died on this file ({_death(code)})")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(1)
        self.pipe.close()


_worker: _Worker | None = None
_lock = threading.Lock()


def _reader() -> _Worker:
    global _worker
    if _worker is None or not _worker.alive():
        if _worker is not None and _worker.owner == os.getpid():
            _worker.stop()
        _worker = _Worker()
    return _worker


def _failed(path: str, why: str) -> Project:
    kind = project_kind(path) or "unknown"
    return Project(path=path, kind=kind, errors=[f"{path}: {why}; not read"])


def _death(code: int | None) -> str:
    if code is None or code >= 0:
        return f"exit status {code}"
    with contextlib.suppress(ValueError):
        return signal.Signals(-code).name
    return f"signal {-code}"


def _serve(conn: Connection, memory: int) -> None:
    """The worker: read each path sent, send back the Project."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    faulthandler.disable()  # a crash here is reported by the parent, in one line
    # Forked, the worker holds every descriptor the parent had open (a catalog, a host's
    # sockets, a pipe another process waits to see closed): it needs only its own.
    keep = conn.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    # sys.stdout and sys.stderr may have been on a descriptor just closed (pytest's
    # capture, a host's log): what a reader prints (the AAF adapter's `Unable find
    # slot_id`) is sent back with the project and written to the parent's stderr, never
    # to stdout, which may hold a --json document.
    sys.stdout = sys.stderr = open(2, "w", 1, closefd=False, errors="backslashreplace")  # noqa: SIM115
    fallback = sys.stderr
    _limit_memory(memory)
    while True:
        try:
            path, cwd = conn.recv()
        except (EOFError, OSError):
            return
        with contextlib.suppress(OSError):
            os.chdir(cwd)
        chatter = io.StringIO()
        sys.stdout = sys.stderr = chatter
        try:
            project = read_here(path)
        except MemoryError:
            project = _failed(path, f"needs more than {memory // 2**20} MB of memory to read")
        finally:
            sys.stdout = sys.stderr = fallback
        conn.send((_encode(project), chatter.getvalue()))


def _limit_memory(extra: int) -> None:
    if resource is None:
        return
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        mapped = 0
    limit = mapped + extra
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
