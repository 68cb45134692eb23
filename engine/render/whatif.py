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
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import stats

from mediaopt.engine.fingerprint.errors import MediaDecodeError
from mediaopt.engine.model import Asset, AssetKind, Recommendation, WhatIfCandidate
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.render import codecs, reencode
from mediaopt.engine.render.codecs import Part
from mediaopt.engine.render.measure import FrameReference
from mediaopt.engine.render.quality import QualityTarget, parse_quality
from mediaopt.engine.render.settings import current_settings

DEFAULT_SAMPLES = 8
MIN_SAVING = 0.20
"""The issue's bar: a recommendation must save at least this share of the bytes."""
FIRST_PASS = 3
"""Sample frames every candidate is re-encoded on before the clearly beaten ones stop."""
_WORKERS = min(2, os.cpu_count() or 1)


def what_if(
    sequence: Asset | str | os.PathLike[str],
    *,
    candidates: list[str] | None = None,
    quality: str | QualityTarget = "psnr:50",
    samples: int = DEFAULT_SAMPLES,
    min_saving: float = MIN_SAVING,
    progress: Progress | None = None,
    spans: int = 3,
    span_frames: int = 8,
) -> Recommendation:
    """Measure candidate settings on sample frames of `sequence` (an Asset, or a path or
    `####` pattern, probed now) and recommend the smallest that meets `quality`. A movie
    is sampled as `spans` runs of `span_frames` frames (see movies.py)."""
    from mediaopt.engine.scan import describe

    asset = sequence if isinstance(sequence, Asset) else describe(sequence)
    target = parse_quality(quality) if isinstance(quality, str) else quality
    progress = progress or NullProgress()
    if asset.kind is AssetKind.VIDEO:
        from mediaopt.engine.render.movies import movie_what_if

        return movie_what_if(
            asset,
            target=target,
            candidates=candidates,
            spans=spans,
            span_frames=span_frames,
            min_saving=min_saving,
            progress=progress,
        )
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
    if not decoded:  # the files' problem (exit status 1), not the user's
        raise MediaDecodeError(
            asset.path, f"no sample frame could be decoded ({'; '.join(problems)})"
        )
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
    *,
    total_frames: int | None = None,
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
        f"{len(frames)} of {total_frames or _frame_count(asset)} frames re-encoded; saving "
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
    """Every candidate on a first few sample frames, then only those still in the running
    on the rest: a candidate that fails the asked quality on a frame fails it whatever the
    other frames show, and one clearly larger than an as-good candidate cannot be chosen.
    Their sizes stand on the first frames, with the wider bound that gives."""
    work = reencode.workdir(os.path.dirname(asset.path))
    first = sample_indices(len(decoded), FIRST_PASS)
    rest = [i for i in range(len(decoded)) if i not in first]
    scores: reencode.Scores = {}
    progress.phase(f"re-encoding {len(first)} sample frames", total=len(tried) * len(first))
    tried_trials = [reencode.Trial(c) for c in tried]
    try:
        references = [FrameReference(parts, asset.format, asset.path) for parts in decoded]
        trials = _run(tried_trials, first, references, work, scores)
        progress.advance(len(tried) * len(first))
        measured = {t: _candidate(asset, t, sizes, target) for t in trials}
        going_on = _contenders(measured) if rest else []
        if going_on:
            progress.phase(
                f"re-encoding {len(rest)} more frames with {len(going_on)} contenders",
                total=len(going_on) * len(rest),
            )
            for trial in _run(going_on, rest, references, work, scores):
                measured[trial] = _candidate(asset, trial, sizes, target)
            progress.advance(len(going_on) * len(rest))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        progress.done()
    problems.extend(f"candidate {t.candidate.name}: {t.error}" for t in tried_trials if t.error)
    return list(measured.values())


def _run(trials, indices, references, work, scores):
    """Run trials two at a time (OpenImageIO and numpy release the GIL, so one candidate's
    decode and metrics overlap the other's encode); returns those that did not fail."""

    def one(trial):
        try:
            trial.run(indices, references, work, scores)
        except (RuntimeError, ValueError) as exc:
            trial.error = str(exc)
            return None
        return trial

    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        return [t for t in pool.map(one, trials) if t is not None]


def _contenders(measured: dict) -> list:
    """Trials worth more frames: acceptable, and not clearly beaten (another acceptable
    candidate of at least its quality whose upper size bound is below its lower one)."""
    fine = {t: c for t, c in measured.items() if c.acceptable}
    return [
        t
        for t, c in fine.items()
        if not any(
            o is not c
            and _score(o) >= _score(c)
            and o.estimated_bytes + o.error_bytes < c.estimated_bytes - c.error_bytes
            for o in fine.values()
        )
    ]


def _candidate(asset, trial, sizes, target) -> WhatIfCandidate:
    indices = sorted(trial.frame_bytes)
    estimate, error, ratio = extrapolate(
        [trial.frame_bytes[i] for i in indices],
        [sizes[i] for i in indices],
        asset.bytes,
        _frame_count(asset),
    )
    exact, data_exact = trial.exact, trial.data_exact
    worst_psnr, worst_ssim = trial.worst_psnr, trial.worst_ssim
    acceptable = exact or (
        not target.lossless
        and data_exact
        and (target.min_psnr is None or worst_psnr >= target.min_psnr)
        and (target.min_ssim is None or worst_ssim >= target.min_ssim)
    )
    lossy = not exact
    return WhatIfCandidate(
        name=trial.candidate.name,
        settings=trial.candidate.settings,
        sample_bytes=sum(trial.frame_bytes.values()),
        original_sample_bytes=sum(sizes[i] for i in indices),
        ratio=round(ratio, 4),
        estimated_bytes=estimate,
        error_bytes=error,
        saved_bytes=asset.bytes - estimate,
        saved_fraction=round(1.0 - estimate / asset.bytes, 4) if asset.bytes else 0.0,
        lossless=exact,
        # float(): a NumPy scalar here would not encode as JSON.
        psnr_db=round(float(worst_psnr), 2) if lossy and math.isfinite(worst_psnr) else None,
        ssim=round(float(worst_ssim), 5) if lossy else None,
        data_passes_exact=data_exact,
        acceptable=acceptable,
        note=None if data_exact else "changes data passes (depth, position, normals, IDs)",
        encode_seconds=round(trial.seconds, 3),
        sampled_frames=len(indices),
    )


def _score(c: WhatIfCandidate) -> float:
    """Quality rank: exact first, then by PSNR; data passes changed rank last."""
    if c.lossless:
        return math.inf
    return (c.psnr_db or 0.0) if c.data_passes_exact else -1.0


def _mark_front(measured: list[WhatIfCandidate]) -> None:
    """A candidate is on the front when no other is at most as large and at least as good,
    and strictly better at one."""
    for c in measured:
        c.on_front = not any(
            o is not c
            and o.estimated_bytes <= c.estimated_bytes
            and _score(o) >= _score(c)
            and (o.estimated_bytes < c.estimated_bytes or _score(o) > _score(c))
            for o in measured
        )


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
    kept = "alpha dropped (unused)" if c.drops_alpha else "data passes bit-exact"
    return f"PSNR ≥ {c.psnr_db} dB and SSIM ≥ {c.ssim} (worst sampled frame), {kept}"
