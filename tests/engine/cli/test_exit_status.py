"""Exit status, as the README defines it: 0 everything was read; 1 the command ran but
some inputs could not be read, each listed with a reason; 2 usage error. One case per
command and status, on real files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.cli import main
from mediaopt.engine.cli.status import ExitStatus

OK, PROBLEMS, USAGE = ExitStatus.OK, ExitStatus.PROBLEMS, ExitStatus.USAGE


def status(*argv: str) -> int:
    try:
        return main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own usage errors
        return int(exc.code or 0)


@pytest.fixture(scope="module")
def bad(cli_production, tmp_path_factory) -> dict[str, Path]:
    """Inputs that cannot be read, made from the production's real files."""
    base = tmp_path_factory.mktemp("bad")
    camera = Path(cli_production.root) / "show" / "camera" / "A001C004.mov"
    truncated = base / "truncated.mov"
    truncated.write_bytes(camera.read_bytes()[:3000])
    corrupt_otio = base / "broken.otio"
    corrupt_otio.write_text('{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Sta')
    corrupt_nk = base / "broken.nk"
    nk = Path(cli_production.nuke).read_text()
    corrupt_nk.write_text(nk[: nk.index("Write")] + "Write {\n file /renders/x.####.exr\n")
    # A scanned folder one of whose files went away: dupes cannot read it any more.
    dupes = base / "dupes"
    dupes.mkdir()
    for name in ("a.mov", "b.mov", "gone.mov"):
        shutil.copy(camera, dupes / name)
    dupes_catalog = base / "dupes.sqlite"
    api.scan([dupes], dupes_catalog, workers=0)
    os.remove(dupes / "gone.mov")
    # A folder holding a symlink to nowhere: measured, but not all of it could be read.
    storage = base / "storage"
    storage.mkdir()
    shutil.copy(camera, storage / "A001C004.mov")
    os.symlink(base / "nowhere.mov", storage / "dangling.mov")
    return {
        "truncated": truncated,
        "otio": corrupt_otio,
        "nk": corrupt_nk,
        "dupes_catalog": dupes_catalog,
        "storage": storage,
        "scan_root": _scan_root_with_a_bad_file(base, truncated),
    }


def _scan_root_with_a_bad_file(base: Path, truncated: Path) -> Path:
    root = base / "scan"
    root.mkdir()
    shutil.copy(truncated, root / "truncated.mov")
    return root


@pytest.fixture
def p(cli_production):
    return cli_production


def _cat(p) -> list[str]:
    return ["--catalog", p.catalog]


def _camera(p, name: str = "A001C004.mov") -> Path:
    return Path(p.root) / "show" / "camera" / name


FAST = ["--seconds", "0.3", "--max-bytes", "5MB"]


def test_scan(p, bad, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(_camera(p), good)
    assert status("scan", good, "--workers", "0", "--catalog", tmp_path / "c.sqlite") == OK
    assert status("scan", bad["scan_root"], "--workers", "0", "--catalog", tmp_path / "c") == 1
    assert status("scan", tmp_path / "no such folder", "--catalog", tmp_path / "c") == USAGE


def test_info(p, bad, tmp_path):
    assert status("info", _camera(p), *_cat(p)) == OK
    assert status("info", bad["truncated"], *_cat(p)) == PROBLEMS
    assert status("info", tmp_path / "nothing.mov", *_cat(p)) == USAGE


def test_find_and_stats(p):
    assert status("find", "--kind", "video", *_cat(p)) == OK
    assert status("find", "--larger-than", "lots", *_cat(p)) == USAGE
    assert status("stats", "--by", "codec", *_cat(p)) == OK
    assert status("stats", "--by", "colour", *_cat(p)) == USAGE


def test_refs(p, bad):
    cut = Path(p.root) / "show" / "edit" / "cut.otio"
    assert status("refs", cut, *_cat(p)) == OK
    assert status("refs", cut, bad["otio"], *_cat(p)) == PROBLEMS
    assert status("refs", *_cat(p)) == USAGE


@pytest.mark.parametrize("command", ["projects", "orphans", "lineage"])
def test_projects_orphans_lineage(command, p, bad, tmp_path, capsys):
    assert status(command, *_cat(p)) == OK
    assert status(command, "--project", bad["otio"], *_cat(p)) == PROBLEMS
    assert f"problem: {bad['otio']}: " in capsys.readouterr().err
    assert status(command, "--catalog", tmp_path / "empty.sqlite") == USAGE


def test_lineage_json_lists_its_problems(p, bad, capsys):
    import json

    capsys.readouterr()
    assert status("lineage", "--project", bad["otio"], *_cat(p), "--json") == PROBLEMS
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [x["path"] for x in problems] == [str(bad["otio"])]
    assert problems[0]["reason"]


def test_dupes(p, bad):
    assert status("dupes", *_cat(p)) == OK
    assert status("dupes", "--catalog", bad["dupes_catalog"]) == PROBLEMS
    assert status("dupes", "--kind", "text", *_cat(p)) == USAGE


def test_compare_a_file_that_cannot_be_decoded_is_a_problem_not_a_usage_error(p, bad, tmp_path):
    copy = Path(p.root) / "show" / "copies" / "A001C003.mov"
    assert status("compare", _camera(p, "A001C003.mov"), copy) == OK
    assert status("compare", bad["truncated"], _camera(p)) == PROBLEMS
    assert status("compare", tmp_path / "nothing.mov", _camera(p)) == USAGE


def test_render_settings_on_a_corrupt_script_is_a_problem(p, bad, capsys):
    assert status("render", "settings", p.nuke, *_cat(p)) == OK
    capsys.readouterr()
    assert status("render", "settings", bad["nk"], *_cat(p)) == PROBLEMS
    err = " ".join(capsys.readouterr().err.split())
    assert str(bad["nk"]) in err and "unbalanced" in err
    assert status("render", "settings", *_cat(p)) == USAGE


def _damaged_render(p, folder: Path, truncated: tuple[int, ...]) -> str:
    """The comp's v003 render (frames 1003-1005) with some frames cut to 300 bytes, as an
    interrupted copy leaves them."""
    render = next(x for x in p.truth.referenced if "comp_v003" in x)
    folder.mkdir()
    for frame in (1003, 1004, 1005):
        data = Path(render.replace("####", str(frame))).read_bytes()
        (folder / f"shot.{frame}.exr").write_bytes(data[:300] if frame in truncated else data)
    return str(folder / "shot.####.exr")


def test_render_analyze(p, tmp_path):
    assert status("render", "analyze", *_cat(p)) == OK
    damaged = _damaged_render(p, tmp_path / "shot", (1003, 1004))
    catalog = tmp_path / "c.sqlite"
    api.scan([tmp_path / "shot"], catalog, workers=0)
    assert status("render", "analyze", "--catalog", catalog) == PROBLEMS
    assert status("render", "analyze", "--under", damaged, "--bogus") == USAGE


def test_render_what_if(p, tmp_path):
    render = next(x for x in p.truth.referenced if "comp_v003" in x)
    zip_ = ["--candidates", "zip", "--samples", "3"]
    assert status("render", "what-if", render, *zip_) == OK
    some = _damaged_render(p, tmp_path / "some", (1004,))
    assert status("render", "what-if", some, *zip_) == PROBLEMS  # measured on the others
    every = _damaged_render(p, tmp_path / "every", (1003, 1004, 1005))
    assert status("render", "what-if", every, *zip_) == PROBLEMS
    assert status("render", "what-if", tmp_path / "none.####.exr") == USAGE


def test_farm_post_job_never_fails_the_farm_unless_strict(p, tmp_path):
    render = next(x for x in p.truth.referenced if "comp_v003" in x)
    farm = ["farm", "post-job", "--catalog", tmp_path / "farm.sqlite", "--job-id", "j1"]
    assert status(*farm, "--output", render, "--frames", "1003-1005", "--strict") == OK
    missing = tmp_path / "none.####.exr"
    assert status(*farm, "--output", missing, "--frames", "1-2") == OK
    assert status(*farm, "--output", missing, "--frames", "1-2", "--strict") == PROBLEMS
    assert status(*farm, "--from", "nowhere") == USAGE


def test_bandwidth(p, bad, tmp_path):
    cut = Path(p.root) / "show" / "edit" / "cut.otio"
    storage = str(bad["storage"])
    assert status("bandwidth", "need", cut, *_cat(p)) == OK
    assert status("bandwidth", "need", tmp_path / "none.otio", *_cat(p)) == USAGE
    assert status("bandwidth", "measure", _camera(p).parent, *FAST) == OK
    assert status("bandwidth", "measure", storage, *FAST) == PROBLEMS
    assert status("bandwidth", "measure", tmp_path / "nowhere", *FAST) == USAGE
    # A failing verdict is the answer, not a problem: the storage was read.
    assert status("bandwidth", "check", cut, "--storage", _camera(p).parent, *FAST) == OK
    assert status("bandwidth", "check", cut, "--storage", storage, *FAST, *_cat(p)) == PROBLEMS
    assert status("bandwidth", "check", cut, "--headroom", "much") == USAGE


def test_report_and_schema(p, tmp_path):
    assert status("report", "-o", tmp_path / "r.html", *_cat(p)) == OK
    assert status("report", "--bogus") == USAGE
    assert status("schema", "orphans") == OK
    assert status("schema", "nothing") == USAGE


def test_the_command_line_itself():
    assert status() == USAGE
    assert status("no-such-command") == USAGE
    assert status("--version") == OK


def test_the_errors_named_in_status_py_exist() -> None:
    """status.py names error classes rather than importing them (start-up); a renamed or
    moved class must fail here, not turn a usage error into a traceback."""
    import importlib

    from mediaopt.engine.cli.status import PROBLEM_ERRORS, USAGE_ERRORS

    for dotted in USAGE_ERRORS | PROBLEM_ERRORS:
        module, _, name = dotted.rpartition(".")
        found = getattr(importlib.import_module(module), name)
        assert isinstance(found, type) and issubclass(found, Exception), dotted
