"""Reports: a self-contained HTML file built from sections each analysis contributes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Plan
from mediaopt.engine.production.record import ProductionRecord
from mediaopt.engine.report.catalog import catalog_section, summary_section
from mediaopt.engine.report.html import render_html, write_html
from mediaopt.engine.report.model import Figure, Report, Section, StorageData, Table

__all__ = [
    "Figure",
    "Report",
    "Section",
    "Table",
    "build_report",
    "production_report",
    "storage_report",
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


def production_report(
    record: ProductionRecord, *, title: str = "Storage report", data: StorageData | None = None
) -> Report:
    """Every section of a production record, in reading order. Without `data`: catalog,
    projects, orphans, lineage, duplicates, render storage, bandwidth, problems. With the
    report's data (`storage_data`): the overview, the plan, the treemap and growth first,
    the catalog and what could not be read last."""
    from mediaopt.engine.report.production import problems_section, record_sections

    sections = record_sections(record, data)
    if data is None:
        sections.insert(0, summary_section(record.catalog))
    else:
        sections += [summary_section(record.catalog), problems_section(record.problems)]
    return Report(
        title=title,
        generated=record.generated,
        catalog=record.catalog_path,
        sections=sections,
        data=data,
    )


def storage_report(
    record: ProductionRecord,
    catalog: Catalog,
    plan: Plan,
    path: str | Path,
    *,
    title: str = "Storage report",
    png_dir: str | Path | None = None,
) -> tuple[Report, Path]:
    """The whole report of a production, written to `path` as one HTML file, with its
    charts as PNG files in `png_dir` when given. `plan` is what `recommend` makes for the
    same roots. Duplicate groups get comparison pictures when the analysis made none;
    those files live only while the page is written (the page holds them), so render the
    returned Report again with `render_html` only where the analysis kept its pictures."""
    import tempfile

    import msgspec

    from mediaopt.engine.report.charts import draw_charts
    from mediaopt.engine.report.data import storage_data

    data = storage_data(record, catalog, plan)
    with tempfile.TemporaryDirectory(prefix="mediaopt-report-") as scratch:
        if not record.options.pictures and record.duplicates.groups:
            record = _with_pictures(record, scratch)
        charts = draw_charts(record, data)
        if charts.problems:
            record = msgspec.structs.replace(record, problems=record.problems + charts.problems)
        report = production_report(record, title=title, data=data)
        try:
            written = write_html(report, path, charts)
            if png_dir is not None:
                charts.write_png(png_dir)
        finally:
            charts.close()
    return report, written


def _with_pictures(record: ProductionRecord, folder: str) -> ProductionRecord:
    """Comparison pictures (thumbnails side by side, difference heat map) of the first
    groups, which the page shows; made here when the analysis was not asked for them."""
    import msgspec

    from mediaopt.engine.dedup.api import write_contact_sheets
    from mediaopt.engine.model import DupesReport
    from mediaopt.engine.report.dupes import MAX_PICTURES

    shown = DupesReport(groups=record.duplicates.groups[:MAX_PICTURES])
    try:
        write_contact_sheets(shown, Path(folder) / "comparisons")
    except Exception as exc:  # a picture that cannot be made must not lose the report
        problem = f"report: comparison pictures: {type(exc).__name__}: {exc}"
        return msgspec.structs.replace(record, problems=[*record.problems, problem])
    options = msgspec.structs.replace(record.options, pictures=folder)
    return msgspec.structs.replace(record, options=options)
