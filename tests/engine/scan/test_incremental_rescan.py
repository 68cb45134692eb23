"""A rescan probes only what changed, forgets what is gone, and keeps what it cannot see."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import AssetStatus
from mediaopt.engine.scan import scan
from mediaopt.fixtures import scantrees


@pytest.fixture
def tree(cached_media, tmp_path) -> Path:
    sources = scantrees.source_media(cached_media)
    root = tmp_path / "media"
    for i in range(3):
        scantrees.copy(sources["mov"], root / "clips" / f"A001C00{i + 1}.mov")
    for frame in range(1001, 1011):
        scantrees.copy(sources["exr"], root / "plates" / f"plate.{frame}.exr")
    scantrees.copy(sources["png"], root / "stills" / "board.png")
    (root / "stills" / "empty.png").write_bytes(b"")
    return root


def test_a_rescan_of_an_unchanged_tree_probes_nothing(tree, catalog) -> None:
    first = scan([tree], catalog, workers=2)
    again = scan([tree], catalog, workers=2)
    assert first.probed == 3 + 2 + 2
    assert again.probed == 0
    assert again.reused == again.assets == first.assets == 3 + 1 + 2
    assert again.bytes == first.bytes
    assert again.removed == 0


def test_files_still_bad_are_reported_again_by_a_rescan(tree, catalog) -> None:
    first = scan([tree], catalog, workers=0)
    again = scan([tree], catalog, workers=0)
    assert again.probed == 0
    assert [(p.path, p.reason) for p in again.problems] == [
        (p.path, p.reason) for p in first.problems
    ]
    assert [p.reason for p in again.problems] == ["zero-byte file"]


def test_a_touched_file_is_probed_again(tree, catalog) -> None:
    scan([tree], catalog, workers=0)
    clip = tree / "clips" / "A001C002.mov"
    st = clip.stat()
    os.utime(clip, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    again = scan([tree], catalog, workers=0)
    assert again.probed == 1
    assert catalog.record(str(clip)).mtime == pytest.approx(st.st_mtime + 1)


def test_a_deleted_file_leaves_the_catalog(tree, catalog) -> None:
    scan([tree], catalog, workers=0)
    gone = tree / "clips" / "A001C003.mov"
    gone.unlink()
    again = scan([tree], catalog, workers=0)
    assert again.removed == 1
    assert again.probed == 0
    assert catalog.record(str(gone)) is None
    assert catalog.count() == 5


def test_an_added_frame_updates_the_sequence_without_probing(tree, catalog) -> None:
    scan([tree], catalog, workers=0)
    pattern = str(tree / "plates" / "plate.####.exr")
    before = catalog.record(pattern)
    shutil.copyfile(tree / "plates" / "plate.1010.exr", tree / "plates" / "plate.1011.exr")
    again = scan([tree], catalog, workers=0)
    after = catalog.record(pattern)
    assert again.probed == 0  # first and middle frame (1001, 1006) are unchanged
    assert after.sequence.last_frame == 1011
    assert after.sequence.frame_count == 11
    assert after.bytes == before.bytes + before.sequence.frame_bytes[-1]
    assert after.video == before.video


def test_a_rewritten_middle_frame_is_probed_again(tree, catalog, cached_media) -> None:
    scan([tree], catalog, workers=0)
    other = scantrees.source_media(cached_media)["png"]
    middle = tree / "plates" / "plate.1006.exr"
    shutil.copyfile(other, middle)  # a PNG in an EXR sequence: the format changed
    again = scan([tree], catalog, workers=0)
    assert again.probed == 2
    after = catalog.record(str(tree / "plates" / "plate.####.exr"))
    assert after.status is not AssetStatus.OK
    assert "frame 1006" in after.reason


def test_assets_under_a_folder_that_became_unreadable_are_kept(cached_media) -> None:
    sources = scantrees.source_media(cached_media)
    shared = scantrees.shared_tmpdir("mediaopt-unreadable-")
    try:
        root = shared / "media"
        for i in range(2):
            scantrees.copy(sources["mov"], root / "locked" / f"clip{i}.mov")
        scantrees.copy(sources["mov"], root / "open" / "clip.mov")
        for folder in (root, root / "locked", root / "open"):
            folder.chmod(0o755)
        (shared / "cat").mkdir()
        os.chown(shared / "cat", scantrees.NOBODY, scantrees.NOBODY)

        def run() -> list[str]:
            with Catalog(shared / "cat" / "catalog.sqlite") as catalog:
                scan([root], catalog, workers=0)
                return sorted(a.path for a in catalog.find())

        try:
            first = scantrees.run_as_nobody(run)
        except scantrees.Unprivileged as exc:
            pytest.skip(str(exc))
        (root / "locked").chmod(0)

        def rescan() -> tuple[int, int, list[str], list[str]]:
            with Catalog(shared / "cat" / "catalog.sqlite") as catalog:
                summary = scan([root], catalog, workers=0)
                problems = [f"{p.path}: {p.reason}" for p in summary.problems]
                paths = sorted(a.path for a in catalog.find())
                return summary.removed, summary.probed, problems, paths

        removed, probed, problems, after = scantrees.run_as_nobody(rescan)
    finally:
        (shared / "media" / "locked").chmod(0o755)
        shutil.rmtree(shared, ignore_errors=True)
    assert len(first) == 3
    assert after == first
    assert (removed, probed) == (0, 0)
    assert problems == [f"{root / 'locked'}: cannot list folder: permission denied"]
