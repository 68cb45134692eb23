"""A fresh small production per test (actions change files), its plan, and a picture of
every byte under the roots to compare against."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import msgspec
import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Plan
from mediaopt.engine.recommend import recommend
from mediaopt.engine.recommend.files import xxh128_file
from mediaopt.fixtures.savings import SavingsProduction, build_savings_production


class Planned:
    def __init__(self, production: SavingsProduction, plan: Plan, path: Path):
        self.production = production
        self.plan = plan
        self.path = path
        self.archive = Path(production.base) / "archive"
        self.before = snapshot(production.roots)

    def write(self) -> None:
        self.path.write_bytes(msgspec.json.encode(self.plan))

    def action(self, category: str, contains: str = ""):
        return next(
            a
            for a in self.plan.actions
            if a.category == category and any(contains in f.path for f in a.files)
        )


def snapshot(roots: list[str]) -> dict[str, tuple[str, int, int, int]]:
    """path -> (xxh128, size, mtime_ns, mode) of every file under the roots."""
    found = {}
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                st = os.lstat(path)
                found[path] = (
                    xxh128_file(path),
                    st.st_size,
                    st.st_mtime_ns,
                    stat.S_IMODE(st.st_mode),
                )
    return found


def make_plan(base: Path) -> Planned:
    production = build_savings_production(base)
    with Catalog(production.catalog) as catalog:
        plan = recommend(catalog, production.roots, settings=production.settings())
    planned = Planned(production, plan, base / "plan.json")
    planned.write()
    return planned


@pytest.fixture
def planned(tmp_path: Path) -> Planned:
    return make_plan(tmp_path)


def where_is_every_byte(planned: Planned) -> list[str]:
    """Originals that exist neither at their source nor in the archive or trash with the
    same hash: what an apply lost. Empty when nothing was lost."""
    lost = []
    archive = planned.archive
    for path, (digest, *_rest) in planned.before.items():
        if os.path.exists(path) and xxh128_file(path) == digest:
            continue
        copies = [
            archive / _relative(planned, path),
            archive / ".mediaopt-trash" / planned.plan.id / _relative(planned, path),
        ]
        if not any(c.exists() and xxh128_file(c) == digest for c in copies):
            lost.append(path)
    return lost


def _relative(planned: Planned, path: str) -> str:
    for root in planned.production.roots:
        if path.startswith(root + os.sep):
            return os.path.join(os.path.basename(root), path[len(root) + 1 :])
    raise AssertionError(path)
