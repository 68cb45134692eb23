"""The projects, orphans and lineage commands print the documented JSON."""

from __future__ import annotations

import json
from pathlib import Path

from mediaopt.engine.cli import main


def _run(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_orphans_json_has_orphans_uncertain_and_unresolved_references(production, capsys):
    truth = production.truth
    maps = [a for m in truth.maps for a in ("--map", m)]
    code, out = _run(
        capsys,
        "orphans",
        "--root",
        truth.root,
        "--catalog",
        str(production.catalog_path),
        *maps,
        "--unreadable-scope-depth",
        "1",
        "--json",
    )
    assert code == 1  # the corrupt project could not be read: the run says so
    assert {o["path"]: o["category"] for o in out["orphans"]} == truth.orphans
    assert all(set(o) == {"path", "bytes", "category", "reason"} for o in out["orphans"])
    assert sorted(u["path"] for u in out["uncertain"]) == sorted(truth.uncertain)
    assert [u["reference"]["path"] for u in out["unresolved_references"]] == [
        "/mnt/elsewhere/A009C009.mov"
    ]
    assert out["failed_projects"] == [truth.corrupt_project]


def test_orphans_takes_maps_and_grace_from_a_config_file(production, capsys, tmp_path: Path):
    truth = production.truth
    config = tmp_path / "mediaopt.toml"
    config.write_text(
        "[paths]\nmap = [" + ", ".join(json.dumps(m) for m in truth.maps) + "]\n"
        "[orphans]\ngrace_days = 7\nunreadable_scope_depth = 1\n"
    )
    _, out = _run(
        capsys,
        "orphans",
        "--root",
        truth.root,
        "--catalog",
        str(production.catalog_path),
        "--config",
        str(config),
        "--json",
    )
    assert out["grace_days"] == 7
    assert sorted(u["path"] for u in out["uncertain"]) == sorted(truth.uncertain)


def test_projects_json_lists_each_project_file_and_convention_folder(production, capsys):
    truth = production.truth
    code, out = _run(
        capsys,
        "projects",
        truth.root,
        "--catalog",
        str(production.catalog_path),
        "--convention",
        "{show}",
        "--json",
    )
    by_path = {p["path"]: p for p in out["projects"]}
    assert set(truth.projects) <= set(by_path)
    folders = sorted(p["name"] for p in out["projects"] if p["kind"] == "folder")
    assert folders == ["other_show", "show"]
    nuke = next(p for p in out["projects"] if p["kind"] == "nuke")
    assert nuke["files"] == 2 and nuke["status"] == "active" and nuke["bytes"] > 0
    assert by_path[truth.corrupt_project]["errors"]


def test_lineage_json_for_a_path_lists_its_edges(production, capsys):
    render = next(p for p in production.truth.referenced if "comp_v003" in p)
    code, out = _run(
        capsys,
        "lineage",
        render,
        "--root",
        production.root,
        "--catalog",
        str(production.catalog_path),
        "--json",
    )
    # The production holds a corrupt project: lineage through it is unknown, and says so.
    assert code == 1
    assert [p["path"] for p in out["problems"]] == [production.truth.corrupt_project]
    assert sorted(e["kind"] for e in out["edges"]) == ["render", "version"]
    assert all(
        set(e) == {"source", "derivative", "kind", "confidence", "evidence"} for e in out["edges"]
    )
