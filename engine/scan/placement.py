"""Where a distributed scan's shares run: each root pinned to the workers near its storage.

A worker on a storage server is started with a Dask resource that names the storage
(`dask worker SCHEDULER --resources "storage-a=2"`), and the scan asks for that resource
for every share under the root (`--root-resource /mnt/showA=storage-a`). Dask places
the shares: only workers offering the resource take them, the resource's amount is how
many shares of that storage one worker scans at once, and a share whose worker died is
retried on whichever worker offers the resource next (the restarted worker, or another
on the same server). Nothing here schedules; it only says what to ask Dask for.

Resources rather than worker names or addresses: Dask turns a connected worker's name
into its address when the task is submitted, so a worker that dies and comes back under
the same name (a nanny or systemd restart) has a new address and never gets the share
back; a resource is matched again on every placement.

A pinned root whose storage has no worker for `wait` seconds is given up: its shares are
cancelled, the scan says which root and which resource, nothing cataloged under it is
forgotten, and the other roots finish. Unsure means kept: a root scanned by a worker far
from its storage would read it over the network, or not see it at all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from mediaopt.engine.scan.errors import ScanError

DEFAULT_WAIT = 300.0
"""Seconds a pinned root waits for a worker offering its resource: long enough for a
supervisor (systemd, a Dask nanny) to start a crashed worker again, short enough that a
nightly scan of a server that is down ends with a clear error instead of hanging."""

EVENT_TOPIC = "mediaopt-scan"
"""Dask event topic under which each worker records the shares it scanned
(`client.get_events("mediaopt-scan")`): which folder, on which worker."""


def parse_root_resources(pairs: Iterable[str]) -> dict[str, str]:
    """`ROOT=RESOURCE` pairs (as `--root-resource` takes them) to {absolute root: resource}."""
    pins: dict[str, str] = {}
    for pair in pairs:
        root, sep, resource = pair.rpartition("=")
        if not sep or not root or not resource.strip():
            raise ScanError(f"bad --root-resource {pair!r}: give ROOT=RESOURCE")
        pins[os.path.abspath(root)] = resource.strip()
    return pins


def load_root_resources(path: str | os.PathLike[str]) -> dict[str, str]:
    """A TOML file of `"ROOT" = "RESOURCE"` lines (a facility's roots and the storage
    each lives on, kept beside the cron job) to {absolute root: resource}."""
    import tomllib

    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScanError(f"{path}: cannot read root resources: {exc}") from exc
    for root, resource in table.items():
        if not isinstance(resource, str) or not resource.strip():
            raise ScanError(
                f'{path}: {root}: give "ROOT" = "RESOURCE" (a resource name), not {resource!r}'
            )
    return {os.path.abspath(root): resource.strip() for root, resource in table.items()}


def check_pins(pins: Mapping[str, str], roots: list[str]) -> dict[str, str]:
    """The pins keyed by absolute root; a pin for a root the scan was not given is a
    usage error (a typo would otherwise leave the root it meant unpinned)."""
    pinned = {os.path.abspath(r): resource for r, resource in pins.items()}
    stray = sorted(set(pinned) - set(roots))
    if stray:
        raise ScanError(
            f"{', '.join(stray)}: pinned to a worker resource but not a root of this scan "
            f"(roots: {', '.join(roots)})"
        )
    return pinned


class Placement:
    """The Dask placement of each root's shares, and the watch over pinned roots whose
    storage has no worker."""

    def __init__(self, client, pins: Mapping[str, str], wait: float = DEFAULT_WAIT):
        if wait <= 0:
            raise ScanError(f"bad pin wait {wait}: give a number of seconds above 0")
        self._client = client
        self._pins = dict(pins)
        self._wait = wait
        self._missing_since: dict[str, float] = {}
        self._looked = 0.0

    @property
    def poll(self) -> float | None:
        """How often to look for pinned roots without a worker (None: nothing pinned)."""
        return min(1.0, self._wait / 4) if self._pins else None

    def submit_options(self, root: str) -> dict:
        """What Dask's `submit` is asked for a share under `root`."""
        resource = self._pins.get(root)
        return {"resources": {resource: 1}} if resource else {}

    def stranded(self, waiting: Iterable[str]) -> dict[str, str]:
        """Of the pinned roots with shares still `waiting`, those whose resource no worker
        has offered for the whole wait: {root: reason}."""
        pinned = {root for root in waiting if root in self._pins}
        now = time.monotonic()
        if not pinned or now - self._looked < (self.poll or 0):
            return {}  # one question to the scheduler a poll, however many shares finish
        self._looked = now
        offered = self._offered()
        given_up: dict[str, str] = {}
        for root in sorted(pinned):
            resource = self._pins[root]
            if resource in offered:
                self._missing_since.pop(root, None)
                continue
            since = self._missing_since.setdefault(root, now)
            if now - since >= self._wait:
                given_up[root] = (
                    f"pinned to Dask resource {resource!r}, which no worker offered for "
                    f"{self._wait:g} s; not scanned, its catalog entries are kept "
                    f'(start a worker with --resources "{resource}=1" near it)'
                )
        return given_up

    def _offered(self) -> set[str]:
        """Resources that some connected worker offers now."""
        workers = self._client.scheduler_info(n_workers=-1).get("workers", {})
        return {
            name
            for info in workers.values()
            for name, amount in (info.get("resources") or {}).items()
            if amount >= 1
        }


def record_share(scan_id: int, folder: str) -> None:
    """On a worker: log that this worker scanned `folder` (a Dask event; no-op outside
    Dask). Operators and tests read where each share ran from it."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return
    worker.log_event(
        EVENT_TOPIC,
        {
            "scan": scan_id,
            "folder": folder,
            "name": str(worker.name),  # Dask sets "worker" to the address
            "address": worker.address,
            "resources": dict(worker.state.total_resources),
            "pid": os.getpid(),
        },
    )
