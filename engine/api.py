"""The Python API: what the CLI and host add-ons call."""

from __future__ import annotations

import os
from pathlib import Path

from mediaopt.engine.catalog import Catalog, default_catalog_path
from mediaopt.engine.model import Asset, ScanSummary, notation
from mediaopt.engine.progress import Progress
from mediaopt.engine.scan import describe

__all__ = ["Catalog", "info", "scan"]


def scan(
    roots: list[str | os.PathLike[str]] | str | os.PathLike[str],
    catalog: Catalog | str | os.PathLike[str] | None = None,
    *,
    workers: int | None = None,
    low_impact: bool = False,
    follow_symlinks: bool = False,
    progress: Progress | None = None,
) -> ScanSummary:
    """Scan storage roots into a catalog and say what was found.

    `catalog` is an open Catalog, a path, or None for the default (`MEDIAOPT_CATALOG`, else
    the user's data directory). `workers` defaults to one per core; `low_impact` runs one
    worker at idle I/O priority and drops what it read from the page cache.
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
        )
    with Catalog(catalog) as opened:
        return _scan(
            list(roots),
            opened,
            workers=workers,
            low_impact=low_impact,
            follow_symlinks=follow_symlinks,
            progress=progress,
        )


def info(
    path: str | os.PathLike[str], catalog: Catalog | str | os.PathLike[str] | None = None
) -> Asset:
    """The full record of one file or sequence: from the catalog when it is there and
    unchanged, else probed now. Nothing is written: a catalog that does not exist yet is
    not created just to look a file up."""
    if isinstance(catalog, Catalog):
        return _from_catalog_or_probe(path, catalog)
    location = Path(catalog) if catalog is not None else default_catalog_path()
    if not location.exists():
        return describe(path)
    with Catalog(location) as opened:
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
