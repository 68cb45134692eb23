"""What-if for movies: re-encode a few short spans with other codecs and measure.

The ladder is the one facilities step down for masters and CG elements: ProRes 4444 XQ
-> 4444 -> 422 HQ -> 422, and DNxHR 444 / HQX / HQ. A few spans of frames spread over the
movie are decoded (a seek to the keyframe before each, never the whole file), each span is
re-encoded with each candidate through PyAV into a temporary folder outside the media,
decoded again and compared with the source frames. Spans, not frames, are the sampling
units of the size estimate: neighbouring frames look alike, so counting each frame as an
independent sample would make the error bound too narrow.

Quality is measured on display-referred code values (16-bit RGB after FFmpeg's
conversion, the same for source and candidate): PSNR over R, G, B (and A where the
candidate keeps it), SSIM on Rec. 709 luma.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass, field
from fractions import Fraction

import av
import msgspec
import numpy as np

from mediaopt.engine.model import Asset, Recommendation, WhatIfCandidate
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.render import reencode
from mediaopt.engine.render.quality import QualityTarget, SsimReference, psnr, ssim
from mediaopt.engine.scan.reader import MediaReader

# Full opacity comes back from a 10- or 12-bit alpha as a hair under 1.0 after FFmpeg's
# scaling to 16 bits; anything a full 8-bit step below it is real transparency.
_OPAQUE = 1.0 - 1.0 / 256
DEFAULT_SPANS = 3
DEFAULT_SPAN_FRAMES = 8


class MovieCandidate(msgspec.Struct, kw_only=True, frozen=True):
    """One movie codec setting; `name` is what users pass to `--candidates`."""

    name: str
    codec: str
    """FFmpeg encoder: `prores_ks` or `dnxhd`."""
    profile: str
    """Encoder profile: prores_ks 5 = 4444 XQ, 4 = 4444, 3 = 422 HQ, 2 = 422;
    dnxhd `dnxhr_444`, `dnxhr_hqx`, `dnxhr_hq`."""
    pix_fmt: str
    label: str
    """What a user calls it, as the catalog names the codec (`ProRes 422 HQ`)."""
    alpha: bool = False
    """Keeps an alpha channel (only ProRes 4444 and 4444 XQ carry one)."""

    @property
    def settings(self) -> dict[str, str]:
        return {
            "codec": self.label,
            "encoder": f"{self.codec} profile {self.profile}",
            "pixel format": self.pix_fmt,
        }


def _rung(name: str, codec: str, profile: str, pix_fmt: str, label: str) -> MovieCandidate:
    return MovieCandidate(
        name=name,
        codec=codec,
        profile=profile,
        pix_fmt=pix_fmt,
        label=label,
        alpha=pix_fmt.startswith("yuva"),
    )


LADDER = [
    _rung("prores-4444xq", "prores_ks", "5", "yuva444p10le", "ProRes 4444 XQ"),
    _rung("prores-4444", "prores_ks", "4", "yuva444p10le", "ProRes 4444"),
    _rung("prores-hq", "prores_ks", "3", "yuv422p10le", "ProRes 422 HQ"),
    _rung("prores-422", "prores_ks", "2", "yuv422p10le", "ProRes 422"),
    _rung("dnxhr-444", "dnxhd", "dnxhr_444", "yuv444p10le", "DNxHR 444"),
    _rung("dnxhr-hqx", "dnxhd", "dnxhr_hqx", "yuv422p10le", "DNxHR HQX"),
    _rung("dnxhr-hq", "dnxhd", "dnxhr_hq", "yuv422p", "DNxHR HQ"),
]
_BY_NAME = {c.name: c for c in LADDER}


@dataclass
class Span:
    """Consecutive source frames: their numbers, packet bytes and pixels."""

    first: int
    frames: list[int] = field(default_factory=list)
    packet_bytes: int = 0
    decoded: list[av.VideoFrame] = field(default_factory=list)
    """As decoded, so candidates are encoded from the source's own pixel format."""
    pixels: list[np.ndarray] = field(default_factory=list)
    """Each frame as float32 RGBA in [0, 1] (A = 1 where the source has no alpha)."""
    ssim: list[SsimReference] = field(default_factory=list)


def movie_what_if(
    asset: Asset,
    *,
    target: QualityTarget,
    candidates: list[str] | None = None,
    spans: int = DEFAULT_SPANS,
    span_frames: int = DEFAULT_SPAN_FRAMES,
    min_saving: float,
    progress: Progress | None = None,
) -> Recommendation:
    """Measure movie codec candidates on `spans` spans of `span_frames` frames."""
    from mediaopt.engine.render.whatif import recommend

    progress = progress or NullProgress()
    problems: list[str] = []
    # Through MediaReader (O_NOATIME), never by path: a what-if must not touch the media.
    with MediaReader(asset.path) as reader, av.open(reader, "r") as container:
        stream = _video_stream(container, asset)
        total = _frame_total(asset, stream)
        rate = stream.average_rate or stream.guessed_rate or Fraction(24)
        source_alpha = "a" in (stream.codec_context.format.name if stream.format else "")
        label = _label(asset, stream)
        span_frames = max(1, min(span_frames, total))
        starts = _span_starts(total, span_frames, spans)
        read = [_read_span(container, stream, s, span_frames, asset.path) for s in starts]
    read = [s for s in read if s.frames]
    if not read:
        raise ValueError(f"{asset.path}: no frames could be decoded at the sampled spans")
    for span in read:
        span.ssim = [SsimReference(_luma(p)) for p in span.pixels]
    alpha_used = source_alpha and any(p[..., 3].min() < _OPAQUE for s in read for p in s.pixels)
    tried = _candidates(candidates, label, source_alpha)
    work = reencode.workdir(os.path.dirname(asset.path))
    measured = []
    progress.phase("re-encoding sample spans", total=len(tried) * len(read))
    try:
        for candidate in tried:
            try:
                found = _measure(asset, candidate, read, rate, total // span_frames, work)
                measured.append(_judge(found, target, alpha_used))
            except (av.error.FFmpegError, ValueError) as exc:
                problems.append(f"candidate {candidate.name}: {exc}")
            progress.advance(len(read))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        progress.done()
    if source_alpha and not alpha_used:
        problems.append(
            "the source has an alpha channel but every sampled frame is opaque: candidates "
            "without alpha are allowed (check the unsampled frames before dropping it)"
        )
    frames = [f for s in read for f in s.frames]
    result = recommend(asset, target, measured, frames, min_saving, problems, total_frames=total)
    return result


def _video_stream(container, asset: Asset):
    if not container.streams.video:
        raise ValueError(f"{asset.path}: no video stream")
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    return stream


def _frame_total(asset: Asset, stream) -> int:
    if asset.video and asset.video.frame_count:
        return asset.video.frame_count
    if stream.frames:
        return stream.frames
    rate = float(stream.average_rate or 24)
    return max(1, round((asset.duration_s or 0) * rate))


def _label(asset: Asset, stream) -> str:
    """The codec as the catalog names it (`ProRes 4444 XQ`), as the ladder's labels do."""
    if asset.video and asset.video.codec:
        return " ".join(p for p in (asset.video.codec, asset.video.codec_profile) if p)
    return f"{stream.codec_context.name} {stream.codec_context.profile or ''}".strip()


def _span_starts(total: int, length: int, spans: int) -> list[int]:
    """First frames (0-based) of `spans` spans spread evenly, first and last included."""
    last_start = max(0, total - length)
    count = max(1, min(spans, last_start // length + 1))
    return sorted({round(x) for x in np.linspace(0, last_start, count)})


def _read_span(container, stream, start: int, length: int, path: str) -> Span:
    """Seek to the keyframe at or before frame `start`, decode on to `length` frames from
    it, and add up the source packets of exactly those frames."""
    rate = stream.average_rate or stream.guessed_rate or Fraction(24)
    base = stream.time_base
    origin = stream.start_time or 0
    first_pts = origin + round(Fraction(start) / rate / base)
    end_pts = origin + round(Fraction(start + length) / rate / base)
    container.seek(first_pts, stream=stream, backward=True, any_frame=False)
    span = Span(first=start)
    for packet in container.demux(stream):
        if packet.pts is not None and first_pts <= packet.pts < end_pts:
            span.packet_bytes += packet.size
        for frame in packet.decode():
            if frame.pts is None or frame.pts < first_pts:
                continue
            if frame.pts >= end_pts or len(span.pixels) >= length:
                return span
            number = round((frame.pts - origin) * base * rate)
            span.frames.append(number)
            span.decoded.append(frame)
            span.pixels.append(_rgba(frame))
    return span


def _rgba(frame) -> np.ndarray:
    return frame.to_ndarray(format="rgba64le").astype(np.float32) / 65535.0


def _luma(rgba: np.ndarray) -> np.ndarray:
    return 0.2126 * rgba[..., 0] + 0.7152 * rgba[..., 1] + 0.0722 * rgba[..., 2]


def _candidates(names: list[str] | None, label: str, source_alpha: bool) -> list[MovieCandidate]:
    if names:
        unknown = [n for n in names if n.lower() not in _BY_NAME]
        if unknown:
            raise ValueError(
                f"unknown movie candidate {', '.join(unknown)} (choose from {', '.join(_BY_NAME)})"
            )
        chosen = [_BY_NAME[n.lower()] for n in names]
    else:
        # Re-encoding to what the movie already is measures nothing but generation loss.
        chosen = [c for c in LADDER if c.label != label]
    if not source_alpha:
        chosen = [
            msgspec.structs.replace(c, pix_fmt=c.pix_fmt.replace("yuva", "yuv"), alpha=False)
            for c in chosen
        ]
    return chosen


def _measure(
    asset: Asset,
    candidate: MovieCandidate,
    spans: list[Span],
    rate: Fraction,
    units: int,
    work: str,
) -> WhatIfCandidate:
    """Size and quality of `candidate` on the spans; `units` is how many spans the whole
    movie holds, for the extrapolation."""
    from mediaopt.engine.render.whatif import extrapolate

    span_bytes, worst_psnr, worst_ssim = [], math.inf, 1.0
    drops_alpha = not candidate.alpha and any(s.pixels[0].shape[-1] == 4 for s in spans)
    for index, span in enumerate(spans):
        path = os.path.join(work, f"{candidate.name}.{index}.mov")
        span_bytes.append(_encode_span(path, span, candidate, rate))
        back = _decode_all(path)
        os.remove(path)
        if len(back) != len(span.pixels):
            raise ValueError(f"span at frame {span.first}: {len(back)} frames decoded back")
        for ref, luma_ref, test in zip(span.pixels, span.ssim, back, strict=True):
            channels = 4 if candidate.alpha else 3
            worst_psnr = min(worst_psnr, psnr(ref[..., :channels], test[..., :channels]))
            worst_ssim = min(worst_ssim, ssim(luma_ref, _luma(test)))
    estimate, error, ratio = extrapolate(
        span_bytes, [s.packet_bytes for s in spans], asset.bytes, max(len(spans), units)
    )
    return WhatIfCandidate(
        name=candidate.name,
        settings=candidate.settings,
        sample_bytes=sum(span_bytes),
        original_sample_bytes=sum(s.packet_bytes for s in spans),
        ratio=round(ratio, 4),
        estimated_bytes=estimate,
        error_bytes=error,
        saved_bytes=asset.bytes - estimate,
        saved_fraction=round(1.0 - estimate / asset.bytes, 4) if asset.bytes else 0.0,
        lossless=False,
        psnr_db=round(float(worst_psnr), 2) if math.isfinite(worst_psnr) else None,
        ssim=round(float(worst_ssim), 5),
        data_passes_exact=True,
        sampled_frames=sum(len(s.frames) for s in spans),
        drops_alpha=drops_alpha,
    )


def _judge(found: WhatIfCandidate, target: QualityTarget, alpha_used: bool) -> WhatIfCandidate:
    """Acceptable when it meets the asked quality and keeps any alpha the movie uses:
    dropping a used matte is a different deliverable, however good the picture."""
    meets = (target.min_psnr is None or (found.psnr_db or math.inf) >= target.min_psnr) and (
        target.min_ssim is None or (found.ssim or 0.0) >= target.min_ssim
    )
    found.acceptable = not target.lossless and meets and not (found.drops_alpha and alpha_used)
    if found.drops_alpha:
        found.note = (
            "drops the alpha channel, which the sampled frames use"
            if alpha_used
            else "drops alpha (every sampled frame is opaque)"
        )
    return found


def _encode_span(path: str, span: Span, candidate: MovieCandidate, rate: Fraction) -> int:
    """Encode the span into `path`; returns the picture bytes (packets, as the source's
    are counted, so container overhead is on neither side)."""
    height, width = span.pixels[0].shape[:2]
    written = 0
    with av.open(path, "w", format="mov") as out:
        stream = out.add_stream(candidate.codec, rate=rate, options={"profile": candidate.profile})
        stream.width, stream.height, stream.pix_fmt = width, height, candidate.pix_fmt
        for index, source in enumerate(span.decoded):
            frame = source.reformat(format=candidate.pix_fmt)
            frame.pts, frame.time_base = index, Fraction(1) / rate
            for packet in stream.encode(frame):
                written += packet.size
                out.mux(packet)
        for packet in stream.encode():
            written += packet.size
            out.mux(packet)
    return written


def _decode_all(path: str) -> list[np.ndarray]:
    with av.open(path, "r") as container:
        return [_rgba(frame) for frame in container.decode(video=0)]
