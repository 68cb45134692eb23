"""OpenCue: run as the last layer of a job (or a frame's post command). RQD puts CUE_JOB,
CUE_SHOW, CUE_USER, CUE_RANGE ... in the environment; the output pattern is the first
argument or MEDIAOPT_OUTPUT. Always exits 0."""

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
    command = [*_mediaopt(), "farm", "post-job", "--from", "opencue"]
    if len(sys.argv) > 1:
        command += ["--output", sys.argv[1]]
    try:
        subprocess.run(command, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"mediaopt post-job hook skipped: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
