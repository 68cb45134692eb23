"""How a re-encoded frame compares with its source: bit-exactness per channel, and the
PSNR and SSIM of the colour passes, with the source's side of each computed once.

A what-if compares each sample frame with 15 or so re-encodes, so everything that depends
on the source alone (its PQ values, luma and SSIM filters) is kept in a FrameReference.
"""

from __future__ import annotations

import math

import numpy as np
import xxhash

from mediaopt.engine.render.codecs import Part
from mediaopt.engine.render.quality import (
    SsimReference,
    is_data_channel,
    luma,
    pq_encode,
    psnr,
    ssim,
)


class FrameReference:
    """One source frame: its parts, and its colour passes as quality is judged."""

    def __init__(self, parts: list[Part], format_name: str | None, source: str = ""):
        self.parts = parts
        self.source = source
        """The frame's file, whose extension re-encodes keep."""
        self.format_name = format_name
        colour, lumas = colour_planes(parts, format_name)
        self.colour = colour
        self.ssim = [SsimReference(y) for y in lumas]

    def quality(self, back: list[Part]) -> tuple[float, float]:
        """(worst PSNR, worst SSIM) over the colour passes of a decoded re-encode."""
        colour, lumas = colour_planes(back, self.format_name)
        worst_psnr, worst_ssim = math.inf, 1.0
        for a, b in zip(self.colour, colour, strict=True):
            worst_psnr = min(worst_psnr, psnr(a, b))
        for a, b in zip(self.ssim, lumas, strict=True):
            worst_ssim = min(worst_ssim, ssim(a, b))
        return worst_psnr, worst_ssim


def colour_planes(
    parts: list[Part], format_name: str | None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The colour passes in the space quality is judged in, and their luma for SSIM."""
    colour, lumas = [], []
    for part in parts:
        names = [str(n) for n in part.spec.channelnames]
        keep = [c for c, n in enumerate(names) if not is_data_channel(n)]
        if not keep:
            continue
        pixels = part.pixels[..., keep]
        if format_name == "OpenEXR":
            pixels = pq_encode(np.nan_to_num(pixels, nan=0.0, posinf=100.0))
        colour.append(pixels)
        y = luma(pixels, [names[c].rsplit(".", 1)[-1] for c in keep])
        lumas.append(y if y is not None else pixels[..., 0])
    return colour, lumas


def exactness(original: list[Part], back: list[Part]) -> tuple[bool, bool]:
    """(every channel bit-exact, every data channel bit-exact). Compared as bit patterns:
    equal floats with other bits (a NaN payload, -0.0) are a change a bit-exact claim must
    not hide, and one pass over the whole frame is cheaper than one per channel."""
    exact = data_exact = True
    for a, b in zip(original, back, strict=True):
        bits_a, bits_b = a.pixels.view(np.uint32), b.pixels.view(np.uint32)
        if a.pixels is b.pixels or np.array_equal(bits_a, bits_b):
            continue
        exact = False
        changed = np.any(bits_a != bits_b, axis=(0, 1))
        names = [str(n) for n in a.spec.channelnames]
        data_exact &= not any(changed[c] for c, name in enumerate(names) if is_data_channel(name))
    return exact, data_exact


def digest(parts: list[Part]) -> str:
    """Identifies decoded pixels: re-encodes that decode alike are scored once."""
    hasher = xxhash.xxh3_128()
    for part in parts:
        hasher.update(np.ascontiguousarray(part.pixels).data)
    return hasher.hexdigest()
