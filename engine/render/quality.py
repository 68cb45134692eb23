"""How close a re-encoded frame is to the original: bit-exact, PSNR and SSIM.

Scene-linear renders are compared in PQ (SMPTE ST 2084), a perceptually uniform encoding
built for values far above 1.0: a PSNR on linear values would weigh an error in a
highlight of 20.0 as much as one in a shadow of 0.01, which the eye does not. Display-
referred formats (DPX, TIFF, PNG, movies) are compared on their code values as stored.
"""

from __future__ import annotations

import functools
import re

import msgspec
import numpy as np
from scipy.ndimage import uniform_filter

# Passes whose values are data, not light: a changed depth or ID breaks compositing even
# when nobody could see the difference, so they are held to bit-exact whatever was asked.
_DATA_LAYER = re.compile(
    r"(^|[._])(z|depth|zdepth|p|pref|pworld|position|n|normals?|motion(vector)?s?|mv|"
    r"vel(ocity)?|vector|uv|st|id|objectid|materialid|object_id|material_id|crypto\w*|"
    r"deep\w*)($|[._])",
    re.IGNORECASE,
)
_RGB = ("r", "g", "b")

# SMPTE ST 2084 constants; scene 1.0 is put at 100 cd/m², diffuse white on an SDR display.
_M1, _M2 = 2610 / 16384, 2523 / 4096 * 128
_C1, _C2, _C3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
_NITS_PER_UNIT = 100.0
_WINDOW = 7
# The sample covariance correction scikit-image applies (N / (N - 1), N = 49).
_COV = 49 / 48


class QualityTarget(msgspec.Struct, kw_only=True, frozen=True):
    """What the user accepts: `lossless`, or lossy thresholds such as `psnr:50`,
    `ssim:0.995` or both (`psnr:45,ssim:0.99`)."""

    lossless: bool = False
    min_psnr: float | None = None
    min_ssim: float | None = None

    def __str__(self) -> str:
        if self.lossless:
            return "lossless"
        parts = []
        if self.min_psnr is not None:
            parts.append(f"psnr:{self.min_psnr:g}")
        if self.min_ssim is not None:
            parts.append(f"ssim:{self.min_ssim:g}")
        return ",".join(parts)


def parse_quality(text: str) -> QualityTarget:
    text = text.strip().lower()
    if text in ("lossless", "exact"):
        return QualityTarget(lossless=True)
    psnr = ssim = None
    for term in text.split(","):
        name, _, value = term.partition(":")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(
                f"quality {text!r}: expected lossless, psnr:DB or ssim:VALUE (e.g. psnr:50)"
            ) from None
        if name == "psnr":
            psnr = number
        elif name == "ssim":
            ssim = number
        else:
            raise ValueError(f"quality {text!r}: unknown measure {name!r} (psnr, ssim)")
    return QualityTarget(min_psnr=psnr, min_ssim=ssim)


def is_data_channel(name: str) -> bool:
    """Depth, position, normals, motion vectors, UVs and IDs (cryptomatte included)."""
    return bool(_DATA_LAYER.search(name))


def pq_encode(linear: np.ndarray) -> np.ndarray:
    """Scene-linear values to PQ code values in [0, 1]. Values that are all halves (what
    DWA, B44 and half re-encodes decode to) go through a 65,536-entry table: two float
    powers per value cost ~0.17 s on a 2K RGBA frame, the table lookup a tenth of that."""
    halves = linear.astype(np.float16)
    if np.array_equal(halves.astype(np.float32), linear):
        return _pq_table()[halves.view(np.uint16)]
    return _pq_exact(linear)


def _pq_exact(linear: np.ndarray) -> np.ndarray:
    y = np.clip(linear, 0.0, 10000.0 / _NITS_PER_UNIT) * (_NITS_PER_UNIT / 10000.0)
    p = np.power(y, _M1, dtype=np.float32)
    return np.power((_C1 + _C2 * p) / (1.0 + _C3 * p), _M2, dtype=np.float32)


@functools.cache
def _pq_table() -> np.ndarray:
    every_half = np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32)
    return _pq_exact(np.nan_to_num(every_half, nan=0.0, posinf=100.0, neginf=0.0))


def psnr(reference: np.ndarray, test: np.ndarray, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB; inf when identical."""
    # Differences in float32 (inputs are float32 PQ or code values, exact to ~1e-7),
    # summed in float64: a float64 copy of a 2K RGBA frame cost more than the sum.
    diff = np.subtract(reference, test, dtype=np.float32)
    mse = float(np.mean(np.square(diff, out=diff), dtype=np.float64))
    # A Python float, not numpy's float64: the value lands in records printed as JSON.
    return float("inf") if mse == 0 else float(10.0 * np.log10(peak * peak / mse))


class SsimReference:
    """The reference side of SSIM, filtered once and compared with many re-encodes."""

    def __init__(self, reference: np.ndarray):
        self.x = reference.astype(np.float32)
        self.mx = uniform_filter(self.x, _WINDOW)
        self.vx = _COV * (uniform_filter(self.x * self.x, _WINDOW) - self.mx * self.mx)


def ssim(reference: np.ndarray | SsimReference, test: np.ndarray, peak: float = 1.0) -> float:
    """Mean structural similarity of two single-channel images (Wang et al. 2004, with the
    7x7 uniform window scikit-image uses by default and K1=0.01, K2=0.03)."""
    ref = reference if isinstance(reference, SsimReference) else SsimReference(reference)
    x, mx, vx = ref.x, ref.mx, ref.vx
    y = test.astype(np.float32)
    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    my = uniform_filter(y, _WINDOW)
    vy = _COV * (uniform_filter(y * y, _WINDOW) - my * my)
    vxy = _COV * (uniform_filter(x * y, _WINDOW) - mx * my)
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    pad = _WINDOW // 2  # scikit-image crops the window's half width, where it saw padding
    return float(s[pad:-pad, pad:-pad].mean()) if min(s.shape) > 2 * pad else float(s.mean())


def luma(pixels: np.ndarray, names: list[str]) -> np.ndarray | None:
    """Rec. 709 luma of the beauty's R, G, B (the first un-prefixed ones), if present."""
    lower = [n.lower() for n in names]
    if all(c in lower for c in _RGB):
        r, g, b = (pixels[..., lower.index(c)] for c in _RGB)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    return None
