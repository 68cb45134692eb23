"""The scan: walk the roots, collapse sequences, probe what changed, write the catalog.

Probes run in worker processes: MediaInfo and OpenImageIO are native code, a malformed
file may crash them, and a crash must cost one file, not the scan. Results are committed
every second or so, which is what makes a killed scan resumable: whatever was committed
is unchanged on the next run and is not probed again.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, FileProblem, ScanSummary
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.scan import assemble
from mediaopt.engine.scan.errors import ScanError
from mediaopt.engine.scan.lowimpact import be_gentle
from mediaopt.engine.scan.probe import probe_file
from mediaopt.engine.scan.sequences import FrameGroup, group_sequences
from mediaopt.engine.scan.walk import FileEntry, Walker

_FLUSH_ROWS = 256
_FLUSH_SECONDS = 1.0
_IN_FLIGHT_PER_WORKER = 8


PROBE_SECONDS = 30.0
"""Time a worker gets for one job's header probes before it is killed. A probe takes
milliseconds (seconds on a slow share); MediaInfo loops forever inside its C code on some
damaged MP4 headers (found by tests/engine/scan/test_probe_fuzz.py), where no Python-level
timeout can reach it."""


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


def probe_many(paths: list[str], low_impact: bool) -> list[Asset]:
    return [probe_file(p, low_impact=low_impact) for p in paths]


def _probe_in_worker(paths: list[str], low_impact: bool) -> list[Asset]:
    # SIGALRM with its default action ends the worker even inside native code; the pool
    # then breaks, and _recover treats the job like a crash.
    signal.setitimer(signal.ITIMER_REAL, _worker_seconds)
    try:
        return probe_many(paths, low_impact)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


_worker_seconds = PROBE_SECONDS


def _init_worker(low_impact: bool, seconds: float = PROBE_SECONDS, scan_pid: int = 0) -> None:
    global _worker_seconds
    _worker_seconds = max(0.05, seconds)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    if scan_pid:
        _die_with_scan(scan_pid)
    if low_impact:
        be_gentle()


class _Job(msgspec.Struct):
    folder: str
    identity: str
    key: str | None
    paths: list[str]
    build: Callable[[list[Asset]], Asset]
    attempts: int = 0


class _Prober:
    """Runs probe jobs in worker processes (or inline with workers=0) and survives crashes."""

    def __init__(self, workers: int, low_impact: bool):
        self.workers = workers
        self.low_impact = low_impact
        self.pending: dict[Future, _Job] = {}
        self._pool = self._new_pool() if workers > 0 else None

    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver: the walker's threads are running, and fork() with threads is unsafe.
        ctx = multiprocessing.get_context("forkserver")
        # Import the probers (OpenImageIO, MediaInfo: ~0.3 s CPU) once in the fork server
        # rather than in every worker. `__main__` is the standard library's default; the
        # CLI's __main__ happens to import them, a host's or a script's need not.
        ctx.set_forkserver_preload(["__main__", __name__])
        return ProcessPoolExecutor(
            self.workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(self.low_impact, PROBE_SECONDS, os.getpid()),
        )

    def submit(self, job: _Job) -> list[tuple[_Job, list[Asset]]]:
        if self._pool is None:
            return [(job, probe_many(job.paths, self.low_impact))]
        self.pending[self._pool.submit(_probe_in_worker, job.paths, self.low_impact)] = job
        if len(self.pending) >= self.workers * _IN_FLIGHT_PER_WORKER:
            return self.collect(block=True)
        return self.collect(block=False)

    def collect(self, *, block: bool) -> list[tuple[_Job, list[Asset]]]:
        if not self.pending:
            return []
        done, _ = wait(
            list(self.pending), timeout=None if block else 0, return_when=FIRST_COMPLETED
        )
        results = []
        for future in done:
            job = self.pending.pop(future, None)
            if job is None:
                continue  # lost with a crashed worker and already resubmitted by _recover
            try:
                results.append((job, future.result()))
            except BrokenProcessPool:
                results.extend(self._recover(job))
        return results

    def drain(self) -> list[tuple[_Job, list[Asset]]]:
        results = []
        while self.pending:
            results.extend(self.collect(block=True))
        return results

    def _recover(self, job: _Job) -> list[tuple[_Job, list[Asset]]]:
        """A worker died (a native parser crashed). Every job in flight is lost with it;
        run them again, and a job that kills a worker twice is a file that crashes it."""
        lost = [job, *self.pending.values()]
        self.pending.clear()
        assert self._pool is not None
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        suspects = []
        for item in lost:
            item.attempts += 1
            if item.attempts >= 2:
                suspects.append(item)
            else:
                pool = self._pool
                self.pending[pool.submit(_probe_in_worker, item.paths, self.low_impact)] = item
        return self._one_by_one(suspects)

    def _one_by_one(self, jobs: list[_Job]) -> list[tuple[_Job, list[Asset]]]:
        """Jobs lost twice, maybe only beside the one that killed the worker: each alone
        in a pool of its own, so only the culprit is called crashed."""
        results = []
        pool = self._new_pool() if jobs else None
        for job in jobs:
            assert pool is not None
            try:
                results.append(
                    (job, pool.submit(_probe_in_worker, job.paths, self.low_impact).result())
                )
            except BrokenProcessPool:
                results.append((job, [_crashed(p) for p in job.paths]))
                pool.shutdown(wait=False, cancel_futures=True)
                pool = self._new_pool()
        if pool is not None:
            pool.shutdown(wait=True)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _crashed(path: str) -> Asset:
    try:
        st = os.stat(path)
        size, mtime = st.st_size, st.st_mtime
    except OSError:
        size, mtime = 0, 0.0
    return Asset(
        path=path,
        kind=AssetKind.UNKNOWN,
        bytes=size,
        mtime=mtime,
        status=AssetStatus.ERROR,
        reason="the header parser crashed or hung on this file (twice)",
    )


class _Writer:
    def __init__(self, catalog: Catalog, scan_id: int, summary: ScanSummary, progress: Progress):
        self.catalog = catalog
        self.scan_id = scan_id
        self.summary = summary
        self.progress = progress
        self.rows: list[tuple[Asset, str, str, str | None]] = []
        self.touched: list[str] = []
        self._last_flush = time.monotonic()

    def add(self, asset: Asset, folder: str, identity: str, key: str | None) -> None:
        self.rows.append((asset, folder, identity, key))
        self._count(asset)
        self._maybe_flush()

    def keep(self, path: str, nbytes: int) -> None:
        self.touched.append(path)
        self.summary.reused += 1
        self.summary.assets += 1
        self.summary.bytes += nbytes
        self.progress.advance(1, nbytes)
        self._maybe_flush()

    def _count(self, asset: Asset) -> None:
        s = self.summary
        s.assets += 1
        s.bytes += asset.bytes
        s.sequences += asset.kind is AssetKind.SEQUENCE
        if asset.status is AssetStatus.ERROR:
            s.problems.append(FileProblem(path=asset.path, reason=asset.reason or "unreadable"))
            self.progress.problem(asset.path, asset.reason or "unreadable")
        self.progress.advance(1, asset.bytes)

    def _maybe_flush(self) -> None:
        if (
            len(self.rows) + len(self.touched) >= _FLUSH_ROWS
            or time.monotonic() - self._last_flush > _FLUSH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.catalog.put(self.rows, self.scan_id)
            self.rows = []
        if self.touched:
            self.catalog.touch(self.touched, self.scan_id)
            self.touched = []
        self._last_flush = time.monotonic()


def scan(
    roots: list[str | os.PathLike[str]],
    catalog: Catalog,
    *,
    workers: int | None = None,
    low_impact: bool = False,
    follow_symlinks: bool = False,
    progress: Progress | None = None,
) -> ScanSummary:
    """Scan `roots` into `catalog`; see ScanSummary for what it reports."""
    progress = progress or NullProgress()
    paths = [os.path.abspath(os.fspath(r)) for r in roots]
    for root in paths:
        if not os.path.isdir(root):
            raise ScanError(f"{root}: not a folder (or not readable)")
    if low_impact:
        # Only the probe workers are made gentle here: renicing the caller would slow a
        # host application (Blender, Nuke) for the rest of its life. The CLI, a process
        # of its own, makes itself gentle too.
        workers = 1
    workers = (os.cpu_count() or 1) if workers is None else workers
    started = time.monotonic()
    summary = ScanSummary(roots=paths, catalog=str(catalog.path))
    scan_id = catalog.begin_scan(paths)
    cat = str(catalog.path)
    walker = Walker(
        paths,
        follow_symlinks=follow_symlinks,
        exclude=frozenset({cat, cat + "-wal", cat + "-shm", cat + "-journal"}),
        threads=2 if low_impact else 8,
    )
    unlisted: list[str] = []
    prober = _Prober(workers, low_impact)
    writer = _Writer(catalog, scan_id, summary, progress)
    progress.phase("scanning")
    try:
        for listing in walker:
            if listing.error:
                unlisted.append(listing.path)
                summary.problems.append(FileProblem(path=listing.path, reason=listing.error))
                progress.problem(listing.path, listing.error)
                continue
            summary.files_seen += len(listing.files)
            for job in _plan_folder(listing.path, listing.files, catalog, writer):
                _finish(prober.submit(job), writer, summary)
        _finish(prober.drain(), writer, summary)
        writer.flush()
    finally:
        prober.close()
    _report_kept_errors(catalog, scan_id, summary, progress)
    summary.removed = catalog.remove_unseen(paths, scan_id, unlisted)
    summary.seconds = round(time.monotonic() - started, 3)
    catalog.finish_scan(scan_id, summary)
    progress.done()
    return summary


def _report_kept_errors(
    catalog: Catalog, scan_id: int, summary: ScanSummary, progress: Progress
) -> None:
    # One query at the end rather than a look-up per kept file: the rescan's hot path
    # stays a stat and a comparison.
    reported = {p.path for p in summary.problems}
    for path, reason in catalog.errors_seen(scan_id):
        if path not in reported:
            summary.problems.append(FileProblem(path=path, reason=reason))
            progress.problem(path, reason)


def _finish(results: list[tuple[_Job, list[Asset]]], writer: _Writer, summary: ScanSummary):
    for job, probes in results:
        summary.probed += len(probes)
        summary.probed_bytes_read += sum(p.probed_bytes or 0 for p in probes)
        writer.add(job.build(probes), job.folder, job.identity, job.key)


def _plan_folder(folder: str, files: list[FileEntry], catalog: Catalog, writer: _Writer):
    """Decide per asset: keep the catalog's record, rebuild it from stats, or probe."""
    known = catalog.identities_in(assemble.display_path(folder)[0])
    display_folder = assemble.display_path(folder)[0]
    singles, groups = group_sequences(files)
    for entry in singles:
        path = assemble.display_path(entry.path)[0]
        if entry.problem is not None:
            identity = f"problem:{entry.problem}"
            if known.get(path, ("",))[0] == identity:
                writer.keep(path, 0)
            else:
                writer.add(assemble.problem_asset(entry), display_folder, identity, None)
            continue
        if known.get(path, ("",))[0] == entry.identity:
            writer.keep(path, entry.size)
            continue
        yield _Job(
            display_folder,
            entry.identity,
            entry.identity,
            [entry.path],
            lambda probes: assemble.file_asset(probes[0]),
        )
    for group in groups:
        yield from _plan_sequence(group, display_folder, known, catalog, writer)


def _plan_sequence(group: FrameGroup, folder: str, known: dict, catalog: Catalog, writer: _Writer):
    pattern = assemble.display_path(group.pattern)[0]
    identity = assemble.sequence_identity(group)
    targets = assemble.probe_targets(group)
    key = assemble.probe_key(targets)
    stored_identity, stored_key = known.get(pattern, ("", None))
    if stored_identity == identity:
        writer.keep(pattern, sum(e.size for _, e in group.frames))
        return
    if stored_key == key:
        stored = catalog.record(pattern)
        if stored is not None:
            writer.add(assemble.restat_sequence(stored, group), folder, identity, key)
            return
    yield _Job(
        folder,
        identity,
        key,
        [e.path for e in targets],
        lambda probes, g=group: assemble.sequence_asset(g, probes),
    )
