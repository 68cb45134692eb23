"""What a probe worker process runs, and all it imports: the header probes.

The scan's fork server preloads this module (and the console's `__main__`, which imports
no engine), so each worker starts with MediaInfo and OpenImageIO loaded and nothing else:
not the catalog, the walker or the sequence grouping the scanning process needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediaopt.engine.model import Asset

PRELOAD = ["mediaopt.engine.scan.probe", __name__]
"""What the fork server imports once for all workers. The probes are imported here, not
at the top, so that the scanning process, which only hands paths to workers, does not
load MediaInfo and OpenImageIO for nothing."""


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


def init_worker(low_impact: bool) -> None:
    if low_impact:
        from mediaopt.engine.scan.lowimpact import be_gentle

        be_gentle()


def probe_jobs(jobs: list[list[str]], low_impact: bool) -> list[list[Asset]]:
    """Several jobs in one task: handing the pool one file per task cost about 1 ms per
    file in pickling and wake-ups, as much as a probe itself."""
    return [probe_many(paths, low_impact) for paths in jobs]
