"""`watch` keeps the catalog current from real file changes under a watched root: by
inotify events, by reconcile alone, and without touching anything when a root vanishes."""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model.watch import WatchEvent, WatchEventKind
from mediaopt.engine.scan import scan
from mediaopt.engine.scan.mounts import events_unreliable, mount_of, mounts
from mediaopt.engine.scan.watch import Watch
from mediaopt.fixtures import scantrees


@pytest.fixture
def tree(cached_media, tmp_path) -> tuple[Path, dict[str, Path]]:
    sources = scantrees.source_media(cached_media)
    root = tmp_path / "media"
    scantrees.copy(sources["mov"], root / "clips" / "A001C001.mov")
    for frame in range(1001, 1004):
        scantrees.copy(sources["exr"], root / "plates" / f"plate.{frame}.exr")
    scantrees.copy(sources["png"], root / "stills" / "board.png")
    return root, sources


class Running:
    """A Watch in a thread, with the events it emitted."""

    def __init__(self, root: Path, catalog_path: Path, **options):
        self.events: list[WatchEvent] = []
        self.catalog = Catalog(catalog_path)
        options.setdefault("workers", 0)
        self.watch = Watch([str(root)], self.catalog, self.events.append, **options)
        self.thread = threading.Thread(target=self.watch.run, daemon=True)

    def __enter__(self) -> Running:
        self.thread.start()
        self.wait(self.watch.ready.is_set, "the first reconcile")
        return self

    def __exit__(self, *exc: object) -> None:
        self.watch.stop()
        self.thread.join(20)
        self.catalog.close()

    def wait(self, condition: Callable[[], object], what: str, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise AssertionError(f"timed out waiting for {what}; events: {self.events}")
            time.sleep(0.05)

    def kinds(self, path: str) -> list[WatchEventKind]:
        return [e.kind for e in self.events if e.path == path]


def _cataloged(catalog_path: Path) -> dict[str, tuple[int, float]]:
    with Catalog(catalog_path) as catalog:
        return {a.path: (a.bytes, a.mtime) for a in catalog.find()}


def test_files_added_changed_and_removed_reach_catalog_and_events(tree, tmp_path, catalog_location):
    root, sources = tree
    db = catalog_location  # an SQLite file, then a PostgreSQL catalog
    with Running(root, db) as w:
        assert w.watch._watched  # inotify, not the reconcile fallback
        new = root / "clips" / "A001C002.mov"
        scantrees.copy(sources["mov"], new)
        w.wait(lambda: WatchEventKind.ASSET_ADDED in w.kinds(str(new)), "added")
        added = next(e for e in w.events if e.path == str(new))
        assert added.asset is not None and added.asset.kind == "video"
        assert str(new) in _cataloged(db)

        still = root / "stills" / "board.png"
        scantrees.copy(sources["jpg"], still)  # other content, same name
        w.wait(lambda: WatchEventKind.ASSET_CHANGED in w.kinds(str(still)), "changed")
        assert _cataloged(db)[str(still)][0] == still.stat().st_size

        frame = root / "plates" / "plate.1004.exr"
        scantrees.copy(sources["exr"], frame)
        pattern = str(root / "plates" / "plate.####.exr")
        w.wait(lambda: WatchEventKind.ASSET_CHANGED in w.kinds(pattern), "a frame added")
        with Catalog(db) as catalog:
            sequence = catalog.record(pattern).sequence
        assert (sequence.first_frame, sequence.last_frame) == (1001, 1004)

        extra = scantrees.copy(sources["png"], root / "stills" / "extra.png")
        w.wait(lambda: WatchEventKind.ASSET_ADDED in w.kinds(str(extra)), "a file added")
        extra.unlink()  # a name that cannot be a frame: looked up alone, not the folder
        w.wait(lambda: WatchEventKind.ASSET_REMOVED in w.kinds(str(extra)), "a file removed")

        outside = scantrees.copy(sources["png"], tmp_path / "elsewhere" / "moved.png")
        os.utime(outside, (time.time() - 60, time.time() - 60))
        moved = root / "stills" / "moved.png"
        os.rename(outside, moved)  # from outside the root: no close event, a "create"
        w.wait(lambda: WatchEventKind.ASSET_ADDED in w.kinds(str(moved)), "moved in")

        (root / "clips" / "A001C001.mov").unlink()
        gone = str(root / "clips" / "A001C001.mov")
        w.wait(lambda: WatchEventKind.ASSET_REMOVED in w.kinds(gone), "removed")
        assert gone not in _cataloged(db)

        shutil.rmtree(root / "stills")
        w.wait(lambda: WatchEventKind.ASSET_REMOVED in w.kinds(str(still)), "folder removed")
    assert set(_cataloged(db)) == {str(new), pattern}  # moved.png went with stills/


def test_reconcile_alone_finds_changes_with_events_off(tree, tmp_path, catalog_location):
    root, sources = tree
    db = catalog_location  # an SQLite file, then a PostgreSQL catalog
    with Running(root, db, events=False, reconcile_seconds=0.5) as w:
        assert not w.watch._watched
        assert WatchEventKind.RECONCILE_ONLY in w.kinds(str(root))
        new = root / "stills" / "new.png"
        scantrees.copy(sources["png"], new)
        (root / "clips" / "A001C001.mov").unlink()
        w.wait(lambda: WatchEventKind.ASSET_ADDED in w.kinds(str(new)), "reconcile: added")
        removed = str(root / "clips" / "A001C001.mov")
        w.wait(lambda: WatchEventKind.ASSET_REMOVED in w.kinds(removed), "reconcile: removed")
    cataloged = _cataloged(db)
    assert str(new) in cataloged and removed not in cataloged


def test_a_vanished_root_changes_nothing_and_is_reconciled_when_back(tree, tmp_path):
    root, sources = tree
    db = tmp_path / "catalog.sqlite"
    with Catalog(db) as catalog:
        scan([root], catalog, workers=0)
    before = _cataloged(db)
    away = tmp_path / "unmounted"
    with Running(root, db, reconcile_seconds=0.5) as w:
        os.rename(root, away)
        w.wait(lambda: WatchEventKind.ROOT_OFFLINE in w.kinds(str(root)), "root offline")
        time.sleep(1.5)  # reconciles come and go: nothing may be removed
        assert _cataloged(db) == before
        assert not [e for e in w.events if e.kind == WatchEventKind.ASSET_REMOVED]

        root.mkdir()  # an empty mount point: still offline, still nothing removed
        time.sleep(2.5)
        assert _cataloged(db) == before

        root.rmdir()
        os.rename(away, root)
        scantrees.copy(sources["png"], root / "stills" / "while_away.png")
        w.wait(lambda: WatchEventKind.ROOT_ONLINE in w.kinds(str(root)), "root back")
        new = str(root / "stills" / "while_away.png")
        w.wait(lambda: WatchEventKind.ASSET_ADDED in w.kinds(new), "reconciled once back")
    assert set(_cataloged(db)) == set(before) | {new}


def test_exhausted_inotify_watches_fall_back_to_reconcile_with_a_message(tree, tmp_path):
    root, sources = tree

    class NoWatchesLeft:
        """An observer whose kernel has no inotify watches left: what schedule() raises
        then (the limit is per user; lowering it here would starve other processes)."""

        def schedule(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def start(self): ...
        def stop(self): ...
        def join(self, timeout=None): ...

    db = tmp_path / "catalog.sqlite"
    with Running(root, db, reconcile_seconds=0.5, observer_factory=NoWatchesLeft) as w:
        notice = next(e for e in w.events if e.kind == WatchEventKind.RECONCILE_ONLY)
        assert "max_user_watches" in notice.detail
        new = root / "stills" / "late.png"
        scantrees.copy(sources["png"], new)
        w.wait(lambda: WatchEventKind.ASSET_ADDED in w.kinds(str(new)), "reconcile found it")


def test_network_file_systems_are_reconciled_not_trusted(tmp_path):
    table = mounts()
    assert mount_of(str(tmp_path), table) is not None
    for fstype in ("nfs4", "cifs", "fuse.sshfs", "smb3", "ceph"):
        assert events_unreliable(fstype)
    assert not events_unreliable("ext4") and not events_unreliable("xfs")
    info = tmp_path / "mountinfo"
    info.write_text(
        "36 25 0:32 / /mnt/show\\040one rw,relatime shared:1 - nfs4 fs:/export rw\n"
        "37 25 8:1 / / rw - ext4 /dev/sda1 rw\n"
    )
    from mediaopt.engine.scan.mounts import mounts as read

    table = read(str(info))
    assert mount_of("/mnt/show one/plates", table).fstype == "nfs4"


def test_new_files_of_one_batch_are_probed_together_by_the_worker(tree, tmp_path):
    root, sources = tree
    db = tmp_path / "catalog.sqlite"
    names = ["alpha", "bravo", "charlie", "delta", "echo"]
    with Running(root, db, workers=1) as w:
        made = [scantrees.copy(sources["png"], root / "stills" / f"{n}.png") for n in names]
        for path in made:
            w.wait(lambda p=path: WatchEventKind.ASSET_ADDED in w.kinds(str(p)), str(path))
    with Catalog(db) as catalog:
        for path in made:
            asset = catalog.record(str(path))
            assert asset.kind == "image" and asset.video.width == 64


def test_a_busy_catalog_delays_the_batch_and_loses_nothing(tree, tmp_path):
    import sqlite3

    root, sources = tree
    db = tmp_path / "catalog.sqlite"
    with Running(root, db) as w:
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another scanner holds the catalog
        new = scantrees.copy(sources["png"], root / "stills" / "during_lock.png")
        time.sleep(2.0)
        assert WatchEventKind.ASSET_ADDED not in w.kinds(str(new))
        other.execute("COMMIT")
        other.close()
        w.wait(lambda: WatchEventKind.ASSET_ADDED in w.kinds(str(new)), "added after the lock")
    assert str(new) in _cataloged(db)


def test_lost_events_are_a_message_and_a_reconcile_now(tree, tmp_path):
    from watchdog.events import EventsLostEvent

    from mediaopt.engine.scan.watch import _Handler

    root, _ = tree
    db = tmp_path / "catalog.sqlite"
    board = root / "stills" / "board.png"
    with Running(root, db) as w:  # reconcile every 300 s: only the overflow can find it
        stamp = board.stat().st_mtime + 100
        os.utime(board, (stamp, stamp))  # a change no event the watch listens to reports
        time.sleep(1.5)
        assert WatchEventKind.ASSET_CHANGED not in w.kinds(str(board))
        # What watchdog's inotify emitter dispatches when the kernel queue overflowed.
        _Handler(w.watch, str(root)).dispatch(EventsLostEvent(str(root), is_directory=True))
        w.wait(lambda: WatchEventKind.ASSET_CHANGED in w.kinds(str(board)), "reconciled")
        lost = [e for e in w.events if e.kind == WatchEventKind.RECONCILE_ONLY]
        assert lost and "overflow" in lost[0].detail
    assert _cataloged(db)[str(board)][1] == stamp
