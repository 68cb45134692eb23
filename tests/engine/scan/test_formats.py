"""Every movie and audio format a production meets is cataloged with the values its
encoder wrote: each case encodes a small real file with FFmpeg (PyAV) and asserts the
probe reads those values back."""

from __future__ import annotations

import fractions
from dataclasses import dataclass, field
from typing import Any

import pytest

from mediaopt.engine.demo.media import write_audio, write_movie
from mediaopt.engine.model import AssetKind, AssetStatus, StreamKind
from mediaopt.engine.scan.probe import probe_file

BT709 = {
    "color_primaries": "BT709",
    "color_trc": "BT709",
    "colorspace": "ITU709",
    "color_range": "MPEG",
}
BT709_READ = {
    "colour_primaries": "BT.709",
    "transfer": "BT.709",
    "matrix": "BT.709",
    "colour_range": "Limited",
}
PQ = {
    "color_primaries": "BT2020",
    "color_trc": "SMPTE2084",
    "colorspace": "BT2020",
    "color_range": "MPEG",
}
HDR10_X265 = (
    "log-level=none:hdr10=1:"
    "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):"
    "max-cll=1000,400"
)
NTSC = fractions.Fraction(30000, 1001)


@dataclass
class Case:
    name: str
    writer: dict[str, Any]
    video: dict[str, Any] = field(default_factory=dict)
    asset: dict[str, Any] = field(default_factory=dict)
    audio: dict[str, Any] = field(default_factory=dict)


MOVIES = [
    Case(
        "prores_422hq_10bit.mov",
        dict(
            codec="prores_ks",
            pix_fmt="yuv422p10le",
            options={"profile": "3"},
            colour=BT709,
            timecode="01:00:00:00",
            reel="A001C003",
            metadata={
                "com.apple.quicktime.make": "ARRI",
                "com.apple.quicktime.model": "ALEXA 35",
                "creation_time": "2024-05-06T07:08:09Z",
            },
            container_options={"movflags": "use_metadata_tags"},
        ),
        video=dict(
            codec="ProRes",
            codec_profile="422 HQ",
            bit_depth=10,
            chroma_subsampling="4:2:2",
            alpha=False,
            colour_primaries="BT.709",
            transfer="BT.709",
            matrix="BT.709",
        ),
        asset=dict(
            format="MPEG-4",
            format_profile="QuickTime",
            start_timecode="01:00:00:00",
            reel="A001C003",
            camera_make="ARRI",
            camera_model="ALEXA 35",
            encoded_date="2024-05-06 07:08:09 UTC",
        ),
    ),
    Case(
        "prores_4444_alpha.mov",
        dict(codec="prores_ks", pix_fmt="yuva444p10le", options={"profile": "4"}),
        video=dict(
            codec="ProRes",
            codec_profile="4444",
            bit_depth=12,
            chroma_subsampling="4:4:4",
            alpha=True,
        ),
    ),
    Case(
        "prores_4444_no_alpha.mov",
        dict(codec="prores_ks", pix_fmt="yuv444p10le", options={"profile": "4"}),
        video=dict(codec="ProRes", codec_profile="4444", bit_depth=12, alpha=False),
    ),
    Case(
        "dnxhr_hqx.mxf",
        dict(
            codec="dnxhd",
            pix_fmt="yuv422p10le",
            options={"profile": "dnxhr_hqx"},
            width=256,  # DNxHR's smallest frame
            height=128,
            colour=BT709,
            timecode="10:00:00:00",
        ),
        video=dict(
            codec="VC-3",
            codec_profile="DNxHR HQX",
            bit_depth=10,
            chroma_subsampling="4:2:2",
            **BT709_READ,
        ),
        asset=dict(format="MXF", start_timecode="10:00:00:00", encoded_date=None),
    ),
    Case(
        "h264_aac.mp4",
        dict(
            codec="libx264",
            pix_fmt="yuv420p",
            colour=BT709,
            audio=("aac", 48000, "stereo"),
            bit_rate=200_000,
        ),
        video=dict(
            codec="AVC", codec_profile="High", bit_depth=8, chroma_subsampling="4:2:0", **BT709_READ
        ),
        audio=dict(codec="AAC", codec_profile="LC", channels=2, sample_rate=48000),
        asset=dict(format="MPEG-4", format_profile="Base Media"),
    ),
    Case(
        "hevc_main10_hdr10.mov",
        dict(
            codec="libx265",
            pix_fmt="yuv420p10le",
            colour=PQ,
            options={"x265-params": HDR10_X265},
        ),
        video=dict(
            codec="HEVC",
            codec_profile="Main 10",
            bit_depth=10,
            chroma_subsampling="4:2:0",
            colour_primaries="BT.2020",
            transfer="PQ",
            matrix="BT.2020 non-constant",
            colour_range="Limited",
            hdr_format="SMPTE ST 2086",
        ),
    ),
    Case(
        "ffv1_10bit.mkv",
        dict(codec="ffv1", pix_fmt="yuv422p10le", colour=BT709),
        video=dict(codec="FFV1", bit_depth=10, chroma_subsampling="4:2:2", **BT709_READ),
        asset=dict(format="Matroska"),
    ),
    Case(
        "vp9.webm",
        dict(codec="libvpx-vp9", pix_fmt="yuv420p", colour=BT709),
        video=dict(codec="VP9", bit_depth=8, chroma_subsampling="4:2:0", **BT709_READ),
        asset=dict(format="WebM"),
    ),
    Case(
        "av1_10bit.mp4",
        dict(codec="libsvtav1", pix_fmt="yuv420p10le", colour=BT709),
        video=dict(codec="AV1", codec_profile="Main", bit_depth=10, **BT709_READ),
    ),
    Case(
        "mjpeg.avi",
        dict(codec="mjpeg", pix_fmt="yuvj422p"),
        video=dict(codec="JPEG", bit_depth=8),
        asset=dict(format="AVI"),
    ),
    Case(
        "mpeg2.ts",
        dict(codec="mpeg2video", pix_fmt="yuv420p", width=320, height=240, colour=BT709),
        video=dict(
            codec="MPEG Video", bit_depth=8, chroma_subsampling="4:2:0", width=320, height=240
        ),
        asset=dict(format="MPEG-TS"),
    ),
    Case(
        "ntsc.dv",
        dict(
            codec="dvvideo",
            pix_fmt="yuv411p",
            width=720,
            height=480,
            rate=NTSC,
            frames=3,
            timecode="01:02:03;04",
            metadata={"creation_time": "2024-05-06T07:08:09Z"},
        ),
        video=dict(
            codec="DV",
            width=720,
            height=480,
            frame_count=3,
            frame_rate=29.97,
            pixel_aspect=0.889,
            chroma_subsampling="4:1:1",
            scan_type="Interlaced",
        ),
        asset=dict(
            format="DV", start_timecode="01:02:03;04", recorded_date="2024-05-06 07:08:09.000"
        ),
    ),
    Case(
        "qtrle_argb.mov",
        dict(codec="qtrle", pix_fmt="argb"),
        video=dict(codec="RLE", bit_depth=8, alpha=True),
    ),
    Case(
        "v210.mov",
        dict(codec="v210", pix_fmt="yuv422p10le"),
        video=dict(codec="YUV", bit_depth=10, chroma_subsampling="4:2:2"),
    ),
]


@pytest.mark.parametrize("case", MOVIES, ids=lambda c: c.name)
def test_movie_header_reads_back_what_the_encoder_wrote(case: Case, cached_media) -> None:
    kwargs = {"width": 64, "height": 48, "frames": 6, **case.writer}
    path = cached_media(f"fmt1-{case.name}", write_movie, **kwargs)

    asset = probe_file(str(path))

    assert asset.status is AssetStatus.OK, asset.reason
    assert asset.kind is AssetKind.VIDEO
    video = asset.video
    assert video is not None and video.kind is StreamKind.VIDEO
    rate = kwargs.get("rate", 24)
    expected = {
        "width": kwargs["width"],
        "height": kwargs["height"],
        "frame_count": kwargs["frames"],
        "frame_rate": round(float(rate), 3),
        **case.video,
    }
    got = {k: getattr(video, k) for k in expected}
    if isinstance(got["frame_rate"], float):
        got["frame_rate"] = round(got["frame_rate"], 3)
    assert got == expected
    assert video.duration_s == pytest.approx(kwargs["frames"] / float(rate), abs=0.002)
    assert video.bit_rate is None or video.bit_rate > 0
    assert asset.overall_bit_rate and asset.overall_bit_rate > 0
    assert {k: getattr(asset, k) for k in case.asset} == case.asset
    if case.audio:
        audio = asset.audio
        assert audio is not None
        assert {k: getattr(audio, k) for k in case.audio} == case.audio


AUDIO = [
    Case(
        "bwf_24bit.wav",
        dict(
            codec="pcm_s24le",
            container_options={"write_bext": "1"},
            metadata={
                "description": "sc12 tk3",
                "originator": "Sound Devices 833",
                "origination_date": "2024-05-06",
                "origination_time": "07:08:09",
                "time_reference": str(48000 * 3600 + 24000),
            },
        ),
        audio=dict(codec="PCM", channels=2, sample_rate=48000, sample_bit_depth=24),
        asset=dict(
            format="Wave",
            encoded_date="2024-05-06 07:08:09",
            start_timecode="01:00:00.500",
        ),
    ),
    Case(
        "mono_16bit.aiff",
        dict(codec="pcm_s16be", sample_rate=44100, layout="mono"),
        audio=dict(codec="PCM", channels=1, sample_rate=44100, sample_bit_depth=16),
        asset=dict(format="AIFF"),
    ),
    Case(
        "hires_24bit.flac",
        dict(codec="flac", sample_rate=96000, sample_format="s32"),
        audio=dict(codec="FLAC", channels=2, sample_rate=96000, sample_bit_depth=24),
        asset=dict(format="FLAC"),
    ),
    Case(
        "cbr192.mp3",
        dict(codec="libmp3lame", sample_rate=44100, bit_rate=192_000),
        audio=dict(
            codec="MPEG Audio",
            codec_profile="Layer 3",
            channels=2,
            sample_rate=44100,
            bit_rate=192_000,
            bit_rate_mode="CBR",
        ),
        asset=dict(format="MPEG Audio"),
    ),
    Case(
        "aac_5_1.m4a",
        dict(codec="aac", layout="5.1", bit_rate=256_000),
        audio=dict(
            codec="AAC",
            codec_profile="LC",
            channels=6,
            channel_layout="C L R Ls Rs LFE",
            sample_rate=48000,
        ),
        asset=dict(format="MPEG-4"),
    ),
    Case(
        "alac_24bit.m4a",
        dict(codec="alac", sample_format="s32p"),
        audio=dict(codec="ALAC", channels=2, sample_rate=48000, sample_bit_depth=24),
        asset=dict(format="MPEG-4"),
    ),
    Case(
        "stereo.opus",
        dict(codec="libopus", bit_rate=96_000),
        audio=dict(codec="Opus", channels=2, channel_layout="L R", sample_rate=48000),
        asset=dict(format="Ogg"),
    ),
    Case(
        "surround.ac3",
        dict(codec="ac3", layout="5.1", bit_rate=384_000),
        audio=dict(
            codec="AC-3",
            channels=6,
            channel_layout="L R C LFE Ls Rs",
            sample_rate=48000,
            bit_rate=384_000,
        ),
        asset=dict(format="AC-3"),
    ),
]


@pytest.mark.parametrize("case", AUDIO, ids=lambda c: c.name)
def test_audio_header_reads_back_what_the_encoder_wrote(case: Case, cached_media) -> None:
    path = cached_media(f"fmt1-{case.name}", write_audio, seconds=1.0, **case.writer)

    asset = probe_file(str(path))

    assert asset.status is AssetStatus.OK, asset.reason
    assert asset.kind is AssetKind.AUDIO
    audio = asset.audio
    assert audio is not None
    assert {k: getattr(audio, k) for k in case.audio} == case.audio
    # Lossy codecs pad the first and last packet: a frame (≤ 47 ms for MP3) either way.
    assert asset.duration_s == pytest.approx(1.0, abs=0.05)
    assert {k: getattr(asset, k) for k in case.asset} == case.asset
