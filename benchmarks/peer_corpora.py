"""Corpora for benchmarks/peers.py: clips in eight codecs, a duplicate tree, photographs.

Each corpus is built once under a cache folder (a temporary name renamed when complete,
so an interrupted build is never reused) with real encoders: PyAV for the clips,
OpenImageIO for EXR frames, Pillow for photographs. The version in each folder's name is
bumped whenever what is built changes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

CLIPS_VERSION = "clips-v1"
DUPES_VERSION = "dupes-v1"
PHOTOS_VERSION = "photos-v1"

CODECS: dict[str, tuple[str, dict]] = {
    # name: (extension, write_movie / write_audio arguments)
    "prores": ("mov", dict(codec="prores_ks", pix_fmt="yuv422p10le", options={"profile": "3"})),
    "dnxhr": ("mxf", dict(codec="dnxhd", pix_fmt="yuv422p", options={"profile": "dnxhr_sq"})),
    "h264": ("mp4", dict(codec="libx264", pix_fmt="yuv420p", audio=("aac", 48000, "stereo"))),
    "hevc": ("mkv", dict(codec="libx265", pix_fmt="yuv420p")),
    "ffv1": ("mkv", dict(codec="ffv1", pix_fmt="yuv420p")),
    "mjpeg": ("avi", dict(codec="mjpeg", pix_fmt="yuvj420p")),
    "wav": ("wav", dict(codec="pcm_s24le")),
    "flac": ("flac", dict(codec="flac")),
}


def _build(cache: Path, name: str, fill: Callable[[Path], None]) -> Path:
    final = cache / name
    if final.is_dir():
        return final
    work = cache / f".partial-{name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    fill(work)
    os.replace(work, final)
    return final


def clips(cache: Path, per_codec: int = 15) -> Path:
    """`per_codec` one-second clips (24 frames at 640x360, or 1 s of sound) per codec,
    each with its own picture or tone so no two files are alike."""
    from mediaopt.engine.demo import media

    def fill(root: Path) -> None:
        for codec, (ext, kwargs) in CODECS.items():
            for k in range(per_codec):
                path = root / codec / f"{codec}_{_letters(k)}.{ext}"
                if codec in ("wav", "flac"):
                    media.write_audio(path, frequency=220.0 + 10 * k, **kwargs)
                else:
                    media.write_movie(path, width=640, height=360, frames=24, seed=k, **kwargs)

    return _build(cache, f"{CLIPS_VERSION}-{per_codec}", fill)


def replicated(cache: Path, source: Path, copies: int) -> Path:
    """`copies` plain copies of a corpus side by side (each file its own inode): the same
    clips at `copies` times the count, to tell per-file cost from start-up."""

    def fill(root: Path) -> None:
        for k in range(copies):
            shutil.copytree(source, root / f"copy{k}")

    return _build(cache, f"{source.name}-x{copies}", fill)


def duplicate_tree(cache: Path, originals: int = 120, singles: int = 600) -> Path:
    """Same-size files that are copies or differ in one byte (first, middle or last),
    files of unique sizes, clips and their copies, and an EXR sequence with held frames
    plus a copy of the whole sequence. Sizes are log-uniform over 4 KiB-8 MiB."""

    def fill(root: Path) -> None:
        rng = np.random.default_rng(12)
        sizes = np.exp(rng.uniform(np.log(4096), np.log(8 << 20), originals)).astype(int)
        for k, size in enumerate(sizes):
            data = rng.integers(0, 256, int(size), dtype=np.uint8).tobytes()
            folder = root / "data" / f"set{k // 20:02d}"
            _write(folder / f"orig_{_letters(k)}.bin", data)
            for c in range(1 + k % 2):  # one or two exact copies
                _write(root / "copies" / f"c{c}" / f"orig_{_letters(k)}.bin", data)
            for where, at in (("first", 0), ("middle", len(data) // 2), ("last", len(data) - 1)):
                changed = bytearray(data)
                changed[at] ^= 0xFF
                _write(folder / f"{where}_{_letters(k)}.bin", bytes(changed))
        used = set(sizes.tolist())
        for k in range(singles):
            size = int(rng.integers(1000, 200_000))
            while size in used:
                size += 1
            used.add(size)
            _write(root / "singles" / f"single_{_letters(k)}.bin", rng.bytes(size))
        source = clips(cache, 15)
        shutil.copytree(source / "prores", root / "media" / "prores")
        shutil.copytree(source / "wav", root / "media" / "wav")
        shutil.copytree(source / "prores", root / "media_backup" / "prores")
        _held_sequence(root / "renders" / "shot010")
        shutil.copytree(root / "renders" / "shot010", root / "renders_backup" / "shot010")

    return _build(cache, f"{DUPES_VERSION}-{originals}", fill)


def _held_sequence(folder: Path) -> None:
    """24 EXR frames where 1005-1008 hold the picture of 1004 (byte-identical files, as a
    renderer writes a held frame) and 1020-1021 hold 1019."""
    from mediaopt.engine.demo import media

    held = {1005: 1004, 1006: 1004, 1007: 1004, 1008: 1004, 1020: 1019, 1021: 1019}
    for frame in range(1001, 1025):
        path = folder / f"beauty.{frame}.exr"
        if frame in held:
            shutil.copyfile(folder / f"beauty.{held[frame]}.exr", path)
        else:
            media.write_image_oiio(path, width=256, height=144, index=frame, noise=0.01)


def _edits() -> dict[str, Callable]:
    from PIL import Image, ImageEnhance

    from mediaopt.fixtures import dupes as fx

    return {
        "jpeg q60": lambda im: im,
        "resize 50%": lambda im: im.resize((im.size[0] // 2, im.size[1] // 2), Image.LANCZOS),
        "resize 25% png": lambda im: im.resize((im.size[0] // 4, im.size[1] // 4)),
        "crop 8% corner": lambda im: fx._crop(im, 0.08, 0.08, 0.0, 0.0),
        "brightness +15%": lambda im: ImageEnhance.Brightness(im).enhance(1.15),
        "colour grade": fx._grade,
        "text burn-in": fx._burn_text,
        "letterbox": fx._letterbox,
    }


def photographs(cache: Path) -> Path:
    """The labelled set's photographs (scikit-image's bundled data) at wallpaper size,
    2560x1440 JPEG, each with eight edited copies: 21 x 9 = 189 pictures. The label of a
    picture is its folder name."""
    from PIL import Image

    from mediaopt.fixtures.dupes import _photos

    def fill(root: Path) -> None:
        rng = np.random.default_rng(3)
        for name, array in _photos().items():
            picture = _wallpaper(Image.fromarray(array), rng)
            folder = root / name
            folder.mkdir(parents=True)
            picture.save(folder / f"{name}.jpg", quality=92)
            for edit, fn in _edits().items():
                slug = edit.replace(" ", "_").replace("%", "pc")
                out = fn(picture)
                if edit.endswith("png"):
                    out.save(folder / f"{slug}_{name}.png")
                else:
                    out.convert("RGB").save(
                        folder / f"{slug}_{name}.jpg", quality=60 if "q60" in edit else 90
                    )

    return _build(cache, PHOTOS_VERSION, fill)


def _wallpaper(image, rng: np.random.Generator):
    """Cover 2560x1440 (upscaled, centre crop) with a little film grain, as a camera's
    picture has: a smooth upscale would compress unrealistically well."""
    from PIL import Image

    image = image.convert("RGB")
    scale = max(2560 / image.size[0], 1440 / image.size[1])
    size = (round(image.size[0] * scale), round(image.size[1] * scale))
    image = image.resize(size, Image.BICUBIC)
    left, top = (size[0] - 2560) // 2, (size[1] - 1440) // 2
    image = image.crop((left, top, left + 2560, top + 1440))
    pixels = np.asarray(image, dtype=np.int16) + rng.integers(-6, 7, (1440, 2560, 1))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _letters(index: int) -> str:
    """`aa`, `ab` ...: names without digits, so nothing collapses into a frame sequence."""
    return "".join(chr(97 + d) for d in divmod(index, 26))
