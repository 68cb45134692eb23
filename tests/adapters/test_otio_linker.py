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
