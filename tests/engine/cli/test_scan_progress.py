"""scan draws a progress bar for a person at a terminal, and nothing for JSON or a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediaopt.fixtures import scantrees
from mediaopt.fixtures.terminal import stderr_on_a_terminal


@pytest.fixture(scope="module")
def tree(cached_media, tmp_path_factory) -> Path:
    sources = scantrees.source_media(cached_media)
    root = tmp_path_factory.mktemp("progress")
    for i in range(20):
        scantrees.copy(sources["mov"], root / f"A001C{i:03d}.mov")
    return root


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm-256color"}


def _scan_with_stderr_on_a_terminal(tree: Path, catalog: Path, *extra: str) -> bytes:
    """What the scan wrote to its stderr, a pseudo-terminal."""
    return stderr_on_a_terminal("scan", str(tree), "--catalog", str(catalog), *extra, timeout=30)


def test_a_bar_is_drawn_when_stderr_is_a_terminal(tree, tmp_path) -> None:
    drawn = _scan_with_stderr_on_a_terminal(tree, tmp_path / "c.sqlite")
    assert b"scanning" in drawn
    assert "━".encode() in drawn  # the bar itself


def test_no_bar_with_json_even_at_a_terminal(tree, tmp_path) -> None:
    assert _scan_with_stderr_on_a_terminal(tree, tmp_path / "c.sqlite", "--json") == b""


def test_no_bar_when_stderr_is_not_a_terminal(tree, tmp_path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mediaopt.engine.cli",
            "scan",
            str(tree),
            "--catalog",
            str(tmp_path / "c.sqlite"),
        ],  # fmt: skip
        capture_output=True,
        env=_env(),
    )
    assert done.returncode == 0
    assert done.stderr == b""
    assert b"20 assets" in done.stdout
