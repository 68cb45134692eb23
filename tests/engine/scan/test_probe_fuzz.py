"""Hostile headers: a few hundred seeded mutants of each probed format (bytes flipped,
words set to extremes, files cut short), scanned as every scan probes: in a worker. None
may stop the scan, crash or hang it, or come back `ok` with values no real file holds;
each failure is that file's error with a reason."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.model import AssetStatus
from mediaopt.engine.scan import scanner
from mediaopt.engine.scan.probe.sanity import impossible
from mediaopt.fixtures import scantrees

MUTANTS = 250
"""Per format: enough to reach the failures seen by hand (12 of 300 EXR headers), small
enough that all formats together probe in a few seconds."""
SECONDS_PER_FORMAT = 60.0
"""A whole format's mutants; a probe takes milliseconds, so only a hang comes near."""
_EXTREMES = (b"\x00\x00\x00\x00", b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\x80\x00\x00\x00")


def _sources(cached_media) -> dict[str, Path]:
    found = scantrees.source_media(cached_media)
    small = dict(codec="mpeg4", pix_fmt="yuv420p", width=32, height=18, frames=2)
    return {
        "mov": found["mov"],
        "mp4": cached_media("fuzz-mpeg4-v1.mp4", media.write_movie, **small),
        "mxf": cached_media(
            "fuzz-dnxhr-v1.mxf",
            media.write_movie,
            codec="dnxhd",
            pix_fmt="yuv422p10le",
            options={"profile": "dnxhr_hqx"},
            width=256,
            height=128,
            frames=1,
        ),
        "wav": cached_media(
            "fuzz-s16-v1.wav", media.write_audio, codec="pcm_s16le", layout="mono", seconds=0.02
        ),
        "exr": found["exr"],
        "dpx": cached_media(
            "fuzz-10bit-v1.dpx",
            media.write_image_oiio,
            pixel_type="uint16",
            attributes={"oiio:BitsPerSample": 10},
        ),
        "tif": cached_media(
            "fuzz-lzw-v1.tif",
            media.write_image_oiio,
            pixel_type="uint16",
            attributes={"compression": "lzw"},
        ),
        "png": found["png"],
        "jpg": found["jpg"],
    }


def mutant(original: bytes, rng: random.Random) -> bytes:
    """One damaged copy: the header is where parsers trust what they read."""
    data = bytearray(original)
    header = min(len(data), 4096)
    roll = rng.random()
    if roll < 0.15:
        return bytes(data[: rng.randrange(1, len(data))])
    if roll < 0.4:
        at = rng.randrange(0, max(1, header - 4))
        data[at : at + 4] = rng.choice(_EXTREMES)
        return bytes(data)
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(header)] ^= 1 << rng.randrange(8)
    return bytes(data)


def _name(i: int) -> str:
    """A name with no frame number, so mutants stay single files, not a sequence."""
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters += chr(ord("a") + r)
        if i == 0:
            return f"mutant_{letters}"


@pytest.mark.parametrize("fmt", ["mov", "mp4", "mxf", "wav", "exr", "dpx", "tif", "png", "jpg"])
def test_mutated_headers_are_each_an_error_with_a_reason(
    fmt, cached_media, tmp_path, monkeypatch
) -> None:
    source = _sources(cached_media)[fmt]
    rng = random.Random(sum(fmt.encode()) * 7919)
    original = source.read_bytes()
    root = tmp_path / "media"
    root.mkdir()
    for i in range(MUTANTS):
        (root / f"{_name(i)}.{fmt}").write_bytes(mutant(original, rng))
    # A hung probe costs this twice (a retry, then alone); real ones take milliseconds.
    monkeypatch.setattr(scanner, "PROBE_SECONDS", 0.5)
    started = time.monotonic()
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        summary = scanner.scan([root], catalog, workers=1)
        assets = list(catalog.find())
    seconds = time.monotonic() - started
    assert len(assets) == MUTANTS and summary.files_seen == MUTANTS
    silent = [a.path for a in assets if a.status is AssetStatus.ERROR and not a.reason]
    nonsense = [(a.path, impossible(a)) for a in assets if a.status is not AssetStatus.ERROR]
    assert silent == [] and [n for n in nonsense if n[1]] == []
    assert {p.path for p in summary.problems} == {
        a.path for a in assets if a.status is AssetStatus.ERROR
    }
    assert seconds < SECONDS_PER_FORMAT, f"{fmt}: {seconds:.1f} s"
