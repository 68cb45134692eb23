"""What bandwidth analysis costs: `need` over 10,000 assets (index read every time, and
with the catalog's rate profiles cold then warm) and a 200-clip timeline, and `measure`
itself (bytes read, seconds).

    uv run python benchmarks/bandwidth.py [--dir DIR] [--seconds S]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import msgspec

from mediaopt.engine.bandwidth import asset_need, measure, need
from mediaopt.engine.bandwidth.profile import BIN_S, Profiles, RateProfile, encode
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.demo.timelines import ClipSpec, write_timeline
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, FrameSequence, Stream, StreamKind
from mediaopt.engine.scan import describe
from mediaopt.engine.scan.reader import process_bytes_read


def make_media(root: Path) -> tuple[list[Path], str]:
    movies = [
        media.write_movie(
            root / f"A00{i}.mov",
            codec="prores_ks",
            pix_fmt="yuv422p10le",
            options={"profile": "3"},
            width=1280,
            height=720,
            frames=48,
            seed=i,
        )
        for i in range(3)
    ]
    movies.append(
        media.write_movie(
            root / "proxy.mp4", codec="libx264", pix_fmt="yuv420p", frames=48, bit_rate=4_000_000
        )
    )
    pattern = str(root / "plate" / "plate.####.exr")
    media.write_sequence(pattern, range(1, 49), width=320, height=180, noise=0.01)
    return movies, pattern


def synthetic_assets(movies: list[Path], n: int) -> list[Asset]:
    """Half real movie records (so the index is really read), half sequence records of
    100 frames each."""
    real = [describe(m) for m in movies]
    rng = random.Random(1)
    out: list[Asset] = []
    for i in range(n):
        if i % 2:
            out.append(real[i % len(real)])
        else:
            sizes = [rng.randint(9_000_000, 13_000_000) for _ in range(100)]
            out.append(
                Asset(
                    status=AssetStatus.OK,
                    path=f"/show/sh{i:05d}/plate.####.exr",
                    kind=AssetKind.SEQUENCE,
                    bytes=sum(sizes),
                    mtime=0,
                    streams=[Stream(kind=StreamKind.IMAGE, width=4096, height=2160)],
                    sequence=FrameSequence(
                        pattern=f"/show/sh{i:05d}/plate.####.exr",
                        first_frame=1001,
                        last_frame=1100,
                        padding=4,
                        frame_count=100,
                        missing_frames=[],
                        frame_bytes=sizes,
                    ),
                )
            )
    return out


def distinct_movies(root: Path, n: int) -> list[Asset]:
    """`n` separate files (own inode, so own identity) copied from one small H.264: a
    catalog's profiles are per file, so a cold run must meet each file once."""
    source = media.write_movie(
        root / "small.mp4", codec="libx264", pix_fmt="yuv420p", width=160, height=90, frames=48
    )
    record = describe(source)
    folder = root / "copies"
    folder.mkdir(exist_ok=True)
    out = []
    for i in range(n):
        copy = folder / f"C{i:05d}.mp4"
        shutil.copyfile(source, copy)
        out.append(msgspec.structs.replace(record, path=str(copy)))
    return out


def profile_bytes_per_hour() -> int:
    """Stored size of an hour's profile: bins from a steady 25 MB/s with +-5% variation
    (synthetic; real footage with scene changes compresses less well)."""
    rng = random.Random(3)
    bins = [int(25e6 * BIN_S * rng.uniform(0.95, 1.05)) for _ in range(int(3600 / BIN_S))]
    hour = RateProfile(
        peak=26e6, peak_at=0.0, bins=bins, bin_s=BIN_S, length=3600, essence_bytes=sum(bins)
    )
    return len(encode(hour))


def timed(label: str, fn):
    read0, t0 = process_bytes_read() or 0, time.perf_counter()
    result = fn()
    seconds, read = time.perf_counter() - t0, (process_bytes_read() or 0) - read0
    print(f"{label:<48} {seconds * 1000:9.1f} ms   {read / 1e6:9.2f} MB read")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", help="work folder (default: a temporary one)")
    parser.add_argument("--seconds", type=float, default=3.0, help="measure's time budget")
    args = parser.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="mediaopt-bw-bench-"))
    movies, pattern = make_media(root)
    assets = synthetic_assets(movies, 10_000)
    timed("need, 10,000 assets, movie peaks from index", lambda: [asset_need(a) for a in assets])
    timed(
        "need, 10,000 assets, header rates only",
        lambda: [asset_need(a, read_index=False) for a in assets],
    )
    copies = distinct_movies(root, 5_000)
    mixed = [copies[i // 2] if i % 2 else a for i, a in enumerate(assets)]
    with Catalog(root / "catalog.sqlite") as catalog:
        for run in ("cold", "warm"):
            with Profiles(catalog) as profiles:
                timed(
                    f"need, 10,000 assets, catalog profiles {run}",
                    lambda p=profiles: [asset_need(a, profiles=p) for a in mixed],
                )
            print(f"  {profiles.index_reads} movie indexes read (5,000 movie files)")
    print(f"  stored profile: {profile_bytes_per_hour() / 1e3:.1f} kB per hour of media")
    rng = random.Random(2)
    sources = [str(m) for m in movies] + [pattern]
    tracks = {}
    for t in range(4):
        clips = [
            ClipSpec(
                media=rng.choice(sources),
                duration=rng.randint(12, 48),
                gap_before=rng.choice([0, 0, 6]),
                source_start=1,
                name=f"clip{t}_{c}",
            )
            for c in range(50)
        ]
        tracks[f"V{t + 1}"] = ("video", clips)
    cut = write_timeline(root / "cut_200.otio", tracks, start_timecode="01:00:00:00")
    report = timed("need, 200-clip timeline (probes each media once)", lambda: need(cut))
    curve = report.timeline
    print(
        f"  peak {curve.peak_bytes_per_s / 1e6:.1f} MB/s at {curve.peak_timecode}, "
        f"{len(curve.segments)} segments, {len(report.problems)} problems"
    )
    result = timed(
        f"measure {root} ({args.seconds:.0f} s budget)",
        lambda: measure(root, seconds=args.seconds, max_bytes=2_000_000_000),
    )
    print(f"  measure read {result.bytes_read / 1e6:.0f} MB in {result.seconds:.2f} s")
    for test in result.tests:
        files = f", {test.files_per_s:.0f} files/s" if test.files_per_s else ""
        print(
            f"  {test.name:<10} {test.bytes_per_s / 1e6:8.1f} MB/s{files} "
            f"({test.bytes / 1e6:.0f} MB, {test.seconds:.2f} s, {test.cache_bypass})"
        )


if __name__ == "__main__":
    main()
