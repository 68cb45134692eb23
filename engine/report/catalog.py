"""The catalog section: where the bytes are, and what could not be read."""

from __future__ import annotations

from mediaopt.engine.catalog import Catalog, StatsRow
from mediaopt.engine.model import AssetStatus
from mediaopt.engine.production.record import CatalogSummary
from mediaopt.engine.report.model import Section, Table
from mediaopt.engine.units import human_bytes

_LARGEST = 25


def catalog_section(catalog: Catalog, under: str | None = None) -> Section:
    by_kind = catalog.stats("kind", under=under)
    total_bytes = sum(r.bytes for r in by_kind)
    total_files = sum(r.files for r in by_kind)
    problems = list(catalog.find(status=AssetStatus.ERROR, under=under))
    sequences = next((r.files for r in by_kind if r.key == "sequence"), 0)
    tables = [
        _stats_table(catalog, "kind", under, "By kind"),
        _stats_table(catalog, "codec", under, "By codec or format"),
        _stats_table(catalog, "resolution", under, "By resolution"),
        Table(
            caption=f"Largest assets (top {_LARGEST})",
            columns=["path", "kind", "format", "size"],
            rows=[
                [a.path, str(a.kind), a.format or "", human_bytes(a.bytes)]
                for a, _ in zip(catalog.find(under=under), range(_LARGEST), strict=False)
            ],
        ),
    ]
    if problems:
        tables.append(
            Table(
                caption="Files that could not be read",
                columns=["path", "reason"],
                rows=[[a.path, a.reason or ""] for a in problems],
            )
        )
    return Section(
        title="Catalog",
        summary=f"{total_files} assets ({sequences} image sequences counted once each) "
        f"holding {human_bytes(total_bytes)}; {len(problems)} could not be read.",
        headline={
            "Assets": str(total_files),
            "Logical size": human_bytes(total_bytes),
            "Unreadable": str(len(problems)),
        },
        tables=tables,
    )


def _stats_table(catalog: Catalog, by: str, under: str | None, caption: str) -> Table:
    rows = catalog.stats(by, under=under)
    return Table(
        caption=caption,
        columns=[by, "files", "bytes"],
        rows=[[r.key, str(r.files), human_bytes(r.bytes)] for r in rows],
    )


def summary_section(summary: CatalogSummary) -> Section:
    """The catalog section of a production record: the same tables, for its roots."""
    tables = [
        _rows_table(summary.by_kind, "kind", "By kind"),
        _rows_table(summary.by_codec, "codec", "By codec or format"),
        _rows_table(summary.by_resolution, "resolution", "By resolution"),
        Table(
            caption=f"Largest assets (top {len(summary.largest)})",
            columns=["path", "kind", "format", "size"],
            rows=[[a.path, a.kind, a.format or "", human_bytes(a.bytes)] for a in summary.largest],
        ),
    ]
    if summary.unreadable:
        tables.append(
            Table(
                caption="Files that could not be read",
                columns=["path", "reason"],
                rows=[[p.path, p.reason] for p in summary.unreadable],
            )
        )
    return Section(
        title="Catalog",
        summary=f"{summary.assets} assets ({summary.sequences} image sequences counted once "
        f"each) holding {human_bytes(summary.bytes)}; {len(summary.unreadable)} could not be read.",
        headline={
            "Assets": str(summary.assets),
            "Logical size": human_bytes(summary.bytes),
            "Unreadable": str(len(summary.unreadable)),
        },
        tables=tables,
    )


def _rows_table(rows: list[StatsRow], by: str, caption: str) -> Table:
    return Table(
        caption=caption,
        columns=[by, "files", "bytes"],
        rows=[[r.key, str(r.files), human_bytes(r.bytes)] for r in rows],
    )
