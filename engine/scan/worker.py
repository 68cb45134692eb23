"""What a probe worker process runs, and all it imports: the header probes.

The scan's fork server preloads this module (and the console's `__main__`, which imports
no engine), so each worker starts with MediaInfo and OpenImageIO loaded and nothing else:
not the catalog, the walker or the sequence grouping the scanning process needs.
"""

from __future__ import annotations

import os
import select
import signal
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediaopt.engine.model import Asset

PRELOAD = ["mediaopt.engine.scan.probe", __name__, "mediaopt.engine.scan.forkserver_exit"]
"""What the fork server imports once for all workers. The probes are imported here, not
at the top, so that the scanning process, which only hands paths to workers, does not
load MediaInfo and OpenImageIO for nothing. The last one only makes the fork server
quick to leave (see its docstring): nothing else imports it."""


def start_fork_server() -> None:
    """Start the workers' fork server now, in the background: its interpreter starts and
    imports the probes while this process imports the scanner, instead of after. A scan
    of a few files is mostly this start-up (0.3-0.5 s of a 1 s one-file scan)."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["__main__", *PRELOAD])
    forkserver.ensure_running()


def probe_many(paths: list[str], low_impact: bool) -> list[Asset]:
    from mediaopt.engine.scan.probe import probe_file

    return [probe_file(p, low_impact=low_impact) for p in paths]


_seconds = 30.0
"""Time one job's probes get in this worker (the scanner's PROBE_SECONDS)."""


def init_worker(low_impact: bool, seconds: float = _seconds, scan_pid: int = 0) -> None:
    global _seconds
    _seconds = max(0.05, seconds)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    if scan_pid:
        _die_with_scan(scan_pid)
    if low_impact:
        from mediaopt.engine.scan.lowimpact import be_gentle

        be_gentle()


def probe_jobs(jobs: list[list[str]], low_impact: bool) -> list[list[Asset]]:
    """Several jobs in one task: handing the pool one file per task cost about 1 ms per
    file in pickling and wake-ups, as much as a probe itself."""
    return [_probe_timed(paths, low_impact) for paths in jobs]


def _probe_timed(paths: list[str], low_impact: bool) -> list[Asset]:
    # SIGALRM with its default action ends the worker even inside native code; the pool
    # then breaks, and the scanner's _recover treats the job like a crash.
    signal.setitimer(signal.ITIMER_REAL, _seconds)
    try:
        return probe_many(paths, low_impact)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _die_with_scan(scan_pid: int) -> None:
    """End this worker when the scanning process ends, however it ends (SIGKILL, the OOM
    killer). Nothing else would: the worker waits on a job queue whose writing end it
    holds itself, and it keeps the fork server alive by holding its pipe. A thread waits
    on a pidfd of the scan (Linux 5.3+), else checks on it twice a second."""
    import threading

    def watch() -> None:
        try:
            fd = os.pidfd_open(scan_pid)
        except ProcessLookupError:
            os._exit(1)
        except (AttributeError, OSError):
            while _alive(scan_pid):
                time.sleep(0.5)
            os._exit(1)
        select.select([fd], [], [])  # readable once the process has exited
        os._exit(1)

    threading.Thread(target=watch, name="mediaopt-watch-scan", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
