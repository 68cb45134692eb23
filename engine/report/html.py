"""One self-contained HTML file: script, style and pictures inlined, nothing fetched.

A report is mailed around and opened months later from an archive, so it must not depend
on anything beside it: it opens from a file:// URL or an e-mail attachment.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
import re
from pathlib import Path

import msgspec

from mediaopt.engine.report.charts import Charts
from mediaopt.engine.report.model import Figure, Report, Section, Table
from mediaopt.engine.report.views import chart_figure, page_data, view

_STATIC = Path(__file__).parent / "static"


def render_html(report: Report, charts: Charts | None = None) -> str:
    """The page: `charts` (drawn from the same record, engine/report/charts.py) are
    inlined as SVG where a section's figure names them."""
    base = _common_folder(report)
    if report.data is not None:
        # Roots on different mounts have only `/` in common: then the paths stay whole.
        base = report.data.base.rstrip("/") + "/" if report.data.base.count("/") > 1 else None
    if base:
        report = _relative_to(report, base)
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width,initial-scale=1">',
        f"<title>{_e(report.title)}</title><style>{_static('page.css')}</style>",
        f"<h1>{_e(report.title)}</h1>",
        f"<p class=meta>Generated {_e(report.generated)} from catalog {_e(report.catalog)}</p>",
    ]
    if base:
        parts.append(f"<p class=meta>Paths are relative to <code>{_e(base)}</code></p>")
    if len(report.sections) > 1:
        parts.append("<nav><ol>")
        parts += [
            f'<li><a href="#{_anchor(i, s)}">{_e(s.title)}</a>'
            for i, s in enumerate(report.sections)
        ]
        parts.append("</ol></nav>")
    for index, section in enumerate(report.sections):
        parts.append(_section(index, section, report, charts))
    if report.data is not None:
        parts.append(
            '<script type="application/json" id="mediaopt-data">'
            + page_data(report.data).replace("</", "<\\/")
            + "</script>"
        )
        parts.append(f"<script>{_static('page.js')}</script>")
    parts.append("</html>\n")
    return "\n".join(parts)


def write_html(report: Report, path: str | Path, charts: Charts | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, charts), encoding="utf-8")
    return path


def _static(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


def _anchor(index: int, section: Section) -> str:
    return f"sec-{section.view}" if section.view else f"s{index}"


def _section(index: int, section: Section, report: Report, charts: Charts | None) -> str:
    out = [
        f'<section id="{_anchor(index, section)}"><h2>{_e(section.title)}</h2>'
        f"<p>{_e(section.summary)}</p>"
    ]
    if section.headline:
        out.append("<div class=headline>")
        out += [
            f"<div><b>{_e(v)}</b><span>{_e(k)}</span></div>" for k, v in section.headline.items()
        ]
        out.append("</div>")
    if section.view and report.data is not None:
        out.append(view(section.view, report.data, charts))
    out += [
        _table(t, f"t{index}_{n}", section.filter or len(t.rows) > 15)
        for n, t in enumerate(section.tables)
    ]
    out += [_figure(f, charts) for f in section.figures]
    if section.notes:
        out.append("<ul class=notes>" + "".join(f"<li>{_e(n)}" for n in section.notes) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


MAX_ROWS = 2000
"""Rows a table shows: a library with tens of thousands of orphans would otherwise make a
page too heavy to open; the rows kept are the first (largest first where the analysis
sorts so), and `--json` has them all."""


def _table(table: Table, ident: str = "", filtered: bool = False) -> str:
    if len(table.rows) > MAX_ROWS:
        note = f" (first {MAX_ROWS:,} of {len(table.rows):,} rows; --json lists all)"
        table = msgspec.structs.replace(
            table, rows=table.rows[:MAX_ROWS], caption=(table.caption or "") + note
        )
    numeric = [_numeric_column(table, i) for i in range(len(table.columns))]
    paths = [_path_column(table, i) for i in range(len(table.columns))]
    head = "".join(
        f"<th{' class=num' if numeric[i] else ''}>{_e(c)}</th>" for i, c in enumerate(table.columns)
    )
    rows = []
    for row in table.rows:
        cells = "".join(
            f"<td{_cell_class(table.columns[i], numeric[i], paths[i])}>{_cell(v)}</td>"
            for i, v in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    # The caption stands above the filter box, so the box reads as the table's own.
    caption = f"<h4 class=caption>{_e(table.caption)}</h4>" if table.caption else ""
    tools = ""
    if filtered and table.rows:
        tools = (
            f"<div class=tools><input class=filter type=search data-table={ident} "
            'placeholder="Filter rows: words in any column" '
            f'aria-label="Filter {_e(table.caption or "rows")}">'
            f"<output class=count data-table={ident}>{len(table.rows)} rows</output></div>"
        )
    return (
        f"<div class=table>{caption}{tools}<table class=data id={ident}><thead><tr>{head}</tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _path_column(table: Table, index: int) -> bool:
    values = [row[index] for row in table.rows if index < len(row) and row[index]]
    return bool(values) and all(_is_path(v) for v in values)


def _cell(value: str) -> str:
    return "<br>".join(_e(line) for line in value.splitlines()) if "\n" in value else _e(value)


def _numeric_column(table: Table, index: int) -> bool:
    """Right-align a column whose every value is a number, with or without a unit."""
    values = [row[index] for row in table.rows if index < len(row) and row[index] not in ("", "-")]
    return bool(values) and all(_NUMBER.match(v) for v in values)


_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+\s*(%|[KMGTP]?B|[KMGT]B/s|MB/s|fps|s|x)?$")


def _cell_class(column: str, numeric: bool, path: bool = False) -> str:
    if path or column.lower() in ("path", "asset", "file", "folder"):
        return " class=path"
    return " class=num" if numeric else ""


def _is_path(value: str) -> bool:
    return value.startswith(("/", "./", "\\\\")) or bool(_DRIVE.match(value))


_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _path_cells(report: Report):
    for section in report.sections:
        for table in section.tables:
            for row in table.rows:
                for cell in row:
                    for line in cell.splitlines():
                        if line.startswith("/"):
                            yield line


def _common_folder(report: Report) -> str | None:
    """The deepest folder every absolute path in the report lies under: shown once at the
    top instead of in every cell, so the part that differs is what a reader sees."""
    paths = list(_path_cells(report))
    if len(paths) < 2:
        return None
    base = os.path.commonpath(paths)
    if base.count("/") < 2:
        return None  # "/" or "/mnt": too short to be worth stripping
    if any(p == base for p in paths):
        base = os.path.dirname(base)
    return base.rstrip("/") + "/"


def _relative_to(report: Report, base: str) -> Report:
    inside = re.compile(r"(?<![\w/.])" + re.escape(base))
    itself = re.compile(r"(?<![\w/.])" + re.escape(base.rstrip("/")) + r"(?![\w/.-])")

    def shorten(cell: str) -> str:
        return itself.sub(".", inside.sub("./", cell))

    sections = []
    for section in report.sections:
        tables = [
            msgspec.structs.replace(
                t,
                rows=[[shorten(c) for c in row] for row in t.rows],
                caption=shorten(t.caption) if t.caption else None,
            )
            for t in section.tables
        ]
        sections.append(
            msgspec.structs.replace(
                section,
                title=shorten(section.title),
                summary=shorten(section.summary),
                tables=tables,
                notes=[shorten(n) for n in section.notes],
            )
        )
    return msgspec.structs.replace(report, sections=sections)


def _figure(figure: Figure, charts: Charts | None = None) -> str:
    if figure.chart is not None:
        return chart_figure(charts, figure.chart, figure.caption)
    data = Path(figure.path).read_bytes()
    mime = mimetypes.guess_type(figure.path)[0] or "image/png"
    if mime == "image/png" and len(data) > _LARGE_PICTURE:
        data, mime = _as_jpeg(data), "image/jpeg"
    src = f"data:{mime};base64,{base64.b64encode(data).decode()}"
    return (
        f'<figure><img src="{src}" alt="{_e(figure.caption)}">'
        f"<figcaption>{_e(figure.caption)}</figcaption></figure>"
    )


_LARGE_PICTURE = 150_000
"""Bytes past which a PNG (a contact sheet of movie frames) is inlined as JPEG: a page
of several such pictures would otherwise weigh megabytes for no visible gain."""


def _as_jpeg(png: bytes) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, format="JPEG", quality=82)
    return out.getvalue()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
