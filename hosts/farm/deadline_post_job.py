"""Deadline post-job script (Job Properties > Scripts > Post Job Script).

Deadline calls __main__ with its DeadlinePlugin object inside its own Python, where
mediaopt is usually not importable: the job's facts are written as a job info file and
the `mediaopt` CLI is run on it. Nothing here can fail the job.
"""

import os
import shlex
import subprocess
import tempfile


def _mediaopt() -> list:
    """The mediaopt command line: MEDIAOPT_COMMAND (or the older MEDIAOPT), else PATH."""
    return shlex.split(
        os.environ.get("MEDIAOPT_COMMAND") or os.environ.get("MEDIAOPT") or "mediaopt"
    )


def __main__(*args):
    plugin = args[0]
    job = plugin.GetJob()
    lines = {
        "JobId": job.JobId,
        "Name": job.JobName,
        "UserName": job.JobUserName,
        "Plugin": job.JobPlugin,
        "Department": job.JobDepartment,
        "Frames": job.JobFrames,
    }
    outputs = zip(job.JobOutputDirectories, job.JobOutputFileNames)  # noqa: B905 (old Pythons)
    for i, (folder, name) in enumerate(outputs):
        lines[f"OutputDirectory{i}"] = folder
        lines[f"OutputFilename{i}"] = name
    plugin_info = {k: job.GetJobPluginInfoKeyValue(k) for k in job.GetJobPluginInfoKeys()}
    with tempfile.TemporaryDirectory(prefix="mediaopt-deadline-") as tmp:
        job_file = os.path.join(tmp, "job_info.job")
        plugin_file = os.path.join(tmp, "plugin_info.job")
        for path, values in ((job_file, lines), (plugin_file, plugin_info)):
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(f"{k}={v}\n" for k, v in values.items())
        command = [
            *_mediaopt(),
            "farm",
            "post-job",
            "--from",
            "deadline",
            "--job-info",
            job_file,
            "--plugin-info",
            plugin_file,
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
            plugin.LogInfo(done.stdout + done.stderr)
        except (OSError, subprocess.SubprocessError) as exc:
            plugin.LogWarning(f"mediaopt post-job hook skipped: {exc}")
