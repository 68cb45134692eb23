"""The parts of the page drawn from the report's data rather than from tables: the
overview, the plan's evidence, the treemap, growth and activity, lineage and formats."""

from __future__ import annotations

import html

import msgspec

from mediaopt.engine.report.charts import Charts
from mediaopt.engine.report.model import StorageData, TopAction
from mediaopt.engine.units import human_bytes

OVERVIEW_ACTIONS = 10

KIND_LEGEND = {
    "video": "#4c78a8",
    "sequence": "#f58518",
    "image": "#54a24b",
    "audio": "#b279a2",
    "unknown": "#e45756",
    "other": "#bab0ac",
}
CATEGORY_LEGEND = {
    "orphan": "#e45756",
    "duplicate": "#f58518",
    "near_duplicate": "#ff9da6",
    "superseded": "#b279a2",
    "regenerable": "#72b7b2",
    "host_cache": "#eeca3b",
    "dormant_project": "#9d755d",
    "render_settings": "#4c78a8",
    "sequence_trim": "#54a24b",
}
"""The same colours as page.js draws the treemap in."""


def page_data(data: StorageData) -> str:
    """What the page's script draws: the capped tree and the lineage edges."""
    return msgspec.json.encode({"tree": data.tree, "lineage": {"edges": data.lineage}}).decode()


def view(name: str, data: StorageData, charts: Charts | None) -> str:
    return _VIEWS[name](data, charts)


def chart_figure(charts: Charts | None, name: str, caption: str) -> str:
    """A chart as inline SVG with its caption; nothing when there was nothing to draw."""
    svg = charts.svg(name) if charts is not None else None
    if svg is None:
        return ""
    caption = f"<figcaption>{_e(caption)}</figcaption>"
    return f"<figure class=chart data-chart={name}>{svg}{caption}</figure>"


def _overview(data: StorageData, charts: Charts | None) -> str:
    plan = data.plan
    cards = [
        ("total-bytes", data.bytes, human_bytes(data.bytes), "Stored under the roots"),
        ("total-files", data.files, str(data.files), "Assets (a sequence counts once)"),
        ("reclaimable", plan.reclaimable, human_bytes(plan.reclaimable), "Reclaimable by apply"),
        ("estimated", plan.estimated, human_bytes(plan.estimated), "More, if a person acts"),
    ]
    out = ["<div class=headline>"]
    out += [
        f"<div data-field={field} data-value={value}>"
        f"<b>{_e(text)}</b><span>{_e(label)}</span></div>"
        for field, value, text, label in cards
    ]
    out.append("</div>")
    out.append(chart_figure(charts, "savings", "What the savings plan frees, by category"))
    rows = "".join(
        f"<tr data-category={c.category}><td>{_e(c.category.replace('_', ' '))}</td>"
        f"<td class=num data-v={c.bytes}>{human_bytes(c.bytes)}</td>"
        f"<td class=num data-v={c.estimated}>{human_bytes(c.estimated)}</td>"
        f"<td class=num>{c.actions}</td></tr>"
        for c in plan.by_category
    )
    out.append(
        "<table class=data id=plan-categories><caption>Reclaimable per plan category</caption>"
        "<thead><tr><th>category</th><th class=num>apply frees</th><th class=num>estimate</th>"
        f"<th class=num>actions</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    top = plan.actions[:OVERVIEW_ACTIONS]
    rows = "".join(
        f"<tr data-action={a.id}><td><a href='#action-{a.id}'>{a.id}</a></td>"
        f"<td>{_e(a.title)}</td><td>{_e(a.category.replace('_', ' '))}</td><td>{_e(a.risk)}</td>"
        f"<td class=num data-v={a.bytes}>{human_bytes(a.bytes)}</td></tr>"
        for a in top
    )
    out.append(
        f"<table class=data id=top-actions><caption>Top {len(top)} of {plan.total_actions} "
        "actions (each links to its evidence)</caption><thead><tr><th>action</th><th>what</th>"
        f"<th>category</th><th>risk</th><th class=num>bytes</th></tr></thead><tbody>{rows}"
        "</tbody></table>"
    )
    return "\n".join(out)


def _plan(data: StorageData, charts: Charts | None) -> str:
    out = [_action(a) for a in data.plan.actions]
    if data.plan.problems:
        out.append(
            "<ul class=notes>" + "".join(f"<li>{_e(p)}" for p in data.plan.problems) + "</ul>"
        )
    return "\n".join(out)


def _action(action: TopAction) -> str:
    evidence = "".join(
        f"<li><em>{_e(e.analysis)}</em>: {_e(e.reason)}"
        + (
            "<ul>" + "".join(f"<li><code>{_e(r)}</code>" for r in e.rows) + "</ul>"
            if e.rows
            else ""
        )
        for e in action.evidence
    )
    note = " (estimate: a person acts on it)" if action.estimate_only else ""
    return (
        f"<details class=action id=action-{action.id}><summary><strong>{action.id}</strong> "
        f"{_e(action.title)} — {human_bytes(action.bytes)}, {_e(action.category)}, risk "
        f"{_e(action.risk)}{note}</summary><p>{action.files} files. Evidence:</p>"
        f"<ul>{evidence}</ul><p><code>{_e(action.command)}</code></p></details>"
    )


def _legend(colours: dict[str, str], ident: str) -> str:
    items = "".join(
        f"<em><i style='background:{c}'></i>{_e(k.replace('_', ' '))}</em>"
        for k, c in colours.items()
    )
    return f"<div class=legend id={ident}>{items}</div>"


def _treemap(data: StorageData, charts: Charts | None) -> str:
    return (
        "<div class=tools><button id=treemap-up type=button>Zoom out</button>"
        "<label>Colour by <select id=treemap-colour><option value=kind>kind of asset"
        "<option value=category>plan category</select></label>"
        "<output id=treemap-path></output></div>"
        "<div id=treemap></div><div id=treemap-status>Hover over a box for its path and size; "
        "click a folder to zoom in.</div>"
        + _legend(KIND_LEGEND, "legend-kind")
        + _legend(CATEGORY_LEGEND, "legend-category")
    )


def _growth(data: StorageData, charts: Charts | None) -> str:
    rows = "".join(
        f"<tr><td class=path>{_e(g.project)}</td><td class=num data-v={g.bytes}>"
        f"{human_bytes(g.bytes)}</td><td class=num>{g.files}</td>"
        f"<td data-v={g.first}>{_day(g.first)}</td><td data-v={g.last}>{_day(g.last)}</td></tr>"
        for g in data.growth
    )
    return "\n".join(
        [
            chart_figure(charts, "growth", "Bytes by date of last modification, summed over time"),
            "<table class=data id=growth-table><caption>Project folders</caption><thead><tr>"
            "<th>folder</th><th class=num>bytes</th><th class=num>assets</th><th>first change"
            f"</th><th>last change</th></tr></thead><tbody>{rows}</tbody></table>",
            "<h3>Project activity</h3>",
            chart_figure(charts, "activity", "Each project from its first to its last change"),
        ]
    )


def _lineage(data: StorageData, charts: Charts | None) -> str:
    options = "".join(
        f"<option value='{_e(p)}'>{_e(p)}</option>" for p in data.project_folders if p != "."
    )
    return (
        "<div class=tools><label>Project <select id=lineage-project>"
        f"<option value=''>all projects</option>{options}</select></label></div>"
        "<div id=lineage-graph></div>"
        + _legend(
            {
                "proxy": "#72b7b2",
                "transcode": "#4c78a8",
                "render": "#f58518",
                "version": "#b279a2",
                "conform": "#54a24b",
            },
            "legend-lineage",
        )
        + "<p class=meta>Solid: stated by a project file; dashed: inferred from names, reels "
        "and timecode. Hover a link for its evidence.</p>"
    )


def _formats(data: StorageData, charts: Charts | None) -> str:
    return chart_figure(charts, "formats", "Bytes by codec, container, resolution and bit depth")


def _day(seconds: float | None) -> str:
    import datetime

    if seconds is None:
        return "-"
    return datetime.datetime.fromtimestamp(seconds).date().isoformat()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_VIEWS = {
    "overview": _overview,
    "plan": _plan,
    "treemap": _treemap,
    "growth": _growth,
    "lineage": _lineage,
    "formats": _formats,
}
