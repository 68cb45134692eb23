"""Will it work: each workflow's need against what the storage measured, with headroom,
and what to change when it does not.

Movies and sequences load storage differently, so each part of the need is set against
the test that reads like it: movies against large-block reads (one stream) or the
concurrent-streams figure (several), sequences against the frame test, by bytes and by
files opened, whichever is worse. The parts add up as shares of the storage's time.
"""

from __future__ import annotations

import math

from mediaopt.engine.model import (
    NeedReport,
    StorageMeasurement,
    Verdict,
    Workflow,
    WorkflowNeed,
)

DEFAULT_HEADROOM = 0.25
"""Margin above the need: players stall on the slowest second, not the average one, and
storage shared with renders and other suites seldom delivers its measured best."""

MB = 1e6


def check(
    report: NeedReport,
    measurement: StorageMeasurement,
    profiles: dict[str, Workflow],
    *,
    headroom: float = DEFAULT_HEADROOM,
) -> list[Verdict]:
    """One verdict per workflow in the report."""
    return [
        verdict(need, profiles[need.workflow], measurement, headroom=headroom)
        for need in report.workflows
    ]


def verdict(
    need: WorkflowNeed,
    workflow: Workflow,
    measurement: StorageMeasurement,
    *,
    headroom: float = DEFAULT_HEADROOM,
) -> Verdict:
    seq_test = measurement.test("sequential")
    streams_test = measurement.test("streams")
    frames_test = measurement.test("frames")
    write_test = measurement.test("write")
    movie_cap = _rate(streams_test if need.streams > 1 and streams_test else seq_test)
    if movie_cap is None:
        movie_cap = _rate(streams_test) or 0.0
    frame_bytes_cap = _rate(frames_test) or movie_cap
    frame_files_cap = frames_test.files_per_s if frames_test else None
    notes: list[str] = []

    util = need.movie_bytes_per_s / movie_cap if movie_cap else math.inf
    seq_util = need.sequence_bytes_per_s / frame_bytes_cap if frame_bytes_cap else math.inf
    if need.file_opens_per_s and frame_files_cap:
        seq_util = max(seq_util, need.file_opens_per_s / frame_files_cap)
    elif need.file_opens_per_s:
        notes.append("frame-file rate not measured: measure on a folder holding a sequence")
    if need.sequence_bytes_per_s or need.file_opens_per_s:
        util += seq_util
    written = 0.0
    if need.write_bytes_per_s:
        if write_test and write_test.bytes_per_s:
            util += need.write_bytes_per_s / write_test.bytes_per_s
            written = need.write_bytes_per_s
        else:
            notes.append("write speed not measured: give a scratch folder to measure it")
    passes = util * (1 + headroom) <= 1.0
    per_stream = util / max(need.streams, 1)
    max_streams = int(1 / ((1 + headroom) * per_stream)) if per_stream > 0 else 0
    total = need.bytes_per_s + written
    capacity = total / util if util and math.isfinite(util) else movie_cap
    advice: list[str] = []
    if not passes:
        advice = _advice(need, workflow, capacity, headroom, max_streams, seq_util, util)
    if measurement.throttle_bytes_per_s:
        notes.append(
            f"measured under a {measurement.throttle_bytes_per_s / MB:.0f} MB/s cap: the "
            "storage may deliver more"
        )
    return Verdict(
        workflow=need.workflow,
        subject=need.subject,
        need_bytes_per_s=total,
        need_file_opens_per_s=need.file_opens_per_s,
        capacity_bytes_per_s=capacity,
        capacity_file_opens_per_s=frame_files_cap,
        headroom=headroom,
        utilisation=util if math.isfinite(util) else 1e9,
        passes=passes,
        max_streams=max_streams,
        advice=advice + notes,
        peak_timecode=need.peak_timecode,
    )


def _advice(
    need: WorkflowNeed,
    workflow: Workflow,
    capacity: float,
    headroom: float,
    max_streams: int,
    seq_util: float,
    util: float,
) -> list[str]:
    advice: list[str] = []
    if need.heaviest_sequence and workflow.media != "sequences" and seq_util >= util / 2:
        advice.append(
            f"transcode {need.heaviest_sequence} to a movie for editorial: one file instead "
            f"of {need.file_opens_per_s:.0f} file opens/s"
        )
    if workflow.proxies_allowed:
        advice.append("edit from proxies (ProRes Proxy or DNxHR LB) and relink to conform")
    if need.streams > 1 and max_streams < need.streams:
        advice.append(
            f"lower the stream count to {max_streams}"
            if max_streams >= 1
            else "even one stream does not fit: play from faster storage"
        )
    advice.append(
        f"move to a faster tier: this needs {need.bytes_per_s * (1 + headroom) / MB:.0f} MB/s "
        f"with {headroom:.0%} headroom, this storage gives {capacity / MB:.0f} MB/s for it"
    )
    return advice


def _rate(test) -> float | None:
    return test.bytes_per_s if test is not None and test.bytes_per_s > 0 else None
