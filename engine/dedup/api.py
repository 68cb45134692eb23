"""The duplicate-detection API the CLI, the demo and host add-ons call."""

from __future__ import annotations

import os
from pathlib import Path

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.dedup.exact import ExactFinder
from mediaopt.engine.model import DupesReport
from mediaopt.engine.progress import NullProgress, Progress

__all__ = ["find_duplicates"]


def find_duplicates(
    catalog: Catalog | str | os.PathLike[str] | None = None,
    *,
    near: bool = False,
    kind: str | None = None,
    low_impact: bool = False,
    progress: Progress | None = None,
) -> DupesReport:
    """Duplicate groups among the cataloged assets (scan first).

    Exact groups always; with `near`, also near-duplicate groups of images, video (movies
    and image sequences) and audio. `kind` is `image`, `video` or `audio`. Copies already
    in an exact group appear in near groups only through their keeper, so no byte is
    counted as reclaimable twice. Hashes and fingerprints are cached in the catalog; a
    rerun over unchanged files reads and decodes nothing. `low_impact` drops what was read
    from the page cache (the caller sets its own priority; see scan.lowimpact)."""
    if near or kind is not None:
        # Near search needs the decoders (PyAV, OpenImageIO, scipy): ~1 s of imports an
        # exact-only run (a cron job, a farm hook) should not pay.
        from mediaopt.engine.dedup.near import MEDIA_KINDS, NearFinder

        if kind is not None and kind not in MEDIA_KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(MEDIA_KINDS)}")
    owned = not isinstance(catalog, Catalog)
    cat = Catalog(catalog) if owned else catalog
    progress = progress or NullProgress()
    try:
        store = cat.fingerprints
        exact = ExactFinder(store, low_impact=low_impact, progress=progress)
        kinds = [str(k) for k in MEDIA_KINDS[kind]] if kind else None
        groups = list(exact.groups(kinds))
        problems = list(exact.problems)
        hashed = exact.hashed
        if near:
            copies = {m.path for g in groups for m in g.members if m.path != g.keep}
            finder = NearFinder(
                store,
                low_impact=low_impact,
                progress=progress,
                skip=frozenset(copies | exact.hard_links),
            )
            groups += finder.groups([kind] if kind else list(MEDIA_KINDS))
            problems += finder.problems
            hashed += finder.hashed
        return DupesReport(
            groups=groups,
            reclaimable_bytes=sum(g.reclaimable_bytes for g in groups),
            hashed=hashed,
            problems=problems,
        )
    finally:
        progress.done()
        if owned:
            cat.close()


def write_contact_sheets(report: DupesReport, directory: str | os.PathLike[str]) -> list[Path]:
    """One comparison picture per group (keeper beside each copy) in `directory`."""
    from mediaopt.engine.dedup.compare import contact_sheet

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, group in enumerate(report.groups, 1):
        name = f"group{number:03d}_{group.kind}_{Path(group.keep).stem[:40]}.png"
        written.append(contact_sheet(group, folder / name))
    return written
