"""Loading any still the catalog holds as display-referred RGB, and hashing a picture.

EXR and other scene-linear floats are tone-mapped (Reinhard, then the sRGB curve) so a
JPEG made from a render hashes like the render. Black letterbox or pillarbox bars are
trimmed before hashing: a letterboxed web version is the same picture.
"""

from __future__ import annotations

import io
import os

import imagehash
import numpy as np
import OpenImageIO as oiio
from PIL import Image

from mediaopt.engine.fingerprint.errors import MediaDecodeError
from mediaopt.engine.scan.probe.image import oiio_error
from mediaopt.engine.scan.probe.mirror import whole_copy
from mediaopt.engine.scan.reader import MediaReader

HASH_SIDE = 256
"""Pictures are reduced to this before hashing; imagehash works on 32x32 and 9x8 anyway,
so more pixels only cost time."""
THUMB_SIDE = 96
LOAD_SIDE = HASH_SIDE * 4
"""Decoded pictures are box-reduced to at most this on a side: every later step (hashes,
thumbnails, comparison cells) works at HASH_SIDE or less, and a 2560-pixel wallpaper
costs each of them 6x the pixels for nothing."""
_LINEAR = {".exr", ".hdr", ".sxr", ".mxr"}
_OIIO_FIRST = _LINEAR | {".dpx", ".cin", ".tif", ".tiff", ".tga", ".sgi", ".rgb", ".psd"}


def load_picture(path: str | os.PathLike[str]) -> np.ndarray:
    """The picture as uint8 RGB (H, W, 3), reduced to at most LOAD_SIDE on a side."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    # Decoders are handed bytes read through MediaReader (O_NOATIME, read-only), never the
    # path: opening media must not change its access time (DESIGN.md, Safety).
    try:
        if ext in _OIIO_FIRST:
            return _oiio(path, ext in _LINEAR)
        try:
            with io.BufferedReader(MediaReader(path)) as file, Image.open(file) as image:
                # JPEG: decode at the smallest DCT scale still HASH_SIDE or more on a side
                image.draft("RGB", (HASH_SIDE, HASH_SIDE))
                image = _rgb(image)
                factor = -(-max(image.size) // LOAD_SIDE)
                return np.asarray(image.reduce(factor) if factor > 1 else image)
        except (OSError, ValueError, Image.DecompressionBombError):
            return _oiio(path, False)
    except MediaDecodeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure names the file
        raise MediaDecodeError(path, f"cannot decode picture: {exc}") from exc


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        data = np.asarray(image, dtype=np.float32)
        top = float(data.max()) or 1.0
        image = Image.fromarray((data / top * 255).astype(np.uint8))
    return image.convert("RGB")


def _oiio(path: str, linear: bool) -> np.ndarray:
    if not hasattr(os, "memfd_create"):
        return _oiio_decode(path, path, linear)  # macOS, Windows: OpenImageIO opens it
    with whole_copy(path, os.path.splitext(path)[1][1:].lower()) as copy:
        return _oiio_decode(copy, path, linear)


def _oiio_decode(source_path: str, path: str, linear: bool) -> np.ndarray:
    source = oiio.ImageInput.open(source_path)
    if source is None:
        why = oiio_error().replace(source_path, path) or "unknown format"
        raise MediaDecodeError(path, f"cannot open picture: {why}")
    try:
        spec = source.spec()
        channels = min(spec.nchannels, 3)
        pixels = source.read_image(0, 0, 0, channels, "float")
        if pixels is None:
            raise MediaDecodeError(path, f"cannot read pixels: {source.geterror()}")
    finally:
        source.close()
    return _to_rgb(pixels, linear)


def _to_rgb(pixels, linear: bool) -> np.ndarray:
    pixels = np.nan_to_num(np.asarray(pixels, dtype=np.float32), nan=0.0, posinf=1.0)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    pixels = _box_reduce(pixels, -(-max(pixels.shape[:2]) // LOAD_SIDE))
    if pixels.shape[2] < 3:
        pixels = np.repeat(pixels[..., :1], 3, axis=2)
    pixels = np.clip(pixels, 0.0, None)
    if linear:
        if pixels.max() > 1.0:
            pixels = pixels / (1.0 + pixels)
        pixels = np.where(
            pixels <= 0.0031308, pixels * 12.92, 1.055 * np.power(pixels, 1 / 2.4) - 0.055
        )
    return (np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8)


def _box_reduce(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each factor x factor block (scene-linear light averages correctly, before
    the tone curve); the last partial row and column of blocks are dropped."""
    factor = min(factor, pixels.shape[0], pixels.shape[1])  # a 1-pixel strip stays one
    if factor <= 1:
        return pixels
    h, w, c = pixels.shape[0] // factor, pixels.shape[1] // factor, pixels.shape[2]
    blocks = pixels[: h * factor, : w * factor].reshape(h, factor, w, factor, c)
    return blocks.mean(axis=(1, 3), dtype=np.float32)


def trim_bars(rgb: np.ndarray, level: int = 20) -> tuple[np.ndarray, bool]:
    """Remove uniform dark bars at the edges; (picture, whether bars were found).

    A row or column is dark when no pixel's mean over the channels is above `level`.
    Only the edges are looked at, from the outside in, and no further than a bar could
    reach (40% of the side): a float mean over the whole picture here was 69% of the
    hashing time, run about eight times per image."""
    h, w = rgb.shape[:2]
    reach_h, reach_w = int(h * 0.4) + 1, int(w * 0.4) + 1
    top = _dark_run(rgb, 0, False, reach_h, level)
    bottom = _dark_run(rgb, 0, True, reach_h, level)
    left = _dark_run(rgb, 1, False, reach_w, level)
    right = _dark_run(rgb, 1, True, reach_w, level)
    # Bars are symmetric and thin; a dark sky or a night shot is neither. A run cut
    # short at the reach already fails the "thin" test, as the full run would.
    boxed = False
    if top and bottom and abs(top - bottom) <= max(2, h // 50) and top + bottom < h * 0.4:
        rgb = rgb[top : h - bottom]
        boxed = True
    if left and right and abs(left - right) <= max(2, w // 50) and left + right < w * 0.4:
        rgb = rgb[:, left : w - right]
        boxed = True
    return rgb, boxed


def _dark_run(rgb: np.ndarray, axis: int, from_end: bool, reach: int, level: int) -> int:
    """Dark rows (axis 0) or columns (axis 1) from one edge inwards, at most `reach`.
    Looked at in growing blocks: most pictures stop at their first line."""
    size = min(rgb.shape[axis], reach)
    run, block = 0, 4
    while run < size:
        stop = min(size, run + block)
        lines = (
            slice(run, stop)
            if not from_end
            else slice(rgb.shape[axis] - stop, rgb.shape[axis] - run)
        )
        part = rgb[lines] if axis == 0 else rgb[:, lines]
        dark = _dark_lines(part, axis, level)
        if from_end:
            dark = dark[::-1]
        if not dark.all():
            return run + int(np.argmin(dark))
        run, block = stop, block * 2
    return run


def _dark_lines(part: np.ndarray, axis: int, level: int) -> np.ndarray:
    if part.ndim == 2:
        part = part[..., None]
    if part.dtype != np.uint8:
        return part.mean(axis=2).max(axis=1 - axis) <= level
    # On uint8, mean <= level exactly when the channel sum <= channels * level. The
    # brightest sample decides most lines at once (a summed reduction over 3 channels
    # was 8x slower): above that sum a line is lit, at or below `level` it is dark.
    channels = part.shape[2]
    across = (1, 2) if axis == 0 else (0, 2)
    peak = part.max(axis=across)
    dark = peak <= level
    unsure = np.flatnonzero(~dark & (peak <= channels * level))
    for line in unsure:
        pixels = (part[line] if axis == 0 else part[:, line]).astype(np.uint16)
        dark[line] = pixels.sum(axis=1).max() <= channels * level
    return dark


def picture_hashes(rgb: np.ndarray) -> tuple[int, int, bool]:
    """(pHash, dHash, letterboxed) of a picture, both 64-bit."""
    rgb, boxed = trim_bars(rgb)
    image = Image.fromarray(rgb)
    # Reduce in colour, then grey: reducing the grey picture was 1 ms a hash faster but
    # lost 8 of 756 copy pairs on benchmarks/peers.py's photographs (recall 0.989).
    image.thumbnail((HASH_SIDE, HASH_SIDE), Image.Resampling.BILINEAR)
    gray = image.convert("L")
    return _bits(imagehash.phash(gray)), _bits(imagehash.dhash(gray)), boxed


def thumbnail(rgb: np.ndarray, side: int = THUMB_SIDE) -> bytes:
    image = Image.fromarray(trim_bars(rgb)[0])
    image.thumbnail((side, side), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def tone(thumb: bytes) -> tuple[float, float, np.ndarray]:
    """(mean luma, luma contrast, mean RGB) of a stored thumbnail: a grade moves these
    while the hashes (which only see structure) stay put."""
    rgb = np.asarray(Image.open(io.BytesIO(thumb)).convert("RGB"), dtype=np.float32)
    luma = rgb.mean(axis=2)
    return float(luma.mean()), float(luma.std()), rgb.reshape(-1, 3).mean(axis=0)


def graded(a: bytes | None, b: bytes | None) -> bool:
    if not a or not b:
        return False
    ma, sa, ca = tone(a)
    mb, sb, cb = tone(b)
    shift = np.abs((ca - ma) - (cb - mb)).max()
    return abs(ma - mb) > 8 or abs(sa - sb) > 0.08 * max(sa, 1) or shift > 6


def _bits(value: imagehash.ImageHash) -> int:
    flat = value.hash.flatten()
    return int(np.packbits(flat).view(">u8")[0])
