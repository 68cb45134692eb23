"""Render benchmark: analysis of 100 sequences x 1,000 frames, and a what-if of 8 frames of
2K EXR across every default candidate. Prints figures.

The 100,000-frame catalog is built synthetically: a few real EXR sequences are written and
probed, and their records are cloned into 100 catalog rows of 1,000 frames whose per-frame
sizes are drawn around the real frames' sizes (a few made outliers). Writing 100,000 files
would measure the disk, not the analysis.

    uv run python benchmarks/render.py [--skip-whatif] [--movie]

`--movie` adds a what-if of a 10 s 2048x1080 ProRes 4444 XQ movie with alpha down the
ProRes / DNxHR ladder (3 spans of 8 frames).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo.renders import write_render_sequence
from mediaopt.engine.render.analyze import analyze
from mediaopt.engine.render.whatif import what_if
from mediaopt.engine.scan import describe

SETTINGS = [("zip", "float"), ("zip", "half"), ("piz", "half"), ("dwab:45", "half")]


def synthetic_catalog(work: Path, sequences: int = 100, frames: int = 1000) -> Catalog:
    probed = []
    for compression, pixel_type in SETTINGS:
        pattern = work / "real" / f"{compression.replace(':', '')}_{pixel_type}" / "b.####.exr"
        write_render_sequence(
            pattern,
            range(1, 4),
            width=512,
            height=288,
            compression=compression,
            pixel_type=pixel_type,
            noise=0.03,
        )
        probed.append(describe(pattern))
    catalog = Catalog(work / "catalog.sqlite")
    scan_id = catalog.begin_scan([str(work / "shows")])
    rng = random.Random(1)
    rows = []
    for i in range(sequences):
        real = probed[i % len(probed)]
        base = sum(real.sequence.frame_bytes) / len(real.sequence.frame_bytes)
        sizes = [int(base * rng.uniform(0.97, 1.03)) for _ in range(frames)]
        sizes[rng.randrange(frames)] = int(base * 3)  # one noisy frame per sequence
        folder = str(work / "shows" / f"show{i % 5}" / f"sh{i:03d}")
        pattern = f"{folder}/beauty.####.exr"
        seq = msgspec.structs.replace(
            real.sequence,
            pattern=pattern,
            first_frame=1,
            last_frame=frames,
            frame_count=frames,
            missing_frames=[],
            frame_bytes=sizes,
        )
        asset = msgspec.structs.replace(real, path=pattern, sequence=seq, bytes=sum(sizes))
        rows.append((asset, folder, f"synthetic:{i}", None))
    catalog.put(rows, scan_id)
    return catalog


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-whatif", action="store_true")
    parser.add_argument("--movie", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mediaopt-bench-render-") as tmp:
        work = Path(tmp)
        catalog = synthetic_catalog(work)
        start = time.perf_counter()
        report = analyze(catalog, under=work / "shows")
        took = time.perf_counter() - start
        print(
            f"analysis: {report.renders} sequences, {report.frames:,} frames "
            f"(synthetic rows cloned from real probed EXR frames) in {took:.2f} s "
            f"(target < 10 s); driver {report.driver}, R² {report.fit_r2}, "
            f"{len(report.outliers)} outlier frames"
        )
        catalog.close()
        if args.skip_whatif:
            return
        pattern = work / "2k" / "beauty.####.exr"
        write_render_sequence(
            pattern,
            range(1, 9),
            width=2048,
            height=1080,
            compression="zip",
            pixel_type="float",
            noise=0.03,
        )
        start = time.perf_counter()
        result = what_if(pattern, quality="psnr:50")
        took = time.perf_counter() - start
        print(
            f"what-if: 8 frames of 2048x1080 RGBA float ZIP, {len(result.candidates)} "
            f"candidates in {took:.1f} s (target < 60 s)"
        )
        print(
            f"  recommended {result.recommended}: saves {result.saved_fraction:.0%}; "
            f"{result.confidence}; "
            f"{sum(c.sampled_frames < 8 for c in result.candidates)} candidates stopped "
            "after the first pass"
        )
        if args.movie:
            movie_what_if(work)


def movie_what_if(work: Path) -> None:
    from mediaopt.engine.demo.renders import write_render_movie

    movie = write_render_movie(work / "xq.mov", width=2048, height=1080, frames=240)
    start = time.perf_counter()
    result = what_if(movie, quality="psnr:45")
    took = time.perf_counter() - start
    print(
        f"movie what-if: 10 s of 2048x1080 ProRes 4444 XQ with alpha, "
        f"{len(result.candidates)} candidates on {len(result.sampled_frames)} frames "
        f"in {took:.1f} s; recommended {result.recommended}"
    )


if __name__ == "__main__":
    main()
