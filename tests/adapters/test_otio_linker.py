"""The OTIO media linker relinks through a real catalog of scanned media."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from mediaopt.engine.api import scan
from mediaopt.engine.demo.media import write_movie


def test_media_linker_is_registered_with_otio():
    names = [linker.name for linker in otio.plugins.ActiveManifest().media_linkers]
    assert "mediaopt" in names


def test_missing_and_moved_media_are_relinked_by_file_name(tmp_path: Path, cached_media):
    movie = cached_media("linker_a001c003.mov", write_movie, codec="mpeg4", pix_fmt="yuv420p")
    library = tmp_path / "library" / "day1"
    library.mkdir(parents=True)
    (library / "A001C003.mov").write_bytes(movie.read_bytes())
    catalog = tmp_path / "catalog.sqlite"
    scan([tmp_path / "library"], catalog=catalog, workers=0)

    timeline = otio.schema.Timeline(name="cut")
    track = otio.schema.Track()
    missing = otio.schema.Clip(name="A001C003.mov", media_reference=otio.schema.MissingReference())
    moved = otio.schema.Clip(
        name="moved",
        media_reference=otio.schema.ExternalReference(target_url="file:///old/disk/A001C003.mov"),
    )
    unknown = otio.schema.Clip(name="nothing.mov", media_reference=otio.schema.MissingReference())
    track.extend([missing, moved, unknown])
    timeline.tracks.append(track)
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(timeline, str(path))

    linked = otio.adapters.read_from_file(
        str(path),
        media_linker_name="mediaopt",
        media_linker_argument_map={"catalog": str(catalog)},
    )

    first, second, third = linked.find_clips()
    expected = otio.url_utils.url_from_filepath(str(library / "A001C003.mov"))
    assert first.media_reference.target_url == expected
    assert second.media_reference.target_url == expected
    assert isinstance(third.media_reference, otio.schema.MissingReference)


def test_an_aaf_clip_whose_reel_is_nested_in_its_metadata_is_relinked(tmp_path: Path):
    # Avid keeps a source's tape in the mob's UserComments, which the AAF adapter nests
    # under clip.metadata["AAF"]["UserComments"]: the reader finds it there, and so must
    # the linker, since the clip names no file.
    library = tmp_path / "library"
    write_movie(
        library / "day2" / "B004_C012_0501AB.mov",
        codec="mpeg4",
        pix_fmt="yuv420p",
        width=32,
        height=18,
        frames=48,
        reel="B004C012",
        timecode="14:20:00:00",
    )
    write_movie(
        library / "day2" / "B004_C013_0501AB.mov",
        codec="mpeg4",
        pix_fmt="yuv420p",
        width=32,
        height=18,
        frames=48,
        reel="B004C013",
        timecode="14:25:00:00",
    )
    catalog = tmp_path / "catalog.sqlite"
    scan([library], catalog=catalog, workers=0)

    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    clip = otio.schema.Clip(
        name="interview, take 2",
        media_reference=otio.schema.MissingReference(),
        source_range=tr(otio.opentime.from_timecode("14:20:00:12", 24), rt(12, 24)),
    )
    clip.metadata["AAF"] = {"Name": "interview, take 2", "UserComments": {"Tape": "B004C012"}}
    timeline = otio.schema.Timeline(name="assembly")
    timeline.tracks.append(otio.schema.Track())
    timeline.tracks[0].append(clip)
    path = tmp_path / "assembly.otio"
    otio.adapters.write_to_file(timeline, str(path))

    linked = otio.adapters.read_from_file(
        str(path),
        media_linker_name="mediaopt",
        media_linker_argument_map={"catalog": str(catalog)},
    )

    (relinked,) = linked.find_clips()
    expected = library / "day2" / "B004_C012_0501AB.mov"
    assert relinked.media_reference.target_url == otio.url_utils.url_from_filepath(str(expected))
    assert relinked.media_reference.metadata["mediaopt"]["relinked_from"] == "MissingReference"


def test_a_mac_path_relinks_through_the_path_map(tmp_path: Path, cached_media):
    movie = cached_media("linker_a001c003.mov", write_movie, codec="mpeg4", pix_fmt="yuv420p")
    library = tmp_path / "projects" / "show"
    library.mkdir(parents=True)
    (library / "A001C003.mov").write_bytes(movie.read_bytes())
    (library / "copy").mkdir()
    (library / "copy" / "A001C003.mov").write_bytes(movie.read_bytes())
    catalog = tmp_path / "catalog.sqlite"
    scan([tmp_path / "projects"], catalog=catalog, workers=0)
    clip = otio.schema.Clip(
        name="A001C003",
        media_reference=otio.schema.ExternalReference(
            target_url="file:///Volumes/Projects/show/A001C003.mov"
        ),
    )
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(otio.schema.Track())
    timeline.tracks[0].append(clip)
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(timeline, str(path))

    def link(arguments: dict) -> str | None:
        (one,) = otio.adapters.read_from_file(
            str(path), media_linker_name="mediaopt", media_linker_argument_map=arguments
        ).find_clips()
        return getattr(one.media_reference, "target_url", None)

    # Two cataloged files share the name: by name alone the link would be a guess.
    assert link({"catalog": str(catalog)}) == "file:///Volumes/Projects/show/A001C003.mov"
    mapped = link({"catalog": str(catalog), "map": [f"/Volumes/Projects={tmp_path}/projects"]})
    assert mapped == otio.url_utils.url_from_filepath(str(library / "A001C003.mov"))
