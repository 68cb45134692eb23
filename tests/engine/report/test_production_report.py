"""`mediaopt report --root R` on a production it did not build has every section, and
each section's figures are those the analyses themselves return."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import msgspec
import pytest

from mediaopt.engine import api
from mediaopt.engine.bandwidth import need
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.dedup.api import find_duplicates
from mediaopt.engine.demo.production import DemoProduction, build_demo_production
from mediaopt.engine.production.analysis import analyse_production
from mediaopt.engine.production.record import ProductionRecord
from mediaopt.engine.refs.config import Settings
from mediaopt.engine.render.analyze import analyze
from mediaopt.engine.units import human_bytes

SECTIONS = ["Catalog", "Projects", "Orphans", "Lineage", "Duplicates", "Render storage"]


class Section(msgspec.Struct):
    title: str
    summary: str = ""
    headline: dict[str, str] = {}
    tables: list[list[list[str]]] = []
    """Each table's body rows, cells as text."""


class _Sections(HTMLParser):
    """The report's sections as a reader sees them: title, summary, headline, tables."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[Section] = []
        self._text: list[str] | None = None
        self._in: list[str] = []
        self._headline: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self._in.append(tag)
        if tag in ("h2", "p", "b", "span", "td") and self.sections or tag == "h2":
            self._text = []
        if tag == "table" and self.sections:
            self.sections[-1].tables.append([])
        if tag == "tr" and self.sections and self.sections[-1].tables and "tbody" in self._in:
            self.sections[-1].tables[-1].append([])

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br" and self._text is not None:
            self._text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text or [])
        if tag == "h2":
            self.sections.append(Section(title=text))
        elif tag == "p" and "section" in self._in and not self.sections[-1].summary:
            self.sections[-1].summary = text
        elif tag in ("b", "span") and "div" in self._in:
            self._headline.append(text)
            if tag == "span":
                value, key = self._headline
                self.sections[-1].headline[key] = value
                self._headline = []
        elif tag == "td":
            self.sections[-1].tables[-1][-1].append(text)
        if tag in ("h2", "p", "b", "span", "td"):
            self._text = None
        while self._in and self._in.pop() != tag:
            pass


def sections_of(html: str) -> dict[str, Section]:
    parser = _Sections()
    parser.feed(html)
    return {s.title: s for s in parser.sections}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoProduction, Path]:
    """The demo's production, built by the library (not `mediaopt demo`) and scanned."""
    base = tmp_path_factory.mktemp("report")
    production = build_demo_production(base / "production")
    catalog_path = base / "catalog.sqlite"
    with Catalog(catalog_path) as catalog:
        api.scan([production.root], catalog, workers=0)
    return production, catalog_path


@pytest.fixture(scope="module")
def report(demo, tmp_path_factory) -> dict[str, Section]:
    production, catalog_path = demo
    out = tmp_path_factory.mktemp("out") / "out.html"
    argv = ["report", "--catalog", str(catalog_path), "-o", str(out)]
    argv += ["--root", production.feature.root, "--root", production.commercial.root]
    argv += [arg for m in production.feature.maps for arg in ("--map", m)]
    argv += ["--unreadable-scope-depth", "1"]  # as the demo: each show keeps its own media
    # The production holds unreadable files on purpose: the report lists them, exit 1.
    assert main(argv) == 1
    return sections_of(out.read_text(encoding="utf-8"))


def test_report_on_a_production_has_every_section(report):
    titles = list(report)
    for title in SECTIONS:
        assert any(t.startswith(title) for t in titles), (title, titles)
    assert any(t.startswith("Bandwidth") for t in titles)
    assert titles[-1] == "Problems"


def test_report_figures_are_those_the_analyses_return(demo, report):
    production, catalog_path = demo
    roots = production.roots
    with Catalog(catalog_path) as catalog:
        settings = Settings(path_map=production.feature.maps, unreadable_scope_depth=1)
        analysis = analyse_production(catalog, roots, settings=settings)
        dupes = find_duplicates(catalog)
        renders = {root: analyze(catalog, under=root) for root in roots}
        needs = {root: need(root, catalog=catalog) for root in roots}
        assets = sum(row.files for root in roots for row in catalog.stats("kind", under=root))

    assert report["Catalog"].headline["Assets"] == str(assets)

    projects = report["Projects"].tables[0]
    assert len(projects) == len(analysis.projects.projects) > 0
    assert f"{len(analysis.projects.projects)} projects" in report["Projects"].summary

    orphans = report["Orphans and uncertain files"]
    assert orphans.summary.startswith(f"{len(analysis.orphans.orphans)} assets")
    assert orphans.headline["Reclaimable from orphans"] == human_bytes(
        analysis.orphans.orphan_bytes
    )
    assert orphans.headline["Uncertain"] == str(len(analysis.orphans.uncertain))
    assert len(orphans.tables[0]) == len(analysis.orphans.orphans) > 0

    lineage = report["Lineage"]
    assert lineage.summary.startswith(f"{len(analysis.lineage.edges)} source-to-derivative")
    assert len(lineage.tables[0]) == len(analysis.lineage.edges) > 0

    groups = [g for g in dupes.groups if any(m.path.startswith(tuple(roots)) for m in g.members)]
    duplicates = report["Duplicates"]
    assert duplicates.summary.startswith(f"{len(groups)} groups of copies") and groups
    reclaimable = human_bytes(sum(g.reclaimable_bytes for g in groups))
    assert duplicates.headline["Reclaimable from duplicates"] == reclaimable

    for root, render in renders.items():
        if render.renders:
            section = report[f"Render storage: {_relative(root, production.root)}"]
            assert section.summary.startswith(f"{render.renders} renders, {render.frames} frames")
            assert section.headline["Render bytes"] == human_bytes(render.bytes)
    assert any(r.renders for r in renders.values())

    for root, found in needs.items():
        section = report[f"Bandwidth: {_relative(root, production.root)}"]
        table = {row[0]: row[1] for row in section.tables[0]}
        assert table == {w.workflow: f"{w.bytes_per_s / 1e6:.1f} MB/s" for w in found.workflows}

    problems = report["Problems"]
    unreadable = {row[1].split(":")[0] for row in problems.tables[0] if row[0] == "catalog"}
    assert {Path(p).name for p in unreadable} == {
        "empty_export.mov",
        "interrupted_copy.mov",
        "actually_a_still.mov",
        "random.bin",
    }


def _relative(path: str, base: str) -> str:
    """As the report shows a path: relative to the production root."""
    return "./" + os.path.relpath(path, base)


def test_analyse_json_is_the_production_record_and_defaults_to_the_scanned_roots(demo, capsys):
    production, catalog_path = demo
    assert main(["schema", "production"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$ref"].endswith("/ProductionRecord")

    # --what-if: the measured recommendation must encode too (its figures come from NumPy).
    code = main(["analyse", "--catalog", str(catalog_path), "--what-if", "--json"])
    out = capsys.readouterr().out
    record = msgspec.json.decode(out, type=ProductionRecord)  # stdout is the record only
    assert code == 1 and record.problems
    assert record.roots == [production.root]  # what was scanned; never `/`
    assert record.catalog.assets > 0 and record.orphans.roots == [production.root]
    assert all(os.path.isabs(r) for r in record.roots)
    assert record.render_what_if is not None
    assert record.render_what_if.sequence == production.render


def test_report_without_roots_on_a_catalog_that_scanned_nothing_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "out.html"
    code = main(["report", "--catalog", str(tmp_path / "empty.sqlite"), "-o", str(out)])
    assert code == 2 and not out.exists()  # never a report of `/`
    assert "give --root or run `mediaopt scan` first" in capsys.readouterr().err
