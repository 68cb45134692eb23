"""Render jobs: what a farm says about a finished job, tied to the output it wrote.

The hook must never fail the farm job and must finish in seconds, so it probes only the
job's own output (one folder listing and at most two headers) and records problems on
the job instead of raising.
"""

from __future__ import annotations

import os
import re
import time

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetStatus, RenderJob, notation
from mediaopt.engine.scan import assemble
from mediaopt.engine.scan.probe import probe_file
from mediaopt.engine.scan.sequences import group_sequences
from mediaopt.engine.scan.walk import Walker


def normalise_pattern(pattern: str) -> str:
    """`beauty.%04d.exr`, `beauty.@@@@.exr`, `beauty.$F4.exr` -> `beauty.####.exr`."""
    return notation.hashes(pattern)


def parse_frames(text: str | None) -> list[int]:
    """`1001-1100`, `1-10x2`, `1,3,5-7`, `1-10:2` -> frame numbers; [] when unknown."""
    if not text:
        return []
    frames: list[int] = []
    for part in re.split(r"[,\s]+", text.strip()):
        m = re.fullmatch(r"(-?\d+)(?:-(-?\d+)(?:[x:](\d+))?)?", part)
        if not m:
            continue
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        step = int(m.group(3) or 1)
        frames.extend(range(first, last + 1, max(step, 1)))
    return sorted(set(frames))


def post_job(job: RenderJob, catalog: Catalog) -> RenderJob:
    """Probe the job's output, store it and the job in the catalog, and return the job with
    what was found. Never raises for a problem with the output: it is noted on the job."""
    problems = list(job.problems)
    asset = None
    if not job.output_pattern:
        problems.append("the job names no output path; nothing to measure")
    else:
        try:
            asset = _catalog_output(normalise_pattern(job.output_pattern), catalog)
        except Exception as exc:  # the hook must record the job whatever the output holds
            problems.append(f"{job.output_pattern}: could not read the output: {exc}")
    job = msgspec.structs.replace(job, finished=job.finished or time.time())
    if asset is None:
        if job.output_pattern and not any("no frames" in p for p in problems):
            problems.append(f"{job.output_pattern}: no output found on disk")
        job = msgspec.structs.replace(job, problems=problems)
    else:
        job = _with_output(job, asset, problems)
    store_job(job, catalog)
    return job


def store_job(job: RenderJob, catalog: Catalog) -> None:
    catalog.render_jobs.put(job)


def render_jobs(catalog: Catalog) -> list[RenderJob]:
    """Every recorded job, oldest first."""
    return catalog.render_jobs.all()


def jobs_by_output(catalog: Catalog) -> dict[str, RenderJob]:
    """The latest job that wrote each cataloged output."""
    return {j.output_asset: j for j in render_jobs(catalog) if j.output_asset}


def _catalog_output(pattern: str, catalog: Catalog) -> Asset | None:
    folder = os.path.dirname(os.path.abspath(pattern))
    if not os.path.isdir(folder):
        return None
    if "#" not in os.path.basename(pattern):
        if not os.path.isfile(pattern):
            return None
        asset = assemble.file_asset(probe_file(os.path.abspath(pattern)))
        st = os.stat(pattern)
        identity = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
        catalog.put([(asset, folder, identity, identity)], catalog.begin_scan([pattern]))
        return asset
    listing, _ = Walker([folder], threads=1).list_folder(folder)
    if listing.error:
        raise OSError(listing.error)
    _, groups = group_sequences(listing.files)
    wanted = os.path.abspath(pattern)
    group = next((g for g in groups if g.pattern == wanted), None)
    if group is None:
        return None
    targets = assemble.probe_targets(group)
    asset = assemble.sequence_asset(group, [probe_file(e.path) for e in targets])
    row = (asset, folder, assemble.sequence_identity(group), assemble.probe_key(targets))
    catalog.put([row], catalog.begin_scan([wanted]))
    return asset


def _with_output(job: RenderJob, asset: Asset, problems: list[str]) -> RenderJob:
    wanted = parse_frames(job.frames)
    missing: list[int] = []
    frames = 1
    if asset.sequence is not None:
        seq = asset.sequence
        present = set(range(seq.first_frame, seq.last_frame + 1)) - set(seq.missing_frames)
        missing = [f for f in wanted if f not in present] if wanted else seq.missing_frames
        frames = seq.frame_count
    if missing:
        problems.append(f"{len(missing)} frame(s) of the job's range have no file")
    if asset.status is not AssetStatus.OK and asset.reason:
        problems.append(f"{asset.path}: {asset.reason}")
    return msgspec.structs.replace(
        job,
        output_pattern=asset.path,
        output_asset=asset.path,
        output_bytes=asset.bytes,
        output_frames=frames,
        missing_frames=missing,
        problems=problems,
    )
