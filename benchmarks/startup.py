"""Start-up benchmark: what the command line costs a farm hook, a host add-on or a cron job
that runs it once. Times, through the installed `mediaopt` console script in a process of
its own (wall clock, median of 5 after one warm-up run):

- `mediaopt --help`
- `mediaopt info FILE` on a 2 KB WAV (no catalog: probed now)
- `mediaopt scan ROOT` of a folder holding that one file, into a new catalog (default
  workers: the fork server and its probe workers start, as a user's scan does)

Python's bytecode cache is allowed for the runs (the warm-up writes it), as on an
installed system: with PYTHONDONTWRITEBYTECODE set and no cache every run compiles its
libraries from source, which is not what a user pays.

    uv run python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

TARGETS = {"--help": 0.3, "info FILE": 0.5, "scan of one file": 1.0}
"""Seconds of wall time (issue 12)."""


def console_script() -> str:
    """The `mediaopt` script installed beside this Python (what users run)."""
    found = Path(sys.executable).with_name("mediaopt")
    return str(found) if found.exists() else shutil.which("mediaopt") or "mediaopt"


def write_wav(path: Path) -> Path:
    """A 2 KB mono 16-bit WAV: the smallest real media file."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 1000)
    return path


def timed(argv: list[str], env: dict[str, str], before=None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command's own process) for one run. The CPU time
    leaves out the scan's fork server and workers, which their parent never waits for:
    on a loaded machine it is the steadier figure."""
    if before is not None:
        before()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    return elapsed, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    script = console_script()
    with tempfile.TemporaryDirectory(prefix="mediaopt-startup-") as tmp:
        work = Path(tmp)
        root = work / "one"
        root.mkdir()
        wav = write_wav(root / "tone.wav")
        catalog = work / "catalog.sqlite"

        def fresh_catalog() -> None:
            for path in work.glob("catalog.sqlite*"):
                path.unlink()

        cases = {
            "--help": ([script, "--help"], None),
            "info FILE": ([script, "info", str(wav), "--catalog", str(work / "none")], None),
            "scan of one file": (
                [script, "scan", str(root), "--catalog", str(catalog)],
                fresh_catalog,
            ),
        }
        print(f"{script}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        print(
            f"{'command':<18} {'wall median':>12} {'wall min':>9} {'CPU median':>11} {'target':>7}"
        )
        for name, (argv, before) in cases.items():
            timed(argv, env, before)  # warm-up: page cache and bytecode cache
            runs = [timed(argv, env, before) for _ in range(args.runs)]
            wall = [w for w, _ in runs]
            cpu = [c for _, c in runs]
            print(
                f"{name:<18} {statistics.median(wall):>11.3f}s {min(wall):>8.3f}s "
                f"{statistics.median(cpu):>10.3f}s {TARGETS[name]:>6.1f}s"
            )
        print(f"(median of {args.runs} runs each; wall clock, and CPU of the command's process)")


if __name__ == "__main__":
    main()
