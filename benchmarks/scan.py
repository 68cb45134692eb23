"""Scan speed, bytes read per probe and memory, on a mixed corpus and a 100,000-file rescan.

    uv run python benchmarks/scan.py [--quick] [--json] [--corpus DIR] [--cache DIR]

Builds (once, cached under --cache) a mixed production corpus and a 100,000-file tree
(see corpus.py), then for 1 and 2 probe workers (--quick: 2 only) scans the corpus into a
fresh catalog and rescans the unchanged 100,000-file tree. Every scan runs in its own
Python process so peak RSS is the scan's own, not the corpus builder's, and bytes read are
measured outside the probes, from the kernel's `rchar` counter:

- Probe workers are children of multiprocessing's fork server, and Linux adds a reaped
  child's I/O counters to its parent's /proc/<pid>/io. The scan starts the fork server
  itself (its start-up is part of a real scan's time), so at the end the fork server's
  `rchar` is its own start-up plus every byte the workers read through read(2): media,
  task messages and any imports. The start-up alone is then measured by starting the
  fork server again and running one empty process through it, and subtracted.
- The per-file distribution (median, max) comes from each Asset's own `probed_bytes`; a
  sequence's two probes count as two files of half its probed bytes each.
- Worker peak RSS is RUSAGE_CHILDREN's maxrss once the fork server is stopped and reaped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = Path("/tmp/mediaopt-bench")
KIB, MIB = 1024, 1024 * 1024

TARGETS = {
    "probed_files_per_s": 300,
    "read_median": 256 * KIB,
    "read_max": 2 * MIB,
    "probes_per_sequence": 2,
    "rescan_files_per_s": 20_000,
    "rss": 500 * 1000 * 1000,
}


class ScanRun(msgspec.Struct, kw_only=True):
    """One scan, measured in its own process."""

    workers: int
    seconds: float
    """Wall time of the scan call, pool start-up included."""
    files_seen: int
    assets: int
    sequences: int
    probed: int
    reused: int
    logical_bytes: int
    problems: int
    worker_rchar: int | None
    """Bytes all probe workers read through read(2), from the fork server's counters
    (the fork server's own start-up subtracted)."""
    main_rchar: int
    """Bytes the scanning process itself read (walk, catalog) during the scan."""
    read_median: float | None = None
    read_p95: float | None = None
    read_max: float | None = None
    read_max_file: str | None = None
    probed_bytes_total: int | None = None
    probes_per_sequence_max: int | None = None
    probes_per_sequence_mean: float | None = None
    main_peak_rss: int
    worker_peak_rss: int | None
    load_before: float
    load_after: float

    probed_files_per_s: float = 0.0
    files_per_s: float = 0.0
    """Files stat'ed per second (frames of a sequence included)."""
    tb_per_hour: float = 0.0
    """Logical bytes (sparse files at full size) cataloged per hour, in TB."""
    rchar_per_probe: float | None = None

    def __post_init__(self) -> None:
        self.probed_files_per_s = round(self.probed / self.seconds, 1)
        self.files_per_s = round(self.files_seen / self.seconds, 1)
        self.tb_per_hour = round(self.logical_bytes / self.seconds * 3600 / 1e12, 1)
        if self.worker_rchar is not None and self.probed:
            self.rchar_per_probe = round(self.worker_rchar / self.probed, 1)


class Report(msgspec.Struct, kw_only=True):
    corpus: dict
    rescan_tree: dict
    rescan_first_scan: ScanRun
    scans: list[ScanRun]
    rescans: list[ScanRun]
    repeat: int
    """Runs per figure; each figure is from the run of median wall time."""
    cores: int
    targets: dict[str, float]


# -- one scan, in a process of its own ------------------------------------------------------


def _rchar(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/io", "rb") as f:
        for line in f:
            if line.startswith(b"rchar:"):
                return int(line.split()[1])
    raise RuntimeError(f"no rchar in /proc/{pid}/io")


def _peak_rss_self() -> int:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def measure_one(root: str, catalog_path: str, workers: int, details: bool) -> ScanRun:
    import resource

    from mediaopt.engine.api import scan
    from mediaopt.engine.catalog import Catalog

    load_before = os.getloadavg()[0]
    with Catalog(catalog_path) as catalog:
        main_before = _rchar()
        started = time.perf_counter()
        summary = scan([root], catalog, workers=workers)
        seconds = time.perf_counter() - started
        main_rchar = _rchar() - main_before
        main_peak = _peak_rss_self()
        load_after = os.getloadavg()[0]
        server_rchar = _stop_fork_server()
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        worker_rchar = None
        if server_rchar is not None:
            worker_rchar = server_rchar - (_fork_server_start_up_rchar() or 0)
        run = ScanRun(
            workers=workers,
            seconds=round(seconds, 3),
            files_seen=summary.files_seen,
            assets=summary.assets,
            sequences=summary.sequences,
            probed=summary.probed,
            reused=summary.reused,
            logical_bytes=summary.bytes,
            problems=len(summary.problems),
            worker_rchar=worker_rchar,
            main_rchar=main_rchar,
            main_peak_rss=main_peak,
            worker_peak_rss=worker_peak if workers > 0 else None,
            load_before=load_before,
            load_after=load_after,
        )
        if details:
            _probe_distribution(catalog, run)
    return run


def _stop_fork_server() -> int | None:
    """The fork server's rchar (its reaped workers' included), then stop and reap it so
    RUSAGE_CHILDREN holds its and the workers' peak RSS."""
    import multiprocessing.forkserver as forkserver

    server = forkserver._forkserver._forkserver_pid  # noqa: SLF001 - no public accessor
    if server is None:
        return None
    total = _rchar(server)
    forkserver._forkserver._stop()  # noqa: SLF001
    return total


def _fork_server_start_up_rchar() -> int | None:
    import multiprocessing

    # Same preload list as the scan left set; the empty process makes sure the preload
    # has finished before the counter is read.
    process = multiprocessing.get_context("forkserver").Process(target=os.getpid)
    process.start()
    process.join()
    return _stop_fork_server()


def _probe_distribution(catalog, run: ScanRun) -> None:
    per_file: list[tuple[float, str]] = []
    sequence_probes: list[int] = []
    total = 0
    for asset in catalog.find():
        if not asset.probe_count or asset.probed_bytes is None:
            continue
        total += asset.probed_bytes
        share = asset.probed_bytes / asset.probe_count
        per_file.extend([(share, asset.path)] * asset.probe_count)
        if asset.sequence is not None:
            sequence_probes.append(asset.probe_count)
    if per_file:
        sizes = sorted(s for s, _ in per_file)
        run.read_median = statistics.median(sizes)
        run.read_p95 = sizes[int(0.95 * (len(sizes) - 1))]
        run.read_max, run.read_max_file = max(per_file)
        run.probed_bytes_total = total
    if sequence_probes:
        run.probes_per_sequence_max = max(sequence_probes)
        run.probes_per_sequence_mean = round(statistics.mean(sequence_probes), 3)


def _median_run(runs: list[ScanRun]) -> ScanRun:
    """The run of median wall time: on a machine shared with others one slow run says
    more about the neighbours than about the scan."""
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


def _run_isolated(root: str, catalog: Path, workers: int, *, details: bool) -> ScanRun:
    command = [sys.executable, str(Path(__file__).resolve()), "_one", root, str(catalog)]
    command += [str(workers), "1" if details else "0"]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE)
    return msgspec.json.decode(done.stdout, type=ScanRun)


# -- the benchmark ------------------------------------------------------------------------


def run(args: argparse.Namespace) -> Report:
    sys.path.insert(0, str(HERE))
    import corpus

    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    mixed = _given_corpus(Path(args.corpus)) if args.corpus else corpus.mixed_corpus(cache)
    tree = corpus.rescan_tree(cache)
    _log(f"corpus {mixed.root}: {mixed.files} files; rescan tree {tree.root}: {tree.files} files")
    # The primed catalog is kept: scanning it again first brings it up to date (a full
    # probe only on the first run or after the engine's identities change).
    primed = cache / f"{corpus.RESCAN_VERSION}.sqlite"
    first = _run_isolated(tree.root, primed, 2, details=False)
    _log(f"priming scan of the rescan tree: {first.seconds:.1f} s, {first.probed} probes")
    worker_counts = [2] if args.quick else [1, 2]
    scans, rescans = [], []
    with tempfile.TemporaryDirectory(prefix="mediaopt-bench-") as tmp:
        for workers in worker_counts:
            runs, reruns = [], []
            for attempt in range(args.repeat):
                fresh = Path(tmp) / f"mixed-{workers}-{attempt}.sqlite"
                runs.append(_run_isolated(mixed.root, fresh, workers, details=True))
                _log(f"mixed corpus, {workers} worker(s): {runs[-1].seconds:.2f} s")
                copy = Path(tmp) / f"rescan-{workers}-{attempt}.sqlite"
                _copy_catalog(primed, copy)
                reruns.append(_run_isolated(tree.root, copy, workers, details=False))
                if reruns[-1].probed:
                    raise SystemExit(f"rescan of the unchanged tree probed {reruns[-1].probed}")
                _log(f"rescan, {workers} worker(s): {reruns[-1].seconds:.2f} s")
            scans.append(_median_run(runs))
            rescans.append(_median_run(reruns))
    return Report(
        corpus=msgspec.to_builtins(mixed),
        rescan_tree=msgspec.to_builtins(tree),
        rescan_first_scan=first,
        scans=scans,
        rescans=rescans,
        repeat=args.repeat,
        cores=os.cpu_count() or 0,
        targets=TARGETS,
    )


def _given_corpus(root: Path):
    import corpus

    found = corpus.load(root)
    if found is not None:
        return found
    files = logical = 0
    for folder, _, names in os.walk(root):
        for name in names:
            files += 1
            logical += os.lstat(os.path.join(folder, name)).st_size
    return corpus.CorpusInfo(root=str(root.resolve()), files=files, logical_bytes=logical)


def _copy_catalog(source: Path, target: Path) -> None:
    from mediaopt.engine.catalog import Catalog

    with Catalog(source) as catalog:
        catalog.copy_to(target)


def _executor_rates(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(HERE))
    import corpus
    import scan_executor

    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    mixed = _given_corpus(Path(args.corpus)) if args.corpus else corpus.mixed_corpus(cache)
    print(scan_executor.run(mixed.root, args.repeat))
    return 0


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- output -------------------------------------------------------------------------------


def _kib(value: float | None) -> str:
    return "-" if value is None else f"{value / KIB:,.1f} KiB"


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 1e6:,.0f} MB"


def _load(run: ScanRun) -> str:
    return f"{run.load_before:.1f}/{run.load_after:.1f}"


def _mean_probed(run: ScanRun) -> float | None:
    if run.probed_bytes_total is None or not run.probed:
        return None
    return run.probed_bytes_total / run.probed


def table(report: Report) -> str:
    scans, rescans = report.scans, report.rescans
    probed_target = f">= {TARGETS['probed_files_per_s']}"
    rescan_target = f">= {TARGETS['rescan_files_per_s']:,}"
    rows: list[tuple[str, list[str], str]] = [
        ("probed files/s", [f"{s.probed_files_per_s:,.0f}" for s in scans], probed_target),
        ("files stat'ed/s", [f"{s.files_per_s:,.0f}" for s in scans], ""),
        ("logical TB/hour", [f"{s.tb_per_hour:,.0f}" for s in scans], ""),
        ("scan wall time", [f"{s.seconds:.2f} s" for s in scans], ""),
        ("probes (files probed)", [str(s.probed) for s in scans], ""),
        ("read/probe, rchar mean", [_kib(s.rchar_per_probe) for s in scans], ""),
        ("read/probe, probed_bytes mean", [_kib(_mean_probed(s)) for s in scans], ""),
        ("read/probe, probed_bytes median", [_kib(s.read_median) for s in scans], "<= 256 KiB"),
        ("read/probe, probed_bytes p95", [_kib(s.read_p95) for s in scans], ""),
        ("read/probe, probed_bytes max", [_kib(s.read_max) for s in scans], "<= 2,048 KiB"),
        ("probes per sequence (max)", [str(s.probes_per_sequence_max) for s in scans], "<= 2"),
        ("peak RSS, main", [_mb(s.main_peak_rss) for s in scans], "< 500 MB"),
        ("peak RSS, worker", [_mb(s.worker_peak_rss) for s in scans], "< 500 MB"),
        ("rescan 100k, files/s", [f"{s.files_per_s:,.0f}" for s in rescans], rescan_target),
        ("rescan wall time", [f"{s.seconds:.2f} s" for s in rescans], ""),
        ("rescan peak RSS, main", [_mb(s.main_peak_rss) for s in rescans], "< 500 MB"),
        ("load 1 min, before/after", [_load(s) for s in scans], ""),
    ]  # fmt: skip
    heads = [f"{s.workers} worker{'s' if s.workers != 1 else ''}" for s in report.scans]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'':{width}}  " + "  ".join(f"{h:>12}" for h in heads) + "  target"]
    for name, values, target in rows:
        lines.append(f"{name:{width}}  " + "  ".join(f"{v:>12}" for v in values) + f"  {target}")
    c = report.corpus
    last = report.scans[-1]
    lines += [
        "",
        f"corpus: {c['files']:,} files, {c['logical_bytes'] / 1e12:.2f} TB logical "
        f"({c.get('sparse_files', 0)} sparse), {last.assets:,} assets, "
        f"{last.sequences} sequences; largest probe read: {Path(last.read_max_file or '-').name}",
        f"rescan tree: {report.rescan_tree['files']:,} files; priming scan "
        f"{report.rescan_first_scan.seconds:.1f} s ({report.rescan_first_scan.probed:,} probes)",
        f"machine: {report.cores} cores; median of {report.repeat} run(s); page cache warm; "
        "rchar includes task messages, not the fork server's start-up",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_one"]:
        root, catalog, workers, details = argv[1:5]
        result = measure_one(root, catalog, int(workers), details == "1")
        sys.stdout.buffer.write(msgspec.json.encode(result))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="2 workers only, one run each")
    p.add_argument("--repeat", type=int, default=3, help="runs per figure; the median run is shown")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--corpus", metavar="DIR", help="scan this folder instead of the built corpus")
    p.add_argument("--cache", metavar="DIR", default=str(DEFAULT_CACHE), help="corpus cache")
    p.add_argument(
        "--executor", action="store_true", help="scan rate on 1, 2 and 4 local Dask workers"
    )
    args = p.parse_args(argv)
    if args.quick:
        args.repeat = 1
    if args.executor:
        return _executor_rates(args)
    report = run(args)
    if args.json:
        sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(report)) + b"\n")
    else:
        print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
