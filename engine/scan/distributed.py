"""The scan spread over Dask distributed workers: `scan --executor dask://SCHEDULER`.

A facility scans each storage server where it is: Dask's scheduler hands out shares of
the tree, workers walk, stat and probe their share and write it into the shared catalog
themselves (the catalog is a path or URL every worker reaches), and the scheduler retries
a share whose worker died (Dask's own retry on a lost worker; no home-made scheduler).

A share is one root's own files (which also lists the root's folders, so the client
never needs to see the storage) or one folder under a root, recursively. Writes are
idempotent upserts keyed by path, so a share done twice, partly or wholly, leaves the
same catalog. Assets the scan did not see are forgotten at the end, as a local scan does,
except under folders a worker could not list.

Each root can be pinned to the workers near its storage through a Dask resource
(placement.py); unpinned roots go to whichever worker is free.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import FileProblem, ScanSummary
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.scan.errors import ScanError
from mediaopt.engine.scan.placement import DEFAULT_WAIT, Placement, check_pins, record_share

SHARE_RETRIES = 2
"""A share whose task raised (not a worker lost: Dask retries those by itself) is run
again this many times before the scan reports it."""


class _Done:
    """What one share did, sent back to the client (picklable, small)."""

    def __init__(self, summary: ScanSummary, unlisted: list[str], subdirs: list[str]):
        self.summary = summary
        self.unlisted = unlisted
        self.subdirs = subdirs


def scan_with(
    executor: str,
    roots: list[str],
    catalog: Catalog,
    *,
    follow_symlinks: bool = False,
    progress: Progress | None = None,
    root_resources: Mapping[str, str] | None = None,
    pin_wait: float = DEFAULT_WAIT,
) -> ScanSummary:
    """Scan `roots` into `catalog` on `executor`: `dask://HOST:PORT` (a running scheduler)
    or `local:N` (a cluster of N worker processes on this machine, for tests and trials).
    `root_resources` pins a root's shares to the workers offering a Dask resource (see
    placement.py); a pinned root with no such worker for `pin_wait` seconds is reported
    and kept as cataloged."""
    from dask.distributed import Client, LocalCluster

    progress = progress or NullProgress()
    paths = [os.path.abspath(os.fspath(r)) for r in roots]
    pins = check_pins(root_resources or {}, paths)
    if executor.startswith("local:"):
        count = _count(executor)
        if pins:
            raise ScanError(
                "local:N workers offer no resources, so pinned roots would never be "
                "scanned: pin roots on a cluster whose workers were started with "
                '--resources "NAME=N", or drop --root-resource'
            )
        with (
            LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            placement = Placement(client, pins, pin_wait)
            return _scan(client, paths, catalog, follow_symlinks, progress, placement)
    if executor.startswith(("dask://", "tcp://", "tls://")):
        address = executor.removeprefix("dask://")
        address = address if "://" in address else f"tcp://{address}"
        with Client(address, timeout="30s") as client:
            placement = Placement(client, pins, pin_wait)
            return _scan(client, paths, catalog, follow_symlinks, progress, placement)
    raise ScanError(f"unknown executor {executor!r}: use dask://HOST:PORT or local:N")


def _count(executor: str) -> int:
    text = executor.removeprefix("local:")
    if not text.isdigit() or int(text) < 1:
        raise ScanError(f"bad executor {executor!r}: local:N takes a number of workers")
    return int(text)


def _scan(
    client, paths, catalog: Catalog, follow_symlinks: bool, progress, placement: Placement
) -> ScanSummary:
    from dask.distributed import wait

    started = time.monotonic()
    summary = ScanSummary(roots=paths, catalog=str(catalog.path))
    scan_id = catalog.begin_scan(paths)
    where = str(catalog.path)
    common = dict(catalog_path=where, scan_id=scan_id, roots=paths, follow=follow_symlinks)
    progress.phase("scanning")
    shares: dict[object, tuple[str, str]] = {}  # future key: (folder, its root)

    def submit(folder: str, recursive: bool, root: str):
        future = client.submit(
            scan_share,
            folder,
            recursive,
            **common,
            pure=False,
            retries=SHARE_RETRIES,
            **placement.submit_options(root),
        )
        shares[future.key] = (folder, root)
        return future

    pending = {submit(root, False, root) for root in paths}
    unlisted: list[str] = []
    while pending:
        try:
            done, _ = wait(pending, timeout=placement.poll, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        pending -= set(done)
        for future in done:
            folder, root = shares[future.key]
            try:
                share: _Done = future.result()
            except Exception as exc:  # a share that failed on every try: its folder is kept
                summary.problems.append(FileProblem(path=folder, reason=f"share failed: {exc}"))
                unlisted.append(folder)
                continue
            _add(summary, share.summary)
            for problem in share.summary.problems:
                progress.problem(problem.path, problem.reason)
            progress.advance(share.summary.assets, share.summary.bytes)
            unlisted += share.unlisted
            pending |= {submit(sub, True, root) for sub in share.subdirs}
        stranded = placement.stranded(shares[f.key][1] for f in pending)
        for root, reason in stranded.items():
            given_up = [f for f in pending if shares[f.key][1] == root]
            client.cancel(given_up)
            pending -= set(given_up)
            summary.problems.append(FileProblem(path=root, reason=reason))
            progress.problem(root, reason)
            unlisted.append(root)
    from mediaopt.engine.scan.scanner import _report_kept_errors

    _report_kept_errors(catalog, scan_id, summary, progress)
    summary.removed = catalog.remove_unseen(paths, scan_id, unlisted)
    summary.seconds = round(time.monotonic() - started, 3)
    catalog.finish_scan(scan_id, summary)
    progress.done()
    return summary


def _add(total: ScanSummary, part: ScanSummary) -> None:
    for field in (
        "files_seen",
        "assets",
        "sequences",
        "bytes",
        "probed",
        "reused",
        "probed_bytes_read",
    ):
        setattr(total, field, getattr(total, field) + getattr(part, field))
    total.problems.extend(part.problems)


def scan_share(
    folder: str,
    recursive: bool,
    *,
    catalog_path: str,
    scan_id: int,
    roots: list[str],
    follow: bool,
) -> _Done:
    """Run on a worker: scan one share into the catalog. A root's share (not recursive)
    is its own files, and returns its folders as the next shares."""
    from mediaopt.engine.scan.scanner import _finish, _plan_folder, _Prober, _Writer
    from mediaopt.engine.scan.walk import Walker

    with Catalog(catalog_path) as catalog:
        summary = ScanSummary(roots=[folder], catalog=catalog_path)
        writer = _Writer(catalog, scan_id, summary, NullProgress())
        # Probes run in this worker process: Dask retries a share whose worker a native
        # parser crashed, like a local scan's pool restarts a crashed worker.
        prober = _Prober(0, low_impact=False)
        exclude = frozenset({catalog_path, *(catalog_path + s for s in ("-wal", "-shm"))})
        walker = Walker([folder], follow_symlinks=follow, exclude=exclude)
        # Links that point elsewhere under any root are cataloged there, as in a local scan.
        walker._real_roots = [os.path.realpath(r) for r in roots]
        unlisted: list[str] = []
        subdirs: list[str] = []
        if recursive:
            listings = iter(walker)
        else:
            listing, found = walker.list_folder(folder)
            subdirs = [path for path, _ in found]
            listings = iter([listing])
        for listing in listings:
            if listing.error:
                unlisted.append(listing.path)
                summary.problems.append(FileProblem(path=listing.path, reason=listing.error))
                continue
            summary.files_seen += len(listing.files)
            for job in _plan_folder(listing.path, listing.files, catalog, writer):
                _finish(prober.submit(job), writer, summary)
        writer.flush()
        record_share(scan_id, folder)
        return _Done(summary, unlisted, subdirs)
