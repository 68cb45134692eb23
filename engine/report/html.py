"""One self-contained HTML file: no scripts, no external assets, pictures inlined.

A report is mailed around and opened months later from an archive, so it must not depend
on anything beside it.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
import re
from pathlib import Path

import msgspec

from mediaopt.engine.report.model import Figure, Report, Section, Table

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;padding:0 1rem;color:#1d232a;background:#fbfbfc}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.4rem;border-bottom:2px solid #dde3ea;
padding-bottom:.3rem}.meta{color:#5b6672;font-size:.9rem}
.headline{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.headline div{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:.6rem 1rem}
.headline b{display:block;font-size:1.35rem}.headline span{color:#5b6672;font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.8rem 0;background:#fff;font-size:.9rem}
th,td{border-bottom:1px solid #e6eaef;padding:.35rem .6rem;text-align:left;
vertical-align:top}th{background:#f1f4f7}th.num,td.num{text-align:right;white-space:nowrap}
caption{text-align:left;font-weight:600;padding:.3rem 0}
figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #dde3ea;border-radius:6px}
figcaption{color:#5b6672;font-size:.85rem}.notes{color:#7a4b00;font-size:.9rem}
td.path{word-break:break-all;font-family:ui-monospace,Menlo,monospace;font-size:.82rem}
"""


def render_html(report: Report) -> str:
    base = _common_folder(report)
    if base:
        report = _relative_to(report, base)
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width,initial-scale=1">',
        f"<title>{_e(report.title)}</title><style>{_STYLE}</style>",
        f"<h1>{_e(report.title)}</h1>",
        f"<p class=meta>Generated {_e(report.generated)} from catalog {_e(report.catalog)}</p>",
    ]
    if base:
        parts.append(f"<p class=meta>Paths are relative to <code>{_e(base)}</code></p>")
    if len(report.sections) > 1:
        parts.append("<nav><ol>")
        parts += [f'<li><a href="#s{i}">{_e(s.title)}</a>' for i, s in enumerate(report.sections)]
        parts.append("</ol></nav>")
    for index, section in enumerate(report.sections):
        parts.append(_section(index, section))
    parts.append("</html>\n")
    return "\n".join(parts)


def write_html(report: Report, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path


def _section(index: int, section: Section) -> str:
    out = [f'<section id="s{index}"><h2>{_e(section.title)}</h2><p>{_e(section.summary)}</p>']
    if section.headline:
        out.append("<div class=headline>")
        out += [
            f"<div><b>{_e(v)}</b><span>{_e(k)}</span></div>" for k, v in section.headline.items()
        ]
        out.append("</div>")
    out += [_table(t) for t in section.tables]
    out += [_figure(f) for f in section.figures]
    if section.notes:
        out.append("<ul class=notes>" + "".join(f"<li>{_e(n)}" for n in section.notes) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


def _table(table: Table) -> str:
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
    caption = f"<caption>{_e(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


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
    def shorten(cell: str) -> str:
        return "\n".join(
            "./" + line[len(base) :] if line.startswith(base) else line
            for line in cell.splitlines()
        )

    sections = []
    for section in report.sections:
        tables = [
            msgspec.structs.replace(t, rows=[[shorten(c) for c in row] for row in t.rows])
            for t in section.tables
        ]
        sections.append(msgspec.structs.replace(section, tables=tables))
    return msgspec.structs.replace(report, sections=sections)


def _figure(figure: Figure) -> str:
    data = Path(figure.path).read_bytes()
    mime = mimetypes.guess_type(figure.path)[0] or "image/png"
    src = f"data:{mime};base64,{base64.b64encode(data).decode()}"
    return (
        f'<figure><img src="{src}" alt="{_e(figure.caption)}">'
        f"<figcaption>{_e(figure.caption)}</figcaption></figure>"
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
