"""Every long command draws a progress bar for a person at a terminal, and nothing with
--json or when stderr is not a terminal."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys

import pytest


def _stderr_on_a_terminal(*argv: str) -> bytes:
    """What the command wrote to its stderr, a pseudo-terminal."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mediaopt.engine.cli", *argv],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    drawn = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    proc.wait(timeout=120)
    os.close(master)
    return drawn


def _commands(p, scratch_catalog: str) -> dict[str, tuple[list[str], bytes]]:
    """command -> (arguments, a phase its bar names). --perceptual caches fingerprints in
    the catalog it is given: a copy, so other tests see the catalog as scanned."""
    cut = os.path.join(p.root, "show", "edit", "cut.otio")
    fast = ["--seconds", "0.5", "--max-bytes", "5MB"]
    return {
        "orphans": (["orphans", "--catalog", p.catalog], b"reading projects"),
        "projects": (["projects", "--catalog", p.catalog], b"reading projects"),
        "lineage --perceptual": (
            ["lineage", "--perceptual", "--catalog", scratch_catalog],
            b"reading projects",
        ),
        "bandwidth measure": (["bandwidth", "measure", p.root, *fast], b"measuring"),
        "bandwidth check": (
            ["bandwidth", "check", cut, *fast, "--catalog", p.catalog],
            b"measuring",
        ),
    }


@pytest.mark.parametrize(
    "command",
    ["orphans", "projects", "lineage --perceptual", "bandwidth measure", "bandwidth check"],
)
def test_a_long_command_draws_a_bar_at_a_terminal_and_none_with_json(
    command, cli_production, tmp_path
):
    scratch = tmp_path / "catalog.sqlite"
    shutil.copy(cli_production.catalog, scratch)
    argv, phase = _commands(cli_production, str(scratch))[command]
    drawn = _stderr_on_a_terminal(*argv)
    assert phase in drawn
    assert "━".encode() in drawn  # the bar itself
    quiet = _stderr_on_a_terminal(*argv, "--json")
    assert phase not in quiet and "━".encode() not in quiet
