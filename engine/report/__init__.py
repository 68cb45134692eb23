"""Reports: a self-contained HTML file built from sections each analysis contributes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.production.record import ProductionRecord
from mediaopt.engine.report.catalog import catalog_section, summary_section
from mediaopt.engine.report.html import render_html, write_html
from mediaopt.engine.report.model import Figure, Report, Section, Table

__all__ = [
    "Figure",
    "Report",
    "Section",
    "Table",
    "build_report",
    "production_report",
    "render_html",
    "write_html",
]


def build_report(
    catalog: Catalog,
    *,
    title: str = "Storage report",
    under: str | None = None,
    extra: Iterable[Section] = (),
) -> Report:
    """The catalog section first, then whatever sections the caller's analyses produced."""
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return Report(
        title=title,
        generated=now,
        catalog=str(catalog.path),
        sections=[catalog_section(catalog, under=under), *extra],
    )


def production_report(record: ProductionRecord, *, title: str = "Storage report") -> Report:
    """Every section of a production record, in reading order: catalog, projects,
    orphans, lineage, duplicates, render storage, bandwidth, and what could not be read."""
    from mediaopt.engine.report.production import record_sections

    return Report(
        title=title,
        generated=record.generated,
        catalog=record.catalog_path,
        sections=[summary_section(record.catalog), *record_sections(record)],
    )
