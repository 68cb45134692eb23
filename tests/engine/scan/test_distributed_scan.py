"""A scan on Dask distributed workers (2 local worker processes) catalogs exactly what a
single-machine scan does, and a worker killed mid-scan loses nothing."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import msgspec
import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.scan import scan
from mediaopt.engine.scan.errors import ScanError
from mediaopt.fixtures import scantrees


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as running,
        Client(running) as client,
    ):
        yield running, client


@pytest.fixture(scope="module")
def tree(cached_media, tmp_path_factory) -> Path:
    sources = scantrees.source_media(cached_media)
    root = tmp_path_factory.mktemp("distributed") / "show"
    scantrees.copy(sources["png"], root / "poster.png")  # the root's own files: a share
    for shot in range(8):
        folder = root / f"sh{shot:03d}"
        for take in range(3):
            scantrees.copy(sources["mov"], folder / "camera" / f"A00{shot}C00{take}.mov")
        for frame in range(1001, 1006):
            scantrees.copy(sources["exr"], folder / "plates" / f"plate.{frame}.exr")
        scantrees.copy(sources["jpg"], folder / "ref.jpg")
    scantrees.cut(sources["mov"], root / "sh000" / "camera" / "truncated.mov", 0.4)
    return root


def _records(path: Path) -> dict[str, dict]:
    with Catalog(path) as catalog:
        return {a.path: msgspec.to_builtins(a) for a in catalog.find()}


@pytest.fixture(scope="module")
def single_machine(tree, tmp_path_factory) -> dict[str, dict]:
    db = tmp_path_factory.mktemp("local") / "catalog.sqlite"
    with Catalog(db) as catalog:
        scan([tree], catalog, workers=0)
    return _records(db)


def _address(cluster) -> str:
    return "dask://" + cluster[0].scheduler_address.removeprefix("tcp://")


def test_a_distributed_scan_catalogs_what_one_machine_does(tree, cluster, single_machine, tmp_path):
    db = tmp_path / "catalog.sqlite"
    with Catalog(db) as catalog:
        summary = scan([tree], catalog, executor=_address(cluster))
    assert _records(db) == single_machine
    assert summary.assets == len(single_machine) == 1 + 8 * 5 + 1
    assert [p.path for p in summary.problems] == [str(tree / "sh000/camera/truncated.mov")]
    with Catalog(db) as catalog:  # scanned again: nothing probed, nothing removed
        again = scan([tree], catalog, executor=_address(cluster))
    assert (again.probed, again.removed, again.reused) == (0, 0, again.assets)


def test_a_worker_killed_mid_scan_loses_nothing(tree, cluster, single_machine, tmp_path):
    _, client = cluster
    client.wait_for_workers(2, timeout=60)
    killed: list[str] = []

    def kill_a_busy_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            busy = [w for w, keys in client.processing().items() if keys]
            if busy and any("scan_share" in str(k) for k in client.processing()[busy[0]]):
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(busy[0])
            time.sleep(0.005)

    killer = threading.Thread(target=kill_a_busy_worker)
    db = tmp_path / "catalog.sqlite"
    with Catalog(db) as catalog:
        killer.start()
        summary = scan([tree], catalog, executor=_address(cluster))
        killer.join()
    assert killed, "no worker was busy with a share to kill"
    assert _records(db) == single_machine
    assert summary.assets == len(single_machine)


def test_an_unknown_executor_is_a_usage_error(tree, catalog):
    with pytest.raises(ScanError, match="unknown executor"):
        scan([tree], catalog, executor="spark://x")
    with pytest.raises(ScanError, match="local:N"):
        scan([tree], catalog, executor="local:many")
