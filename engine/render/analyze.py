"""What each render setting costs across the catalog's renders.

Sizes are compared on log(bytes per frame): settings multiply size (half is about half of
float, a 4K frame four times a 2K one), so effects add up on a log scale and a linear fit
there is the natural model.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import (
    Asset,
    AssetKind,
    AssetStatus,
    FrameOutlier,
    RenderAnalysis,
    RenderJob,
    RenderSample,
    RenderTotal,
    SettingEffect,
    SettingGroup,
)
from mediaopt.engine.render.jobs import jobs_by_output
from mediaopt.engine.render.settings import SETTINGS, render_sample

# A frame over twice or under half the median of its six neighbours. Render noise moves
# sizes of compressed frames by a few percent from one frame to the next (measured on the
# fixtures and on typical EXR sequences); a factor of two is a different image: a fireflies
# burst, a frame rendered with other settings, a black or truncated frame.
OUTLIER_HIGH = 2.0
OUTLIER_LOW = 0.5
_NEIGHBOURS = 3
_MAX_OUTLIERS = 200


def analyze(catalog: Catalog, *, under: str | os.PathLike[str] | None = None) -> RenderAnalysis:
    """Bytes per frame and per pixel by setting, the setting that drives size, frames far
    from their neighbours, and totals per show, job and user, over the catalog's renders."""
    root = os.path.abspath(os.fspath(under)) if under else None
    jobs = jobs_by_output(catalog)
    samples: list[RenderSample] = []
    outliers: list[FrameOutlier] = []
    problems: list[str] = []
    for asset in _renders(catalog, root):
        if asset.status is AssetStatus.ERROR:
            problems.append(f"{asset.path}: skipped, {asset.reason or 'unreadable'}")
            continue
        sample = render_sample(asset, job=jobs.get(asset.path), under=root)
        if sample is None:
            continue
        samples.append(sample)
        if asset.sequence is not None and len(outliers) < _MAX_OUTLIERS:
            outliers.extend(frame_outliers(asset))
    return summarise(samples, outliers[:_MAX_OUTLIERS], jobs.values(), root, problems)


def summarise(
    samples: list[RenderSample],
    outliers: list[FrameOutlier],
    jobs: Iterable[RenderJob],
    under: str | None,
    problems: list[str],
) -> RenderAnalysis:
    frames = sum(s.frames for s in samples)
    total = sum(s.bytes for s in samples)
    effects, r2 = setting_effects(samples)
    return RenderAnalysis(
        under=under,
        renders=len(samples),
        frames=frames,
        bytes=total,
        groups=_groups(samples),
        effects=effects,
        driver=effects[0].setting if effects and effects[0].explained > 0 else None,
        fit_r2=r2,
        outliers=outliers,
        by_show=_totals(samples, lambda s: s.show or "(unknown)"),
        by_job=_job_totals(samples, jobs),
        by_user=_totals(samples, lambda s: s.user or "(unknown)"),
        forecast_per_1000_frames=_forecast(total, frames),
        problems=problems,
    )


def frame_outliers(asset: Asset) -> list[FrameOutlier]:
    """Frames whose size is far from the median of their neighbours."""
    seq = asset.sequence
    if seq is None or seq.frame_count < 2 * _NEIGHBOURS + 1:
        return []
    sizes = np.asarray(seq.frame_bytes, dtype=np.float64)
    padded = np.pad(sizes, _NEIGHBOURS, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * _NEIGHBOURS + 1)
    neighbours = np.delete(windows, _NEIGHBOURS, axis=1)
    median = np.median(neighbours, axis=1)
    ratio = np.divide(sizes, median, out=np.full_like(sizes, np.inf), where=median > 0)
    flagged = np.flatnonzero((ratio > OUTLIER_HIGH) | (ratio < OUTLIER_LOW))
    if flagged.size == 0:
        return []
    missing = set(seq.missing_frames)
    numbers = [f for f in range(seq.first_frame, seq.last_frame + 1) if f not in missing]
    found = []
    for i in flagged:
        high = ratio[i] > 1
        found.append(
            FrameOutlier(
                sequence=asset.path,
                frame=numbers[i],
                bytes=int(sizes[i]),
                neighbour_median=int(median[i]),
                ratio=round(float(ratio[i]), 3),
                reason="much larger than its neighbours: noise, fireflies or other settings"
                if high
                else "much smaller than its neighbours: black, truncated or failed frame",
            )
        )
    return found


def setting_effects(samples: list[RenderSample]) -> tuple[list[SettingEffect], float | None]:
    """Each setting's share of the variance of log(bytes per frame): alone (eta², a one-way
    analysis of variance) and uniquely (what the full least-squares fit loses without it).
    Returns the effects, most explaining first, and the full fit's R²."""
    if len(samples) < 3:
        return [], None
    y = np.log(np.array([s.bytes_per_frame for s in samples]))
    total = float(((y - y.mean()) ** 2).sum())
    if total <= 1e-12:
        return [], None
    columns = {name: [str(getattr(s, name)) for s in samples] for name in SETTINGS}
    full = _r2(y, [columns[n] for n in SETTINGS], total)
    effects = []
    for name in SETTINGS:
        alone = _r2(y, [columns[name]], total)
        without = _r2(y, [columns[n] for n in SETTINGS if n != name], total)
        effects.append(
            SettingEffect(
                setting=name,
                explained=round(alone, 4),
                unique=round(max(full - without, 0.0), 4),
                levels=_level_means(samples, name),
            )
        )
    effects.sort(key=lambda e: (e.explained, e.unique), reverse=True)
    return effects, round(full, 4)


def _r2(y: np.ndarray, factors: list[list[str]], total: float) -> float:
    """R² of y on the one-hot encoding of the factors (first level of each dropped)."""
    parts = [np.ones((len(y), 1))]
    for values in factors:
        levels = sorted(set(values))[1:]
        if levels:
            # Compared in NumPy: tens of thousands of renders times their levels, each
            # comparison a Python call, took seconds of a production report.
            one_hot = np.array(values, dtype=object)[:, None] == np.array(levels, dtype=object)
            parts.append(one_hot.astype(float))
    x = np.hstack(parts)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = float(((y - x @ coef) ** 2).sum())
    return max(0.0, 1.0 - residual / total)


def _level_means(samples: list[RenderSample], name: str) -> dict[str, float]:
    frames: dict[str, int] = defaultdict(int)
    nbytes: dict[str, float] = defaultdict(float)
    pixels: dict[str, float] = defaultdict(float)
    for s in samples:
        key = str(getattr(s, name))
        frames[key] += s.frames
        nbytes[key] += s.bytes
        pixels[key] += s.bytes / s.bytes_per_pixel
    return {k: round(nbytes[k] / pixels[k], 4) for k in sorted(frames)}


def _groups(samples: list[RenderSample]) -> list[SettingGroup]:
    grouped: dict[tuple, list[RenderSample]] = defaultdict(list)
    for s in samples:
        grouped[tuple(getattr(s, n) for n in SETTINGS)].append(s)
    groups = []
    for key, members in grouped.items():
        frames = sum(m.frames for m in members)
        nbytes = sum(m.bytes for m in members)
        pixels = sum(m.bytes / m.bytes_per_pixel for m in members)
        groups.append(
            SettingGroup(
                **dict(zip(SETTINGS, key, strict=True)),
                renders=len(members),
                frames=frames,
                bytes=nbytes,
                bytes_per_frame=round(nbytes / frames, 1),
                bytes_per_pixel=round(nbytes / pixels, 4),
                forecast_per_1000_frames=_forecast(nbytes, frames),
            )
        )
    groups.sort(key=lambda g: g.bytes, reverse=True)
    return groups


def _totals(samples: list[RenderSample], key) -> list[RenderTotal]:
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for s in samples:
        row = acc[key(s)]
        row[0] += 1
        row[1] += s.frames
        row[2] += s.bytes
    totals = [
        RenderTotal(key=k, renders=n, frames=f, bytes=b, forecast_per_1000_frames=_forecast(b, f))
        for k, (n, f, b) in acc.items()
    ]
    return sorted(totals, key=lambda t: t.bytes, reverse=True)


def _job_totals(samples: list[RenderSample], jobs: Iterable[RenderJob]) -> list[RenderTotal]:
    totals = _totals([s for s in samples if s.job_id], lambda s: s.job_id)
    seen = {t.key for t in totals}
    # Jobs whose output is not (or no longer) cataloged still count what they wrote.
    for job in jobs:
        if job.job_id not in seen and job.output_frames:
            totals.append(
                RenderTotal(
                    key=job.job_id,
                    renders=1,
                    frames=job.output_frames,
                    bytes=job.output_bytes,
                    forecast_per_1000_frames=_forecast(job.output_bytes, job.output_frames),
                )
            )
    return sorted(totals, key=lambda t: t.bytes, reverse=True)


def _forecast(nbytes: int, frames: int) -> int:
    return round(nbytes / frames * 1000) if frames else 0


def _renders(catalog: Catalog, under: str | None) -> Iterator[Asset]:
    yield from catalog.find(kind=AssetKind.SEQUENCE, under=under)
    yield from catalog.find(kind=AssetKind.VIDEO, under=under)
