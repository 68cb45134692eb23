"""Movies' rate profiles are kept in the catalog by file identity: an unchanged movie's
index is read once, a changed one is read again."""

from __future__ import annotations

import os
import shutil

import pytest

from mediaopt.engine import api
from mediaopt.engine.bandwidth import need
from mediaopt.engine.bandwidth.profile import Profiles
from mediaopt.engine.demo.timelines import ClipSpec, write_timeline
from mediaopt.engine.model import PeakSource


@pytest.fixture
def cataloged(tmp_path, catalog, loud_then_quiet):
    """A copy of the loud-then-quiet movie, scanned into a fresh catalog."""
    movie = tmp_path / "media" / "A001.mov"
    movie.parent.mkdir()
    shutil.copyfile(loud_then_quiet, movie)
    api.scan([movie.parent], catalog, workers=0)
    return movie


def _blank_keeping_identity(path) -> None:
    """Zero the file's bytes in place, keeping its inode, size and mtime: a reader of
    the media would now find no index; only a cached profile still knows the peak."""
    st = os.stat(path)
    with open(path, "r+b") as f:
        f.write(bytes(st.st_size))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_second_need_reads_the_profile_from_the_catalog_not_the_movie(cataloged, catalog):
    first = need(cataloged, catalog=catalog).assets[0]
    assert first.peak_source is PeakSource.INDEX
    _blank_keeping_identity(cataloged)
    again = need(cataloged, catalog=catalog).assets[0]
    assert again.peak_source is PeakSource.INDEX
    assert again.peak_bytes_per_s == first.peak_bytes_per_s


def test_timeline_clips_use_the_cached_profile_for_their_range(tmp_path, cataloged, catalog):
    clip = ClipSpec(media=str(cataloged), duration=48, source_start=48)
    cut = write_timeline(tmp_path / "quiet.otio", {"V1": ("video", [clip])})
    first = need(cut, catalog=catalog).timeline.peak_bytes_per_s
    _blank_keeping_identity(cataloged)
    assert need(cut, catalog=catalog).timeline.peak_bytes_per_s == first


def test_a_changed_movie_is_read_again(cataloged, catalog, loud_then_quiet):
    need(cataloged, catalog=catalog)
    _blank_keeping_identity(cataloged)
    st = os.stat(cataloged)
    os.utime(cataloged, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    changed = need(cataloged, catalog=catalog).assets[0]
    # Read again: the blanked file has no index, so its peak can only be the average.
    assert changed.peak_source is PeakSource.AVERAGE
    assert "index unreadable" in (changed.note or "")
    shutil.copyfile(loud_then_quiet, cataloged)  # restored: a new mtime, read once more
    with Profiles(catalog) as profiles:
        profiles.get(str(cataloged), 4.0)
        assert profiles.index_reads == 1
    # The earlier version's profile went with it.
    assert catalog.rate_profiles.count(str(cataloged)) == 1


def test_profile_of_a_4_second_movie_is_stored_in_under_200_bytes(cataloged, catalog):
    with Profiles(catalog) as profiles:
        profile = profiles.get(str(cataloged), 4.0)
        assert profiles.index_reads == 1
    assert len(profile.bins) == 16
    (size,) = catalog.rate_profiles.sizes()
    assert size < 200
    with Profiles(catalog) as profiles:
        assert profiles.get(str(cataloged), 4.0) == profile
        assert profiles.index_reads == 0
