"""In --json mode stdout holds the JSON document and nothing else, whatever readers and
native libraries print; and the document is what `mediaopt schema` says it is."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mediaopt.engine.cli import main
from mediaopt.fixtures.aaf import CHATTER

READS_THE_AAF = {"refs", "projects", "orphans", "lineage", "render-settings", "bandwidth-need"}
"""Commands whose run reads the AAF that makes OTIO's adapter print on stdout."""


def _argv(command: str, p, tmp: Path) -> list[str]:
    show = Path(p.root) / "show"
    camera = str(show / "camera" / "A001C003.mov")
    render = next(x for x in p.truth.referenced if "comp_v003" in x)
    cut = str(show / "edit" / "cut.otio")
    catalog = ["--catalog", p.catalog]
    fast = ["--seconds", "0.3", "--max-bytes", "5MB"]
    if command != "apply":
        assert command in COMMANDS
    return {
        "scan": ["scan", p.root, "--workers", "0", *catalog],
        "info": ["info", camera, *catalog],
        "find": ["find", *catalog],
        "stats": ["stats", *catalog],
        "refs": ["refs", p.aaf, cut, *catalog],
        "projects": ["projects", *catalog],
        "orphans": ["orphans", *catalog],
        "lineage": ["lineage", *catalog],
        "dupes": ["dupes", *catalog],
        "compare": ["compare", camera, str(show / "copies" / "A001C003.mov")],
        "render-analyze": ["render", "analyze", *catalog],
        "render-what-if": ["render", "what-if", render, "--candidates", "zip", "--samples", "2"],
        "render-settings": ["render", "settings", p.nuke, p.aaf, *catalog],
        "farm-post-job": [
            "farm",
            "post-job",
            "--job-id",
            "j1",
            "--output",
            render,
            "--frames",
            "1003-1005",
            "--catalog",
            str(tmp / "farm.sqlite"),
        ],  # fmt: skip
        "bandwidth-need": ["bandwidth", "need", p.aaf, *catalog],
        "bandwidth-measure": ["bandwidth", "measure", p.root, *fast],
        "bandwidth-check": ["bandwidth", "check", cut, *fast, *catalog],
        "report": ["report", *catalog],
        "analyse": ["analyse", *catalog],
        "recommend": ["recommend", *catalog, "-o", str(tmp / "plan.json")],
    }.get(command) or ["apply", _plan(p, tmp), *catalog]  # apply: a dry run


def _plan(p, tmp: Path) -> str:
    plan = tmp / "plan.json"
    assert main(["recommend", "--catalog", p.catalog, "-o", str(plan)]) in (0, 1)
    return str(plan)


COMMANDS = [
    "scan", "info", "find", "stats", "refs", "projects", "orphans", "lineage", "dupes",
    "compare", "render-analyze", "render-what-if", "render-settings", "farm-post-job",
    "bandwidth-need", "bandwidth-measure", "bandwidth-check", "report", "analyse",
    "recommend", "apply",
]  # fmt: skip


def _schema(command: str, capsys) -> dict:
    assert main(["schema", command]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("command", COMMANDS)
def test_json_stdout_parses_and_matches_its_schema(command, cli_production, tmp_path, capsys):
    schema = _schema(command, capsys)
    argv = _argv(command, cli_production, tmp_path)
    capsys.readouterr()  # what making apply's plan printed
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    lines = [json.loads(line) for line in captured.out.splitlines()]
    documents = lines if command in ("find", "refs") else [json.loads(captured.out)]
    assert documents
    for document in documents:
        jsonschema.validate(document, schema)
    if command in READS_THE_AAF:
        assert CHATTER in captured.err  # it was printed, and went to stderr


def test_every_command_with_json_is_tested_here() -> None:
    from mediaopt.engine.cli.schema import OUTPUTS

    # `farm`, `production` and `plan` are other names of `farm-post-job`, `analyse` and
    # `recommend`; `undo` needs an executed apply's journal: tests/engine/actions checks
    # its --json; watch runs until stopped: test_watch_command.py checks its lines.
    assert set(OUTPUTS) - {"farm", "production", "plan", "undo", "watch"} == set(COMMANDS)


@pytest.mark.parametrize("command", ["refs", "lineage"])
def test_chatter_from_a_reader_never_reaches_stdout_of_the_process(
    command, cli_production, mediaopt
):
    p = cli_production
    argv = ["refs", p.aaf] if command == "refs" else ["lineage", "--catalog", p.catalog]
    done = mediaopt(*argv, "--json")
    assert done.returncode == 0, done.stderr.decode()
    json.loads(done.stdout)
    assert CHATTER.encode() in done.stderr


GUARDED = """
import ctypes, os
from mediaopt.engine.cli.output import print_json
from mediaopt.engine.cli.stdout import json_only_stdout

with json_only_stdout():
    print("python chatter")
    os.write(1, b"native chatter\\n")
    ctypes.CDLL(None).puts(b"C stdio chatter")  # buffered by C: flushed at exit otherwise
    print_json({"ok": True})
print("after the guard")
"""


def test_native_writes_to_fd_1_go_to_stderr_while_json_is_printed() -> None:
    done = subprocess.run([sys.executable, "-c", GUARDED], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b'{"ok":true}\nafter the guard\n'
    for chatter in (b"python chatter", b"native chatter", b"C stdio chatter"):
        assert chatter in done.stderr


def test_a_scan_with_workers_prints_only_json(cli_production, tmp_path, mediaopt) -> None:
    """Probe workers are forked while fd 1 is guarded: what they print is not JSON."""
    root = tmp_path / "one"
    root.mkdir()
    shutil.copy(Path(cli_production.root) / "show" / "sound" / "wild_track.wav", root)
    done = mediaopt("scan", str(root), "--catalog", str(tmp_path / "c.sqlite"), "--json")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["assets"] == 1
    assert os.path.exists(tmp_path / "c.sqlite")
