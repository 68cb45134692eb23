"""`benchmarks/scan.py --executor`: scan rate of the mixed corpus on 1, 2 and 4 local Dask
worker processes (`scan --executor`), each into a fresh catalog, median of --repeat.

The cluster is started before the clock starts (a facility's scheduler and workers run
all the time); what is timed is the scan call: shares handed out, walked, probed and
written by the workers, and the unseen assets forgotten at the end. On one machine the
workers share its cores and disk, so this measures the overhead of the distribution as
much as its gain; across storage servers each worker reads its own disks.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def executor_rates(root: str, counts: list[int], repeat: int) -> list[tuple[int, float, int]]:
    """(workers, median seconds, assets) per worker count."""
    from dask.distributed import Client, LocalCluster

    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.scan import scan

    results = []
    for count in counts:
        with (
            LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
            tempfile.TemporaryDirectory(prefix="mediaopt-bench-dask-") as tmp,
        ):
            client.wait_for_workers(count)
            address = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
            times, assets = [], 0
            for attempt in range(repeat + 1):  # the first run warms the workers' imports
                with Catalog(Path(tmp) / f"c{attempt}.sqlite") as catalog:
                    started = time.monotonic()
                    summary = scan([root], catalog, executor=address)
                    if attempt:
                        times.append(time.monotonic() - started)
                    assets = summary.assets
                    files = summary.files_seen
            results.append((count, statistics.median(times), assets, files))
            print(
                f"{count} worker(s): {statistics.median(times):.2f} s, "
                f"{files / statistics.median(times):,.0f} files/s",
                file=sys.stderr,
                flush=True,
            )
    return results


def table(results, cores: int) -> str:
    lines = [f"Scan on local Dask workers ({cores} cores), mixed corpus", ""]
    lines.append(" workers | seconds | assets | files/s")
    for count, seconds, assets, files in results:
        lines.append(f" {count:7d} | {seconds:7.2f} | {assets:6d} | {files / seconds:7,.0f}")
    return "\n".join(lines)


def run(root: str, repeat: int) -> str:
    return table(executor_rates(root, [1, 2, 4], repeat), os.cpu_count() or 0)
