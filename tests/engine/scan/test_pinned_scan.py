"""Each root scanned by the Dask workers near its storage: roots pinned to workers through
Dask resources (`--root-resource ROOT=RESOURCE`), on a local cluster of three named worker
processes: `storage-a` and `storage-b` each offering its storage's resource, and `spare`
offering none (it must never touch a pinned root)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import msgspec
import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.scan import scan
from mediaopt.engine.scan.errors import ScanError
from mediaopt.engine.scan.placement import EVENT_TOPIC, parse_root_resources
from mediaopt.fixtures import scantrees

WORKERS = {"storage-a": {"storage-a": 1}, "storage-b": {"storage-b": 1}, "spare": {}}


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import Client, Nanny, Scheduler, SpecCluster

    scheduler = {"cls": Scheduler, "options": {"host": "127.0.0.1", "dashboard_address": None}}
    workers = {
        name: {"cls": Nanny, "options": {"nthreads": 1, "resources": res, "host": "127.0.0.1"}}
        for name, res in WORKERS.items()
    }
    with (
        SpecCluster(scheduler=scheduler, workers=workers) as running,
        Client(running) as client,
    ):
        client.wait_for_workers(len(WORKERS), timeout=120)
        yield running, client


@pytest.fixture(scope="module")
def roots(cached_media, tmp_path_factory) -> tuple[Path, Path]:
    """Two storage servers' roots, each with its own files and several shot folders (one
    share each), one unreadable clip among them."""
    sources = scantrees.source_media(cached_media)
    base = tmp_path_factory.mktemp("pinned")
    made = []
    for server in ("a", "b"):
        root = base / f"server-{server}" / "show"
        scantrees.copy(sources["png"], root / "poster.png")
        for shot in range(4):
            folder = root / f"sh{shot:03d}"
            for take in range(2):
                scantrees.copy(sources["mov"], folder / "camera" / f"A00{shot}C00{take}.mov")
            for frame in range(1001, 1005):
                scantrees.copy(sources["exr"], folder / "plates" / f"plate.{frame}.exr")
        made.append(root)
    scantrees.cut(sources["mov"], made[1] / "sh000" / "camera" / "truncated.mov", 0.4)
    return made[0], made[1]


def _records(path: Path) -> dict[str, dict]:
    with Catalog(path) as catalog:
        return {a.path: msgspec.to_builtins(a) for a in catalog.find()}


@pytest.fixture(scope="module")
def single_machine(roots, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("single") / "catalog.sqlite"
    with Catalog(db) as catalog:
        summary = scan(list(roots), catalog, workers=0)
    assert summary.assets == 2 * (1 + 4 * 3) + 1  # and the truncated clip
    return db


def _address(cluster) -> str:
    return "dask://" + cluster[0].scheduler_address.removeprefix("tcp://")


def _shares_since(client, started: float) -> list[dict]:
    """Where each share of scans begun after `started` ran, as the workers recorded it."""
    return [msg for at, msg in client.get_events(EVENT_TOPIC) if at >= started]


def _pins(roots) -> dict[str, str]:
    return {str(roots[0]): "storage-a", str(roots[1]): "storage-b"}


def _pinned_scan(cluster, roots, catalog):
    return scan(list(roots), catalog, executor=_address(cluster), root_resources=_pins(roots))


def _under(folder: str, root: Path) -> bool:
    return folder == str(root) or folder.startswith(f"{root}/")


def test_each_root_is_scanned_on_the_worker_near_its_storage(
    cluster, roots, single_machine, tmp_path
):
    _, client = cluster
    started = time.time()
    db = tmp_path / "catalog.sqlite"
    with Catalog(db) as catalog:
        summary = scan(
            list(roots), catalog, executor=_address(cluster), root_resources=_pins(roots)
        )
    assert _records(db) == _records(single_machine)
    assert [p.path for p in summary.problems] == [str(roots[1] / "sh000/camera/truncated.mov")]
    shares = _shares_since(client, started)
    # Each root is its own share plus one per shot folder: 5 each, all recorded.
    for root, worker in zip(roots, ("storage-a", "storage-b"), strict=True):
        where = [s for s in shares if _under(s["folder"], root)]
        assert len(where) == 5
        assert {s["name"] for s in where} == {worker}
        assert all(s["resources"] == {worker: 1} for s in where)


def test_a_pinned_worker_killed_mid_scan_is_replaced_and_its_share_retried_there(
    cluster, roots, single_machine, tmp_path
):
    """The nanny starts the killed worker again with the same name and resource; Dask
    places its unfinished share on it, and on no other worker."""
    _, client = cluster
    client.wait_for_workers(len(WORKERS), timeout=120)
    by_name = {w["name"]: a for a, w in client.scheduler_info(n_workers=-1)["workers"].items()}
    target = by_name["storage-b"]
    killed: list[int] = []

    def kill_storage_b_while_it_scans() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            keys = client.processing().get(target, ())
            if any("scan_share" in str(k) for k in keys):
                pid = client.run(os.getpid, workers=[target])[target]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.005)

    started = time.time()
    killer = threading.Thread(target=kill_storage_b_while_it_scans)
    db = tmp_path / "catalog.sqlite"
    with Catalog(db) as catalog:
        killer.start()
        summary = scan(
            list(roots), catalog, executor=_address(cluster), root_resources=_pins(roots)
        )
        killer.join()
    assert killed, "storage-b was never seen scanning a share"
    assert _records(db) == _records(single_machine)
    assert [p.path for p in summary.problems] == [str(roots[1] / "sh000/camera/truncated.mov")]
    b_shares = [s for s in _shares_since(client, started) if _under(s["folder"], roots[1])]
    assert {s["name"] for s in b_shares} == {"storage-b"}
    assert {s["folder"] for s in b_shares} >= {str(roots[1])} | {
        str(roots[1] / f"sh{n:03d}") for n in range(4)
    }
    assert any(s["pid"] != killed[0] for s in b_shares)  # the replacement did its share


def test_a_root_whose_storage_has_no_worker_is_named_and_kept(
    cluster, roots, single_machine, tmp_path
):
    """No worker offers `storage-z`: after the wait the root is reported by name, nothing
    cataloged under it is forgotten, and the other root is scanned as usual."""
    db = tmp_path / "catalog.sqlite"
    shutil.copy(single_machine, db)
    before = _records(db)
    pins = {str(roots[0]): "storage-a", str(roots[1]): "storage-z"}
    begun = time.monotonic()
    with Catalog(db) as catalog:
        summary = scan(
            list(roots), catalog, executor=_address(cluster), root_resources=pins, pin_wait=2
        )
    assert time.monotonic() - begun < 60
    [problem] = summary.problems
    assert problem.path == str(roots[1])
    assert "storage-z" in problem.reason and "kept" in problem.reason
    assert summary.removed == 0
    assert _records(db) == before
    assert summary.assets == len([p for p in before if p.startswith(f"{roots[0]}/")])


def test_pins_are_checked_before_anything_is_scanned(cluster, roots, catalog, capsys):
    with pytest.raises(ScanError, match="not a root of this scan"):
        scan([roots[0]], catalog, executor=_address(cluster), root_resources=_pins(roots))
    with pytest.raises(ScanError, match="ROOT=RESOURCE"):
        parse_root_resources(["storage-a"])
    assert parse_root_resources(["/mnt/a=b=storage-a"]) == {"/mnt/a=b": "storage-a"}
    with pytest.raises(ScanError, match="local:N workers offer no resources"):
        scan([roots[0]], catalog, executor="local:1", root_resources={str(roots[0]): "a"})
    with pytest.raises(ScanError, match="only on a Dask executor"):
        scan([roots[0]], catalog, workers=0, root_resources={str(roots[0]): "storage-a"})
    args = ["scan", str(roots[0]), "--catalog", str(catalog.path), "--root-resource", "x"]
    status = main([*args, "--executor", _address(cluster)])
    assert status == 2
    assert "ROOT=RESOURCE" in capsys.readouterr().err
    assert catalog.count() == 0


class _Node:
    """A `dask scheduler` or `dask worker` started as the README's multi-node setup does,
    in its own process group: killing the group is a storage server going down (the
    nanny with its worker)."""

    def __init__(self, log: Path, *args: str):
        dask = str(Path(sys.executable).parent / "dask")
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [dask, *args, "--no-dashboard"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self.log.close()


@pytest.fixture
def servers(tmp_path):
    """A scheduler and one worker per storage server, as separate `dask` commands."""
    from dask.distributed import Client

    port = _free_port()
    nodes = {
        "scheduler": _Node(
            tmp_path / "scheduler.log", "scheduler", "--host", "127.0.0.1", "--port", str(port)
        )
    }
    address = f"tcp://127.0.0.1:{port}"

    def start_worker(name: str) -> None:
        nodes[name] = _Node(
            tmp_path / f"{name}-{time.monotonic_ns()}.log",
            "worker",
            address,
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--name",
            name,
            "--resources",
            f"{name}=1",
            "--host",
            "127.0.0.1",
        )

    try:
        with Client(address, timeout="60s") as client:
            for name in ("storage-a", "storage-b"):
                start_worker(name)
            client.wait_for_workers(2, timeout=120)
            yield address, client, nodes, start_worker
    finally:
        for node in reversed(list(nodes.values())):
            node.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_storage_server_going_down_mid_scan_is_named_and_nothing_under_it_is_lost(
    servers, roots, single_machine, tmp_path
):
    """storage-b's worker and its nanny die mid-share and nothing replaces them: once the
    pin wait is over the scan names root B and its resource, forgets nothing under it,
    and finishes root A. A worker started again for storage-b then scans B as usual."""
    address, client, nodes, start_worker = servers
    by_name = {w["name"]: a for a, w in client.scheduler_info(n_workers=-1)["workers"].items()}
    target = by_name["storage-b"]
    killed: list[str] = []

    def take_storage_b_down_while_it_scans() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            if any("scan_share" in str(k) for k in client.processing().get(target, ())):
                nodes["storage-b"].kill()
                killed.append(target)
            time.sleep(0.005)

    db = tmp_path / "catalog.sqlite"
    shutil.copy(single_machine, db)
    executor = "dask://" + address.removeprefix("tcp://")
    killer = threading.Thread(target=take_storage_b_down_while_it_scans)
    with Catalog(db) as catalog:
        killer.start()
        summary = scan(
            list(roots), catalog, executor=executor, root_resources=_pins(roots), pin_wait=3
        )
        killer.join()
    assert killed, "storage-b was never seen scanning a share"
    problems = {p.path: p.reason for p in summary.problems}
    assert "storage-b" in problems.pop(str(roots[1]))
    assert set(problems) <= {str(roots[1] / "sh000/camera/truncated.mov")}
    assert summary.removed == 0
    assert _records(db) == _records(single_machine)  # nothing under B forgotten

    start_worker("storage-b")  # the server is back
    client.wait_for_workers(2, timeout=120)
    started = time.time()
    with Catalog(db) as catalog:
        again = scan(list(roots), catalog, executor=executor, root_resources=_pins(roots))
    assert [p.path for p in again.problems] == [str(roots[1] / "sh000/camera/truncated.mov")]
    assert _records(db) == _records(single_machine)
    b_shares = [s for s in _shares_since(client, started) if _under(s["folder"], roots[1])]
    assert len(b_shares) == 5 and {s["name"] for s in b_shares} == {"storage-b"}


def test_the_command_line_pins_roots_from_a_file(cluster, roots, single_machine, tmp_path, capsys):
    _, client = cluster
    pins = tmp_path / "storage.toml"
    pins.write_text(f'"{roots[0]}" = "storage-a"\n"{roots[1]}" = "storage-b"\n')
    db = tmp_path / "catalog.sqlite"
    started = time.time()
    args = ["scan", *map(str, roots), "--catalog", str(db), "--json"]
    status = main([*args, "--executor", _address(cluster), "--root-resources", str(pins)])
    assert status == 1  # the truncated clip
    printed = msgspec.json.decode(capsys.readouterr().out)
    assert printed["assets"] == 2 * (1 + 4 * 3) + 1
    assert _records(db) == _records(single_machine)
    for root, worker in zip(roots, ("storage-a", "storage-b"), strict=True):
        where = [s for s in _shares_since(client, started) if _under(s["folder"], root)]
        assert len(where) == 5 and {s["name"] for s in where} == {worker}


def test_a_bad_root_resources_file_is_named(tmp_path, catalog, capsys):
    bad = tmp_path / "storage.toml"
    bad.write_text('"/mnt/showA" = 3\n')
    status = main(
        [
            "scan",
            "/mnt/showA",
            "--catalog",
            str(catalog.path),
            "--executor",
            "local:1",
            "--root-resources",
            str(bad),
        ]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "/mnt/showA" in err and "RESOURCE" in err
    bad.write_text("not toml [\n")
    status = main(
        [
            "scan",
            "/mnt/showA",
            "--catalog",
            str(catalog.path),
            "--executor",
            "local:1",
            "--root-resources",
            str(bad),
        ]
    )
    assert status == 2 and str(bad) in capsys.readouterr().err
