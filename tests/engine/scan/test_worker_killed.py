"""A probe worker that dies mid-scan (a native parser crash, the OOM killer) costs no
file: the jobs it held, batched or not, are probed again by a new worker."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from mediaopt.engine import api
from mediaopt.engine.demo import media
from mediaopt.engine.model import AssetStatus
from mediaopt.engine.progress import NullProgress


def _grandchildren() -> list[int]:
    """Probe workers: children of the fork server, which is a child of this process."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    children = {pid for pid, ppid in parents.items() if ppid == os.getpid()}
    return [pid for pid, ppid in parents.items() if ppid in children]


class KillAWorker(NullProgress):
    def __init__(self) -> None:
        self.killed: list[int] = []

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        if not self.killed:
            workers = _grandchildren()
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                self.killed.append(workers[0])


def test_a_killed_worker_costs_no_file(tmp_path, cached_media, catalog):
    clip = cached_media("killed_worker_tone.wav", media.write_audio, codec="pcm_s16le", seconds=0.1)
    for k in range(80):
        shutil.copyfile(clip, tmp_path / f"take_{chr(97 + k // 26)}{chr(97 + k % 26)}.wav")
    progress = KillAWorker()
    summary = api.scan([tmp_path], catalog, workers=2, progress=progress)
    assert progress.killed, "no worker was found to kill"
    assert summary.assets == 80 and summary.problems == []
    assets = list(catalog.find())
    assert len(assets) == 80
    assert all(a.status is AssetStatus.OK and a.kind == "audio" for a in assets)
