"""Audio fingerprints robust to re-encoding, resampling and gain.

The Philips scheme (Haitsma & Kalker, "A Highly Robust Audio Fingerprinting System",
ISMIR 2002): sound is resampled to 5512 Hz mono, cut into 0.37 s frames every 11.6 ms,
and each frame's energy in 33 log-spaced bands between 300 and 2000 Hz gives 32 bits:
the sign of the energy difference between neighbouring bands, minus the same for the
previous frame. Signs of energy differences ignore gain; the band range is what lossy
codecs keep and what survives a resample. Two recordings are the same when, at the best
time offset, few enough bits differ (bit error rate below SAME_SOUND; the paper uses
0.35). Candidate pairs come from an index of exact 32-bit sub-fingerprints, as in the
paper: some always survive a re-encode unchanged.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import av
import msgspec
import numpy as np
from scipy.signal import stft

from mediaopt.engine.dedup.errors import MediaDecodeError
from mediaopt.engine.scan.reader import MediaReader

METHOD = "audio/1"
RATE = 5512
FRAME = 2048
HOP = 64
MAX_SECONDS = 180.0
"""Fingerprint only the first three minutes: enough to tell recordings apart, and bounds
the decode of a long file."""
SAME_SOUND = 0.25
MIN_OVERLAP = 0.5
"""Share of the shorter recording that must overlap the other at the best offset."""
_EDGES = 300.0 * (2000.0 / 300.0) ** (np.arange(34) / 33)


class AudioPrint(msgspec.Struct, array_like=True, frozen=True):
    bits: bytes
    """uint32 sub-fingerprints, one per HOP samples at RATE."""
    duration: float

    def array(self) -> np.ndarray:
        return np.frombuffer(self.bits, dtype=np.uint32)


def decode_mono(path: str, *, low_impact: bool = False) -> np.ndarray:
    try:
        with MediaReader(path, drop_cache=low_impact) as reader, av.open(reader) as container:
            if not container.streams.audio:
                raise MediaDecodeError(path, "has no audio stream")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            chunks, total = [], 0
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
                    total += chunks[-1].size
                if total >= MAX_SECONDS * RATE:
                    break
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except MediaDecodeError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaDecodeError(path, f"cannot decode audio: {exc}") from exc
    if not chunks:
        raise MediaDecodeError(path, "no audio could be decoded")
    return np.concatenate(chunks)[: int(MAX_SECONDS * RATE)].astype(np.float32)


def fingerprint(samples: np.ndarray) -> np.ndarray:
    if samples.size < FRAME:
        samples = np.pad(samples, (0, FRAME - samples.size))
    freqs, _, spec = stft(
        samples,
        fs=RATE,
        window="hann",
        nperseg=FRAME,
        noverlap=FRAME - HOP,
        boundary=None,
        padded=False,
    )
    power = np.abs(spec) ** 2
    band = np.digitize(freqs, _EDGES) - 1
    energy = np.stack([power[band == b].sum(axis=0) for b in range(33)])  # (33, frames)
    across = energy[:-1] - energy[1:]  # (32, frames)
    bits = (across[:, 1:] - across[:, :-1]) > 0
    weights = (1 << np.arange(32, dtype=np.uint64)).astype(np.uint64)
    return (bits.T.astype(np.uint64) * weights).sum(axis=1).astype(np.uint32)


def audio_print(path: str, *, low_impact: bool = False) -> AudioPrint:
    samples = decode_mono(path, low_impact=low_impact)
    return AudioPrint(bits=fingerprint(samples).tobytes(), duration=samples.size / RATE)


def bit_error_rate(a: np.ndarray, b: np.ndarray, offset: int) -> tuple[float, float]:
    """(BER, overlap share of the shorter) with b shifted so a[i] meets b[i - offset]."""
    lo, hi = max(0, offset), min(a.size, b.size + offset)
    if hi - lo <= 0:
        return 1.0, 0.0
    x, y = a[lo:hi], b[lo - offset : hi - offset]
    errors = np.bitwise_count(x ^ y).sum()
    return float(errors) / (32 * x.size), (hi - lo) / min(a.size, b.size)


def candidate_offsets(prints: list[np.ndarray]) -> dict[tuple[int, int], list[int]]:
    """(i, j) -> the offsets most voted by exact sub-fingerprint matches, best first.

    Sub-fingerprints of silence or a steady tone repeat everywhere and would vote for
    every pair and offset; values seen more than a few hundred times are skipped."""
    where: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, bits in enumerate(prints):
        for pos, value in enumerate(bits.tolist()):
            where[value].append((i, pos))
    votes: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for hits in where.values():
        if len(hits) < 2 or len(hits) > 300:
            continue
        for x in range(len(hits)):
            i, pi = hits[x]
            for y in range(x + 1, len(hits)):
                j, pj = hits[y]
                if i != j:
                    key, off = ((i, j), pi - pj) if i < j else ((j, i), pj - pi)
                    votes[key][off] += 1
    return {key: [off for off, _ in c.most_common(3)] for key, c in votes.items()}


def same_sound(a: np.ndarray, b: np.ndarray, offsets: list[int]) -> float | None:
    """The best BER over the voted offsets (and their neighbours) if the two are the same
    recording, else None."""
    best = None
    for base in offsets:
        for off in (base - 1, base, base + 1):
            ber, overlap = bit_error_rate(a, b, off)
            if overlap >= MIN_OVERLAP and ber <= SAME_SOUND and (best is None or ber < best):
                best = ber
    return best
