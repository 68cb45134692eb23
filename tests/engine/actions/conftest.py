"""A fresh small production per test (actions change files) and its plan; the helpers
that picture every byte under the roots are in mediaopt.fixtures.planned."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.fixtures.planned import Planned, make_plan


@pytest.fixture
def planned(tmp_path: Path) -> Planned:
    return make_plan(tmp_path)
