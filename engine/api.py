"""The Python API: what the CLI and host add-ons call."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from mediaopt.engine.catalog import Catalog, catalog_exists
from mediaopt.engine.model import Asset, ScanSummary, notation
from mediaopt.engine.progress import Progress
from mediaopt.engine.scan import describe

if TYPE_CHECKING:
    from mediaopt.engine.model.watch import WatchEvent
    from mediaopt.engine.refs.config import Settings

__all__ = ["Catalog", "info", "scan", "watch"]


def scan(
    roots: list[str | os.PathLike[str]] | str | os.PathLike[str],
    catalog: Catalog | str | os.PathLike[str] | None = None,
    *,
    workers: int | None = None,
    low_impact: bool = False,
    follow_symlinks: bool = False,
    progress: Progress | None = None,
    executor: str | None = None,
    root_resources: Mapping[str, str] | None = None,
    pin_wait: float | None = None,
) -> ScanSummary:
    """Scan storage roots into a catalog and say what was found.

    `catalog` is an open Catalog, a path, or None for the default (`MEDIAOPT_CATALOG`, else
    the user's data directory). `workers` defaults to one per core; `low_impact` runs one
    worker at idle I/O priority and drops what it read from the page cache. `executor`
    (`dask://HOST:PORT`, `local:N`) spreads the scan over Dask distributed workers, which
    write into the same catalog (it must be a path or URL they all reach).
    `root_resources` ({root: resource}) scans each of those roots only on the Dask workers
    started with that resource (`--resources "storage-a=1"`), the ones near its storage;
    one whose storage has no worker for `pin_wait` seconds (300) is reported and kept.
    """
    from mediaopt.engine.scan.scanner import scan as _scan  # not paid by `info`

    if isinstance(roots, (str, os.PathLike)):
        roots = [roots]
    if isinstance(catalog, Catalog):
        return _scan(
            list(roots),
            catalog,
            workers=workers,
            low_impact=low_impact,
            follow_symlinks=follow_symlinks,
            progress=progress,
            executor=executor,
            root_resources=root_resources,
            pin_wait=pin_wait,
        )
    with Catalog(catalog) as opened:
        return _scan(
            list(roots),
            opened,
            workers=workers,
            low_impact=low_impact,
            follow_symlinks=follow_symlinks,
            progress=progress,
            executor=executor,
            root_resources=root_resources,
            pin_wait=pin_wait,
        )


def info(
    path: str | os.PathLike[str], catalog: Catalog | str | os.PathLike[str] | None = None
) -> Asset:
    """The full record of one file or sequence: from the catalog when it is there and
    unchanged, else probed now. Nothing is written: a catalog that does not exist yet is
    not created just to look a file up."""
    if isinstance(catalog, Catalog):
        return _from_catalog_or_probe(path, catalog)
    if not catalog_exists(catalog):
        return describe(path)
    with Catalog(catalog) as opened:
        return _from_catalog_or_probe(path, opened)


def _from_catalog_or_probe(path: str | os.PathLike[str], catalog: Catalog) -> Asset:
    # `plate.%04d.exr` is the catalog's `plate.####.exr`; a frame's path finds its sequence.
    found = catalog.get(notation.hashes(os.path.abspath(os.fspath(path))))
    if found is not None and _unchanged(found):
        return found
    return describe(path)


def _unchanged(asset: Asset) -> bool:
    if asset.sequence is not None:
        return True
    try:
        return os.stat(asset.path).st_mtime == asset.mtime
    except OSError:
        return False


def watch(
    roots: list[str | os.PathLike[str]],
    catalog: str | os.PathLike[str] | None,
    emit: Callable[[WatchEvent], None],
    *,
    events: bool = True,
    reconcile_seconds: float = 300.0,
    render_budget: int | None = None,
    settings: Settings | None = None,
    analysis_interval: float = 60.0,
    workers: int = 1,
    stop: threading.Event | None = None,
) -> None:
    """Keep `catalog` current under `roots` and call `emit` with each event, until `stop`
    is set (or Ctrl-C). Asset events come from the catalog updates; new orphans, new
    duplicates, renders over `render_budget` bytes per frame and projects gone dormant
    from the analyses, run again at most every `analysis_interval` seconds."""
    from mediaopt.engine.production.watch import FindingsWatch
    from mediaopt.engine.scan.watch import Watch

    with Catalog(catalog) as opened:
        paths = [os.path.abspath(os.fspath(r)) for r in roots]
        findings = FindingsWatch(
            str(opened.path),
            paths,
            emit,
            settings=settings,
            render_budget=render_budget,
            min_interval=analysis_interval,
        )
        watcher = Watch(
            paths,
            opened,
            emit,
            events=events,
            reconcile_seconds=reconcile_seconds,
            workers=workers,
            on_change=findings.changed,
        )
        if stop is not None:
            threading.Thread(
                target=lambda: (stop.wait(), watcher.stop()), name="mediaopt-stop", daemon=True
            ).start()
        findings.start()
        try:
            watcher.run()
        finally:
            watcher.stop()
            findings.stop()
