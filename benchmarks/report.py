"""The HTML report at facility scale: `mediaopt report` over a catalog of 100,000 assets,
run through the command line as a user runs it, then opened in headless Chromium.
Targets: written in under 30 s, under 10 MB, load event in under 3 s.

    uv run python benchmarks/report.py [--assets 100000] [--keep DIR] [--profile]

The production has the shape of a real one (ten shows; camera clips, proxies, audio,
stills, EXR plates and comp versions, review movies, documents; copies in deliveries;
modification dates over two years; cuts and comps referencing part of it). Its files are
real but sparse: a random head, then a hole up to the cataloged size, so orphans are
checked on disk as they are in production and the duplicates are true duplicates. The
catalog is written through the catalog's own API, as a scan writes it (the scan has its
own benchmark): headers are not probed here.

Movies' rate profiles are stored in the catalog as an earlier `bandwidth need`, report
or analysis leaves them (one read of each file's index, ever: benchmarks/bandwidth.py
measures that first read); the files here are holes, with no index to read.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright's Python package (a dev
dependency) through the browser tests' launcher (fixtures/browser.py: its flags, an empty
profile per run, offline); no browser is downloaded.
`--profile` prints where the report command spends its time (cProfile, top 25).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import opentimelineio as otio

from mediaopt.engine.bandwidth.profile import BIN_S, RateProfile, encode
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, FrameSequence, Stream, StreamKind

DAY = 86400.0
SHOWS = 10
FRAMES = 24

_CAMERA = [
    Stream(
        kind=StreamKind.VIDEO,
        codec="ProRes",
        codec_profile="4444",
        width=3840,
        height=2160,
        frame_rate=23.976,
        bit_depth=12,
        chroma_subsampling="4:4:4",
        colour_primaries="BT.709",
    ),
    Stream(kind=StreamKind.AUDIO, codec="PCM", channels=2, sample_rate=48000, sample_bit_depth=24),
]
_PROXY = [
    Stream(kind=StreamKind.VIDEO, codec="AVC", width=1920, height=1080, frame_rate=23.976),
    Stream(kind=StreamKind.AUDIO, codec="AAC", channels=2, sample_rate=48000),
]
_REVIEW = [Stream(kind=StreamKind.VIDEO, codec="AVC", width=1920, height=1080, frame_rate=24)]
_AUDIO = [
    Stream(kind=StreamKind.AUDIO, codec="PCM", channels=8, sample_rate=48000, sample_bit_depth=24)
]
_STILL = [Stream(kind=StreamKind.IMAGE, codec="jpeg", width=6000, height=4000, bit_depth=8)]
_PLATE = [
    Stream(
        kind=StreamKind.IMAGE,
        codec="openexr",
        width=4096,
        height=2160,
        bit_depth=16,
        compression="piz",
        pixel_type="half",
    )
]


class Production:
    """What was written, for the projects to reference."""

    def __init__(self) -> None:
        self.camera: dict[int, list[str]] = {}
        self.plates: dict[int, list[str]] = {}
        self.profiles: list[tuple[str, str, bytes | None]] = []
        self.files = 0
        self.bytes = 0


def _write(path: str, size: int, mtime: float, head: bytes) -> os.stat_result:
    """A file of `size` bytes that takes a page of disk: `head`, then a hole."""
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(max(size, len(head)))
    os.utime(path, (mtime, mtime))
    return os.stat(path)


def _identity(st: os.stat_result) -> str:
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"  # as the scan's walker


def _asset_rows(root: str, i: int, rng: random.Random, now: float, made: Production):
    """The catalog rows of asset `i`: one of a hundred slots, each a kind of media."""
    show = i % SHOWS
    folder = f"{root}/show{show:02d}"
    slot = (i // SHOWS) % 100
    n = i // SHOWS
    # Each show shot over a few months, some time in the last two years; the first
    # shows are recent (active), the last ones long finished (dormant).
    start = now - (60 + show * 70 + rng.random() * 120) * DAY
    mtime = start + rng.random() * 90 * DAY
    head = rng.randbytes(64)
    # Each show's camera letter: clip names are unique within the production, as a
    # camera's own numbering makes them on one show.
    reel = f"{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[show % 26]}{n // 400 % 1000:03d}"
    clip = f"{reel}C{n:06d}"
    if slot < 40:
        path = f"{folder}/camera/{reel}/{clip}.mov"
        duration = 20 + rng.random() * 280
        size = int(duration * 110_000_000 * (0.8 + rng.random() * 0.4))
        asset = Asset(
            path=path,
            kind=AssetKind.VIDEO,
            status=AssetStatus.OK,
            bytes=size,
            mtime=mtime,
            format="QuickTime",
            extension="mov",
            duration_s=duration,
            start_timecode="01:00:00:00",
            reel=clip,
            streams=_CAMERA,
        )
        made.camera.setdefault(show, []).append(path)
    elif slot < 55:
        source = n - slot + (slot - 40)  # one of the camera clips of the same hundred
        path = f"{folder}/proxies/{reel[0]}{source // 400 % 1000:03d}C{source:06d}_proxy.mp4"
        duration = 20 + rng.random() * 280
        asset = Asset(
            path=path,
            kind=AssetKind.VIDEO,
            status=AssetStatus.OK,
            bytes=int(duration * 1_200_000),
            mtime=mtime,
            format="MPEG-4",
            extension="mp4",
            duration_s=duration,
            streams=_PROXY,
        )
    elif slot < 70:
        path = f"{folder}/audio/{reel}/{clip}_{slot:02d}.wav"
        duration = 20 + rng.random() * 600
        asset = Asset(
            path=path,
            kind=AssetKind.AUDIO,
            status=AssetStatus.OK,
            bytes=int(duration * 48000 * 8 * 3) + 44,
            mtime=mtime,
            format="Wave",
            extension="wav",
            duration_s=duration,
            streams=_AUDIO,
        )
    elif slot < 85:
        path = f"{folder}/stills/{reel}/IMG_{n:06d}.jpg"
        asset = Asset(
            path=path,
            kind=AssetKind.IMAGE,
            status=AssetStatus.OK,
            bytes=4_000_000 + rng.randrange(8_000_000),
            mtime=mtime,
            format="JPEG",
            extension="jpg",
            streams=_STILL,
        )
    elif slot < 95:
        return [_sequence(folder, slot, n, rng, mtime, made, show)]
    elif slot < 98:
        path = f"{folder}/review/sh{n:06d}_comp_v{slot - 94:03d}.mov"
        asset = Asset(
            path=path,
            kind=AssetKind.VIDEO,
            status=AssetStatus.OK,
            bytes=40_000_000 + rng.randrange(20_000_000),
            mtime=mtime,
            format="MPEG-4",
            extension="mov",
            duration_s=FRAMES / 24,
            streams=_REVIEW,
        )
    else:
        path = f"{folder}/docs/notes_{n:06d}.pdf"
        asset = Asset(
            path=path,
            kind=AssetKind.OTHER,
            status=AssetStatus.OK,
            bytes=20_000 + rng.randrange(2_000_000),
            mtime=mtime,
            format="PDF",
            extension="pdf",
        )
    os.makedirs(os.path.dirname(path), exist_ok=True)
    st = _write(path, asset.bytes, mtime, head)
    rows = [(asset, os.path.dirname(path), _identity(st), _identity(st))]
    if asset.kind in (AssetKind.VIDEO, AssetKind.AUDIO):
        made.profiles.append((_identity(st), path, _profile(asset, rng)))
    if slot == 84 and n % 3 == 0:
        # A delivery copy of a still: byte for byte the same (same head, same size).
        copy = f"{folder}/deliveries/{reel}/IMG_{n:06d}.jpg"
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        cst = _write(copy, asset.bytes, mtime, head)
        rows.append(
            (
                Asset(**{**_fields(asset), "path": copy}),
                os.path.dirname(copy),
                _identity(cst),
                _identity(cst),
            )
        )
    return rows


def _profile(asset: Asset, rng: random.Random) -> bytes | None:
    """The rate profile an index read would have stored: None for WAV (no index)."""
    if asset.format == "Wave" or not asset.duration_s:
        return None
    duration = asset.duration_s
    bins = max(1, int(duration / BIN_S))
    mean = asset.bytes * 0.98 / bins
    sizes = [int(mean * (0.85 + 0.3 * rng.random())) for _ in range(bins)]
    window = int(1 / BIN_S)
    totals = list(itertools.accumulate(sizes, initial=0))
    seconds = [totals[min(k + window, bins)] - totals[k] for k in range(bins)]
    peak_k = max(range(bins), key=seconds.__getitem__)
    return encode(
        RateProfile(
            peak=float(seconds[peak_k]),
            peak_at=peak_k * BIN_S,
            bins=sizes,
            bin_s=BIN_S,
            length=duration,
            essence_bytes=sum(sizes),
        )
    )


def _fields(asset: Asset) -> dict:
    return {f: getattr(asset, f) for f in asset.__struct_fields__}


def _sequence(folder, slot, n, rng, mtime, made, show):
    """An EXR plate (slots 85-89) or one of three versions of a comp render (90-94)."""
    if slot < 90:
        pattern = f"{folder}/vfx/sh{n:06d}/plates/sh{n:06d}_plate.####.exr"
        made.plates.setdefault(show, []).append(pattern)
    else:
        shot = n - (slot - 90)
        pattern = f"{folder}/vfx/sh{shot:06d}/comp/sh{shot:06d}_comp_v{slot - 89:03d}.####.exr"
    os.makedirs(os.path.dirname(pattern), exist_ok=True)
    sizes = [30_000_000 + rng.randrange(6_000_000) for _ in range(FRAMES)]
    identities = []
    head = rng.randbytes(64)
    for k, size in enumerate(sizes):
        frame = pattern.replace("####", f"{1001 + k:04d}")
        identities.append(_identity(_write(frame, size, mtime, head + k.to_bytes(4, "big"))))
    sequence = FrameSequence(
        pattern=pattern,
        first_frame=1001,
        last_frame=1000 + FRAMES,
        padding=4,
        frame_count=FRAMES,
        missing_frames=[],
        frame_bytes=sizes,
    )
    asset = Asset(
        path=pattern,
        kind=AssetKind.SEQUENCE,
        status=AssetStatus.OK,
        bytes=sum(sizes),
        mtime=mtime,
        format="OpenEXR",
        extension="exr",
        sequence=sequence,
        streams=_PLATE,
    )
    digest = hashlib.blake2b("".join(identities).encode(), digest_size=8).hexdigest()
    probe_key = f"{identities[0]}|{identities[FRAMES // 2]}"
    return asset, os.path.dirname(pattern), f"seq:{FRAMES}:{digest}", probe_key


def _timeline(path: Path, clips: list[str], name: str) -> None:
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name=name)
    track = otio.schema.Track()
    timeline.tracks.append(track)
    for k, clip in enumerate(clips):
        media = otio.schema.ExternalReference(target_url=clip)
        start = 86400 + (k % 50) * 24
        track.append(
            otio.schema.Clip(
                name=os.path.basename(clip),
                media_reference=media,
                source_range=tr(rt(start, 24), rt(48, 24)),
            )
        )
    otio.adapters.write_to_file(timeline, str(path))


def _comp(path: Path, plates: list[str], render: str) -> None:
    lines = ["version 14.0 v5\n"]
    for k, plate in enumerate(plates):
        lines.append(f"Read {{\n file {plate.replace('####', '%04d')}\n name R{k}\n}}\n")
    lines.append(f"Write {{\n file {render}\n name W\n}}\n")
    path.write_text("".join(lines))


def write_projects(root: str, made: Production, now: float, refs: int) -> list[Asset]:
    """Per show: two cuts of `refs` camera clips each and a comp reading the show's first
    plates. The first half of the shows were touched this month (active), the rest not
    for a year (dormant): their media is kept as uncertain, not called orphaned."""
    written = []
    for show in range(SHOWS):
        edit = Path(root) / f"show{show:02d}" / "edit"
        edit.mkdir(parents=True, exist_ok=True)
        clips = made.camera.get(show, [])
        when = now - (3 if show < SHOWS // 2 else 400) * DAY
        paths = []
        for cut in range(2):
            path = edit / f"show{show:02d}_cut{cut + 1}.otio"
            _timeline(path, clips[cut * refs : (cut + 1) * refs], path.stem)
            paths.append(path)
        comp = edit / f"show{show:02d}_comp.nk"
        plates = made.plates.get(show, [])[: refs // 5]
        _comp(comp, plates, f"{root}/show{show:02d}/vfx/comp_v001.####.exr")
        paths.append(comp)
        for path in paths:
            os.utime(path, (when, when))
            written.append(
                Asset(
                    path=str(path),
                    kind=AssetKind.OTHER,
                    status=AssetStatus.OK,
                    bytes=path.stat().st_size,
                    mtime=when,
                    extension=path.suffix[1:],
                )
            )
    return written


def build(root: str, catalog_path: str, assets: int, refs: int) -> Production:
    """Write the files and catalog them, 5,000 rows per transaction as the scan does."""
    rng = random.Random(15)
    now = time.time()
    made = Production()
    with Catalog(catalog_path) as catalog:
        scan_id = catalog.begin_scan([root])
        batch: list = []
        for i in range(assets):
            batch += _asset_rows(root, i, rng, now, made)
            if len(batch) >= 5000:
                catalog.put(batch, scan_id)
                catalog.rate_profiles.put(made.profiles)
                batch, made.profiles = [], []
        projects = write_projects(root, made, now, refs)
        batch += [(a, os.path.dirname(a.path), f"project:{a.path}", None) for a in projects]
        catalog.put(batch, scan_id)
        catalog.rate_profiles.put(made.profiles)
        made.files = catalog.count()
        made.bytes = sum(r.bytes for r in catalog.stats("kind"))
    return made


def run_report(catalog_path: str, output: str, profile: bool) -> float:
    """`mediaopt report` as a user runs it: a new process, the installed command."""
    command = shutil.which("mediaopt", path=os.path.dirname(sys.executable)) or "mediaopt"
    args = [command, "report", "--catalog", catalog_path, "-o", output]
    if profile:
        stats = output + ".prof"
        args = [sys.executable, "-m", "cProfile", "-o", stats, command, *args[1:]]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(args, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"report process: {cpu:.1f} s CPU, peak RSS {after.ru_maxrss / 1024:.0f} MB")
    if done.returncode not in (0, 1):  # 1: ran, with problems listed
        sys.exit(f"mediaopt report failed ({done.returncode}):\n{done.stderr[-3000:]}")
    problems = [line for line in done.stderr.splitlines() if line.startswith("problem")]
    if problems:
        print(f"report listed {len(problems)} problems, first: {problems[0]}")
    if profile:
        import pstats

        pstats.Stats(stats).sort_stats("cumulative").print_stats(25)
    return seconds


def load_seconds(page_path: str, runs: int = 3) -> list[float]:
    """Seconds from navigation to the load event, in a fresh headless Chromium with an
    empty profile each run (no cache carried over): the browser tests' own launcher."""
    from mediaopt.fixtures.browser import browser, open_page, unavailable_reason

    why = unavailable_reason()
    if why:
        sys.exit(f"needs a browser: {why}")
    found = []
    for _ in range(runs):
        with browser() as context:
            started = time.perf_counter()
            page = open_page(context, page_path, timeout_ms=120_000)
            outside = time.perf_counter() - started
            timing = page.page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return n ? n.loadEventEnd - n.startTime : null; }"
            )
            found.append(timing / 1000 if timing else outside)
            if page.errors:
                print(f"page errors: {page.errors[:3]}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--refs", type=int, default=400, help="clips per cut")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (reused)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="mediaopt-bench-report-"))
    try:
        root, catalog_path = str(work / "production"), str(work / "catalog.sqlite")
        started = time.perf_counter()
        if not os.path.exists(catalog_path):
            made = build(root, catalog_path, args.assets, args.refs)
            print(
                f"built {made.files:,} cataloged assets ({made.bytes / 1e12:.1f} TB as "
                f"cataloged, sparse on disk) in {time.perf_counter() - started:.0f} s"
            )
        output = str(work / "report.html")
        seconds = run_report(catalog_path, output, args.profile)
        size = os.path.getsize(output)
        print(
            f"mediaopt report over {args.assets:,} assets: {seconds:.1f} s (target < 30 s); "
            f"{size / 1e6:.1f} MB (target < 10 MB)"
        )
        if not args.no_browser:
            loads = load_seconds(output)
            print(
                "load event in headless Chromium, fresh profile: "
                + ", ".join(f"{s:.2f}" for s in loads)
                + f" s; median {sorted(loads)[len(loads) // 2]:.2f} s (target < 3 s)"
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
