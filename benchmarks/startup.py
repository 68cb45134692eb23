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


def timed(argv: list[str], env: dict[str, str], before=None) -> float:
    if before is not None:
        before()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    return elapsed


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
        print(f"{'command':<20} {'median':>8} {'min':>8} {'target':>8}   (wall, {args.runs} runs)")
        for name, (argv, before) in cases.items():
            timed(argv, env, before)  # warm-up: page cache and bytecode cache
            runs = [timed(argv, env, before) for _ in range(args.runs)]
            print(
                f"{name:<20} {statistics.median(runs):>7.3f}s {min(runs):>7.3f}s "
                f"{TARGETS[name]:>7.1f}s"
            )


if __name__ == "__main__":
    main()
