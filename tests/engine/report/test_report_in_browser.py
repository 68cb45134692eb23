"""The storage report as a reader meets it: opened from a file:// URL in real headless
Chromium (Debian's, through Playwright), on the demo production analysed for real.

Every figure the page shows is checked against the analysis record and the plan it was
built from; sorting, filtering, the treemap's zoom and the evidence links are clicked."""

from __future__ import annotations

import re
from collections import Counter

import msgspec
import pytest
from PIL import Image

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo.caches import build_savings_extras
from mediaopt.engine.demo.production import DemoProduction, build_demo_production
from mediaopt.engine.model import Plan
from mediaopt.engine.production.analyse import analyse
from mediaopt.engine.production.record import AnalysisOptions, ProductionRecord
from mediaopt.engine.recommend import recommend
from mediaopt.engine.refs.config import Settings
from mediaopt.engine.report import Report, storage_report
from mediaopt.engine.units import human_bytes
from mediaopt.fixtures.browser import browser, open_page, unavailable_reason

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))

SECTIONS = [
    "sec-overview",
    "sec-plan",
    "sec-treemap",
    "sec-growth",
    "sec-lineage",
    "sec-formats",
]
TITLES = [
    "Overview",
    "Savings plan: evidence",
    "Storage treemap",
    "Growth and activity",
    "Orphans and uncertain files",
    "Duplicates",
    "Render storage",
    "Bandwidth",
    "Lineage",
    "Formats",
    "Projects",
    "Catalog",
    "Problems",
]


class Built(msgspec.Struct, kw_only=True):
    demo: DemoProduction
    catalog: str
    record: ProductionRecord
    plan: Plan
    report: Report
    html: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The demo's production with every extra analysis, as `mediaopt demo` makes it."""
    base = tmp_path_factory.mktemp("browser")
    demo = build_demo_production(base / "production")
    build_savings_extras(demo.commercial.root, demo.feature.root)
    settings = Settings(path_map=demo.feature.maps, unreadable_scope_depth=1)
    with Catalog(base / "catalog.sqlite") as catalog:
        api.scan([demo.root], catalog, workers=0)
        record = analyse(
            catalog,
            demo.roots,
            settings,
            options=AnalysisOptions(
                near_duplicates=True,
                render_what_if=True,
                measure_bandwidth=True,
                timelines=[demo.cut],
            ),
        )
        plan = recommend(
            catalog, demo.roots, settings=settings, what_if=[record.render_what_if], near=True
        )
        report, path = storage_report(record, catalog, plan, base / "report.html", title="Show")
    return Built(
        demo=demo,
        catalog=str(base / "catalog.sqlite"),
        record=record,
        plan=plan,
        report=report,
        html=str(path),
    )


@pytest.fixture(scope="module")
def context():
    with browser(width=1366, height=900) as ctx:
        yield ctx


@pytest.fixture
def page(context, built):
    opened = open_page(context, built.html)
    yield opened
    opened.page.close()


def test_report_opens_from_a_file_without_console_errors_or_fetches(page, tmp_path):
    page.page.wait_for_selector("#treemap svg g")
    assert page.errors == []
    shot = tmp_path / "report.png"
    page.page.screenshot(path=str(shot), full_page=True)
    with Image.open(shot) as image:
        assert image.size[0] == 1366 and image.size[1] > 5000  # every section drawn
    # Laptop width: nothing runs off the side of the page.
    assert page.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_every_section_is_there_in_reading_order(page, built):
    titles = page.page.locator("section > h2").all_inner_texts()
    for title in TITLES:
        assert any(t.startswith(title) for t in titles), (title, titles)
    assert titles[0] == "Overview" and titles[-1] == "Problems"
    assert titles.index("Formats") > titles.index("Lineage") > titles.index("Storage treemap")
    for ident in SECTIONS:
        assert page.page.locator(f"section#{ident}").count() == 1
    for chart in ("savings", "growth", "activity", "formats", "what-if"):
        assert page.page.locator(f"figure[data-chart='{chart}'] svg").count() == 1, chart
    # Each timeline's bandwidth curve, drawn against the storage's measured rate.
    timelines = [c for c in built.record.bandwidth_checks if c.need.timeline is not None]
    curves = page.page.locator("figure[data-chart^='bandwidth-check-'] svg")
    assert curves.count() == len(timelines) == 1
    assert "storage measured" in curves.first.inner_html()
    assert page.page.locator("figure[data-chart^='render-'] svg").count() >= 1


def test_overview_numbers_are_the_records(page, built):
    record, plan = built.record, built.plan

    def value(field: str) -> int:
        return int(page.page.get_attribute(f"[data-field={field}]", "data-value"))

    assert value("total-bytes") == record.catalog.bytes
    assert value("total-files") == record.catalog.assets
    assert value("reclaimable") == plan.totals.reclaimable > 0
    assert value("estimated") == plan.totals.estimated > 0
    text = page.page.inner_text("[data-field=total-bytes]")
    assert human_bytes(record.catalog.bytes) in text

    freed: Counter[str] = Counter()
    for action in plan.actions:
        if not action.estimate_only:
            freed[str(action.category)] += action.bytes
    shown = {
        row.get_attribute("data-category"): int(row.locator("td").nth(1).get_attribute("data-v"))
        for row in page.page.locator("#plan-categories tbody tr").all()
    }
    assert set(shown) == {str(a.category) for a in plan.actions}
    assert {c: b for c, b in shown.items() if b} == dict(freed)
    assert {"duplicate", "host_cache", "near_duplicate", "render_settings"} <= set(shown)


def test_tree_growth_activity_and_formats_agree_with_the_record(page, built):
    record = built.record
    # The treemap and the growth table walk the catalog themselves: they must find the
    # bytes the analysis counted, no more, no less.
    assert built.report.data.tree.bytes == record.catalog.bytes
    crumbs = page.page.inner_text("#treemap-path")
    assert crumbs.endswith(human_bytes(record.catalog.bytes))
    sizes = page.page.locator("#growth-table tbody tr td:nth-child(2)")
    assert sum(int(v) for v in sizes.evaluate_all("cells => cells.map(c => c.dataset.v)")) == (
        record.catalog.bytes
    )
    folders = page.page.locator("#growth-table tbody tr td:nth-child(1)").all_inner_texts()
    assert {"feature/show", "feature/old_promo", "commercial/show"} <= set(folders)

    gantt = page.page.locator("figure[data-chart=activity] svg").text_content()
    for project in record.projects.projects:
        assert f"{project.name} ({project.kind})" in gantt
    assert "dormant" in gantt and any(p.status == "dormant" for p in record.projects.projects)

    codecs = page.page.locator(
        "section#sec-formats div.table:has(h4.caption:text-is('By codec')) tbody tr"
    )
    shown = [r.locator("td").all_inner_texts() for r in codecs.all()]
    expected = record.catalog.by_codec
    assert [row[0] for row in shown][:5] == [r.key for r in expected][:5]
    assert [row[2] for row in shown][:5] == [human_bytes(r.bytes) for r in expected][:5]


def test_each_top_action_opens_its_evidence(page, built):
    first = built.plan.actions[0]
    evidence = page.page.locator(f"details#action-{first.id}")
    assert evidence.get_attribute("open") is None
    page.page.click(f"#top-actions a[href='#action-{first.id}']")
    page.page.wait_for_function(f"document.getElementById('action-{first.id}').open")
    text = evidence.inner_text()
    assert first.evidence and first.evidence[0].reason.split("/")[0] in text
    assert human_bytes(first.bytes) in text
    assert page.page.locator("#top-actions tbody tr").count() == min(10, len(built.plan.actions))


def test_orphans_uncertain_duplicates_and_lineage_match_the_record(page, built):
    record = built.record

    def rows(caption: str) -> int:
        table = page.page.locator(f"div.table:has(h4.caption:text-is('{caption}')) table")
        return table.locator("tbody tr").count()

    assert rows("Orphans") == len(record.orphans.orphans) > 0
    assert rows("Uncertain (kept)") == len(record.orphans.uncertain) > 0
    dupes = page.page.locator("section:has(h2:text-is('Duplicates')) table tbody tr")
    assert dupes.count() == len(record.duplicates.groups) > 0
    pictures = page.page.locator("section:has(h2:text-is('Duplicates')) figure img")
    assert pictures.count() == min(6, len(record.duplicates.groups))
    assert page.page.evaluate(
        "[...document.querySelectorAll('section figure img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )

    graph = page.page.locator("#lineage-graph svg")
    assert int(graph.get_attribute("data-edges")) == len(record.lineage.edges) > 0
    base = built.report.data.base
    comp = "feature/show"
    page.page.select_option("#lineage-project", comp)
    inside = [
        e
        for e in record.lineage.edges
        if e.source.startswith(f"{base}/{comp}/") or e.derivative.startswith(f"{base}/{comp}/")
    ]
    assert int(page.page.locator("#lineage-graph svg").get_attribute("data-edges")) == len(inside)
    assert len(inside) < len(record.lineage.edges)


def test_clicking_a_header_sorts_and_typing_filters(page, built):
    uncertain = built.record.orphans.uncertain
    table = page.page.locator("div.table:has(h4.caption:text-is('Uncertain (kept)'))")
    header = table.locator("th", has_text="bytes")

    def sizes() -> list[str]:
        return table.locator("tbody tr:not([hidden]) td:nth-child(2)").all_inner_texts()

    header.click()
    largest_first = sorted(uncertain, key=lambda u: -u.bytes)
    assert sizes() == [human_bytes(u.bytes) for u in largest_first]
    header.click()
    assert sizes() == [human_bytes(u.bytes) for u in reversed(largest_first)]

    path_header = table.locator("th", has_text="path")
    path_header.click()
    paths = table.locator("tbody tr td:nth-child(1)").all_inner_texts()
    assert paths == sorted(paths, reverse=True) or paths == sorted(paths, key=str.lower)[::-1]

    word = "unresolved"
    table.locator("input.filter").fill(word)
    expected = [u for u in uncertain if word in u.reason]
    assert 0 < len(expected) < len(uncertain)
    assert len(sizes()) == len(expected)
    assert table.locator("output.count").inner_text() == f"{len(expected)} of {len(uncertain)} rows"
    table.locator("input.filter").fill("")
    assert len(sizes()) == len(uncertain)


def test_treemap_zooms_into_a_folder_and_back(page, built):
    tree = built.report.data.tree
    svg = page.page.locator("#treemap svg")
    assert svg.get_attribute("data-root") == "."
    boxes_before = page.page.locator("#treemap svg rect").count()
    largest = max((c for c in tree.children if c.kind == "folder"), key=lambda c: c.bytes)
    # A click anywhere in a folder's box zooms into it: here on an asset inside it.
    inside = page.page.locator(f"#treemap g[data-path^='{largest.path}/']:not([data-kind=folder])")
    inside.first.click()
    assert svg.get_attribute("data-root") == largest.path
    assert page.page.locator("#treemap svg rect").count() != boxes_before
    assert human_bytes(largest.bytes) in page.page.inner_text("#treemap-path")

    asset = page.page.locator("#treemap g:not([data-kind=folder])").first
    asset.hover()
    status = page.page.inner_text("#treemap-status")
    assert asset.get_attribute("data-path") in status and re.search(r"\d (B|KB|MB)", status)

    page.page.click("#treemap-up")
    assert svg.get_attribute("data-root") == "."
    assert page.page.locator("#treemap svg rect").count() == boxes_before

    assert page.page.is_visible("#legend-kind") and not page.page.is_visible("#legend-category")
    page.page.select_option("#treemap-colour", "category")
    assert page.page.is_visible("#legend-category") and not page.page.is_visible("#legend-kind")
    coloured = page.page.evaluate(
        "[...document.querySelectorAll('#treemap g:not([data-kind=folder]) > rect')]"
        ".filter(r => r.getAttribute('fill') !== '#d5dbe1').length"
    )
    assert coloured > 0  # assets the plan acts on stand out


def test_paths_are_relative_to_the_production_root(page, built):
    text = page.page.inner_text("body")
    base = built.report.data.base
    assert text.count(base) == 1  # only "Paths are relative to ..."
    assert "./feature/show/" in text


def test_print_hides_the_controls_and_opens_the_evidence(context, built):
    opened = open_page(context, built.html)
    opened.page.emulate_media(media="print")
    opened.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not opened.page.locator("#treemap-up").is_visible()
    assert opened.page.locator("details.action[open]").count() == len(
        built.report.data.plan.actions
    )
    pdf = opened.page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    opened.page.close()


def test_report_command_writes_each_chart_as_png(built, tmp_path, capsys):
    out, pngs = tmp_path / "report.html", tmp_path / "charts"
    argv = ["report", "--catalog", built.catalog, "-o", str(out), "--png-dir", str(pngs)]
    argv += [arg for root in built.demo.roots for arg in ("--root", root)]
    argv += [arg for m in built.demo.feature.maps for arg in ("--map", m)]
    main(argv + ["--unreadable-scope-depth", "1"])
    html = out.read_text(encoding="utf-8")
    charts = set(re.findall(r"data-chart=([\w-]+)", html))
    assert {"savings", "growth", "activity", "formats"} <= charts
    assert {p.stem for p in pngs.glob("*.png")} == charts
    for png in pngs.glob("*.png"):
        with Image.open(png) as image:
            assert image.format == "PNG" and image.size[0] > 600
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing to fetch
