"""Watch benchmark: what `mediaopt watch` costs running all the time (issue 17).

Starts the real console (`mediaopt watch ROOT --events FILE`, default settings: idle
priority, one probe worker, analyses at most once a minute) on a tree of small images,
waits for its first reconcile, then measures the CPU time of its whole process tree
(the watch, its fork server and probe worker) from /proc:

- idle: nothing changes for --seconds;
- load: --rate new files per second (PNG stills, written and closed) for --seconds;
- latency: from each file's close to its `asset_added` event, which is written after the
  catalog transaction holding it committed (so it is event-to-catalog latency).

CPU share is CPU seconds over wall seconds, as a fraction of one core. Targets: idle under
2 %, 100 events per second under 10 %.

    uv run python benchmarks/watch.py [--files 500] [--rate 100] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _png(path: Path, shade: int) -> None:
    from PIL import Image

    Image.new("RGB", (64, 48), (shade % 256, 40, 90)).save(path)


def _name(n: int) -> str:
    """A name without digits: numbered stills would collapse into one sequence asset,
    and the benchmark times each file's own event."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters = chr(ord("a") + digit) + letters
        if n == 0:
            return letters


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and every live descendant (and reaped children)."""
    return sum(_tree_times(pid).values())


def _tree_times(pid: int) -> dict[int, float]:
    """CPU seconds per process of the tree under `pid`."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(x) for x in fields[11:15]) / TICKS
    tree, frontier = {pid}, [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in tree:
                tree.add(child)
                frontier.append(child)
    return {p: times.get(p, 0.0) for p in tree}


def _events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _console() -> str:
    found = Path(sys.executable).with_name("mediaopt")
    return str(found) if found.exists() else shutil.which("mediaopt") or "mediaopt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500, help="files in the tree at start")
    parser.add_argument("--rate", type=float, default=100.0, help="new files per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument(
        "--analysis-interval",
        type=float,
        default=60.0,
        help="the watch's --analysis-interval (60, its default)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mediaopt-watch-bench-"))
    root, events, db = work / "show", work / "events.jsonl", work / "catalog.sqlite"
    try:
        for i in range(args.files):
            folder = root / f"shot_{_name(i // 100)}"
            folder.mkdir(parents=True, exist_ok=True)
            _png(folder / f"still_{_name(i)}.png", i)
        command = [_console(), "watch", str(root), "--catalog", str(db), "--events", str(events)]
        command += ["--analysis-interval", str(args.analysis_interval)]
        proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        while sum(e["kind"] == "asset_added" for e in _events(events)) < args.files:
            if proc.poll() is not None or time.monotonic() - started > 600:
                raise SystemExit("the watch did not catalog the tree")
            time.sleep(0.2)
        print(f"first reconcile of {args.files} files: {time.monotonic() - started:.1f} s")
        time.sleep(3)  # the baseline analyses settle

        cpu0, t0 = _tree_cpu(proc.pid), time.monotonic()
        time.sleep(args.seconds)
        idle = (_tree_cpu(proc.pid) - cpu0) / (time.monotonic() - t0)

        written: dict[str, float] = {}
        load_dir = root / "incoming"
        load_dir.mkdir()
        cpu0, t0 = _tree_cpu(proc.pid), time.monotonic()
        own0 = _tree_times(proc.pid)[proc.pid]
        n = 0
        while time.monotonic() - t0 < args.seconds:
            path = load_dir / f"new_{_name(n)}.png"
            _png(path, n)
            written[str(path)] = time.time()
            n += 1
            time.sleep(max(0.0, t0 + n / args.rate - time.monotonic()))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            arrived = {e["path"]: e["time"] for e in _events(events) if e["path"] in written}
            if len(arrived) == len(written):
                break
            time.sleep(0.2)
        wall = time.monotonic() - t0
        loaded = (_tree_cpu(proc.pid) - cpu0) / wall
        own = (_tree_times(proc.pid)[proc.pid] - own0) / wall
        latencies = sorted(arrived[p] - written[p] for p in arrived)
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)

        rate = n / args.seconds
        print(f"idle CPU share:  {idle:6.2%}  (target < 2 %)")
        print(f"load CPU share:  {loaded:6.2%}  at {rate:.0f} file events/s (target < 10 %)")
        print(f"  of which the watch process {own:.2%}, its probe worker the rest")
        print(
            f"event to catalog: median {statistics.median(latencies):.2f} s, "
            f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, "
            f"max {latencies[-1]:.2f} s; {len(arrived)}/{len(written)} files arrived"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
