"""Every long command draws a progress bar for a person at a terminal, and nothing with
--json or when stderr is not a terminal."""

from __future__ import annotations

import os
import shutil

import pytest

from mediaopt.fixtures.terminal import stderr_on_a_terminal

_stderr_on_a_terminal = stderr_on_a_terminal


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
