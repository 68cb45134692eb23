"""Media with known data rates, made by real encoders, and ground truth read from disk."""

from __future__ import annotations

import fractions
import os
from pathlib import Path

import av
import numpy as np
import pytest

from mediaopt.engine.demo import media

FPS = 24


class Truth:
    """What a user could check by hand: file sizes on disk, packet sizes from a demux."""

    @staticmethod
    def movie_average(path: Path, frames: int, fps: float = FPS) -> float:
        return path.stat().st_size / (frames / fps)

    @staticmethod
    def sequence_sizes(pattern: str, frames: list[int]) -> list[int]:
        padding = pattern.count("#")
        head, _, tail = pattern.partition("#" * padding)
        return [os.stat(f"{head}{f:0{padding}d}{tail}").st_size for f in frames]

    @staticmethod
    def peak_over_windows(sizes: list[int], fps: int = FPS) -> tuple[float, int]:
        """Brute force: every run of `fps` consecutive frames."""
        if len(sizes) <= fps:
            return sum(sizes) * fps / len(sizes), 0
        runs = [(sum(sizes[i : i + fps]), i) for i in range(len(sizes) - fps + 1)]
        best, at = max(runs, key=lambda r: (r[0], -r[1]))
        return best * fps / fps, at

    @staticmethod
    def packet_peak(
        path: Path, duration: float, start: float = 0.0, end: float | None = None
    ) -> float:
        """Demux every packet (no decode) and take the busiest one-second window of bytes
        inside [start, end) (default: the whole file), scaled to whole-file bytes. Decode
        order (dts): that is the order a player reads."""
        end = duration if end is None else end
        by_stream: dict[int, list[tuple[float, int]]] = {}
        with av.open(str(path)) as container:
            for packet in container.demux():
                if packet.size and packet.dts is not None:
                    by_stream.setdefault(packet.stream.index, []).append(
                        (float(packet.dts * packet.time_base), packet.size)
                    )
        events = []
        for packets in by_stream.values():
            first = min(t for t, _ in packets)
            events += [(t - first, size) for t, size in packets]
        scale = path.stat().st_size / sum(s for _, s in events)
        events = [(t, s) for t, s in events if start - 1e-6 < t < end - 1e-6]
        if end - start < 1:  # shorter than a second: the rate while it plays, as sequences
            return sum(s for _, s in events) / (end - start) * scale
        starts = sorted({t for t, _ in events if t <= end - 1} | {end - 1})
        # A packet one second after a window's start is outside it, whatever float rounding
        # makes of k/24 s.
        best = max(sum(s for t, s in events if a - 1e-6 < t < a + 1 - 1e-6) for a in starts)
        return best * scale


@pytest.fixture(scope="session")
def truth() -> type[Truth]:
    return Truth


@pytest.fixture(scope="session")
def prores(cached_media) -> Path:
    """ProRes 422 HQ, 640x360, 48 frames at 24 fps with 24-bit stereo PCM: 2 s."""
    return cached_media(
        "bw_prores_hq_640x360_48f_pcm.mov",
        media.write_movie,
        codec="prores_ks",
        pix_fmt="yuv422p10le",
        options={"profile": "3"},
        width=640,
        height=360,
        frames=48,
        audio=("pcm_s24le", 48000, "stereo"),
    )


def _write_loud_then_quiet(path: Path, frames: int = 96) -> Path:
    """ProRes 422 HQ at 24 fps: full-frame noise for the first half, flat grey with a
    moving edge for the second. ProRes spends bits on detail, so the first half's data
    rate is many times the second's."""
    rng = np.random.default_rng(7)
    width, height = 640, 360
    with av.open(str(path), "w") as out:
        stream = out.add_stream("prores_ks", rate=FPS, options={"profile": "3"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv422p10le"
        for i in range(frames):
            if i < frames // 2:
                picture = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
            else:
                picture = np.full((height, width, 3), 90, np.uint8)
                picture[:, : (i * 7) % width] = 160
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="session")
def loud_then_quiet(cached_media) -> Path:
    """4 s of ProRes: 2 s of noise (a high data rate), then 2 s of flat picture."""
    return cached_media("bw_prores_noise2s_flat2s_640x360.mov", _write_loud_then_quiet)


@pytest.fixture(scope="session")
def h264(cached_media) -> Path:
    """H.264 at a 2 Mb/s target, 48 frames of 320x240 at 24 fps, as a MP4."""
    return cached_media(
        "bw_h264_2mbps_320x240_48f.mp4",
        media.write_movie,
        codec="libx264",
        pix_fmt="yuv420p",
        width=320,
        height=240,
        frames=48,
        bit_rate=2_000_000,
    )


@pytest.fixture(scope="session")
def dnxhr(cached_media) -> Path:
    """DNxHR SQ 1920x1080, 24 frames at 24 fps in MXF: constant rate, no cheap index."""
    return cached_media(
        "bw_dnxhr_sq_1080p_24f.mxf",
        media.write_movie,
        codec="dnxhd",
        pix_fmt="yuv422p",
        width=1920,
        height=1080,
        frames=24,
        options={"profile": "dnxhr_sq"},
        rate=fractions.Fraction(24),
    )


@pytest.fixture(scope="session")
def wav(cached_media) -> Path:
    return cached_media(
        "bw_pcm24_48k_stereo_2s.wav", media.write_audio, codec="pcm_s24le", seconds=2.0
    )


def _exr_sequence(folder: Path, frames: range) -> None:
    # Noise that grows with the frame number: ZIP compresses later frames worse, so the
    # frame sizes vary and the busiest second is at the end, not the average.
    for f in frames:
        media.write_image_oiio(
            folder / f"plate.{f:04d}.exr",
            width=160,
            height=90,
            index=f,
            noise=0.002 * (f - frames[0]),
            attributes={"compression": "zip"},
        )


@pytest.fixture(scope="session")
def exr_sequence(media_cache: Path) -> tuple[str, list[int]]:
    """48 ZIP-compressed EXR frames, 1001-1048, of growing size."""
    folder = media_cache / "bw_exr_plate_160x90_48f"
    frames = range(1001, 1049)
    if not (folder / "plate.1048.exr").exists():
        folder.mkdir(exist_ok=True)
        _exr_sequence(folder, frames)
    return str(folder / "plate.####.exr"), list(frames)


@pytest.fixture(scope="session")
def dpx_sequence(media_cache: Path) -> tuple[str, list[int]]:
    """30 uncompressed 10-bit DPX frames, 1-30: every frame the same size."""
    folder = media_cache / "bw_dpx_render_256x144_30f"
    frames = list(range(1, 31))
    if not (folder / "render.0030.dpx").exists():
        media.write_sequence(
            str(folder / "render.####.dpx"),
            frames,
            width=256,
            height=144,
            pixel_type="uint16",
            attributes={"oiio:BitsPerSample": 10},
        )
    return str(folder / "render.####.dpx"), frames
