"""Re-encode sample frames with one candidate setting and tally size and quality.

A Trial keeps what its candidate measured so far, so a what-if can measure every candidate
on a few frames and carry on with the ones still in the running.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time

from mediaopt.engine.render import codecs
from mediaopt.engine.render.codecs import Candidate, Part
from mediaopt.engine.render.measure import FrameReference, digest, exactness

_SHM = "/dev/shm"
_SHM_NEEDS = 2 << 30
"""Free tmpfs bytes needed to use it: one re-encoded frame per worker at a time, with a
wide margin for other users of a shared /dev/shm."""

Scores = dict[tuple[int, str], tuple[float, float]]
"""(sample index, digest of decoded pixels) -> (PSNR, SSIM): re-encodes that decode to the
same pixels (zip+half and piz+half both just round to half) are scored once."""


class Trial:
    """One candidate's measurements over the sample frames it was re-encoded on."""

    def __init__(self, candidate: Candidate):
        self.candidate = candidate
        self.frame_bytes: dict[int, int] = {}
        """Re-encoded bytes by sample index."""
        self.worst_psnr = math.inf
        self.worst_ssim = 1.0
        self.exact = True
        self.data_exact = True
        self.seconds = 0.0
        self.error: str | None = None
        """Why the trial stopped, when a frame could not be re-encoded."""
        self._prediction_checked = False
        self._trust_prediction = False

    def run(
        self, indices: list[int], references: list[FrameReference], workdir: str, scores: Scores
    ) -> None:
        """Re-encode the sample frames at `indices`, decode and compare each with its
        source. Files go to `workdir` and are removed at once."""
        ext = os.path.splitext(references[0].source)[1] or ".exr"
        prefix = self.candidate.name.replace(":", "_").replace("+", "_")
        started = time.perf_counter()
        for i in indices:
            reference = references[i]
            path = os.path.join(workdir, f"{prefix}.{i}{ext}")
            try:
                codecs.encode(path, reference.parts, self.candidate)
                self.frame_bytes[i] = os.path.getsize(path)
                back = self._decoded(path, reference.parts)
            finally:
                if os.path.exists(path):
                    os.remove(path)
            frame_exact, frame_data_exact = exactness(reference.parts, back)
            self.exact &= frame_exact
            self.data_exact &= frame_data_exact
            if not frame_exact:
                key = (i, digest(back))
                if key not in scores:
                    scores[key] = reference.quality(back)
                p, s = scores[key]
                self.worst_psnr, self.worst_ssim = min(self.worst_psnr, p), min(self.worst_ssim, s)
        self.seconds += time.perf_counter() - started

    def _decoded(self, path: str, parts: list[Part]) -> list[Part]:
        predicted = codecs.predicted_decode(parts, self.candidate)
        if self._trust_prediction and predicted is not None:
            return predicted
        back = codecs.read_frame(path)
        if not self._prediction_checked:
            # A lossless codec's decode is known without decoding; one real decode per
            # candidate proves the prediction before the other frames rely on it.
            self._prediction_checked = True
            self._trust_prediction = predicted is not None and exactness(predicted, back) == (
                True,
                True,
            )
        return back


def workdir(media_folder: str) -> str:
    """A temporary folder that is not inside the media's folder (never write next to the
    media, even when TMPDIR points into a media root). On tmpfs when there is room:
    re-encodes are written and read back at once, and a disk round trip added ~20% to each
    encode on the benchmark machine."""
    folder = os.path.abspath(media_folder)
    work = tempfile.mkdtemp(prefix="mediaopt-whatif-", dir=_scratch())
    if os.path.commonpath([folder, work]) == folder:
        shutil.rmtree(work)
        raise ValueError(f"{work}: the temporary folder is inside the media; set TMPDIR")
    return work


def _scratch() -> str | None:
    if os.environ.get("TMPDIR"):
        return None  # the user chose where scratch files go
    try:
        found = os.statvfs(_SHM)
    except OSError:
        return None
    free = found.f_bavail * found.f_frsize
    return _SHM if free >= _SHM_NEEDS and os.access(_SHM, os.W_OK) else None
