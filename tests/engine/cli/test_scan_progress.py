"""scan draws a progress bar for a person at a terminal, and nothing for JSON or a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from mediaopt.fixtures import scantrees


@pytest.fixture(scope="module")
def tree(cached_media, tmp_path_factory) -> Path:
    sources = scantrees.source_media(cached_media)
    root = tmp_path_factory.mktemp("progress")
    for i in range(20):
        scantrees.copy(sources["mov"], root / f"A001C{i:03d}.mov")
    return root


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TERM"] = "xterm-256color"
    return env


def _scan_with_stderr_on_a_terminal(tree: Path, catalog: Path, *extra: str) -> bytes:
    """What the scan wrote to its stderr, a pseudo-terminal."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mediaopt.engine.cli",
            "scan",
            str(tree),
            "--catalog",
            str(catalog),
            *extra,
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=_env(),
    )
    os.close(slave)
    drawn = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    proc.wait(timeout=60)
    os.close(master)
    return drawn


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
