"""A movie's data rate over time, from its container index, kept in the catalog.

The index (QuickTime `stsz`/`stco`, Matroska cues) gives every packet's size and time
without reading essence, but opening it costs milliseconds per file: across a library,
nearly all of `need`'s time. What `need` uses from it is small: the whole file's busiest
second (exact, with where it starts) and the bytes in each quarter second, from which
the busiest second of any range a clip plays is found. That profile is stored in the catalog by the
file's identity (device, inode, size, mtime), so an unchanged file's index is read once,
ever, and a changed file (new identity) is read again.
"""

from __future__ import annotations

import array
import contextlib
import itertools
import math
import os
import zlib
from collections.abc import Callable, Iterable

import av
import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.scan.reader import MediaReader

INDEX_BUDGET = 32 * 1024 * 1024
"""Bytes the index read may take: the `moov` box (a few MB for hours of footage) plus the
first packets the demuxer peeks at (one 4K ProRes 4444 XQ frame is ~10 MB)."""

_EDGE = 1e-6
"""Packet times are frame multiples (k/24 s) in float: a packet exactly one second after
a window's start must fall outside it however the floats round."""


BIN_S = 0.25
"""Seconds per profile bin. Measured on H.264 (rate-control ramp, 12-frame GOPs) and ProRes
against packet-exact peaks over clip ranges of 1-4 s: 1 s bins were up to 19% low on
1.25 s ranges, 0.5 s up to 5%, 0.25 s within 1.5%, 0.125 s within 1%."""


class RateProfile(msgspec.Struct, frozen=True):
    """Essence bytes of a movie over time, all streams together, in short bins."""

    peak: float
    """Bytes in the busiest one-second window of the whole file (exact, from packets)."""
    peak_at: float
    """Where that window starts, seconds from the first packet."""
    bins: list[int]
    """Bytes of the packets in each bin [k, k+1) x bin_s from the first packet, to within
    a quarter of a percent (`quantise`)."""
    bin_s: float
    length: float
    """Seconds the profile covers: the last bin may be a part of one."""
    essence_bytes: int
    """All packets' bytes (exact): what the container's size is compared with."""

    def cumulative(self) -> Callable[[float], float]:
        """Bytes before time t, taking bytes as spread evenly within each bin."""
        totals = list(itertools.accumulate(self.bins, initial=0))
        n, width = len(self.bins), self.bin_s

        def before(t: float) -> float:
            t = min(max(t, 0.0), self.length)
            k = min(int(t / width), n - 1)
            span = min((k + 1) * width, self.length) - k * width
            part = (t - k * width) / span if span > 0 else 1.0
            return totals[k] + self.bins[k] * min(max(part, 0.0), 1.0)

        return before

    def bytes_between(self, start: float, end: float) -> float:
        before = self.cumulative()
        return before(end) - before(start)

    def peak_between(self, start: float, end: float) -> float:
        """Bytes in the busiest one-second window inside [start, end), per second.

        Windows on the bin grid are exact; between grid points the bytes are taken as
        even within a bin, so a window's sum moves linearly and its highest is on the
        grid or at the range's ends. The whole file's exact peak when its window lies in
        the range, and never above it.
        """
        if end - start <= 1.0:
            return min(self.bytes_between(start, end) / max(end - start, 1e-9), self.peak)
        if start <= self.peak_at + _EDGE and self.peak_at + 1.0 <= end + _EDGE:
            return self.peak
        before = self.cumulative()
        first = math.ceil(start / self.bin_s - _EDGE)
        last = math.floor((end - 1.0) / self.bin_s + _EDGE)
        starts = [start, end - 1.0, *(k * self.bin_s for k in range(first, last + 1))]
        return min(max(before(s + 1.0) - before(s) for s in starts), self.peak)


def read_profile(path: str, duration_s: float) -> RateProfile | None:
    """The profile from the container's index; None when the header holds no index
    (MXF, WAV here), where the peak is taken as the average."""
    # WAV's demuxer gives one entry of size 0: an index without sizes is no index.
    events = [e for e in _index_events(path) if e[1] > 0]
    if not events:
        return None
    events.sort()
    peak, at = window_peak(events, duration_s)
    bins = [0] * (int(events[-1][0] / BIN_S + _EDGE) + 1)
    for t, size in events:
        bins[int(t / BIN_S + _EDGE)] += size
    return RateProfile(
        peak=peak,
        peak_at=at,
        bins=dequantise(quantise(bins)),
        bin_s=BIN_S,
        length=max(duration_s, events[-1][0] + _EDGE),
        essence_bytes=sum(size for _, size in events),
    )


def _index_events(path: str) -> list[tuple[float, int]]:
    events: list[tuple[float, int]] = []
    reader = MediaReader(path, budget=INDEX_BUDGET, drop_cache=True)
    try:
        # probesize/analyzeduration at their minimum: stream parameters come from the
        # header; we only want the index the demuxer builds while opening.
        with av.open(reader, options={"probesize": "32", "analyzeduration": "0"}) as container:
            for stream in container.streams:
                entries = stream.index_entries
                if len(entries) == 0:
                    continue
                base = min(e.timestamp for e in entries)
                tb = float(stream.time_base)
                events.extend(((e.timestamp - base) * tb, e.size) for e in entries)
    finally:
        with contextlib.suppress(OSError):
            reader.close()
    return events


def window_peak(events: list[tuple[float, int]], duration_s: float) -> tuple[float, float]:
    """Highest bytes in any one-second window [s, s+1) inside the asset, over time-sorted
    (time, bytes) events. The best window starts at an event (sliding a window right
    until its left edge meets an event loses nothing), or is the last full second."""
    if duration_s <= 1.0:
        return sum(size for _, size in events) / max(duration_s, 1e-9), 0.0
    edge = 1.0 - _EDGE
    starts = [t for t, _ in events if t <= duration_s - 1.0] + [duration_s - 1.0]
    best, best_at = 0, 0.0
    lo = hi = 0
    total = 0
    n = len(events)
    for s in sorted(starts):
        while hi < n and events[hi][0] < s + edge:
            total += events[hi][1]
            hi += 1
        while lo < hi and events[lo][0] < s - _EDGE:
            total -= events[lo][1]
            lo += 1
        if total > best:
            best, best_at = total, s
    return float(best), best_at


def identity_of(path: str) -> str:
    """Device, inode, size, mtime: as the catalog's `assets.identity` (a stat, no read)."""
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


_STEP = math.log(1.005)
"""Bins are kept on a logarithmic scale in steps of 0.5% (within 0.25% of the true count):
an hour of steady footage is then small deltas that deflate to a few kB, where exact
counts took ~48 kB (benchmarks/bandwidth.py). A fresh read is quantised the same way, so
a profile read from the catalog gives the same figures as one read from the media."""


def quantise(bins: list[int]) -> list[int]:
    return [round(math.log1p(b) / _STEP) for b in bins]


def dequantise(levels: Iterable[int]) -> list[int]:
    return [round(math.expm1(q * _STEP)) for q in levels]


def _dequantise_array(levels) -> list[int]:
    """`dequantise` of a NumPy array of levels, the same numbers: each level's bytes are
    worked out once per process, not once per bin, since a report reads the profiles of
    every movie under its roots (tens of thousands, a thousand bins each)."""
    import numpy as np

    global _BYTES_AT_LEVEL
    if len(levels) == 0 or levels.min() < 0 or levels.max() > _MAX_TABLED:
        return dequantise(levels.tolist())
    top = int(levels.max())
    if len(_BYTES_AT_LEVEL) <= top:
        _BYTES_AT_LEVEL = np.array(dequantise(range(max(top + 1, 6000))), dtype=np.int64)
    return _BYTES_AT_LEVEL[levels].tolist()


_BYTES_AT_LEVEL = ()
_MAX_TABLED = 8000
"""Levels up to here (e^(8000 x 0.005) ~ 2e17 bytes a bin) fit the table's 64-bit ints."""


def encode(profile: RateProfile) -> bytes:
    levels = quantise(profile.bins)
    # Successive differences (zig-zag, little-endian 16-bit: levels stay under 5,000 up
    # to 10 GB a bin): steady footage repeats small numbers, which deflate well.
    deltas = [b - a for a, b in zip([0, *levels], levels, strict=False)]
    packed = zlib.compress(array.array("H", (d * 2 if d >= 0 else -d * 2 - 1 for d in deltas)))
    head = (profile.peak, profile.peak_at, profile.bin_s, profile.length, profile.essence_bytes)
    return msgspec.msgpack.encode((*head, packed), order="deterministic")


def decode_head(data: bytes) -> RateProfile:
    """A stored profile without its bins (`bins == []`): the peak, where it starts and the
    essence bytes, all a whole file's need uses, without inflating a thousand bins."""
    peak, at, bin_s, length, essence, _ = msgspec.msgpack.decode(data)
    return RateProfile(
        peak=peak, peak_at=at, bins=[], bin_s=bin_s, length=length, essence_bytes=essence
    )


def decode(data: bytes) -> RateProfile:
    peak, at, bin_s, length, essence, packed = msgspec.msgpack.decode(data)
    import numpy as np

    zigzag = np.frombuffer(zlib.decompress(packed), dtype=np.uint16).astype(np.int64)
    deltas = np.where(zigzag % 2 == 0, zigzag // 2, -(zigzag + 1) // 2)
    return RateProfile(
        peak=peak,
        peak_at=at,
        bins=_dequantise_array(np.cumsum(deltas)),
        bin_s=bin_s,
        length=length,
        essence_bytes=essence,
    )


_NO_INDEX = object()


class Profiles:
    """Rate profiles by file, read from the index at most once per identity: from the
    catalog when it holds the file as it is now, else read and kept for the catalog.
    Without a catalog, each file is still read only once per Profiles object.
    Call `flush()` (or use as a context manager) to write what was read."""

    def __init__(self, catalog: Catalog | None = None, *, batch: int = 500):
        self.store = catalog.rate_profiles if catalog is not None else None
        self.batch = batch
        self.index_reads = 0
        """Files whose index was read (not found in the catalog): for benchmarks, tests."""
        self._seen: dict[str, object] = {}
        self._heads: dict[str, object] = {}
        self._pending: list[tuple[str, str, bytes | None]] = []

    def __enter__(self) -> Profiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def get(self, path: str, duration_s: float, *, bins: bool = True) -> RateProfile | None:
        """The file's profile, None when its container has no index. OSError and
        FFmpeg errors pass through and are not remembered: an unreadable file is tried
        again next time. With `bins` False a profile read from the catalog may come
        without its bins (`bins == []`): what a whole file's need takes is its peak."""
        identity = identity_of(path)
        found = self._seen.get(identity)
        if found is None and not bins:
            found = self._heads.get(identity)
        if found is None:
            found = self._stored(identity, bins)
        if found is None:
            self.index_reads += 1
            profile = read_profile(path, duration_s)
            found = _NO_INDEX if profile is None else profile
            self._remember(identity, path, None if profile is None else encode(profile))
        if found is _NO_INDEX or found.bins:  # type: ignore[attr-defined]
            self._seen[identity] = found
        else:
            self._heads[identity] = found
        return None if found is _NO_INDEX else found  # type: ignore[return-value]

    def _stored(self, identity: str, bins: bool) -> object | None:
        if self.store is None:
            return None
        stored, data = self.store.get(identity)
        if not stored:
            return None
        if data is None:
            return _NO_INDEX
        return decode(data) if bins else decode_head(data)

    def _remember(self, identity: str, path: str, data: bytes | None) -> None:
        if self.store is None:
            return
        self._pending.append((identity, path, data))
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.store is None or not self._pending:
            return
        rows, self._pending = self._pending, []
        self.store.put(rows)
