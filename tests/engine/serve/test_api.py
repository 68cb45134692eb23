"""The HTTP API over a real socket: the records the CLI prints, 4xx with a reason for bad
queries, a token where one is set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import msgspec
import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.model import Asset, DupesReport, OrphanReport, Plan, ProjectsReport
from mediaopt.engine.production.analysis import find_orphans
from mediaopt.engine.report.model import Report
from mediaopt.engine.serve import ServeError, check_can_serve

TOKEN = "s3cret-token"  # as conftest.py sets


def test_assets_query_returns_the_catalogs_records(api, production):
    got = httpx.get(f"{api.url}/assets", params={"kind": "video", "limit": 500})
    assert got.status_code == 200
    assets = msgspec.json.decode(got.content, type=list[Asset])
    with Catalog(production.catalog_path) as catalog:
        expected = [a.path for a in catalog.find(kind="video")]
    assert [a.path for a in assets] == expected
    assert assets and all(a.kind == "video" for a in assets)
    assert all(os.path.isfile(a.path) for a in assets)


def test_one_asset_by_path_and_a_missing_one_is_404_naming_it(api, production):
    path = production.truth.referenced[0]
    got = httpx.get(f"{api.url}/asset", params={"path": path})
    assert got.status_code == 200
    assert msgspec.json.decode(got.content, type=Asset).path == path
    missing = httpx.get(f"{api.url}/asset", params={"path": "/no/such/file.mov"})
    assert missing.status_code == 404
    assert "/no/such/file.mov" in missing.json()["detail"]


def test_orphans_are_the_librarys_and_keep_what_is_referenced(api, production):
    got = httpx.get(f"{api.url}/orphans", params={"unreadable_scope_depth": 1}, timeout=120)
    assert got.status_code == 200
    report = msgspec.json.decode(got.content, type=OrphanReport)
    with Catalog(production.catalog_path) as catalog:
        direct = find_orphans(catalog, [production.root], unreadable_scope_depth=1)
    assert sorted(o.path for o in report.orphans) == sorted(o.path for o in direct.orphans)
    unused = next(p for p in production.truth.orphans if p.endswith("A003C001.mov"))
    assert unused in {o.path for o in report.orphans}
    assert not {o.path for o in report.orphans} & set(production.truth.referenced)
    assert report.problems  # the fixture's corrupt project, named
    assert any(production.truth.corrupt_project in p.path for p in report.problems)


def test_projects_and_duplicates(api, production):
    projects = httpx.get(f"{api.url}/projects", timeout=120)
    assert projects.status_code == 200
    paths = {p.path for p in msgspec.json.decode(projects.content, type=ProjectsReport).projects}
    assert set(production.truth.projects) - {production.truth.corrupt_project} <= paths
    dupes = httpx.get(f"{api.url}/duplicates", timeout=120)
    assert dupes.status_code == 200
    report = msgspec.json.decode(dupes.content, type=DupesReport)
    assert all(len(g.members) >= 2 for g in report.groups)


def _cli_json(capsys, args: list[str], type_):
    main(args)
    return msgspec.json.decode(capsys.readouterr().out, type=type_)


def _lines(plan: Plan) -> list[tuple]:
    """What a plan proposes, without what differs between two makings (id, times)."""
    return [
        (a.id, a.kind, a.category, a.risk, a.bytes, [(f.path, f.bytes) for f in a.files])
        for a in plan.actions
    ]


def test_the_plan_is_what_recommend_prints(api, production, capsys):
    got = httpx.get(f"{api.url}/plan", timeout=180)
    assert got.status_code == 200
    served = msgspec.json.decode(got.content, type=Plan)
    catalog = str(production.catalog_path)
    printed = _cli_json(capsys, ["recommend", "--json", "--catalog", catalog], Plan)
    assert _lines(served) == _lines(printed)
    assert served.totals == printed.totals and served.totals.reclaimable > 0
    assert served.roots == printed.roots == [str(production.root)]
    planned = {f.path for a in served.actions for f in a.files}
    assert planned and not planned & set(production.truth.referenced)
    # The fixture's corrupt project may use anything under the roots: no orphan is planned.
    assert production.truth.corrupt_project in served.unreadable_projects
    assert not any(a.category == "orphan" for a in served.actions)


def test_the_plan_takes_the_commands_options(api, production, capsys):
    unused = next(p for p in production.truth.orphans if p.endswith("A003C001.mov"))
    show = str(Path(unused).parents[1])
    params = {"root": show, "dupes": "false", "grace_days": 0, "unreadable_scope_depth": 1}
    got = httpx.get(f"{api.url}/plan", params=params, timeout=180)
    assert got.status_code == 200
    served = msgspec.json.decode(got.content, type=Plan)
    args = ["recommend", "--json", "--catalog", str(production.catalog_path), "--root", show]
    args += ["--no-dupes", "--grace-days", "0", "--unreadable-scope-depth", "1"]
    printed = _cli_json(capsys, args, Plan)
    assert (served.roots, served.grace_days) == ([show], 0.0)
    assert _lines(served) == _lines(printed)
    planned = {f.path for a in served.actions for f in a.files}
    assert unused in planned  # the unused camera clip, once the doubt is scoped
    assert not planned & set(production.truth.referenced)
    assert not any(a.category == "duplicate" for a in served.actions)
    assert all(path.startswith(f"{show}/") for path in planned)


def test_the_report_holds_every_section_report_json_prints(api, production, capsys, tmp_path):
    got = httpx.get(f"{api.url}/report", timeout=180)
    assert got.status_code == 200
    served = msgspec.json.decode(got.content, type=Report)
    catalog = str(production.catalog_path)
    printed = _cli_json(capsys, ["report", "--json", "--catalog", catalog], Report)
    titles = [s.title for s in served.sections]
    assert titles == [s.title for s in printed.sections]
    assert any("Orphan" in t for t in titles) and any("Duplicate" in t for t in titles)
    assert msgspec.to_builtins(served.sections) == msgspec.to_builtins(printed.sections)
    assert msgspec.to_builtins(served.data) == msgspec.to_builtins(printed.data)
    # The page is the one `mediaopt report` writes: the same headings, charts inlined.
    html = httpx.get(f"{api.url}/report.html", timeout=180)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    written = tmp_path / "report.html"
    main(["report", "--catalog", catalog, "-o", str(written)])
    headings = re.compile(r"<h2[^>]*>(.*?)</h2>")
    assert headings.findall(html.text) == headings.findall(written.read_text())
    assert len(headings.findall(html.text)) >= len(titles)
    assert html.text.count("<svg") == written.read_text().count("<svg") > 0


@pytest.mark.parametrize(
    ("route", "params", "status", "reason"),
    [
        ("/stats", {"by": "colour"}, 400, "colour"),
        ("/assets", {"min_width": "wide"}, 400, "min_width"),
        ("/assets", {"larger_than": str(2**70)}, 400, "larger_than"),
        ("/assets", {"limit": "0"}, 400, "limit"),
        ("/orphans", {"root": "/etc"}, 400, "not under a scanned root"),
        ("/lineage", {"root": "/"}, 400, "not under a scanned root"),
        ("/asset", {}, 400, "path"),
        ("/plan", {"root": "/etc"}, 400, "not under a scanned root"),
        ("/plan", {"handles": "-1"}, 400, "handles"),
        ("/plan", {"project": "/etc/passwd"}, 400, "not under a scanned root"),
        ("/report", {"under": "/"}, 400, "not under a scanned root"),
        ("/report.html", {"grace_days": "soon"}, 400, "grace_days"),
        ("/asset", {"path": "a\x00b"}, 400, "NUL"),
    ],
)
def test_bad_queries_are_4xx_with_a_reason(api, route, params, status, reason):
    got = httpx.get(f"{api.url}{route}", params=params, timeout=60)
    assert got.status_code == status
    assert reason in got.text


def test_a_token_is_required_when_set(api_with_token):
    url = f"{api_with_token.url}/health"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    for route in ("/plan", "/report", "/report.html"):
        assert httpx.get(f"{api_with_token.url}{route}").status_code == 401
    ok = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["assets"] > 0
    schema = httpx.get(f"{api_with_token.url}/schema/openapi.json")
    assert schema.status_code == 200
    assert "token" in schema.json()["components"]["securitySchemes"]


def test_beyond_loopback_without_a_token_refuses_to_start(production, capsys):
    with pytest.raises(ServeError, match="without a token"):
        check_can_serve("0.0.0.0", None, production.catalog_path)
    check_can_serve("0.0.0.0", TOKEN, production.catalog_path)  # with one it may
    check_can_serve("127.0.0.1", None, production.catalog_path)
    check_can_serve("::1", None, production.catalog_path)
    status = main(["serve", "--host", "192.0.2.1", "--catalog", str(production.catalog_path)])
    assert status == 2
    assert "without a token" in capsys.readouterr().err
