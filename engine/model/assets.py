"""Assets (a file, or one image sequence) and the technical attributes of their streams."""

from __future__ import annotations

import enum

import msgspec


class AssetKind(enum.StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"
    SEQUENCE = "sequence"
    OTHER = "other"
    """Recognised but not media: project files, sidecars, documents."""
    UNKNOWN = "unknown"


class AssetStatus(enum.StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    """Recognised, but the header could not be fully read (camera raw, truncated tail)."""
    ERROR = "error"
    """Could not be read; `reason` says why."""


class StreamKind(enum.StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"
    TIMECODE = "timecode"
    DATA = "data"
    TEXT = "text"


class Window(msgspec.Struct, kw_only=True, frozen=True):
    """A pixel rectangle, inclusive on both ends as in OpenEXR."""

    x_min: int
    y_min: int
    x_max: int
    y_max: int

    @property
    def width(self) -> int:
        return self.x_max - self.x_min + 1

    @property
    def height(self) -> int:
        return self.y_max - self.y_min + 1


class ExrChannel(msgspec.Struct, kw_only=True, frozen=True):
    name: str
    """Channel name as stored, e.g. `R`, `diffuse.R`, `Z`."""
    pixel_type: str
    """`half`, `float` or `uint`."""


class Stream(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Technical attributes of one video, audio, image or timecode stream.

    Fields are None where the format does not carry them.
    """

    kind: StreamKind
    index: int = 0
    codec: str | None = None
    """Codec as MediaInfo/OpenImageIO names it, e.g. `ProRes`, `AVC`, `FLAC`, `openexr`."""
    codec_profile: str | None = None
    """Profile or flavour, e.g. `422 HQ`, `4444`, `High 10@L5.1`, `DNxHR HQX`."""
    width: int | None = None
    height: int | None = None
    pixel_aspect: float | None = None
    frame_rate: float | None = None
    frame_count: int | None = None
    duration_s: float | None = None
    bit_depth: int | None = None
    chroma_subsampling: str | None = None
    """`4:2:2`, `4:4:4`, `4:2:0` ..."""
    alpha: bool | None = None
    bit_rate: int | None = None
    """Stream bit rate in bits per second."""
    bit_rate_mode: str | None = None
    scan_type: str | None = None
    colour_primaries: str | None = None
    transfer: str | None = None
    matrix: str | None = None
    colour_range: str | None = None
    hdr_format: str | None = None
    """HDR metadata present (e.g. `SMPTE ST 2086`, `HDR10`), None when absent."""
    icc_profile: str | None = None
    channels: int | None = None
    """Audio channel count, or image channel count."""
    channel_layout: str | None = None
    sample_rate: int | None = None
    sample_bit_depth: int | None = None
    language: str | None = None
    timecode: str | None = None
    """Start timecode for timecode streams."""
    # Image headers (OpenImageIO)
    compression: str | None = None
    """Still-image compression: `zip`, `piz`, `dwaa:45`, `lzw`, `none` ..."""
    pixel_type: str | None = None
    """Dominant pixel type: `half`, `float`, `uint8`, `uint16` ..."""
    exr_channels: list[ExrChannel] | None = None
    data_window: Window | None = None
    display_window: Window | None = None
    dpx_packing: str | None = None
    """DPX packing: `packed`, `filled method A`, `filled method B`."""
    dpx_transfer: str | None = None


class FrameSequence(msgspec.Struct, kw_only=True, frozen=True):
    """An image sequence collapsed into one asset."""

    pattern: str
    """Full path with one `#` per frame digit, e.g. `/show/sh010/plate.####.exr`."""
    first_frame: int
    last_frame: int
    padding: int
    frame_count: int
    """Frames present on disk."""
    missing_frames: list[int]
    """Frames absent between first and last."""
    frame_bytes: list[int]
    """Size of each present frame, in frame order."""

    def frame_path(self, frame: int) -> str:
        head, _, tail = self.pattern.partition("#" * self.padding)
        return (
            f"{head}{frame:0{self.padding}d}{tail}"
            if frame >= 0
            else (f"{head}-{abs(frame):0{self.padding}d}{tail}")
        )


class Asset(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One cataloged file, or one frame sequence as a whole."""

    path: str
    """Absolute path; for a sequence its `####` pattern."""
    kind: AssetKind
    bytes: int
    """Logical size; a sequence's total over its frames."""
    mtime: float
    """Latest modification time (Unix seconds) over the asset's files."""
    status: AssetStatus
    """`ok`, `partial` or `error`; always present in JSON, so filters need no default."""
    reason: str | None = None
    """One line saying why the status is not `ok`."""
    format: str | None = None
    """Container or file format, e.g. `QuickTime`, `MXF`, `OpenEXR`, `DPX`, `Wave`."""
    format_profile: str | None = None
    recognised_as: str | None = None
    """What the file is, in a person's words, when only its signature identifies it
    (camera raw formats no library here decodes), e.g. `RED R3D camera raw`."""
    extension: str | None = None
    duration_s: float | None = None
    overall_bit_rate: int | None = None
    start_timecode: str | None = None
    reel: str | None = None
    recorded_date: str | None = None
    encoded_date: str | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    part_count: int | None = None
    """Parts in a multi-part OpenEXR file."""
    streams: list[Stream] = []
    sequence: FrameSequence | None = None
    probed_bytes: int | None = None
    """Bytes the header probe read (all probes of a sequence together)."""
    probe_count: int = 0
    """Files opened by the header probe: 1 for a file, at most 2 for a sequence."""

    @property
    def video(self) -> Stream | None:
        """The first picture stream (video or still image)."""
        for stream in self.streams:
            if stream.kind in (StreamKind.VIDEO, StreamKind.IMAGE):
                return stream
        return None

    @property
    def audio(self) -> Stream | None:
        for stream in self.streams:
            if stream.kind is StreamKind.AUDIO:
                return stream
        return None
