"""After Effects projects read without After Effects: every real .aep (through py-aep) and
.aepx (as XML) in realworld agrees with a plain reading of the same file's aliases, the
file py-aep fails on is a problem with its reason, and a production keeps their footage."""

from __future__ import annotations

import json
import ntpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from native_kit import keeps_media

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget

_ALIAS = re.compile(rb'"fullpath":("(?:[^"\\]|\\.)*")')


def _files(realworld: Path, pattern: str) -> list[Path]:
    return sorted((realworld / "projects" / "aep").glob(pattern))


def _alias_paths(path: Path) -> set[str]:
    """The `fullpath` of every Alas chunk's JSON, found in the raw bytes."""
    return {json.loads(m.group(1)) for m in _ALIAS.finditer(path.read_bytes())}


def test_every_binary_project_agrees_with_its_alias_chunks(realworld: Path):
    projects = _files(realworld, "*.aep")
    assert len(projects) == 9
    for path in projects:
        project = read_project(path)
        if path.name == "comp.aep":
            continue  # py-aep fails on it: see the next test
        assert project.errors == [], (path, project.errors)
        # A render output's alias names its folder; its file name is stored elsewhere.
        aliased = {
            ntpath.dirname(r.path) if r.role == "write" else r.path for r in project.references
        }
        assert aliased == _alias_paths(path), path


def test_the_cs5_project_py_aep_fails_on_is_an_error_with_the_reason(realworld: Path):
    path = realworld / "projects/aep/comp.aep"
    project = read_project(path)
    assert project.references == []
    assert len(project.errors) == 1
    assert project.errors[0].startswith(f"{path}: py-aep") and "cannot read" in project.errors[0]
    assert "AttributeError" in project.errors[0]


def test_render_queue_outputs_are_writes_of_their_comp(realworld: Path):
    project = read_project(realworld / "projects/aep/__bodymovin_sound_template.aep")
    writes = [(r.name, ntpath.basename(r.path)) for r in project.references if r.role == "write"]
    assert writes == [
        ("__bodymovin_Audio", "__bodymovin_Audio_16.mp3"),
        ("__bodymovin_Audio", "__bodymovin_Audio_128.mp3"),
    ]


def test_every_xml_project_lists_exactly_its_file_references(realworld: Path):
    projects = _files(realworld, "*.aepx")
    assert len(projects) == 6
    for path in projects:
        project = read_project(path)
        assert project.errors == [], (path, project.errors)
        raw = {e.get("fullpath") for e in ET.parse(path).iter() if e.tag.endswith("fileReference")}
        assert {r.path for r in project.references} == raw, path


def test_productions_holding_real_projects_keep_their_footage(realworld: Path, tmp_path: Path):
    projects = [
        realworld / "projects/aep/project1.aep",
        realworld / "projects/aep/nm05ae15 auto-save 10.aepx",
    ]
    rules = {"/Users/Inlife": "inlife", "D:/Projects": "d", "C:/Users/Vladg": "vladg"}
    kept = keeps_media(projects, tmp_path, rules)
    assert len(kept.written) == 6
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert kept.report.uncertain == [] and kept.report.unresolved_references == []


def test_a_sequence_and_a_proxy_in_a_project_py_aep_wrote(realworld: Path, tmp_path: Path):
    """py-aep imports footage as After Effects does (File > Import, with the sequence
    option) and sets a proxy; the project it saves is read back, and kept."""
    import py_aep
    from native_kit import search, write_media

    from mediaopt.engine.refs.pathmap import PathMap

    root = tmp_path / "root"
    frames = write_media(str(root / "plates" / "sh010.####.png"), (1, 2))
    frames += write_media(str(root / "plates" / "sh010.0003.png"))
    proxy = write_media(str(root / "proxies" / "sh010_proxy.png"))[0]
    unused = write_media(str(root / "plates" / "other.0001.png"))[0]
    app = py_aep.parse(str(realworld / "projects/aep/test.aep"))
    options = py_aep.ImportOptions(frames[0])
    options.sequence = True
    app.project.import_file(options).set_proxy(proxy)
    project_path = root / "comp.aep"
    app.project.save(str(project_path))
    refs = {(r.role, r.target, r.path, r.frames) for r in read_project(project_path).references}
    assert refs == {
        ("read", ReferenceTarget.FILE, "/Users/inlife/Downloads/square.jpg", None),
        ("read", ReferenceTarget.SEQUENCE, str(root / "plates" / "sh010.####.png"), (1, 3)),
        ("proxy", ReferenceTarget.FILE, proxy, None),
    }
    report = search(root, tmp_path, PathMap(), [str(project_path)])
    assert [o.path for o in report.orphans] == [unused]
