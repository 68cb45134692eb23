"""`mediaopt refs`: per project its references and whether each resolved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mediaopt.adapters import project_kind, read_project


def _refs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mediaopt.engine.cli", "refs", "--json", *args],
        capture_output=True,
        text=True,
        env={"MEDIAOPT_CATALOG": "/nonexistent/catalog.sqlite", "PATH": ""},
    )


def test_refs_says_which_references_are_on_disk_and_goes_on_after_a_bad_file(realworld: Path):
    good = realworld / "projects/blend/alembic-user.blend"
    bad = realworld / "projects/blend/corrupt_only_magic.blend"

    result = _refs(str(good), str(bad))

    first, second = (json.loads(line) for line in result.stdout.splitlines())
    statuses = {r["reference"]["path"]: r["status"] for r in first["references"]}
    assert statuses["//clothsim.abc"] == "on_disk"
    assert statuses["/tmp/0001-0070.avi"] == "not_found"
    assert second["errors"][0].startswith(str(bad))
    assert result.returncode == 1


def test_a_folder_without_a_project_file_is_its_own_project(tmp_path: Path):
    (tmp_path / "plates").mkdir()
    (tmp_path / "plates" / "a.mov").write_bytes(b"x")
    (tmp_path / ".DS_Store").write_bytes(b"x")

    project = read_project(tmp_path)

    assert project_kind(tmp_path) == "folder"
    assert [r.location for r in project.references] == ["plates/a.mov"]
