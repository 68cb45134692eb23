"""The savings plan, measured: how much of a production of realistic shape it gives back
(share per category, with no file an active project uses touched), how long a plan over
100,000 cataloged assets takes, and how fast archive copy + verify runs beside rsync
followed by `xxhsum -c` over the same files.

    uv run python benchmarks/savings.py [--part share|scale|copy|all] [--assets 100000]
        [--copy-mb 512]

`share` builds real media (ProRes camera clips, H.264 proxies, a Resolve render cache,
Premiere conformed audio, an EXR plate and superseded comp versions, backup copies,
unused takes, a dormant show), scans it, plans, carries the plan out into a scratch
archive and checks every file the active projects use is byte-for-byte where it was,
then undoes it. `scale` writes 100,000 small files and their catalog rows (ten shows of
camera clips, proxies, render caches and unused clips, cut by OTIO timelines) and times
`recommend`. `copy` needs `rsync` and `xxhsum` (Debian: rsync, xxhash).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import msgspec
import opentimelineio as otio

from mediaopt.engine import api
from mediaopt.engine.actions import apply_plan, undo_journal
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.model import (
    Action,
    ActionKind,
    Asset,
    AssetKind,
    AssetStatus,
    CatalogState,
    Category,
    Plan,
    Risk,
    Stream,
    StreamKind,
)
from mediaopt.engine.production.session import open_session
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.recommend import recommend
from mediaopt.engine.recommend.files import planned_file, xxh128_file
from mediaopt.engine.recommend.inuse import needed
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.units import human_bytes

DAY = 86400.0


# -- share: a production of realistic shape -------------------------------------------


def _age(paths, days: float) -> None:
    moment = time.time() - days * DAY
    for path in paths:
        os.utime(path, (moment, moment))


def _clip(path: Path, seed: int, frames: int = 48, **extra) -> str:
    options = dict(codec="prores_ks", pix_fmt="yuv422p10le", options={"profile": "3"})
    options.update(extra)
    media.write_movie(path, width=640, height=360, frames=frames, seed=seed, **options)
    return str(path)


def _cut(path: Path, clips: list[str]) -> None:
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name=path.stem)
    track = otio.schema.Track()
    timeline.tracks.append(track)
    for clip in clips:
        ref = otio.schema.ExternalReference(
            target_url=Path(clip).as_uri(), available_range=tr(rt(0, 24), rt(48, 24))
        )
        track.append(
            otio.schema.Clip(
                name=Path(clip).stem, media_reference=ref, source_range=tr(rt(0, 24), rt(40, 24))
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    otio.adapters.write_to_file(timeline, str(path))


def build_realistic(root: Path) -> list[str]:
    alpha, beta = root / "alpha", root / "beta"
    camera = [_clip(alpha / "camera" / f"A001C{n:03d}.mov", n) for n in range(1, 9)]
    proxies = []
    for n, clip in enumerate(camera, 1):
        proxy = alpha / "proxies" / f"{Path(clip).stem}_proxy.mp4"
        media.write_movie(
            proxy, codec="libx264", pix_fmt="yuv420p", width=320, height=180, frames=48, seed=n
        )
        proxies.append(str(proxy))
    for n, c in enumerate(camera[:6], 1):
        _clip(alpha / "CacheClip" / "7c1e" / f"{Path(c).stem}.1.dvcc", n, container_format="mov")
    cfa = alpha / "editorial" / "Media Cache Files" / "mix.wav 48000.cfa"
    media.write_audio(cfa, codec="pcm_f32le", container_format="wav", seconds=4.0)
    backups = []
    for clip in camera[:2]:
        copy = alpha / "backup" / Path(clip).name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(clip, copy)
        backups.append(str(copy))
    shot = alpha / "vfx" / "sh010"
    exr = dict(width=320, height=180, pixel_type="half", attributes={"compression": "zip"})
    plate = str(shot / "plates" / "sh010_plate.####.exr")
    media.write_sequence(plate, range(1001, 1041), seed=7, **exr)
    renders = []
    for version in (1, 2, 3):
        render = str(shot / "renders" / f"sh010_comp_v{version:03d}.####.exr")
        media.write_sequence(render, range(1010, 1021), seed=10 + version, **exr)
        renders.append(render)
    dormant = [_clip(beta / "camera" / f"B001C{n:03d}.mov", 20 + n) for n in range(1, 5)]
    everything = [str(p) for p in root.rglob("*") if p.is_file()]
    _age(everything, 40)
    _cut(alpha / "edit" / "cut_v12.otio", camera[:6])
    comp = shot / "comp" / "sh010_comp.nk"
    comp.parent.mkdir(parents=True)
    comp.write_text(
        "Root {\n inputs 0\n first_frame 1010\n last_frame 1020\n}\n"
        "Read {\n file " + plate.replace("####", "%04d") + "\n first 1010\n last 1020\n"
        " name Read1\n}\nWrite {\n file " + renders[-1] + "\n name Write1\n}\n"
    )
    _cut(beta / "edit" / "teaser.otio", dormant)
    _age([*dormant, str(beta / "edit" / "teaser.otio")], 200)
    return [str(alpha), str(beta)]


def part_share(work: Path) -> None:
    roots = build_realistic(work / "production")
    catalog_path = work / "catalog.sqlite"
    with Catalog(catalog_path) as catalog:
        api.scan(roots, catalog, workers=0)
        plan = recommend(catalog, roots)
        session = open_session(catalog, roots, path_map=PathMap())
        in_use = needed(session)
    total = plan.totals.bytes_under_roots
    print(f"production: {human_bytes(total)} under {len(roots)} roots, {len(plan.actions)} lines")
    for category, n in plan.totals.by_category.items():
        print(f"  {category:16s} {human_bytes(n):>10s}  {n / total:6.1%}")
    share = plan.totals.reclaimable / total
    print(f"  {'reclaimable':16s} {human_bytes(plan.totals.reclaimable):>10s}  {share:6.1%}")
    print(f"  estimates for a person: {human_bytes(plan.totals.estimated)}")
    files = []
    index_paths = set(in_use)
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                if path in index_paths or any(
                    p.startswith(path.rsplit(".", 2)[0]) and "####" in p for p in index_paths
                ):
                    files.append(path)
    before = {p: xxh128_file(p) for p in files}
    plan_path = work / "plan.json"
    plan_path.write_bytes(msgspec.json.encode(plan))
    with Catalog(catalog_path) as catalog:
        report = apply_plan(
            plan,
            plan_path,
            catalog=catalog,
            execute=True,
            archive_root=work / "archive",
            confirm_destructive=True,
            hardlink=True,
        )
    touched = [p for p, h in before.items() if not os.path.exists(p) or xxh128_file(p) != h]
    freed = sum(o.bytes for o in report.actions)
    print(
        f"applied: {human_bytes(freed)} moved off the sources ({freed / total:.1%}); "
        f"files the active projects use: {len(before)}, touched: {len(touched)}"
    )
    undo = undo_journal(report.journal)
    print(f"undo: {len(undo.restored)} files restored, problems: {len(undo.problems)}")


# -- scale: 100,000 cataloged assets ----------------------------------------------------


_VIDEO = Stream(kind=StreamKind.VIDEO, codec="ProRes", width=1920, height=1080, frame_rate=24)


def part_scale(work: Path, assets: int) -> None:
    root = work / "facility"
    old = time.time() - 60 * DAY
    rows = []
    cut_clips: dict[int, list[str]] = {}
    for i in range(assets):
        show, slot = i % 10, (i // 10) % 10
        clip = f"A{i // 1000:03d}C{i:06d}"
        folder = root / f"show{show:02d}"
        if slot < 4:
            path = folder / "camera" / f"{clip}.mov"
            if slot < 3:
                cut_clips.setdefault(show, []).append(str(path))
        elif slot < 7:
            path = folder / "proxies" / f"A{(i - 40) // 1000:03d}C{i - 40:06d}_proxy.mp4"
        elif slot < 8:
            path = folder / "CacheClip" / f"{clip}.1.dvcc"
        else:
            path = folder / "incoming" / f"{clip}.mov"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Media sizes rarely collide (a few do, as on real storage); sparse beyond a
        # random head, so 100,000 files of up to 100 KB take little disk.
        with open(path, "wb") as f:
            f.write(os.urandom(64))
            f.truncate(1000 + (i if i % 997 else i - 1))
        os.utime(path, (old, old))
        st = path.stat()
        asset = Asset(
            path=str(path),
            kind=AssetKind.VIDEO,
            bytes=st.st_size,
            mtime=st.st_mtime,
            status=AssetStatus.OK,
            reel=clip,
            start_timecode="01:00:00:00",
            duration_s=10.0,
            streams=[_VIDEO],
        )
        identity = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
        rows.append((asset, str(path.parent), identity, None))
    for show, clips in cut_clips.items():
        _cut(root / f"show{show:02d}" / "edit" / "cut.otio", clips)
    catalog_path = work / "scale.sqlite"
    with Catalog(catalog_path) as catalog:
        scan_id = catalog.begin_scan([str(root)])
        for start in range(0, len(rows), 5000):
            catalog.put(rows[start : start + 5000], scan_id)
        started = time.perf_counter()
        plan = recommend(catalog, [str(root)])
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = recommend(catalog, [str(root)])
        warm = time.perf_counter() - started
        # The part every analysis shares: index the catalog, read and resolve the cuts,
        # lineage, orphans (the plan rests on it; `mediaopt orphans` costs the same).
        started = time.perf_counter()
        orphans_in(open_session(catalog, [str(root)]))
        shared = time.perf_counter() - started
    files = sum(len(a.files) for a in plan.actions)
    print(
        f"plan over {assets:,} cataloged assets: {seconds:.1f} s (again, hashes cached: "
        f"{warm:.1f} s); {len(plan.actions):,} lines, {files:,} files, "
        f"{plan.totals.reclaimable / plan.totals.bytes_under_roots:.0%} reclaimable "
        f"(target < 30 s); same lines again: {len(again.actions) == len(plan.actions)}; "
        f"of this, reading the projects, lineage and orphans alone: {shared:.1f} s"
    )


# -- copy: archive copy + verify against rsync + xxhsum -c --------------------------------


def part_copy(work: Path, megabytes: int, rounds: int = 3) -> None:
    if not shutil.which("rsync") or not shutil.which("xxhsum"):
        print("copy: skipped (needs rsync and xxhsum: apt-get install rsync xxhash)")
        return
    src = work / "copy" / "src"
    src.mkdir(parents=True)
    count = 8
    block = os.urandom(1 << 20)
    for n in range(count):
        with open(src / f"A001C{n:03d}.mov", "wb") as f:
            for m in range(megabytes // count):
                f.write(block[m % 7 :] + block[: m % 7])
    total = sum(p.stat().st_size for p in src.iterdir())
    names = [p.name for p in sorted(src.iterdir())]
    sums = work / "copy" / "sums"
    started = time.perf_counter()
    sums.write_bytes(
        subprocess.run(["xxhsum", "-H2", *names], cwd=src, check=True, capture_output=True).stdout
    )
    hashed = time.perf_counter() - started
    timings: dict[str, list[float]] = {"rsync": [], "rsync-disk": [], "mediaopt": []}
    # Alternating rounds on a shared machine: the medians compare like with like.
    for n in range(rounds):
        timings["rsync"].append(_rsync(src, work / "copy" / f"rsync{n}", sums, from_disk=False))
        timings["rsync-disk"].append(_rsync(src, work / "copy" / f"disk{n}", sums, from_disk=True))
        timings["mediaopt"].append(_ours(src, work / "copy" / f"ours{n}", work))
    mb = total / 1e6
    med = {k: sorted(v)[len(v) // 2] for k, v in timings.items()}
    ours = med["mediaopt"]
    print(
        f"archive copy + verify of {mb:.0f} MB in {count} files, median of {rounds} rounds: "
        f"mediaopt {mb / ours:.0f} MB/s (copy hashing the source, fsync, read-back from "
        f"disk, ASC MHL, source removed); rsync -a then xxhsum -c: "
        f"{mb / med['rsync']:.0f} MB/s, ratio {med['rsync'] / ours:.2f}x "
        f"({(med['rsync'] + hashed) / ours:.2f}x counting the source's sums, {hashed:.2f} s); "
        f"rsync + sync + xxhsum -c reading the copies back from disk: "
        f"{mb / med['rsync-disk']:.0f} MB/s, ratio {med['rsync-disk'] / ours:.2f}x "
        f"({(med['rsync-disk'] + hashed) / ours:.2f}x counting the sums)"
    )


def _rsync(src: Path, dest: Path, sums: Path, *, from_disk: bool) -> float:
    started = time.perf_counter()
    subprocess.run(["rsync", "-a", f"{src}/", f"{dest}/"], check=True)
    if from_disk:  # mediaopt's footing: the copies on disk, read back from it
        subprocess.run(["sync"], check=True)
        for copy in dest.iterdir():
            with open(copy, "rb") as f:
                os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    subprocess.run(["xxhsum", "-c", str(sums)], cwd=dest, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    shutil.rmtree(dest)
    return seconds


def _ours(src: Path, archive: Path, work: Path) -> float:
    files = [planned_file(str(p)) for p in sorted(src.iterdir())]
    total = sum(f.bytes for f in files if f)
    plan = Plan(
        id="copybench",
        created=time.time(),
        roots=[str(src)],
        catalog=CatalogState(path=str(work / "empty.sqlite"), assets=0),
        actions=[
            Action(
                id="A001",
                kind=ActionKind.ARCHIVE,
                category=Category.ORPHAN,
                risk=Risk.REVIEW,
                title="archive",
                bytes=total,
                files=[f for f in files if f],
                archive_subdir="src",
            )
        ],
    )
    plan_path = archive.with_suffix(".json")
    plan_path.write_bytes(msgspec.json.encode(plan))
    with Catalog(work / "empty.sqlite") as catalog:
        catalog.begin_scan([str(src)])  # apply acts only inside roots the catalog knows
        started = time.perf_counter()
        report = apply_plan(plan, plan_path, catalog=catalog, execute=True, archive_root=archive)
        seconds = time.perf_counter() - started
    assert report.actions[0].status == "done", report.actions
    undo_journal(report.journal)  # the sources back for the next round
    shutil.rmtree(archive)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["share", "scale", "copy", "all"], default="all")
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--copy-mb", type=int, default=512)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mediaopt-savings-") as tmp:
        work = Path(tmp)
        if args.part in ("share", "all"):
            part_share(work)
        if args.part in ("scale", "all"):
            part_scale(work, args.assets)
        if args.part in ("copy", "all"):
            part_copy(work, args.copy_mb)


if __name__ == "__main__":
    main()
