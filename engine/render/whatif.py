"""What-if: re-encode sample frames of a sequence with candidate settings and measure.

Nothing is written next to the media: re-encodes go to a temporary folder outside the
sequence's folder and are removed. The sequence's size under a candidate is extrapolated
from the sample with a ratio estimator (candidate bytes over original bytes, applied to
every frame's real size), and its 95% bound comes from the spread of that ratio over the
sample frames (finite-population corrected: a sample of all frames has no error).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time

import numpy as np
import xxhash
from scipy import stats

from mediaopt.engine.model import Asset, AssetKind, Recommendation, WhatIfCandidate
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.render import codecs
from mediaopt.engine.render.codecs import Candidate, Part
from mediaopt.engine.render.quality import (
    QualityTarget,
    is_data_channel,
    luma,
    parse_quality,
    pq_encode,
    psnr,
    ssim,
)
from mediaopt.engine.render.settings import current_settings

DEFAULT_SAMPLES = 8
MIN_SAVING = 0.20
"""The issue's bar: a recommendation must save at least this share of the bytes."""


def what_if(
    sequence: Asset | str | os.PathLike[str],
    *,
    candidates: list[str] | None = None,
    quality: str | QualityTarget = "psnr:50",
    samples: int = DEFAULT_SAMPLES,
    min_saving: float = MIN_SAVING,
    progress: Progress | None = None,
) -> Recommendation:
    """Measure candidate settings on sample frames of `sequence` (an Asset, or a path or
    `####` pattern, probed now) and recommend the smallest that meets `quality`."""
    from mediaopt.engine.scan import describe

    asset = sequence if isinstance(sequence, Asset) else describe(sequence)
    target = parse_quality(quality) if isinstance(quality, str) else quality
    progress = progress or NullProgress()
    if asset.kind is AssetKind.VIDEO:
        # The ProRes 4444 XQ -> 4444 -> HQ ladder through PyAV is not written yet.
        raise ValueError(f"{asset.path}: what-if on movies is not supported yet (sequences only)")
    seq = asset.sequence
    if asset.kind is not AssetKind.SEQUENCE or seq is None:
        raise ValueError(f"{asset.path}: not an image sequence or a movie; nothing to re-encode")
    present = _present_frames(asset)
    picks = sample_indices(len(present), samples)
    frames = [present[i] for i in picks]
    originals = [seq.frame_bytes[i] for i in picks]
    problems: list[str] = []
    decoded: list[list[Part]] = []
    kept_frames, kept_sizes = [], []
    for frame, size in zip(frames, originals, strict=True):
        try:
            decoded.append(codecs.read_frame(seq.frame_path(frame)))
            kept_frames.append(frame)
            kept_sizes.append(size)
        except RuntimeError as exc:
            problems.append(f"frame {frame} skipped: {exc}")
    if not decoded:
        raise ValueError(f"{asset.path}: no sample frame could be decoded ({'; '.join(problems)})")
    fmt = asset.format or ""
    tried = (
        [codecs.candidate_named(n, fmt) for n in candidates]
        if candidates
        else codecs.candidates_for(fmt, decoded[0])
    )
    if not tried:
        raise ValueError(f"{asset.path}: no candidate settings for {fmt or 'this'} format")
    measured = _measure_all(asset, decoded, kept_sizes, tried, target, progress, problems)
    return recommend(asset, target, measured, kept_frames, min_saving, problems)


def sample_indices(count: int, samples: int) -> list[int]:
    """`samples` indices spread evenly over 0..count-1, first and last included."""
    if count <= samples:
        return list(range(count))
    return sorted({round(x) for x in np.linspace(0, count - 1, samples)})


def extrapolate(
    sample_bytes: list[int], original_bytes: list[int], total_bytes: int, total_frames: int
) -> tuple[int, int, float]:
    """Estimated total, its 95% error bound, and the sample's size ratio."""
    cand = np.asarray(sample_bytes, np.float64)
    orig = np.asarray(original_bytes, np.float64)
    ratio = float(cand.sum() / orig.sum())
    estimate = ratio * total_bytes
    n = len(cand)
    if n < 2 or n >= total_frames:
        return round(estimate), 0, ratio
    residual = cand - ratio * orig
    spread = float(np.sum(residual**2) / (n - 1))
    fpc = 1.0 - n / total_frames
    # Standard error of a ratio estimator of a total (Cochran, Sampling Techniques, 6.9).
    error = total_frames * math.sqrt(fpc * spread / n) * float(stats.t.ppf(0.975, n - 1))
    return round(estimate), round(error), ratio


def recommend(
    asset: Asset,
    target: QualityTarget,
    measured: list[WhatIfCandidate],
    frames: list[int],
    min_saving: float,
    problems: list[str],
) -> Recommendation:
    """Mark the size/quality front and pick the smallest acceptable candidate."""
    _mark_front(measured)
    measured.sort(key=lambda c: (not c.acceptable, c.estimated_bytes))
    best = next((c for c in measured if c.acceptable), None)
    current = current_settings(asset)
    base = Recommendation(
        sequence=asset.path,
        quality=str(target),
        current=current,
        original_bytes=asset.bytes,
        sampled_frames=frames,
        candidates=measured,
        recommended=None,
        problems=problems,
    )
    if best is None or best.saved_fraction < min_saving:
        found = (
            f"the best acceptable, {best.name}, saves {best.saved_fraction:.0%}"
            if best
            else "no candidate met it"
        )
        base.summary = (
            f"Nothing saves {min_saving:.0%} at {target}: {found}. Keep the current "
            f"settings ({_describe(current)})."
        )
        return base
    base.recommended = best.name
    base.saved_bytes = best.saved_bytes
    base.saved_fraction = best.saved_fraction
    base.confidence = (
        f"{len(frames)} of {_frame_count(asset)} frames re-encoded; saving "
        f"{best.saved_bytes:,} ± {best.error_bytes:,} bytes (95%)"
    )
    base.summary = (
        f"Render {asset.path} with {best.name} ({_describe(best.settings)}) instead of "
        f"{_describe(current)}: saves {best.saved_fraction:.0%} "
        f"({best.saved_bytes:,} bytes) at {_quality_text(best)}, measured on "
        f"{len(frames)} re-encoded frames."
    )
    return base


def _measure_all(asset, decoded, sizes, tried, target, progress, problems):
    workdir = _workdir(asset)
    progress.phase("re-encoding sample frames", total=len(tried) * len(decoded))
    measured = []
    # Candidates that differ only in a lossless codec decode to the same pixels (zip+half
    # and piz+half both just round to half): their quality is measured once.
    scores: dict[tuple[int, str], tuple[float, float]] = {}
    try:
        references = [_reference(parts, asset.format) for parts in decoded]
        for candidate in tried:
            try:
                measured.append(
                    _measure(asset, candidate, decoded, references, sizes, target, workdir, scores)
                )
            except (RuntimeError, ValueError) as exc:
                problems.append(f"candidate {candidate.name}: {exc}")
            progress.advance(len(decoded))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        progress.done()
    return measured


def _measure(asset, candidate: Candidate, decoded, references, sizes, target, workdir, scores):
    ext = os.path.splitext(asset.path)[1] or ".exr"
    sample_bytes, worst_psnr, worst_ssim = [], math.inf, 1.0
    exact = data_exact = True
    started = time.perf_counter()
    for i, (parts, reference) in enumerate(zip(decoded, references, strict=True)):
        path = os.path.join(workdir, f"{i}{ext}")
        codecs.encode(path, parts, candidate)
        sample_bytes.append(os.path.getsize(path))
        back = codecs.read_frame(path)
        os.remove(path)
        frame_exact, frame_data_exact = _exactness(parts, back)
        exact &= frame_exact
        data_exact &= frame_data_exact
        if not frame_exact:
            key = (i, _digest(back))
            if key not in scores:
                scores[key] = _colour_quality(reference, _reference(back, asset.format))
            p, s = scores[key]
            worst_psnr, worst_ssim = min(worst_psnr, p), min(worst_ssim, s)
    seconds = time.perf_counter() - started
    estimate, error, ratio = extrapolate(sample_bytes, sizes, asset.bytes, _frame_count(asset))
    lossy = not exact
    acceptable = exact or (
        not target.lossless
        and data_exact
        and (target.min_psnr is None or worst_psnr >= target.min_psnr)
        and (target.min_ssim is None or worst_ssim >= target.min_ssim)
    )
    return WhatIfCandidate(
        name=candidate.name,
        settings=candidate.settings,
        sample_bytes=sum(sample_bytes),
        original_sample_bytes=sum(sizes),
        ratio=round(ratio, 4),
        estimated_bytes=estimate,
        error_bytes=error,
        saved_bytes=asset.bytes - estimate,
        saved_fraction=round(1.0 - estimate / asset.bytes, 4) if asset.bytes else 0.0,
        lossless=exact,
        psnr_db=round(worst_psnr, 2) if lossy and math.isfinite(worst_psnr) else None,
        ssim=round(worst_ssim, 5) if lossy else None,
        data_passes_exact=data_exact,
        acceptable=acceptable,
        note=None if data_exact else "changes data passes (depth, position, normals, IDs)",
        encode_seconds=round(seconds, 3),
    )


def _exactness(original: list[Part], back: list[Part]) -> tuple[bool, bool]:
    """(every channel bit-exact, every data channel bit-exact)."""
    exact = data_exact = True
    for a, b in zip(original, back, strict=True):
        names = [str(n) for n in a.spec.channelnames]
        for c, name in enumerate(names):
            same = np.array_equal(a.pixels[..., c], b.pixels[..., c], equal_nan=True)
            exact &= same
            if is_data_channel(name):
                data_exact &= same
    return exact, data_exact


def _digest(parts: list[Part]) -> str:
    digest = xxhash.xxh3_128()
    for part in parts:
        digest.update(np.ascontiguousarray(part.pixels).data)
    return digest.hexdigest()


def _reference(parts: list[Part], format_name: str | None):
    """The colour passes in the space quality is judged in, and their luma for SSIM."""
    colour, lumas = [], []
    for part in parts:
        names = [str(n) for n in part.spec.channelnames]
        keep = [c for c, n in enumerate(names) if not is_data_channel(n)]
        if not keep:
            continue
        pixels = part.pixels[..., keep]
        if format_name == "OpenEXR":
            pixels = pq_encode(np.nan_to_num(pixels, nan=0.0, posinf=100.0))
        colour.append(pixels)
        y = luma(pixels, [names[c].rsplit(".", 1)[-1] for c in keep])
        lumas.append(y if y is not None else pixels[..., 0])
    return colour, lumas


def _colour_quality(ref, test) -> tuple[float, float]:
    worst_psnr, worst_ssim = math.inf, 1.0
    for a, b in zip(ref[0], test[0], strict=True):
        worst_psnr = min(worst_psnr, psnr(a, b))
    for a, b in zip(ref[1], test[1], strict=True):
        worst_ssim = min(worst_ssim, ssim(a, b))
    return worst_psnr, worst_ssim


def _mark_front(measured: list[WhatIfCandidate]) -> None:
    """A candidate is on the front when no other is at most as large and at least as good,
    and strictly better at one. Quality ranks exact first, then by PSNR."""

    def score(c: WhatIfCandidate) -> float:
        if c.lossless:
            return math.inf
        return (c.psnr_db or 0.0) if c.data_passes_exact else -1.0

    for c in measured:
        c.on_front = not any(
            o is not c
            and o.estimated_bytes <= c.estimated_bytes
            and score(o) >= score(c)
            and (o.estimated_bytes < c.estimated_bytes or score(o) > score(c))
            for o in measured
        )


def _workdir(asset: Asset) -> str:
    """A temporary folder that is not inside the sequence's folder (never write next to
    the media, even when TMPDIR points into a media root)."""
    folder = os.path.dirname(os.path.abspath(asset.path))
    work = tempfile.mkdtemp(prefix="mediaopt-whatif-")
    if os.path.commonpath([folder, work]) == folder:
        shutil.rmtree(work)
        raise ValueError(f"{work}: the temporary folder is inside the media; set TMPDIR")
    return work


def _present_frames(asset: Asset) -> list[int]:
    seq = asset.sequence
    missing = set(seq.missing_frames)
    return [f for f in range(seq.first_frame, seq.last_frame + 1) if f not in missing]


def _frame_count(asset: Asset) -> int:
    return asset.sequence.frame_count if asset.sequence else 1


def _describe(settings: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in settings.items()) or "as is"


def _quality_text(c: WhatIfCandidate) -> str:
    if c.lossless:
        return "bit-exact quality"
    return f"PSNR ≥ {c.psnr_db} dB and SSIM ≥ {c.ssim} (worst sampled frame), data passes bit-exact"
