"""The report's data on a scanned tree: the treemap keeps each folder's largest children
and sums the rest, the whole tree stays within its box budget, growth follows the
modification dates, and every byte the catalog holds is somewhere in the tree."""

from __future__ import annotations

import os
import time
import wave
from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.production.analyse import analyse
from mediaopt.engine.recommend import recommend
from mediaopt.engine.report import data as report_data
from mediaopt.engine.report.data import TREE_CHILDREN, storage_data
from mediaopt.engine.report.model import TreeNode

DAY = 86400


def _wav(path: Path, frames: int, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * frames)
    os.utime(path, (mtime, mtime))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("tree")
    root = base / "show"
    now = time.time()
    for i in range(TREE_CHILDREN + 15):  # 15 past the cap: they become one "other" box
        _wav(root / "sound" / f"take{i:02d}.wav", 100 + 50 * i, now - 400 * DAY)
    for i in range(3):
        _wav(root / "vfx" / "sh010" / f"temp{i}.wav", 4000 + i, now - 10 * DAY)
    _wav(root / "readme.wav", 10, now)
    with Catalog(base / "catalog.sqlite") as catalog:
        api.scan([root], catalog, workers=0)
        record = analyse(catalog, [str(root)])
        plan = recommend(catalog, [str(root)])
        yield catalog, record, plan, root


def _count(node: TreeNode) -> int:
    return 1 + sum(_count(c) for c in node.children)


def test_each_folder_keeps_its_largest_children_and_sums_the_rest(scanned):
    catalog, record, plan, root = scanned
    data = storage_data(record, catalog, plan)
    assert data.base == str(root) and data.tree.path == "."
    assert data.tree.bytes == record.catalog.bytes and data.tree.files == record.catalog.assets
    sound = next(c for c in data.tree.children if c.name == "sound")
    assert len(sound.children) == TREE_CHILDREN + 1
    other = sound.children[-1]
    assert other.kind == "other" and other.files == 15
    sizes = sorted((root / "sound").glob("*.wav"), key=lambda p: p.stat().st_size)
    assert other.bytes == sum(p.stat().st_size for p in sizes[:15])
    assert [c.path for c in sound.children[:2]] == [
        f"sound/{p.name}" for p in sorted(sizes, key=lambda p: -p.stat().st_size)[:2]
    ]
    assert sum(c.bytes for c in sound.children) == sound.bytes


def test_growth_follows_modification_dates_per_project_folder(scanned):
    catalog, record, plan, root = scanned
    data = storage_data(record, catalog, plan)
    assert data.growth_period == "month"  # 400 days: months, not days
    growth = {g.project: g for g in data.growth}
    assert set(growth) == {"sound", "vfx", "."}
    sound = growth["sound"]
    assert (
        sound.points[-1].total
        == sound.bytes
        == sum(p.stat().st_size for p in (root / "sound").glob("*.wav"))
    )
    assert len(sound.points) == 1  # every take was written the same day
    assert growth["vfx"].first > sound.last
    assert data.project_folders[0] == "sound"  # largest first


def test_the_whole_tree_stays_within_its_box_budget(scanned, monkeypatch):
    catalog, record, plan, _ = scanned
    monkeypatch.setattr(report_data, "TREE_NODES", 5)
    data = storage_data(record, catalog, plan)
    # The root opened first (its three children), then the largest folder, then no more.
    assert _count(data.tree) <= 5 + TREE_CHILDREN + 1
    sound = next(c for c in data.tree.children if c.name == "sound")
    vfx = next(c for c in data.tree.children if c.name == "vfx")
    assert sound.children and not vfx.children
    assert vfx.bytes == sum(p.stat().st_size for p in scanned[3].joinpath("vfx").rglob("*.wav"))
