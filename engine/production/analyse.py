"""One call analyses a production into one record: what `mediaopt report`, `mediaopt
analyse`, `mediaopt demo` and host add-ons all use."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from mediaopt.engine.catalog import Catalog, StatsRow
from mediaopt.engine.model import (
    AssetKind,
    AssetStatus,
    CheckReport,
    DupesReport,
    FileProblem,
    NeedReport,
    Recommendation,
    RenderAnalysis,
)
from mediaopt.engine.production.analysis import analyse_production
from mediaopt.engine.production.record import (
    AnalysisOptions,
    CatalogSummary,
    LargeAsset,
    ProductionRecord,
)
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.refs.config import Settings
from mediaopt.engine.refs.projects import Session

__all__ = ["AnalysisOptions", "ProductionRecord", "analyse", "production_roots"]

LARGEST = 25
T = TypeVar("T")


def production_roots(catalog: Catalog) -> list[str]:
    """The roots to analyse when none are given: the folders the catalog's scans walked.
    Never `/` nor anything the catalog was not asked to scan."""
    return catalog.roots()


def analyse(
    catalog: Catalog,
    roots: list[str] | None = None,
    settings: Settings | None = None,
    *,
    options: AnalysisOptions | None = None,
    projects: list[str] | None = None,
    progress: Progress | None = None,
    now: float | None = None,
    session: Session | None = None,
) -> ProductionRecord:
    """Analyse the production under `roots` (already scanned into `catalog`; by default
    the roots the catalog scanned). A part that fails is reported in `problems` and the
    others still run. A `session` from `production_session` over these roots (outermost,
    see `outermost`) with the same projects and settings is used instead of reading the
    projects again: what a caller that plans too (`recommend(session=...)`) passes."""
    options = options or AnalysisOptions()
    settings = settings or Settings()
    progress = progress or NullProgress()
    roots = outermost([os.path.abspath(r) for r in (roots or production_roots(catalog))])
    problems: list[str] = []
    progress.phase("projects, orphans and lineage")
    production = analyse_production(
        catalog, roots, projects=projects, settings=settings, now=now, session=session
    )
    progress.phase("duplicates")
    duplicates = _attempt(
        "duplicates",
        problems,
        DupesReport(groups=[]),
        _duplicates,
        catalog,
        roots,
        options,
        progress,
    )
    progress.phase("renders")
    render = [_attempt("render", problems, None, _render, catalog, root) for root in roots]
    what_if = None
    if options.render_what_if:
        what_if = _attempt("render what-if", problems, None, _what_if, catalog, roots)
    progress.phase("bandwidth")
    needs, checks = _bandwidth(catalog, roots, options, problems)
    record = ProductionRecord(
        roots=roots,
        catalog_path=str(catalog.path),
        generated=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        options=options,
        catalog=summarise_catalog(catalog, roots),
        projects=production.projects,
        orphans=production.orphans,
        lineage=production.lineage,
        duplicates=duplicates,
        render=[r for r in render if r is not None],
        render_what_if=what_if,
        bandwidth=needs,
        bandwidth_checks=checks,
    )
    record.problems = problems + gather_problems(record)
    progress.done()
    return record


def outermost(roots: list[str]) -> list[str]:
    """The roots, each once, without those inside another: an asset is counted once."""
    unique = set(roots)
    return sorted(r for r in unique if not any(r != o and _under(r, [o]) for o in unique))


def summarise_catalog(catalog: Catalog, roots: list[str]) -> CatalogSummary:
    by_kind = stats_under(catalog, "kind", roots)
    largest = sorted(
        (
            a
            for root in roots
            for a, _ in zip(catalog.find(under=root), range(LARGEST), strict=False)
        ),
        key=lambda a: (-a.bytes, a.path),
    )[:LARGEST]
    unreadable = [
        FileProblem(path=a.path, reason=a.reason or "unreadable")
        for root in roots
        for a in catalog.find(status=AssetStatus.ERROR, under=root)
    ]
    return CatalogSummary(
        assets=sum(r.files for r in by_kind),
        bytes=sum(r.bytes for r in by_kind),
        sequences=sum(r.files for r in by_kind if r.key == str(AssetKind.SEQUENCE)),
        by_kind=by_kind,
        by_codec=stats_under(catalog, "codec", roots),
        by_resolution=stats_under(catalog, "resolution", roots),
        largest=[
            LargeAsset(path=a.path, kind=str(a.kind), format=a.format, bytes=a.bytes)
            for a in largest
        ],
        unreadable=sorted(unreadable, key=lambda p: p.path),
    )


def gather_problems(record: ProductionRecord) -> list[str]:
    """Every part's problems in one list, each prefixed with the part it came from."""
    found = [f"catalog: {p.path}: {p.reason}" for p in record.catalog.unreadable]
    found += [
        f"projects: {e}" if e.startswith(p.path) else f"projects: {p.path}: {e}"
        for p in record.projects.projects
        for e in p.errors
    ]
    found += [f"duplicates: {p.path}: {p.reason}" for p in record.duplicates.problems]
    found += [f"render: {p}" for r in record.render for p in r.problems]
    if record.render_what_if is not None:
        found += [f"render what-if: {p}" for p in record.render_what_if.problems]
    found += [f"bandwidth: {p}" for n in record.bandwidth for p in n.problems]
    found += [f"bandwidth: {p}" for c in record.bandwidth_checks for p in c.storage.problems]
    return list(dict.fromkeys(found))


def _attempt(part: str, problems: list[str], fallback: T, run: Callable[..., T], *args) -> T:
    """Run one part; an error in it becomes a problem naming the part, and the rest of
    the analysis goes on."""
    try:
        return run(*args)
    except Exception as exc:  # one failing analysis must not lose the others
        problems.append(f"{part}: {type(exc).__name__}: {exc}")
        return fallback


def stats_under(catalog: Catalog, by: str, roots: list[str]) -> list[StatsRow]:
    """`catalog.stats(by)` over several roots, merged: largest first."""
    totals: dict[str, list[int]] = {}
    for root in roots:
        for row in catalog.stats(by, under=root):
            files, nbytes = totals.setdefault(row.key, [0, 0])
            totals[row.key] = [files + row.files, nbytes + row.bytes]
    rows = [StatsRow(key=k, files=f, bytes=b) for k, (f, b) in totals.items()]
    return sorted(rows, key=lambda r: (-r.bytes, r.key))


class _Part:
    """The caller's progress for one part of the analysis: the part's end is not the
    analysis's end, so `done` is left to `analyse`."""

    def __init__(self, progress: Progress):
        self._progress = progress

    def phase(self, name: str, total: int | None = None) -> None:
        self._progress.phase(name, total)

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        self._progress.advance(files, nbytes)

    def problem(self, path: str, reason: str) -> None:
        self._progress.problem(path, reason)

    def done(self) -> None:
        pass


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _duplicates(
    catalog: Catalog, roots: list[str], options: AnalysisOptions, progress: Progress
) -> DupesReport:
    from mediaopt.engine.dedup.api import find_duplicates, write_contact_sheets

    report = find_duplicates(catalog, near=options.near_duplicates, progress=_Part(progress))
    # The duplicate search covers the whole catalog (a copy may sit outside the roots);
    # the record keeps the groups that touch the production.
    groups = [g for g in report.groups if any(_under(m.path, roots) for m in g.members)]
    report = DupesReport(
        groups=groups,
        reclaimable_bytes=sum(g.reclaimable_bytes for g in groups),
        hashed=report.hashed,
        problems=[p for p in report.problems if _under(p.path, roots)],
    )
    if options.pictures:
        write_contact_sheets(report, Path(options.pictures) / "comparisons")
    return report


def _render(catalog: Catalog, root: str) -> RenderAnalysis:
    from mediaopt.engine.render.analyze import analyze

    return analyze(catalog, under=root)


def _what_if(catalog: Catalog, roots: list[str]) -> Recommendation | None:
    from mediaopt.engine.render.whatif import what_if

    exrs = [
        a
        for root in roots
        for a in catalog.find(kind=AssetKind.SEQUENCE, under=root, status=AssetStatus.OK)
        if a.format == "OpenEXR"
    ]
    largest = max(exrs, key=lambda a: (a.bytes, a.path), default=None)
    if largest is None:
        return None
    # The what-if converts its NumPy measurements to Python numbers where it makes them
    # (render/quality.py, whatif.py), so the record encodes as JSON as it is.
    return what_if(largest)


def _bandwidth(
    catalog: Catalog, roots: list[str], options: AnalysisOptions, problems: list[str]
) -> tuple[list[NeedReport], list[CheckReport]]:
    from mediaopt.engine import bandwidth
    from mediaopt.engine.bandwidth.errors import BandwidthError

    needs: list[NeedReport] = []
    checks: list[CheckReport] = []
    for subject in [*roots, *options.timelines]:
        try:
            needs.append(bandwidth.need(subject, catalog=catalog))
        except BandwidthError:
            continue  # a root with no playable media needs nothing from its storage
        except Exception as exc:  # one subject must not lose the others
            problems.append(f"bandwidth: {subject}: {exc}")
            continue
        if options.measure_bandwidth:
            chart = None
            if options.pictures and subject in options.timelines:
                chart = Path(options.pictures) / f"bandwidth_{Path(subject).stem}.svg"
            check = _attempt(
                "bandwidth check",
                problems,
                None,
                lambda s=subject, c=chart: bandwidth.will_it_work(
                    s,
                    catalog=catalog,
                    seconds=options.bandwidth_seconds,
                    max_bytes=options.bandwidth_max_bytes,
                    chart=c,
                ),
            )
            if check is not None:
                checks.append(check)
    return needs, checks
