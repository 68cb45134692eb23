"""An apply killed (SIGKILL, no clean-up) at any step loses nothing: every original byte is
at its source or in the archive with its hash; running the apply again finishes the plan;
`undo` instead puts the source tree back bit for bit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from mediaopt.engine.actions import apply_plan, undo_journal
from mediaopt.engine.actions.fault import ENV
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import ActionKind
from mediaopt.fixtures.planned import snapshot, where_is_every_byte

# The engine's apply in a process of its own (the `mediaopt` console imports every
# command; this imports only what apply needs, to keep the suite fast).
_APPLY = """
import sys, msgspec
from mediaopt.engine.actions import apply_plan
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Plan
plan_path, catalog, archive = sys.argv[1:4]
plan = msgspec.json.decode(open(plan_path, "rb").read(), type=Plan)
with Catalog(catalog) as opened:
    apply_plan(plan, plan_path, catalog=opened, execute=True, archive_root=archive,
               confirm_destructive=True, hardlink=True)
"""


def _killed_apply(planned, point: str) -> None:
    command = [sys.executable, "-c", _APPLY, str(planned.path), planned.production.catalog]
    command.append(str(planned.archive))
    run = subprocess.run(command, env={**os.environ, ENV: point}, capture_output=True)
    assert run.returncode == -signal.SIGKILL, run.stdout + run.stderr


@pytest.mark.parametrize(
    "point", ["copy", "copy:4", "verify", "verify:3", "before_remove", "after_remove", "link"]
)
def test_a_killed_apply_loses_nothing_and_a_second_run_finishes(planned, point):
    _killed_apply(planned, point)
    assert not where_is_every_byte(planned)

    with Catalog(planned.production.catalog) as catalog:
        report = apply_plan(
            planned.plan,
            planned.path,
            catalog=catalog,
            execute=True,
            archive_root=planned.archive,
            confirm_destructive=True,
            hardlink=True,
        )
    assert report.resumed
    assert all(o.status == "done" for o in report.actions), [
        (o.id, o.status, o.note, [f.reason for f in o.files if f.reason]) for o in report.actions
    ]
    for action in planned.plan.actions:
        for f in action.files:
            if action.kind is ActionKind.DEDUPE:
                assert os.path.samefile(f.path, f.keeper)
            else:
                assert not os.path.exists(f.path)
    assert not list(planned.archive.rglob("*.mediaopt-partial"))
    assert not where_is_every_byte(planned)

    undo = undo_journal(report.journal)
    assert not undo.problems
    assert snapshot(planned.production.roots) == planned.before


@pytest.mark.parametrize("point", ["copy:2", "verify", "before_remove", "after_remove", "link"])
def test_undo_rolls_back_a_killed_apply(planned, point):
    _killed_apply(planned, point)
    undo = undo_journal(f"{planned.path}.journal")
    assert not undo.problems
    assert snapshot(planned.production.roots) == planned.before
    assert not [p for p in planned.archive.rglob("*") if p.is_file()]
