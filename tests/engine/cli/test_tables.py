"""Tables on an 80-column terminal: paths are shown relative to the production's root
(said once, above the table), the path column folds, and every other cell (sizes,
counts, kinds, dates) stays whole on its line. Run as a user runs them, with COLUMNS=80,
on the scanned feature production."""

from __future__ import annotations

import json
import os
import re

import pytest

from mediaopt.engine.cli.output import PathNames
from mediaopt.engine.units import human_bytes

WIDTH = 80
_RULE = re.compile(r"^─+$")


def _run(mediaopt, cli_production, *args: str) -> tuple[str, dict | list]:
    """The command's table at 80 columns, and its --json record."""
    env = {"COLUMNS": str(WIDTH), "LINES": "50", "TERM": "xterm"}
    common = ["--catalog", cli_production.catalog]
    shown = mediaopt(*args, *common, env=env)
    assert shown.returncode in (0, 1), shown.stderr.decode()
    record = mediaopt(*args, *common, "--json")
    assert record.returncode in (0, 1), record.stderr.decode()
    lines = record.stdout.decode().splitlines()
    value = json.loads(lines[0]) if len(lines) == 1 else [json.loads(line) for line in lines]
    return shown.stdout.decode(), value


def _tables(out: str) -> list[tuple[str, list[str]]]:
    """(header line, body lines) of each table: the body runs from the rule under the
    header to the next blank line, title or rule."""
    lines = out.splitlines()
    found = []
    for i, line in enumerate(lines):
        if _RULE.match(line.strip()) and i > 0:
            body = []
            for following in lines[i + 1 :]:
                if not following.strip() or _RULE.match(following.strip()):
                    break
                body.append(following)
            if (
                body
                and i + 1 + len(body) < len(lines)
                and _RULE.match(lines[i + 1 + len(body)].strip())
            ):
                body = body[:-1]  # the next table's header
            found.append((lines[i - 1], body))
    return found


def _first_column(header: str, body: list[str]) -> str:
    """The text of the table's first column, its folded pieces joined: a path folded
    over three lines reads whole again (spaces left out: a name with a space wraps at
    it)."""
    width = max(len(header.split("  ")[0]), *(_cell_end(line) for line in body))
    return "".join(line[:width] for line in body).replace(" ", "")


def _cell_end(line: str) -> int:
    end = line.find("  ")
    return len(line) if end < 0 else end


def _assert_readable(out: str, root: str) -> None:
    assert out.splitlines()[0] == f"paths relative to {root}"
    # The root is said once; no cell repeats it.
    assert [line for line in out.splitlines() if root in line] == [out.splitlines()[0]]
    assert all(len(line) <= WIDTH for line in out.splitlines()), out
    assert "…" not in out  # no cell cut short to make room


def _assert_whole(values: list[str], out: str) -> None:
    """Each size or count is on one line: as many whole copies as the record has."""
    for value in set(values):
        assert out.count(value) >= values.count(value), (value, out)


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(" ", "")


def test_find_shows_paths_below_the_root_and_sizes_whole(mediaopt, cli_production) -> None:
    root = cli_production.root
    out, assets = _run(mediaopt, cli_production, "find")
    _assert_readable(out, root)
    [(header, body)] = _tables(out)
    column = _first_column(header, body)
    for asset in assets:
        assert _relative(asset["path"], root) in column
    _assert_whole([human_bytes(a["bytes"]) for a in assets], out)


def test_orphans_tables_keep_sizes_whole_and_fold_paths(mediaopt, cli_production) -> None:
    root = cli_production.root
    out, report = _run(mediaopt, cli_production, "orphans")
    _assert_readable(out, root)
    tables = _tables(out)
    assert [t[0].split()[0] for t in tables] == ["project", "orphan", "uncertain"]
    columns = [_first_column(header, body) for header, body in tables]
    for project in report["projects"]:
        assert _relative(project["path"], root) in columns[0]
    for orphan in report["orphans"]:
        assert _relative(orphan["path"], root) in columns[1]
    for kept in report["uncertain"]:
        assert _relative(kept["path"], root) in columns[2]
    assert report["orphans"] and report["uncertain"]  # both tables have rows to read
    sizes = [human_bytes(o["bytes"]) for o in report["orphans"] + report["uncertain"]]
    _assert_whole(sizes, out)
    _assert_whole([str(p["references"]) for p in report["projects"]], out)


def test_projects_keep_dates_and_sizes_whole(mediaopt, cli_production) -> None:
    root = cli_production.root
    out, report = _run(mediaopt, cli_production, "projects")
    _assert_readable(out, root)
    [(header, body)] = _tables(out)
    column = _first_column(header, body)
    for project in report["projects"]:
        assert _relative(project["path"], root) in column
    _assert_whole([human_bytes(p["bytes"]) for p in report["projects"]], out)
    # Each row's dates and size sit on the row's first line, beside the path's start.
    rows = [line for line in body if re.search(r"\d+(\.\d)? (B|KB|MB|GB)", line)]
    assert len(rows) == len(report["projects"])


def test_stats_by_folder_and_lineage_and_dupes_show_paths_below_the_root(
    mediaopt, cli_production
) -> None:
    root = cli_production.root
    out, stats = _run(mediaopt, cli_production, "stats", "--by", "folder")
    _assert_readable(out, root)
    [(header, body)] = _tables(out)
    column = _first_column(header, body)
    for row in stats["rows"]:
        assert _relative(row["key"], root) in column
    _assert_whole([human_bytes(r["bytes"]) for r in stats["rows"]], out)

    out, lineage = _run(mediaopt, cli_production, "lineage", "--root", root)
    _assert_readable(out, root)
    [(header, body)] = _tables(out)
    column = _first_column(header, body)
    assert lineage["edges"]
    for edge in lineage["edges"]:
        assert _relative(edge["source"], root) in column
    _assert_whole([f"{e['confidence']:.2f}" for e in lineage["edges"]], out)

    out, dupes = _run(mediaopt, cli_production, "dupes")
    _assert_readable(out, root)
    assert dupes["groups"]
    _assert_whole([human_bytes(m["bytes"]) for g in dupes["groups"] for m in g["members"]], out)


@pytest.mark.parametrize(
    ("roots", "path", "shown", "note"),
    [
        (["/mnt/show"], "/mnt/show/camera/A001.mov", "camera/A001.mov", "/mnt/show"),
        (["/mnt/show"], "/elsewhere/A001.mov", "/elsewhere/A001.mov", "/mnt/show"),
        (["/mnt/a/x", "/mnt/a/y"], "/mnt/a/y/A001.mov", "y/A001.mov", "/mnt/a"),
        (["/vol1/show", "/vol2/sound"], "/vol2/sound/m.wav", "sound/m.wav", "their root"),
        ([], "/mnt/show/A001.mov", "/mnt/show/A001.mov", None),
    ],
)
def test_path_names_say_what_paths_are_relative_to(roots, path, shown, note) -> None:
    names = PathNames(roots)
    assert names(path) == shown
    said = names.note()
    assert (said is None) if note is None else (note in said)
