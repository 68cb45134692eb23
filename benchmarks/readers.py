"""Read time and peak memory of the native project readers on the real files in
../shared/realworld/projects, largest first, and on a Premiere project scaled up from the
largest real one (GZone, 1.4 MB gzipped, 27 MB of XML, 3,819 media objects) by repeating
its media objects under new IDs and paths: `--scale 10` gives ~38,000 media, a project of
the tens of thousands of clips a long documentary holds. Target: GZone in seconds.

    uv run python benchmarks/readers.py [--scale 10] [--formats prproj,avb,aep,...]
"""

from __future__ import annotations

import argparse
import gzip
import re
import resource
import tempfile
import time
from pathlib import Path

from mediaopt.adapters import read_project

REALWORLD = Path(__file__).resolve().parents[1].parent / "shared" / "realworld" / "projects"
GZONE = REALWORLD / "prproj" / "GZone_sequence_2017_1101.prproj"
FOLDERS = ("prproj", "avb", "aep", "drp", "fusion", "maya", "houdini", "natron")
_MEDIA = re.compile(rb"\t<Media ObjectUID=\"([^\"]+)\".*?\n\t</Media>\n", re.S)


def time_read(path: Path) -> tuple[float, int, int]:
    """(seconds, references, distinct paths) of one read."""
    started = time.perf_counter()
    project = read_project(path)
    seconds = time.perf_counter() - started
    if project.errors:
        print(f"  {path.name}: {project.errors[0]}")
    return seconds, len(project.references), len({r.path for r in project.references})


def scaled_prproj(source: Path, scale: int, out: Path) -> int:
    """`source` with its Media objects repeated `scale` times (new UIDs, paths under
    `/scaled/<n>/`), gzipped to `out`. Returns the number of Media objects written."""
    xml = gzip.decompress(source.read_bytes())
    media = [m.group(0) for m in _MEDIA.finditer(xml)]
    copies = []
    for n in range(1, scale):
        for block in media:
            block = re.sub(rb'ObjectUID="([0-9a-f]{8})', rb'ObjectUID="%08x' % n, block, count=1)
            copies.append(
                block.replace(b"<ActualMediaFilePath>/", b"<ActualMediaFilePath>/scaled/%d/" % n)
            )
    closing = xml.rindex(b"</PremiereData>")
    out.write_bytes(gzip.compress(xml[:closing] + b"".join(copies) + xml[closing:], 6))
    return len(media) * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10, help="GZone's media repeated N times")
    parser.add_argument("--formats", default=",".join(FOLDERS))
    args = parser.parse_args()
    if not REALWORLD.is_dir():
        raise SystemExit(f"{REALWORLD} is absent: the real files ship beside the repository")
    print(f"{'file':44} {'MB':>7} {'s':>7} {'refs':>6} {'paths':>6}")
    for folder in args.formats.split(","):
        files = [p for p in (REALWORLD / folder).rglob("*") if p.is_file()]
        for path in sorted(files, key=lambda p: -p.stat().st_size)[:3]:
            seconds, refs, paths = time_read(path)
            size = path.stat().st_size / 1e6
            print(f"{folder + '/' + path.name:44.44} {size:7.2f} {seconds:7.2f} {refs:6} {paths:6}")
    if GZONE.is_file() and args.scale > 1:
        with tempfile.TemporaryDirectory(prefix="mediaopt-bench-readers-") as tmp:
            big = Path(tmp) / "GZone_x.prproj"
            count = scaled_prproj(GZONE, args.scale, big)
            seconds, refs, paths = time_read(big)
            size = len(gzip.decompress(big.read_bytes())) / 1e6
            print(
                f"GZone x{args.scale}: {count:,} media objects, {size:.0f} MB of XML: "
                f"read in {seconds:.1f} s, {refs:,} references, {paths:,} paths"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
