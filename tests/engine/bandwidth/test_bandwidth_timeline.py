"""A timeline's curve: clips playing at once across tracks, its peak and where it is."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from mediaopt.engine.bandwidth import BandwidthError, need, timeline_curve
from mediaopt.engine.bandwidth.need import describer
from mediaopt.engine.demo.timelines import ClipSpec, write_timeline


@pytest.fixture
def overlapping(tmp_path, prores, h264, exr_sequence, wav):
    """V1 ProRes 0-48, V2 H.264 12-36, V3 EXR frames 1030-1041 at 18-30, A1 WAV 0-48."""
    pattern, _ = exr_sequence
    return write_timeline(
        tmp_path / "cut.otio",
        {
            "V1": ("video", [ClipSpec(media=str(prores), duration=48)]),
            "V2": ("video", [ClipSpec(media=str(h264), duration=24, gap_before=12)]),
            "V3": (
                "video",
                [ClipSpec(media=pattern, duration=12, gap_before=18, source_start=1030)],
            ),
            "A1": ("audio", [ClipSpec(media=str(wav), duration=48)]),
        },
        start_timecode="01:00:00:00",
    )


def test_peak_is_where_all_tracks_overlap_with_its_timecode(
    overlapping, prores, h264, exr_sequence, truth
):
    curve = timeline_curve(overlapping, describer(None))
    pattern, _ = exr_sequence
    used = truth.sequence_sizes(pattern, list(range(1030, 1042)))
    expected = (
        truth.packet_peak(prores, 2.0)
        + truth.packet_peak(h264, 2.0, 0.0, 1.0)  # V2 plays the H.264's first second only
        + sum(used) * 24 / len(used)
        + 48000 * 3 * 2
    )
    assert curve.peak_bytes_per_s == pytest.approx(expected, rel=0.02)
    assert curve.peak_timecode == "01:00:00:18"
    assert curve.peak_start_s == pytest.approx(0.75)
    assert {c.split(": ")[0] for c in curve.peak_clips} == {"V1", "V2", "V3", "A1"}
    assert curve.peak_file_opens_per_s == 24
    assert curve.duration_s == pytest.approx(2.0)
    # Before V2 enters only the ProRes and the audio play.
    first = curve.segments[0]
    assert first.start_s == 0 and first.end_s == pytest.approx(0.5)
    assert len(first.clips) == 2


def test_dissolve_reads_both_clips_during_the_transition(tmp_path, h264, truth):
    rate = 24
    track = otio.schema.Track(name="V1")
    for name in ("a", "b"):
        if name == "b":
            track.append(
                otio.schema.Transition(
                    in_offset=otio.opentime.RationalTime(6, rate),
                    out_offset=otio.opentime.RationalTime(6, rate),
                )
            )
        track.append(
            otio.schema.Clip(
                name=name,
                media_reference=otio.schema.ExternalReference(target_url=h264.as_uri()),
                source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(6, rate), otio.opentime.RationalTime(24, rate)
                ),
            )
        )
    timeline = otio.schema.Timeline(name="dissolve")
    timeline.tracks.append(track)
    path = tmp_path / "dissolve.otio"
    otio.adapters.write_to_file(timeline, str(path))
    curve = timeline_curve(path, describer(None))
    # Each clip reads its used frames 6-29 and the 6 frames of handle the dissolve needs:
    # a plays source frames 6-35, b frames 0-29.
    a = truth.packet_peak(h264, 2.0, 6 / 24, 36 / 24)
    b = truth.packet_peak(h264, 2.0, 0.0, 30 / 24)
    assert curve.peak_bytes_per_s == pytest.approx(a + b, rel=0.02)
    assert curve.peak_timecode == "00:00:00:18"  # the cut at frame 24, less 6 frames


def test_missing_media_is_reported_by_clip_and_counts_nothing(tmp_path, h264):
    path = write_timeline(
        tmp_path / "cut.otio",
        {
            "V1": ("video", [ClipSpec(media=str(h264), duration=24)]),
            "V2": ("video", [ClipSpec(media=str(tmp_path / "lost.mov"), duration=24)]),
        },
    )
    report = need(path)
    assert any("V2" in p and "lost.mov" in p for p in report.problems)
    lost = [c for c in report.timeline.clips if c.track == "V2"][0]
    assert lost.peak_bytes_per_s == 0


def test_each_workflow_on_a_timeline_is_its_formula(overlapping):
    report = need(overlapping)
    by = {w.workflow: w for w in report.workflows}
    clip = {c.track: c.peak_bytes_per_s for c in report.timeline.clips}
    # At 01:00:00:18 all four tracks play; it is the busiest stretch for every workflow.
    playback = clip["V1"] + clip["V2"] + clip["V3"] + clip["A1"]
    assert clip["V1"] == max(clip["V1"], clip["V2"], clip["V3"])  # the heaviest video
    expected = {
        "playback": playback,
        "grade": playback,
        "edit": 1.5 * playback,
        "multicam": playback + 3 * clip["V1"],  # 4 angles of the ProRes, the rest once
        "shuttle": 2 * playback,
        "ingest": 4 * playback,
        "vfx_review": clip["V3"],
    }
    assert {name: w.bytes_per_s for name, w in by.items()} == pytest.approx(expected)
    assert by["ingest"].write_bytes_per_s == pytest.approx(4 * playback)
    assert by["multicam"].streams == 4 + 3
    assert by["vfx_review"].movie_bytes_per_s == 0
    assert by["vfx_review"].peak_clips == ["V3: plate.####.exr"]
    assert {w.peak_timecode for w in by.values()} == {"01:00:00:18"}
    assert by["edit"].formula == "1.5 x busiest second of (all clips playing)"
    assert "+ 3 x the heaviest video clip playing" in by["multicam"].formula


def test_workflow_file_sets_the_edit_overhead_and_multicam_angles(overlapping, tmp_path):
    profiles = tmp_path / "workflows.toml"
    profiles.write_text("[workflows.edit]\noverhead = 1.2\n[workflows.multicam]\nangles = 9\n")
    report = need(overlapping, workflows_file=profiles)
    by = {w.workflow: w.bytes_per_s for w in report.workflows}
    v1 = next(c.peak_bytes_per_s for c in report.timeline.clips if c.track == "V1")
    assert by["edit"] == pytest.approx(1.2 * by["playback"])
    assert by["multicam"] == pytest.approx(by["playback"] + 8 * v1)


def test_unreadable_timeline_names_the_file(tmp_path):
    bad = tmp_path / "broken.otio"
    bad.write_text("{ not json")
    with pytest.raises(BandwidthError, match="broken.otio"):
        need(bad)


@pytest.mark.parametrize(
    "first, frames",
    [(0, 48), (48, 48), (30, 48), (40, 20)],
    ids=["loud half", "quiet half", "across the change", "short, across"],
)
def test_movie_clip_peaks_over_the_frames_it_plays(tmp_path, loud_then_quiet, truth, first, frames):
    path = write_timeline(
        tmp_path / "cut.otio",
        {
            "V1": (
                "video",
                [ClipSpec(media=str(loud_then_quiet), duration=frames, source_start=first)],
            )
        },
    )
    curve = timeline_curve(path, describer(None))
    expected = truth.packet_peak(loud_then_quiet, 4.0, first / 24, (first + frames) / 24)
    assert curve.peak_bytes_per_s == pytest.approx(expected, rel=0.02)


def test_clips_of_the_loud_and_quiet_halves_of_one_movie_need_different_peaks(
    tmp_path, loud_then_quiet
):
    def peak(first: int) -> float:
        clip = ClipSpec(media=str(loud_then_quiet), duration=48, source_start=first)
        path = write_timeline(tmp_path / f"half_{first}.otio", {"V1": ("video", [clip])})
        return timeline_curve(path, describer(None)).peak_bytes_per_s

    whole = need(loud_then_quiet).assets[0].peak_bytes_per_s
    loud, quiet = peak(0), peak(48)
    assert loud == pytest.approx(whole, rel=0.001)  # the file's busiest second is in it
    assert quiet < loud / 5


def _unranged(name: str, url: str) -> otio.schema.Clip:
    """A clip as some tools write it: no source range, no available range."""
    return otio.schema.Clip(name=name, media_reference=otio.schema.ExternalReference(url))


def test_clips_without_ranges_play_their_whole_media_or_are_reported(tmp_path, prores, h264):
    track = otio.schema.Track(name="V1")
    track.append(_unranged("whole prores", prores.as_uri()))
    track.append(_unranged("whole h264", h264.as_uri()))
    lost = otio.schema.Track(name="V2")
    lost.append(_unranged("gone", (tmp_path / "gone.mov").as_uri()))
    lost.append(_unranged("after gone", h264.as_uri()))
    timeline = otio.schema.Timeline(name="unranged")
    timeline.tracks.extend([track, lost])
    path = tmp_path / "unranged.otio"
    otio.adapters.write_to_file(timeline, str(path))

    curve = timeline_curve(path, describer(None))

    by_name = {c.name: c for c in curve.clips}
    # Each 2 s movie plays whole, one after the other, as an NLE relinking them would.
    assert (by_name["whole prores"].start_s, by_name["whole prores"].end_s) == (0.0, 2.0)
    assert (by_name["whole h264"].start_s, by_name["whole h264"].end_s) == (2.0, 4.0)
    assert by_name["whole h264"].problem is None and by_name["whole h264"].peak_bytes_per_s > 0
    # A missing file has no length: it and everything after it on its track are reported.
    assert "cannot be placed" in by_name["gone"].problem
    assert "after gone" in by_name["after gone"].problem
    assert curve.duration_s == pytest.approx(4.0)
    assert len(curve.problems) == 2
