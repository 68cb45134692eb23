"""Resolution and orphan analysis at facility scale: 50 projects x 500 references over
100,000 cataloged assets. Prints time and peak RSS; target < 60 s and < 1 GB on 2 cores.

The catalog is filled with Asset records directly (the scan has its own benchmark); the
projects are real files: 40 OpenTimelineIO timelines written by OTIO and 10 Nuke
scripts, with local, relative, macOS-mapped, reel-only and sequence references. Lineage
also reads farm job records (each naming one of the Nuke scripts as its scene) and cached
video fingerprints of some movies, each proxy's print a bit away from its clip's.

    uv run python benchmarks/projects.py [--assets 100000] [--projects 50] [--refs 500]
        [--jobs 2000] [--prints 2000]

It ends with the read time of the largest real Premiere project (GZone, 27 MB of XML) when
../shared/realworld is present; benchmarks/readers.py times every native reader.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import msgspec
import opentimelineio as otio

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.fingerprint import video
from mediaopt.engine.model import (
    Asset,
    AssetKind,
    AssetStatus,
    FrameSequence,
    RenderJob,
    Stream,
    StreamKind,
)
from mediaopt.engine.production.analysis import analyse_production
from mediaopt.engine.refs.config import Settings

SHOWS = 10
FRAMES = 48
_VIDEO = Stream(kind=StreamKind.VIDEO, codec="ProRes", width=1920, height=1080, frame_rate=24)
_PROXY = Stream(kind=StreamKind.VIDEO, codec="AVC", width=480, height=270, frame_rate=24)
_PLATE = Stream(kind=StreamKind.IMAGE, codec="openexr", width=2048, height=1080)


def _asset(root: str, i: int, mtime: float) -> Asset:
    """Eight camera clips, one proxy and one plate sequence in every ten assets."""
    show = f"{root}/show{i % SHOWS:02d}"
    slot = i % 10
    clip = f"A{i // 1000:03d}C{i:06d}"
    if slot < 8:
        return Asset(
            status=AssetStatus.OK,
            path=f"{show}/camera/{clip[:4]}/{clip}.mov",
            kind=AssetKind.VIDEO,
            bytes=2_000_000_000,
            mtime=mtime,
            start_timecode="01:00:00:00",
            reel=clip,
            duration_s=10.0,
            streams=[_VIDEO],
        )
    if slot == 8:
        return Asset(
            status=AssetStatus.OK,
            path=f"{show}/proxies/A{(i - 8) // 1000:03d}C{i - 8:06d}_proxy.mp4",
            kind=AssetKind.VIDEO,
            bytes=50_000_000,
            mtime=mtime,
            streams=[_PROXY],
        )
    pattern = f"{show}/vfx/sh{i:06d}/plates/sh{i:06d}_plate_v001.####.exr"
    sequence = FrameSequence(
        pattern=pattern,
        first_frame=1001,
        last_frame=1000 + FRAMES,
        padding=4,
        frame_count=FRAMES,
        missing_frames=[],
        frame_bytes=[12_000_000] * FRAMES,
    )
    return Asset(
        status=AssetStatus.OK,
        path=pattern,
        kind=AssetKind.SEQUENCE,
        bytes=12_000_000 * FRAMES,
        mtime=mtime,
        sequence=sequence,
        streams=[_PLATE],
    )


def build_catalog(catalog: Catalog, root: str, assets: int) -> tuple[list[str], list[str]]:
    """Fill the catalog; return the movie paths and plate patterns projects can use."""
    scan_id = catalog.begin_scan([root])
    movies: list[str] = []
    plates: list[str] = []
    batch: list[tuple[Asset, str, str, str | None]] = []
    old = time.time() - 120 * 86400
    for i in range(assets):
        asset = _asset(root, i, old)
        if asset.kind is AssetKind.SEQUENCE:
            plates.append(asset.path)
        elif not asset.path.endswith("_proxy.mp4"):
            movies.append(asset.path)
        batch.append((asset, os.path.dirname(asset.path), f"id{i}", None))
        if len(batch) == 5000:
            catalog.put(batch, scan_id)
            batch = []
    catalog.put(batch, scan_id)
    return movies, plates


def _nuke(path: Path, root: str, plates: list[str], p: int, refs: int) -> None:
    lines = ["version 14.0 v5\n"]
    for r in range(refs):
        plate = plates[(p * refs + r) % len(plates)].replace("####", "%04d")
        lines.append(f"Read {{\n file {plate}\n first 1001\n last 1010\n name R{r}\n}}\n")
    lines.append(f"Write {{\n file {root}/renders/comp{p:02d}_v001.####.exr\n name W\n}}\n")
    path.write_text("".join(lines))


def _timeline(path: Path, root: str, movies: list[str], p: int, refs: int) -> None:
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name=f"cut{p}")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    for r in range(refs):
        movie = movies[(p * refs + r) % len(movies)]
        style = r % 4
        if style == 0:
            url = movie
        elif style == 1:
            url = "file:///Volumes/Projects" + movie[len(root) :]
        elif style == 2:
            url = os.path.relpath(movie, path.parent)
        else:
            url = None  # an event known by clip name and reel only
        media = (
            otio.schema.ExternalReference(target_url=url) if url else otio.schema.MissingReference()
        )
        clip = otio.schema.Clip(
            name=os.path.basename(movie),
            media_reference=media,
            source_range=tr(rt(86400, 24), rt(24, 24)),
        )
        clip.metadata["cmx_3600"] = {"reel": os.path.basename(movie)[:-4]}
        track.append(clip)
    otio.adapters.write_to_file(timeline, str(path))


def write_projects(
    folder: Path, root: str, movies: list[str], plates: list[str], projects: int, refs: int
) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for p in range(projects):
        if p % 5 == 4:
            path = folder / f"comp{p:02d}.nk"
            _nuke(path, root, plates, p, refs)
        else:
            path = folder / f"cut{p:02d}.otio"
            _timeline(path, root, movies, p, refs)
        written.append(str(path))
    return written


def add_jobs(catalog: Catalog, projects: list[str], plates: list[str], jobs: int) -> None:
    """Jobs as `mediaopt farm post-job` stores them. One in ten renders one of the Nuke
    scripts (each reading 500 plates, far more than a comp does); the rest name scenes
    that are no longer on disk, which state scene -> output only."""
    from mediaopt.engine.render.jobs import store_job

    scripts = [p for p in projects if p.endswith(".nk")]
    for j in range(jobs):
        scene = scripts[j // 10 % len(scripts)] if j % 10 == 0 else f"/farm/gone/s{j}.blend"
        job = RenderJob(
            job_id=str(j),
            farm="deadline",
            scene_file=scene,
            output_asset=plates[j % len(plates)],
            finished=float(j),
        )
        store_job(job, catalog)


def add_prints(catalog: Catalog, prints: int) -> None:
    """Cached fingerprints as `dupes --near` leaves them, in pairs a bit apart: a slot 0
    clip and the slot 8 proxy of the next ten's clip (ids i and i + 18), so names say
    nothing about the pair and only the pictures link them."""
    import random

    rng = random.Random(1)
    store = catalog.fingerprints
    times = [k * 0.25 for k in range(video.MAX_SAMPLES)]
    for i in range(0, prints * 5, 10):
        hashes = [rng.getrandbits(64) for _ in range(2 * video.MAX_SAMPLES)]
        for identity, flip in ((f"id{i}", 0), (f"id{i + 18}", 1)):
            value = video.VideoPrint(
                times=times,
                phash=[h ^ flip for h in hashes[: video.MAX_SAMPLES]],
                dhash=hashes[video.MAX_SAMPLES :],
                duration=6.0,
            )
            store.put(identity, video.METHOD, msgspec.msgpack.encode(value), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--refs", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--prints", type=int, default=2000, help="fingerprinted movies")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mediaopt-bench-projects-") as tmp:
        root = f"{tmp}/root"
        started = time.perf_counter()
        with Catalog(f"{tmp}/catalog.sqlite") as catalog:
            movies, plates = build_catalog(catalog, root, args.assets)
        edit = Path(root) / "show00" / "edit"
        projects = write_projects(edit, root, movies, plates, args.projects, args.refs)
        with Catalog(f"{tmp}/catalog.sqlite") as catalog:  # as a scan would catalog them
            rows = [
                (
                    Asset(
                        status=AssetStatus.OK,
                        path=p,
                        kind=AssetKind.OTHER,
                        bytes=1,
                        mtime=time.time(),
                    ),
                    str(edit),
                    p,
                    None,
                )
                for p in projects
            ]
            catalog.put(rows, catalog.begin_scan([root]))
            add_jobs(catalog, projects, plates, args.jobs)
            add_prints(catalog, args.prints)
        setup = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        cpu = time.process_time()
        with Catalog(f"{tmp}/catalog.sqlite") as catalog:
            analysis = analyse_production(
                catalog, [root], settings=Settings(path_map=[f"/Volumes/Projects={root}"])
            )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = analysis.orphans
    by_kind: dict[str, int] = {}
    for edge in analysis.lineage.edges:
        how = edge.evidence.split(":")[0].split(" ")[0]  # naming, headers, farm, pictures...
        by_kind[f"{edge.kind}/{how}"] = by_kind.get(f"{edge.kind}/{how}", 0) + 1
    refs = sum(p.references for p in report.projects)
    resolved = sum(p.resolved for p in report.projects)
    print(
        f"assets {args.assets}, projects {len(projects)}, references {refs}, "
        f"resolved {resolved}, unresolved {len(report.unresolved_references)}"
    )
    print(
        f"orphans {len(report.orphans)}, uncertain {len(report.uncertain)}, "
        f"kept {report.referenced} referenced + {report.kept_as_source} as sources, "
        f"lineage edges {len(analysis.lineage.edges)}"
    )
    print("lineage by kind/evidence: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())))
    print(
        f"setup {setup:.1f} s; analysis {seconds:.1f} s (target < 60 s), {cpu:.1f} s CPU "
        f"(the wall time on a shared machine, the CPU time of this process); "
        f"peak RSS {peak / 1024:.0f} MB, {rss_before / 1024:.0f} MB before the analysis "
        f"(target < 1024 MB)"
    )
    _large_premiere_project()


def _large_premiere_project() -> None:
    from readers import GZONE, time_read  # benchmarks/readers.py, beside this script

    if GZONE.is_file():
        seconds, refs, paths = time_read(GZONE)
        print(f"Premiere {GZONE.name}: read in {seconds:.1f} s, {refs} references, {paths} paths")


if __name__ == "__main__":
    main()
