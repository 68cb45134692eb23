"""Storage bandwidth: what media and timelines need, what storage delivers, the verdict.

Rates are bytes per second (decimal MB/s is only for display); operations are file opens
per second, which is what an image sequence costs a file server beyond its bytes.
"""

from __future__ import annotations

import enum

import msgspec


class PeakSource(enum.StrEnum):
    FRAMES = "frames"
    """Exact: per-frame file sizes of an image sequence over a sliding one-second window."""
    INDEX = "index"
    """From the container's sample index (packet sizes and times), no essence read."""
    AVERAGE = "average"
    """No index was cheap to read: the peak is taken as the average (constant-rate
    codecs such as DNx, PCM audio, or an unindexed container)."""


class BandwidthNeed(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """What one asset needs from storage to play once at 1x speed."""

    path: str
    kind: str
    """`video`, `audio` or `sequence` (the asset's kind)."""
    average_bytes_per_s: float
    peak_bytes_per_s: float
    """Highest data rate over any one-second window."""
    peak_source: PeakSource
    peak_at_s: float | None = None
    """Start of the busiest one-second window, in seconds from the asset's start."""
    frame_rate: float | None = None
    duration_s: float | None = None
    file_opens_per_s: float = 0.0
    """Files opened per second of playback: the frame rate for sequences, 0 for movies."""
    note: str | None = None


class ClipUse(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One clip of a timeline, where it plays and what it needs."""

    name: str
    track: str
    kind: str
    """Track kind: `video` or `audio`."""
    start_s: float
    """Timeline seconds from the timeline's start (transition overlaps included)."""
    end_s: float
    path: str | None = None
    average_bytes_per_s: float = 0.0
    peak_bytes_per_s: float = 0.0
    file_opens_per_s: float = 0.0
    problem: str | None = None
    """Why the clip's media could not be measured (missing, unreadable); it counts as 0."""


class CurveSegment(msgspec.Struct, kw_only=True, frozen=True):
    """A stretch of the timeline over which the same clips play."""

    start_s: float
    end_s: float
    bytes_per_s: float
    """Sum of the playing clips' average rates."""
    peak_bytes_per_s: float
    """Sum of the playing clips' peak rates: what storage must sustain here."""
    file_opens_per_s: float
    clips: list[int]
    """Indexes into TimelineCurve.clips."""


class TimelineCurve(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The bandwidth a timeline needs over its length at 1x, all video and audio tracks."""

    path: str
    name: str | None = None
    rate: float
    """Timeline frame rate, for timecodes."""
    duration_s: float
    clips: list[ClipUse]
    segments: list[CurveSegment]
    peak_bytes_per_s: float
    peak_start_s: float
    start_timecode: str
    """The timeline's first timecode."""
    peak_timecode: str
    """Timeline timecode where the peak begins (the timeline's start timecode included)."""
    peak_clips: list[str]
    """`track: clip` names of the clips playing at the peak."""
    average_bytes_per_s: float
    """Time-weighted average of the curve."""
    peak_file_opens_per_s: float = 0.0
    problems: list[str] = []


class Workflow(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """How the media is used: multiplies what one play of the media needs."""

    name: str
    description: str = ""
    speed: float = 1.0
    """Playback speed (2.0 for shuttle; 4.0 for ingest copying at 4x real time)."""
    overhead: float = 1.0
    """Factor on a timeline's need for the work around playing it (edit: scrubbing and
    trimming). Media judged alone has `streams` for that instead."""
    streams: int = 1
    """Streams of an asset playing at once when an asset or folder is judged alone; a
    timeline says itself what plays at once."""
    angles: int = 1
    """Camera angles read at once on a timeline (multicam): the heaviest video clip
    playing stands for each angle, the other clips play once."""
    media: str = "all"
    """`all`, `sequences` or `movies`: which media this workflow plays."""
    writes: bool = False
    """The same bytes are written as read (ingest, copy)."""
    proxies_allowed: bool = True
    """Whether working from proxies is an answer (not for grading or VFX review)."""


class WorkflowNeed(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """What a workflow needs from storage for a project (timeline) or a set of assets."""

    workflow: str
    subject: str
    """The timeline file, asset or folder judged."""
    bytes_per_s: float
    """Peak need, speed and streams included."""
    formula: str = ""
    """How `bytes_per_s` was reckoned from the media, in words."""
    average_bytes_per_s: float
    movie_bytes_per_s: float
    """Part of the peak read as large files (movies and audio)."""
    sequence_bytes_per_s: float
    """Part of the peak read as one file per frame."""
    file_opens_per_s: float
    streams: int
    """Concurrent streams at the peak."""
    write_bytes_per_s: float = 0.0
    peak_timecode: str | None = None
    peak_clips: list[str] = []
    heaviest_sequence: str | None = None
    """The sequence costing the most at the peak, the one to transcode first."""


class ReadTest(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One timed read (or write) test."""

    name: str
    """`sequential`, `frames`, `streams` or `write`."""
    bytes: int
    """Bytes moved during the test."""
    seconds: float
    bytes_per_s: float
    files: int = 0
    """Files opened (the frame test's frames)."""
    files_per_s: float = 0.0
    streams: int = 1
    cache_bypass: str = "none"
    """`O_DIRECT`, `fadvise` (pages dropped before and after) or `none`."""
    source: str = ""
    """The file or sequence read."""


class StorageMeasurement(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What storage at a path delivered, read-only and bounded."""

    path: str
    tests: list[ReadTest]
    bytes_read: int
    bytes_written: int = 0
    seconds: float
    throttle_bytes_per_s: float | None = None
    """Rate cap applied (low-impact mode or a test's capped reader), None when uncapped."""
    problems: list[str] = []
    """Files and folders under the path that could not be read, each with its reason."""
    notes: list[str] = []
    """What was not measured and why (no image sequence: no frame-file rate)."""

    def test(self, name: str) -> ReadTest | None:
        for t in self.tests:
            if t.name == name:
                return t
        return None


class Verdict(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Will it work: one workflow on one project against one storage measurement."""

    workflow: str
    subject: str
    need_bytes_per_s: float
    need_file_opens_per_s: float
    capacity_bytes_per_s: float
    """What the storage delivers for this mix of movies and sequences."""
    capacity_file_opens_per_s: float | None
    headroom: float
    """Margin asked for above the need (0.25 = 25%)."""
    utilisation: float
    """Fraction of the storage's capacity the need takes (1.0 = all of it)."""
    passes: bool
    max_streams: int
    """Most streams of this need that fit with the headroom."""
    advice: list[str] = []
    peak_timecode: str | None = None


class NeedReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    """`mediaopt bandwidth need`: what a timeline, asset or folder needs, per workflow."""

    subject: str
    timeline: TimelineCurve | None = None
    """The bandwidth curve, when the subject is a timeline."""
    assets: list[BandwidthNeed] = []
    """Per-asset needs, when the subject is media or a folder of it."""
    workflows: list[WorkflowNeed] = []
    problems: list[str] = []
    """Media that could not be measured, each naming the file and the reason."""


class CheckReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    """`mediaopt bandwidth check`: the need, the storage measured, and the verdicts."""

    need: NeedReport
    storage: StorageMeasurement
    verdicts: list[Verdict]
    chart: str | None = None
    """The SVG chart written, when one was asked for."""
    problems: list[str] = []
    """What could not be read, for the need or the measurement: the verdicts leave it out."""
