"""Benchmark corpora: a mixed production tree and a 100,000-file tree for rescans.

Each distinct file is encoded once (real encoders, through mediaopt.engine.demo.media) into
an `originals/` folder and then replicated with plain copies: every copy is its own inode,
as on real storage, so the scanner cannot take a shortcut through hard links. A corpus is
built under a temporary name and renamed when complete, so an interrupted build is never
reused; the name carries a version to bump whenever the layout changes.
"""

from __future__ import annotations

import os
import shutil
import string
from collections.abc import Callable
from pathlib import Path

import msgspec

MIXED_VERSION = "mixed-v1"
RESCAN_VERSION = "rescan-100k-v1"
GB = 1000**3


class CorpusInfo(msgspec.Struct, kw_only=True):
    root: str
    files: int
    """Regular files written under the root."""
    logical_bytes: int
    """Sum of file sizes, sparse files at their full logical size."""
    sparse_files: int = 0
    sequences: int = 0
    longest_sequence: int = 0
    formats: list[str] = []


def _letters(index: int, width: int = 3) -> str:
    """`aaa`, `aab` ...: names without digits, so single stills never collapse into a
    frame sequence the way numbered ones (IMG_0001.jpg, IMG_0002.jpg) would."""
    out = []
    for _ in range(width):
        index, rest = divmod(index, 26)
        out.append(string.ascii_lowercase[rest])
    return "".join(reversed(out))


def _originals(folder: Path) -> dict[str, Path]:
    """The distinct files, encoded once. Sizes are kept modest (the corpus is copied a
    few thousand times) but realistic enough that a header probe reading the whole file
    would show in bytes read: movies are 0.5-8 MB, stills 0.2-4 MB."""
    from mediaopt.engine.demo import media

    specs: dict[str, tuple[Callable[..., Path], dict]] = {
        "prores_422hq.mov": (
            media.write_movie,
            dict(
                codec="prores_ks",
                pix_fmt="yuv422p10le",
                options={"profile": "3"},
                width=960,
                height=540,
                frames=24,
                timecode="01:00:00:00",
                reel="A001C003",
            ),
        ),
        "prores_4444.mov": (
            media.write_movie,
            dict(
                codec="prores_ks",
                pix_fmt="yuva444p10le",
                options={"profile": "4"},
                width=640,
                height=360,
                frames=24,
            ),
        ),
        "dnxhr_sq.mxf": (
            media.write_movie,
            dict(
                codec="dnxhd",
                pix_fmt="yuv422p",
                options={"profile": "dnxhr_sq"},
                width=1920,
                height=1080,
                frames=4,
            ),
        ),
        "h264_aac.mp4": (
            media.write_movie,
            dict(
                codec="libx264",
                pix_fmt="yuv420p",
                width=1280,
                height=720,
                frames=48,
                audio=("aac", 48000, "stereo"),
            ),
        ),
        "h264.mkv": (
            media.write_movie,
            dict(codec="libx264", pix_fmt="yuv420p", width=640, height=360, frames=24),
        ),
        "hevc.mp4": (
            media.write_movie,
            dict(codec="libx265", pix_fmt="yuv420p10le", width=640, height=360, frames=24),
        ),
        "vp9.webm": (
            media.write_movie,
            dict(codec="libvpx-vp9", pix_fmt="yuv420p", width=320, height=180, frames=12),
        ),
        "pcm24.wav": (
            media.write_audio,
            dict(codec="pcm_s24le", sample_rate=48000, layout="stereo", seconds=10.0),
        ),
        "pcm16.aiff": (
            media.write_audio,
            dict(codec="pcm_s16be", sample_rate=48000, layout="stereo", seconds=5.0),
        ),
        "dialogue.flac": (
            media.write_audio,
            dict(codec="flac", sample_rate=48000, layout="mono", seconds=5.0),
        ),
        "music.mp3": (
            media.write_audio,
            dict(codec="libmp3lame", sample_rate=44100, layout="stereo", seconds=5.0),
        ),
        "music.m4a": (
            media.write_audio,
            dict(codec="aac", sample_rate=48000, layout="stereo", seconds=5.0),
        ),
        "still.exr": (
            media.write_image_oiio,
            dict(
                width=1920,
                height=1080,
                channels=("R", "G", "B", "A"),
                pixel_type="half",
                attributes={"compression": "zip"},
                noise=0.01,
            ),
        ),
        "still.dpx": (
            media.write_image_oiio,
            dict(
                width=1024, height=540, pixel_type="uint16", attributes={"oiio:BitsPerSample": 10}
            ),
        ),
        "still.tif": (
            media.write_image_oiio,
            dict(width=1024, height=540, pixel_type="uint16", attributes={"compression": "lzw"}),
        ),
        "still.png": (media.write_image_pillow, dict(width=1024, height=540)),
        "still.jpg": (
            media.write_image_pillow,
            dict(width=1920, height=1080, quality=90, icc_profile=media.srgb_icc_profile()),
        ),
        "tiny.exr": (media.write_image_oiio, dict(width=32, height=18)),
        "tiny.png": (media.write_image_pillow, dict(width=32, height=18)),
        "tiny.jpg": (media.write_image_pillow, dict(width=32, height=18, quality=80)),
        "tiny.wav": (
            media.write_audio,
            dict(codec="pcm_s16le", sample_rate=48000, layout="mono", seconds=0.02),
        ),
    }
    for frame in range(4):
        specs[f"plate.{frame}.exr"] = (
            media.write_image_oiio,
            dict(
                width=960,
                height=540,
                channels=("R", "G", "B"),
                pixel_type="half",
                attributes={"compression": "zip"},
                index=frame,
                noise=0.01,
            ),
        )
        specs[f"comp.{frame}.dpx"] = (
            media.write_image_oiio,
            dict(
                width=480,
                height=270,
                pixel_type="uint16",
                attributes={"oiio:BitsPerSample": 10},
                index=frame,
            ),
        )
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for name, (writer, kwargs) in specs.items():
        path = folder / name
        if not path.exists():
            partial = folder / f".partial-{name}"
            writer(partial, **kwargs)
            os.replace(partial, path)
        made[name] = path
    return made


def _copy(source: Path, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)  # a new inode, never a link
    return source.stat().st_size


def _finished(final: Path, work: Path, info: CorpusInfo) -> CorpusInfo:
    (work / ".corpus.json").write_bytes(msgspec.json.encode(info))
    os.replace(work, final)
    info.root = str(final)
    (final / ".corpus.json").write_bytes(msgspec.json.encode(info))
    return info


def load(root: Path) -> CorpusInfo | None:
    marker = root / ".corpus.json"
    if not marker.is_file():
        return None
    info = msgspec.json.decode(marker.read_bytes(), type=CorpusInfo)
    info.root = str(root)
    return info


def mixed_corpus(cache: Path) -> CorpusInfo:
    """About 3,650 files: 1,400 single movies, audio files and stills, 12 sparse camera
    files of 100-500 GB, two 1,000-frame sequences and ten 24-frame ones."""
    final = cache / MIXED_VERSION
    found = load(final)
    if found is not None:
        return found
    src = _originals(cache / "originals")
    work = cache / f".building-{MIXED_VERSION}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    show = work / "show"
    files, logical = 0, 0

    def put(source: str, target: Path) -> None:
        nonlocal files, logical
        logical += _copy(src[source], target)
        files += 1

    movies = ["prores_422hq.mov", "prores_4444.mov", "dnxhr_sq.mxf", "h264_aac.mp4"]
    movies += ["h264.mkv", "hevc.mp4", "vp9.webm"]
    for i in range(300):
        name = movies[i % len(movies)]
        ext = name.rpartition(".")[2]
        put(name, show / "camera" / f"A{i // 50 + 1:03d}" / f"A{i // 50 + 1:03d}C{i:03d}.{ext}")
    sounds = ["pcm24.wav", "pcm16.aiff", "dialogue.flac", "music.mp3", "music.m4a"]
    for i in range(300):
        name = sounds[i % len(sounds)]
        ext = name.rpartition(".")[2]
        put(name, show / "sound" / f"day{i // 60 + 1:02d}" / f"scene{i:03d}_take.{ext}")
    stills = ["still.exr", "still.dpx", "still.tif", "still.png", "still.jpg"]
    for i in range(800):
        name = stills[i % len(stills)]
        ext = name.rpartition(".")[2]
        put(name, show / "art" / f"board_{_letters(i // 100, 1)}" / f"ref_{_letters(i)}.{ext}")
    sparse = _sparse_files(src, show / "camera_originals")
    files += len(sparse)
    logical += sum(sparse)
    for frame in range(1001, 2001):
        put(f"plate.{frame % 4}.exr", show / "vfx" / "sh010" / "plates" / f"sh010.{frame}.exr")
        put(f"comp.{frame % 4}.dpx", show / "vfx" / "sh020" / "comp" / f"sh020_comp.{frame}.dpx")
    small = ["tiny.png", "tiny.exr", "tiny.jpg"]
    for shot in range(10):
        for frame in range(1, 25):
            name = small[shot % 3]
            ext = name.rpartition(".")[2]
            shot_dir = show / "vfx" / f"sh{30 + shot:03d}" / "precomp"
            put(name, shot_dir / f"sh{30 + shot:03d}_precomp_{frame:04d}.{ext}")
    info = CorpusInfo(
        root="",
        files=files,
        logical_bytes=logical,
        sparse_files=len(sparse),
        sequences=12,
        longest_sequence=1000,
        formats=sorted({n.rpartition(".")[2] for n in src}),
    )
    return _finished(final, work, info)


def _sparse_files(src: dict[str, Path], folder: Path) -> list[int]:
    """Camera originals of 100-500 GB that take a few MB of disk: a real file's bytes
    followed by a hole, so a probe that reads past the header shows in bytes read."""
    from mediaopt.engine.demo import media

    sources = ["prores_422hq.mov", "dnxhr_sq.mxf", "h264_aac.mp4", "pcm24.wav", "h264.mkv"]
    folder.mkdir(parents=True, exist_ok=True)
    sizes = []
    for i in range(12):
        name = sources[i % len(sources)]
        ext = name.rpartition(".")[2]
        size = (100 + i * 400 // 11) * GB
        media.make_sparse(folder / f"B{i + 1:03d}C001_camera_original.{ext}", src[name], size)
        sizes.append(size)
    return sizes


def rescan_tree(cache: Path) -> CorpusInfo:
    """100,000 tiny files in 1,000 folders: per folder an 80-frame sequence and 20 single
    stills and audio files, so a rescan walks, groups and checks as on a real library."""
    final = cache / RESCAN_VERSION
    found = load(final)
    if found is not None:
        return found
    src = _originals(cache / "originals")
    work = cache / f".building-{RESCAN_VERSION}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    frames = ["tiny.exr", "tiny.png"]
    singles = ["tiny.wav", "tiny.jpg"]
    data = {name: src[name].read_bytes() for name in frames + singles}
    files, logical = 0, 0
    for folder_index in range(1000):
        folder = work / f"shot{folder_index // 100:02d}" / f"task{folder_index % 100:02d}"
        folder.mkdir(parents=True)
        frame_name = frames[folder_index % 2]
        ext = frame_name.rpartition(".")[2]
        for frame in range(1001, 1081):
            logical += _write(folder / f"render.{frame}.{ext}", data[frame_name])
        for i in range(20):
            name = singles[i % 2]
            logical += _write(folder / f"ref_{_letters(i)}.{name.rpartition('.')[2]}", data[name])
        files += 100
    info = CorpusInfo(
        root="",
        files=files,
        logical_bytes=logical,
        sequences=1000,
        longest_sequence=80,
        formats=sorted({n.rpartition(".")[2] for n in frames + singles}),
    )
    return _finished(final, work, info)


def _write(path: Path, data: bytes) -> int:
    # Tiny files: writing the bytes held in memory is a copy without re-reading the source.
    with open(path, "wb") as f:
        f.write(data)
    return len(data)
