"""The scan: walk the roots, collapse sequences, probe what changed, write the catalog.

Probes run in worker processes: MediaInfo and OpenImageIO are native code, a malformed
file may crash them, and a crash must cost one file, not the scan. Results are committed
every second or so, which is what makes a killed scan resumable: whatever was committed
is unchanged on the next run and is not probed again.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, FileProblem, ScanSummary
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.scan import assemble, stills
from mediaopt.engine.scan.errors import ScanError
from mediaopt.engine.scan.sequences import FrameGroup, group_sequences
from mediaopt.engine.scan.walk import FileEntry, Walker
from mediaopt.engine.scan.worker import PRELOAD, init_worker, probe_jobs, probe_many

_FLUSH_ROWS = 256
_FLUSH_SECONDS = 1.0
_IN_FLIGHT_PER_WORKER = 4
_BATCH = 8
"""Jobs sent to a worker in one task. A task is a round trip through the pool's queues
with its pickles: with one file per task that was a third of a short clip's CPU. After a
worker crash the lost jobs go again one per task, so a crashing file costs only itself."""

PROBE_SECONDS = 30.0
"""Time a worker gets for one job's header probes before it is killed. A probe takes
milliseconds (seconds on a slow share); MediaInfo loops forever inside its C code on some
damaged MP4 headers (found by tests/engine/scan/test_probe_fuzz.py), where no Python-level
timeout can reach it."""


class _Split(msgspec.Struct):
    """A numbered run that its probed frames showed to be photographs (see stills.py):
    those frames as file assets, and the other files, to plan one by one."""

    probed: list[tuple[Asset, str]]
    rest: list[FileEntry]
    known: dict


class _Job(msgspec.Struct):
    folder: str
    identity: str
    key: str | None
    paths: list[str]
    build: Callable[[list[Asset]], Asset | _Split]
    attempts: int = 0


class _Prober:
    """Runs probe jobs in worker processes (or inline with workers=0) and survives crashes."""

    def __init__(self, workers: int, low_impact: bool):
        self.workers = workers
        self.low_impact = low_impact
        self.pending: dict[Future, list[_Job]] = {}
        self.batch: list[_Job] = []
        self.ready: list[tuple[_Job, list[Asset]]] = []
        """Results decided outside a task: files that crashed a worker twice."""
        self._pool = self._new_pool() if workers > 0 else None

    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver: the walker's threads are running, and fork() with threads is unsafe.
        ctx = multiprocessing.get_context("forkserver")
        # Import the probers (OpenImageIO, MediaInfo) once in the fork server rather than
        # in every worker, and nothing else: the worker module imports only the probes.
        # `__main__` is preloaded too (the standard library's default), so that workers do
        # not each import it again; the CLI's imports no engine.
        ctx.set_forkserver_preload(["__main__", *PRELOAD])
        return ProcessPoolExecutor(
            self.workers,
            mp_context=ctx,
            initializer=init_worker,
            initargs=(self.low_impact, PROBE_SECONDS, os.getpid()),
        )

    def submit(self, job: _Job) -> list[tuple[_Job, list[Asset]]]:
        if self._pool is None:
            return [(job, probe_many(job.paths, self.low_impact))]
        self.batch.append(job)
        # Idle workers get what there is; busy ones get full batches.
        if len(self.batch) >= _BATCH or len(self.pending) < self.workers:
            self._send(self.batch)
            self.batch = []
        if len(self.pending) >= self.workers * _IN_FLIGHT_PER_WORKER:
            return self.collect(block=True)
        return self.collect(block=False)

    def _send(self, jobs: list[_Job]) -> None:
        assert self._pool is not None
        try:
            future = self._pool.submit(probe_jobs, [j.paths for j in jobs], self.low_impact)
        except BrokenProcessPool:
            # A worker died since the last collect: recover what was in flight first.
            self.ready.extend(self._recover([]))
            future = self._pool.submit(probe_jobs, [j.paths for j in jobs], self.low_impact)
        self.pending[future] = jobs

    def collect(self, *, block: bool) -> list[tuple[_Job, list[Asset]]]:
        results, self.ready = self.ready, []
        if not self.pending:
            return results
        done, _ = wait(
            list(self.pending), timeout=None if block else 0, return_when=FIRST_COMPLETED
        )
        for future in done:
            jobs = self.pending.pop(future, None)
            if jobs is None:
                continue  # lost with a crashed worker and already resubmitted by _recover
            try:
                results.extend(zip(jobs, future.result(), strict=True))
            except BrokenProcessPool:
                results.extend(self._recover(jobs))
        return results

    def drain(self) -> list[tuple[_Job, list[Asset]]]:
        if self.batch:
            self._send(self.batch)
            self.batch = []
        results = self.collect(block=False)
        while self.pending:
            results.extend(self.collect(block=True))
        return results

    def _recover(self, jobs: list[_Job]) -> list[tuple[_Job, list[Asset]]]:
        """A worker died (a native parser crashed). Every job in flight is lost with it;
        run them again, one per task, and a job that kills a worker twice is a file that
        crashes it."""
        lost = [*jobs, *(job for batch in self.pending.values() for job in batch)]
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
                self._send([item])
        return self._one_by_one(suspects)

    def _one_by_one(self, jobs: list[_Job]) -> list[tuple[_Job, list[Asset]]]:
        """Jobs lost twice, maybe only beside the one that killed the worker: each alone
        in a pool of its own, so only the culprit is called crashed."""
        results = []
        pool = self._new_pool() if jobs else None
        for job in jobs:
            assert pool is not None
            try:
                (assets,) = pool.submit(probe_jobs, [job.paths], self.low_impact).result()
                results.append((job, assets))
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
    executor: str | None = None,
    root_resources: Mapping[str, str] | None = None,
    pin_wait: float | None = None,
) -> ScanSummary:
    """Scan `roots` into `catalog`; see ScanSummary for what it reports. `executor`
    (`dask://SCHEDULER`, `local:N`) spreads the walk and the probes over Dask workers;
    `root_resources` pins roots to the workers offering a Dask resource, each waiting
    `pin_wait` seconds at most for one (see engine/scan/placement.py)."""
    progress = progress or NullProgress()
    paths = [os.path.abspath(os.fspath(r)) for r in roots]
    if executor is not None:
        # The roots are where the workers are: this machine need not see them.
        from mediaopt.engine.scan.distributed import scan_with
        from mediaopt.engine.scan.placement import DEFAULT_WAIT

        return scan_with(
            executor,
            paths,
            catalog,
            follow_symlinks=follow_symlinks,
            progress=progress,
            root_resources=root_resources,
            pin_wait=DEFAULT_WAIT if pin_wait is None else pin_wait,
        )
    if root_resources:
        raise ScanError("roots are pinned to worker resources only on a Dask executor")
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
                _settle(prober, prober.submit(job), writer, summary)
        while results := prober.drain():
            _settle(prober, results, writer, summary)
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


def _settle(
    prober: _Prober, results: list[tuple[_Job, list[Asset]]], writer: _Writer, summary: ScanSummary
) -> None:
    """Write what the probes built; a run that proved to be photographs has its other
    files probed one by one, as the single files they are."""
    follow = _finish(results, writer, summary)
    while follow:
        follow += _finish(prober.submit(follow.pop()), writer, summary)


def _finish(
    results: list[tuple[_Job, list[Asset]]], writer: _Writer, summary: ScanSummary
) -> list[_Job]:
    follow: list[_Job] = []
    for job, probes in results:
        summary.probed += len(probes)
        summary.probed_bytes_read += sum(p.probed_bytes or 0 for p in probes)
        built = job.build(probes)
        if isinstance(built, Asset):
            writer.add(built, job.folder, job.identity, job.key)
            continue
        for asset, identity in built.probed:
            writer.add(asset, job.folder, identity, identity)
        for entry in built.rest:
            planned = _plan_single(entry, job.folder, built.known, writer)
            if planned is not None:
                follow.append(planned)
    return follow


def _plan_folder(folder: str, files: list[FileEntry], catalog: Catalog, writer: _Writer):
    """Decide per asset: keep the catalog's record, rebuild it from stats, or probe."""
    known = catalog.identities_in(assemble.display_path(folder)[0])
    display_folder = assemble.display_path(folder)[0]
    singles, groups = group_sequences(files)
    for group in groups:
        if _photographs_before(group, known):
            singles.extend(entry for _, entry in group.frames)
        else:
            yield from _plan_sequence(group, display_folder, known, catalog, writer)
    for entry in singles:
        job = _plan_single(entry, display_folder, known, writer)
        if job is not None:
            yield job


def _plan_single(entry: FileEntry, folder: str, known: dict, writer: _Writer) -> _Job | None:
    path = assemble.display_path(entry.path)[0]
    if entry.problem is not None:
        identity = f"problem:{entry.problem}"
        if known.get(path, ("",))[0] == identity:
            writer.keep(path, 0)
        else:
            writer.add(assemble.problem_asset(entry), folder, identity, None)
        return None
    if known.get(path, ("",))[0] == entry.identity:
        writer.keep(path, entry.size)
        return None
    return _Job(
        folder,
        entry.identity,
        entry.identity,
        [entry.path],
        lambda probes: assemble.file_asset(probes[0]),
    )


def _photographs_before(group: FrameGroup, known: dict) -> bool:
    """The catalog holds the run's first two files, unchanged, as files of their own:
    an earlier scan found them to be photographs, and nothing since says otherwise (a
    lone first frame of a render in progress is one file, never two)."""
    return all(
        known.get(assemble.display_path(entry.path)[0], ("",))[0] == entry.identity
        for _, entry in group.frames[:2]
    )


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
        lambda probes, g=group: _sequence_or_photographs(g, targets, probes, known),
    )


def _sequence_or_photographs(
    group: FrameGroup, targets: list[FileEntry], probes: list[Asset], known: dict
) -> Asset | _Split:
    frames = [next(f for f, e in group.frames if e is t) for t in targets]
    if not stills.photographs(frames, probes):
        return assemble.sequence_asset(group, probes)
    probed = [(assemble.file_asset(p), t.identity) for p, t in zip(probes, targets, strict=True)]
    rest = [e for _, e in group.frames if all(e is not t for t in targets)]
    return _Split(probed=probed, rest=rest, known=known)
