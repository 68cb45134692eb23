"""OTIO-readable projects: written by OTIO's own adapters, and real files from others."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from mediaopt.adapters import project_kind, read_project
from mediaopt.engine.model import ReferenceTarget

RATE = 24


def _range(start: int, duration: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, RATE), otio.opentime.RationalTime(duration, RATE)
    )


def _timeline(name: str = "cut") -> otio.schema.Timeline:
    movie = otio.schema.Clip(
        name="plate",
        media_reference=otio.schema.ExternalReference(
            target_url="file:///show/sh010/plate%20v2.mov", available_range=_range(0, 240)
        ),
        source_range=_range(86400 + 24, 48),
    )
    frames = otio.schema.Clip(
        name="comp",
        media_reference=otio.schema.ImageSequenceReference(
            target_url_base="file:///show/sh010/comp/",
            name_prefix="comp.",
            name_suffix=".exr",
            start_frame=1001,
            frame_zero_padding=4,
            rate=RATE,
            available_range=_range(0, 100),
        ),
        source_range=_range(10, 20),
    )
    missing = otio.schema.Clip(
        name="A001C003",
        media_reference=otio.schema.MissingReference(),
        source_range=_range(86400, 24),
        metadata={"cmx_3600": {"reel": "A001C003"}},
    )
    nested = otio.schema.Stack(name="precomp")
    inner = otio.schema.Track(name="inner")
    inner.append(
        otio.schema.Clip(
            name="inner",
            media_reference=otio.schema.ExternalReference(target_url="/show/elements/fire.mov"),
            source_range=_range(0, 12),
        )
    )
    nested.append(inner)
    track = otio.schema.Track(name="V1")
    track.extend([movie, frames, missing, nested])
    timeline = otio.schema.Timeline(name=name)
    timeline.tracks.append(track)
    return timeline


def test_otio_json_reads_every_kind_of_reference_with_used_range(tmp_path: Path):
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(_timeline(), str(path))

    project = read_project(path)

    assert project.kind == "otio" and project.errors == []
    plate, comp, missing, inner = project.references
    assert plate.target is ReferenceTarget.FILE
    assert plate.path == "/show/sh010/plate v2.mov"
    assert plate.source_range == (3601.0, 2.0)
    assert plate.timecode == "01:00:01:00"
    assert plate.location == 'timeline "cut" track V1 clip 1'
    assert comp.target is ReferenceTarget.SEQUENCE
    assert comp.path == "/show/sh010/comp/comp.####.exr"
    assert comp.frames == (1011, 1030)
    assert missing.target is ReferenceTarget.MISSING
    assert (missing.name, missing.reel, missing.timecode) == ("A001C003", "A001C003", "01:00:00:00")
    assert inner.path == "/show/elements/fire.mov"
    assert inner.location == 'timeline "cut" track V1 stack "precomp" track inner clip 1'


def test_every_timeline_of_a_collection_and_an_otioz_bundle_are_read(tmp_path: Path):
    collection = otio.schema.SerializableCollection(name="reels")
    collection.extend([_timeline("reel 1"), _timeline("reel 2")])
    path = tmp_path / "reels.otio"
    otio.adapters.write_to_file(collection, str(path))
    bundle = tmp_path / "cut.otioz"
    timeline = _timeline()
    # otioz bundles only file:// media that exists; keep the missing and sequence clips.
    otio.adapters.write_to_file(timeline, str(bundle), media_policy="MissingIfNotFile")

    reels = read_project(path)
    zipped = read_project(bundle)

    assert {r.location.split(" track")[0] for r in reels.references} == {
        'timeline "reel 1"',
        'timeline "reel 2"',
    }
    assert len(reels.references) == 8
    assert zipped.kind == "otioz" and zipped.errors == []
    assert "comp" in {r.name for r in zipped.references}


@pytest.mark.parametrize(
    ("suffix", "adapter", "kind", "options"),
    [
        ("edl", "cmx_3600", "cmx_3600", {}),
        ("xml", "fcp_xml", "fcp_xml", {}),
        ("fcpxml", "fcpx_xml", "fcpx_xml", {}),
        ("ale", "ale", "ale", {}),
        # Clips made in Python have no Avid mob IDs; the AAF writer makes fresh ones.
        ("aaf", "AAF", "AAF", {"use_empty_mob_ids": True}),
    ],
)
def test_edit_formats_written_by_otio_read_back_their_media(
    tmp_path, suffix, adapter, kind, options
):
    timeline = otio.schema.Timeline(name="edit")
    track = otio.schema.Track(name="V1")
    for i, name in enumerate(("sh010.mov", "sh020.mov")):
        track.append(
            otio.schema.Clip(
                name=name,
                media_reference=otio.schema.ExternalReference(
                    target_url=f"file:///media/{name}", available_range=_range(0, 480)
                ),
                source_range=_range(24 * (i + 1), 48),
            )
        )
    timeline.tracks.append(track)
    path = tmp_path / f"edit.{suffix}"
    otio.adapters.write_to_file(timeline, str(path), adapter_name=adapter, **options)

    project = read_project(path)

    assert project_kind(path) == kind
    assert project.errors == []
    assert [r.path for r in project.references] == ["/media/sh010.mov", "/media/sh020.mov"]
    assert [round(r.source_range[1], 3) for r in project.references] == [2.0, 2.0]


def test_edl_at_25_fps_is_read_at_that_rate_and_says_so(realworld: Path):
    project = read_project(realworld / "projects/edl/25fps.edl")

    assert project.errors == []
    assert project.notes and "25 fps" in project.notes[0]
    assert project.references[0].name == "sq001_s001"
    assert project.references[0].reel == "SC00.JPG"


def test_otio_file_from_a_newer_otio_names_the_schema_it_cannot_read(realworld: Path):
    path = realworld / "projects/otio/premiere_example.otio"
    project = read_project(path)

    assert project.references == []
    (error,) = project.errors
    assert error.startswith(str(path))
    assert "newer OpenTimelineIO" in error and "Marker.3" in error


def test_malformed_edl_gives_an_error_naming_the_file(realworld: Path):
    path = realworld / "projects/edl/dissolve_test_fail.edl"
    project = read_project(path)
    assert project.errors and project.errors[0].startswith(str(path))


@pytest.mark.parametrize("folder", ["otio", "edl", "aaf", "fcpxml"])
def test_every_realworld_edit_yields_references_or_a_clear_error(realworld: Path, folder: str):
    for path in sorted((realworld / "projects" / folder).iterdir()):
        project = read_project(path)
        if project.errors:
            assert all(e.startswith(str(path)) for e in project.errors), project.errors
        elif path.name != "generator_reference_test.otio":  # only generated media there
            assert project.references, path


def test_aaf_media_on_a_share_keeps_its_host(realworld: Path):
    project = read_project(realworld / "projects/aaf/one_clip.aaf")
    paths = {r.path for r in project.references if r.path}
    assert "//VSD/Tools_Media/Avid MediaFiles/MXF/reverb.1/ppjoshm_1.V01.D8C35C9E69C8V.mxf" in paths
