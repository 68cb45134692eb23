"""Values no real media holds. A header a parser accepted can still be garbage (a flipped
byte in a width, a sample rate of zero); such a record must not be cataloged as `ok`, or
every analysis after it computes with nonsense."""

from __future__ import annotations

import math

import msgspec

from mediaopt.engine.model import Asset, Stream

# Bounds far beyond any real media, so only corruption trips them: 1,000,000 px is 60x
# the widest camera sensor; 10 MHz is 25x the highest audio sample rate in use (384 kHz).
_LIMITS: dict[str, tuple[float, float]] = {
    "width": (1, 1_000_000),
    "height": (1, 1_000_000),
    "frame_rate": (0.0001, 100_000),
    "sample_rate": (1, 10_000_000),
    "channels": (1, 65_535),
    "bit_depth": (1, 128),
    "sample_bit_depth": (1, 128),
    "pixel_aspect": (0.001, 1000),
    "frame_count": (0, 10**12),
    "duration_s": (0, 10**9),
    "bit_rate": (0, 10**13),
}


_UNKNOWN_WHEN_OUT = ("bit_rate", "frame_rate", "pixel_aspect")
"""Out of bounds, these are unknown rather than the record an error: bit rates are
worked out from the file's size over its duration (a sparse or damaged file gives any
number), and containers write 0 for a frame rate or aspect they do not know."""


def impossible(asset: Asset) -> str | None:
    """What in a probed record no real file holds, or None."""
    value = asset.duration_s
    if value is not None and not _within(value, *_LIMITS["duration_s"]):
        return f"header holds an impossible duration: {value}"
    for stream in asset.streams:
        found = _stream(stream)
        if found:
            return found
    return None


def without_impossible_rates(asset: Asset) -> Asset:
    """The record with the values of _UNKNOWN_WHEN_OUT that are out of bounds unknown."""
    low, high = _LIMITS["bit_rate"]
    if asset.overall_bit_rate is not None and not _within(asset.overall_bit_rate, low, high):
        asset.overall_bit_rate = None
    asset.streams = [_known(s) for s in asset.streams]
    return asset


def _known(stream: Stream) -> Stream:
    out = {
        name: None
        for name in _UNKNOWN_WHEN_OUT
        if (value := getattr(stream, name)) is not None and not _within(value, *_LIMITS[name])
    }
    return msgspec.structs.replace(stream, **out) if out else stream


def _stream(stream: Stream) -> str | None:
    for name, (low, high) in _LIMITS.items():
        if name in _UNKNOWN_WHEN_OUT:
            continue
        value = getattr(stream, name, None)
        if value is not None and not _within(value, low, high):
            label = name.replace("_", " ")
            return f"header holds an impossible {label} in stream {stream.index}: {value}"
    return None


def _within(value: float, low: float, high: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high


_REASON_CHARS = 300


def clean_text(asset: Asset) -> Asset:
    """The record with every text field but the path made valid Unicode: a damaged header
    yields metadata bytes that decode to lone surrogates, which no catalog or JSON can
    store (one such record stopped a scan). The path keeps its bytes; the scan spells it."""
    if asset.reason and (len(asset.reason) > _REASON_CHARS or not asset.reason.isprintable()):
        # Parsers quote the damaged bytes back (an EXR attribute name of 500 binary
        # bytes): one readable line is what a person and a table can use.
        text = "".join(c if c.isprintable() else "?" for c in asset.reason)
        asset.reason = text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"
    fields = msgspec.to_builtins(asset)
    if not _has_surrogates(fields, skip="path"):
        return asset
    path = fields.pop("path")
    return msgspec.convert({**_cleaned(fields), "path": path}, Asset)


def _has_surrogates(value: object, skip: str | None = None) -> bool:
    if isinstance(value, str):
        return not value.isascii() and any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_has_surrogates(v) for k, v in value.items() if k != skip)
    if isinstance(value, list):
        return any(_has_surrogates(v) for v in value)
    return False


def _cleaned(value: object) -> object:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value
