"""OpenCue: run as the last layer of a job (or a frame's post command). RQD puts CUE_JOB,
CUE_SHOW, CUE_USER, CUE_RANGE ... in the environment; the output pattern is the first
argument or MEDIAOPT_OUTPUT. Always exits 0."""

import os
import subprocess
import sys


def main() -> int:
    command = [os.environ.get("MEDIAOPT", "mediaopt"), "farm", "post-job", "--from", "opencue"]
    if len(sys.argv) > 1:
        command += ["--output", sys.argv[1]]
    try:
        subprocess.run(command, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"mediaopt post-job hook skipped: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
