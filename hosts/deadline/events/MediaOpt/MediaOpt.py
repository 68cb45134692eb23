"""mediaopt Deadline event plug-in: when a job finishes, record what it rendered.

Deadline calls OnJobFinished in its own Python, where mediaopt is usually not
importable: the job's facts are written as job info and plugin info files (the
`key=value` form `deadlinecommand -GetJob` prints) and `mediaopt farm post-job --from
deadline` runs on them through the shared client (mediaopt_client.py, installed beside
this file by `mediaopt hosts install deadline`). The render is never failed or delayed
past the configured timeout: problems are logged as warnings.

Configure in Deadline Monitor: Tools > Configure Events > MediaOpt (MediaOpt.param).
"""

import os
import sys
import tempfile

from Deadline.Events import DeadlineEventListener

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mediaopt_client  # noqa: E402 - installed beside this file


def GetDeadlineEventListener():  # noqa: N802 - the names Deadline looks up
    return MediaOptListener()


def CleanupDeadlineEventListener(listener):  # noqa: N802
    listener.Cleanup()


class MediaOptListener(DeadlineEventListener):
    def __init__(self):
        super().__init__()
        self.OnJobFinishedCallback += self.OnJobFinished

    def Cleanup(self):  # noqa: N802
        del self.OnJobFinishedCallback

    def OnJobFinished(self, job):  # noqa: N802
        try:
            self._record(job)
        except Exception as exc:  # never let a storage report disturb the farm
            self.LogWarning("mediaopt: job {} not recorded: {}".format(job.JobId, exc))

    def _record(self, job):
        command = self.GetConfigEntryWithDefault("MediaoptCommand", "").strip() or None
        catalog = self.GetConfigEntryWithDefault("Catalog", "").strip() or None
        timeout = float(self.GetConfigEntryWithDefault("TimeoutSeconds", "120") or 120)
        client = mediaopt_client.Client(command=command, in_process=False, catalog=catalog)
        with tempfile.TemporaryDirectory(prefix="mediaopt-deadline-") as folder:
            job_file = os.path.join(folder, "job_info.job")
            plugin_file = os.path.join(folder, "plugin_info.job")
            _write(job_file, job_info(job))
            _write(plugin_file, plugin_info(job))
            args = ["farm", "post-job", "--from", "deadline", "--job-info", job_file]
            result = client.run(args + ["--plugin-info", plugin_file], timeout=timeout)
        if not result.ok:
            self.LogWarning("mediaopt: " + result.error_text())
            return
        recorded = result.data or {}
        self.LogInfo(
            "mediaopt: recorded job {}: {} frames, {} bytes{}".format(
                recorded.get("job_id"),
                recorded.get("output_frames", 0),
                recorded.get("output_bytes", 0),
                "; missing frames " + str(recorded["missing_frames"])
                if recorded.get("missing_frames")
                else "",
            )
        )
        for problem in recorded.get("problems", []):
            self.LogWarning("mediaopt: " + problem)


def job_info(job):
    """The job's facts under the job info keys Deadline itself writes."""
    lines = {
        "JobId": job.JobId,
        "Name": job.JobName,
        "UserName": job.JobUserName,
        "Plugin": job.JobPlugin,
        "Department": job.JobDepartment,
        "Frames": job.JobFrames,
    }
    outputs = zip(job.JobOutputDirectories, job.JobOutputFileNames)  # noqa: B905 (old Pythons)
    for index, (folder, name) in enumerate(outputs):
        lines["OutputDirectory{}".format(index)] = folder
        lines["OutputFilename{}".format(index)] = name
    for index, key in enumerate(job.GetJobEnvironmentKeys()):
        lines["EnvironmentKeyValue{}".format(index)] = "{}={}".format(
            key, job.GetJobEnvironmentKeyValue(key)
        )
    return lines


def plugin_info(job):
    return {key: job.GetJobPluginInfoKeyValue(key) for key in job.GetJobPluginInfoKeys()}


def _write(path, values):
    with open(path, "w", encoding="utf-8") as out:
        for key, value in values.items():
            out.write("{}={}\n".format(key, "" if value is None else value))
