"""Flamenco 3: run after a job completes (e.g. from a job type's final command, or a
Manager webhook relay) with the job's JSON as the Manager API returns it. Always exits 0."""

import os
import shlex
import subprocess
import sys


def _mediaopt() -> list:
    """The mediaopt command line: MEDIAOPT_COMMAND (or the older MEDIAOPT), else PATH."""
    return shlex.split(
        os.environ.get("MEDIAOPT_COMMAND") or os.environ.get("MEDIAOPT") or "mediaopt"
    )


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: flamenco_post_job.py JOB.json", file=sys.stderr)
        return 0
    command = [
        *_mediaopt(),
        "farm",
        "post-job",
        "--from",
        "flamenco",
        "--job-json",
        sys.argv[1],
    ]
    try:
        subprocess.run(command, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"mediaopt post-job hook skipped: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
