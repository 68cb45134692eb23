"""Exact duplicates: size, ends and full hash, hard links, sequences as wholes, bad files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mediaopt.engine import api
from mediaopt.engine.dedup import find_duplicates
from mediaopt.engine.demo import media


def _tree(root: Path, cached_media) -> dict[str, Path]:
    movie = cached_media(
        "dupes_exact_mjpeg_640_q2_48f.mov",
        media.write_movie,
        codec="mjpeg",
        pix_fmt="yuvj420p",
        width=640,
        height=360,
        frames=48,
        options={"qscale": "2"},
    )
    shot = root / "camera" / "A001.mov"
    shot.parent.mkdir(parents=True)
    shutil.copy2(movie, shot)
    backup = root / "backup" / "A001.mov"
    backup.parent.mkdir()
    shutil.copy2(movie, backup)
    link = root / "links" / "A001_link.mov"
    link.parent.mkdir()
    os.link(shot, link)
    # Same size and same head and tail, different middle: only the full hash tells.
    data = bytearray(movie.read_bytes())
    assert len(data) > 3 * 64 * 1024, "the movie must be longer than both end blocks"
    data[len(data) // 2] ^= 0xFF
    middle = root / "other" / "A001_middle.mov"
    middle.parent.mkdir()
    middle.write_bytes(bytes(data))
    # Same size, different last byte: the partial hash tells.
    tail = bytearray(movie.read_bytes())
    tail[-1] ^= 0xFF
    (root / "other" / "A001_tail.mov").write_bytes(bytes(tail))
    for where in ("plates", "plates_copy"):
        media.write_sequence(
            root / where / "sh010.####.png",
            range(1001, 1004),
            writer=media.write_image_pillow,
            width=32,
            height=24,
        )
    (root / "other" / "broken.exr").write_bytes(b"v/1\x01not an exr at all")
    return {"shot": shot, "backup": backup, "link": link, "middle": middle}


def test_exact_groups_are_copies_and_whole_sequences(tmp_path, cached_media, catalog):
    files = _tree(tmp_path / "prod", cached_media)
    api.scan([tmp_path / "prod"], catalog, workers=0)
    report = find_duplicates(catalog)
    groups = {frozenset(m.path for m in g.members) for g in report.groups}
    shot_paths = {str(files["shot"]), str(files["link"])}
    movie_group = next(g for g in groups if str(files["backup"]) in g)
    assert len(movie_group) == 2 and len(movie_group & shot_paths) == 1
    seq = {str(tmp_path / "prod" / w / "sh010.####.png") for w in ("plates", "plates_copy")}
    assert seq in groups
    assert len(groups) == 2
    by_paths = {frozenset(m.path for m in g.members): g for g in report.groups}
    assert by_paths[movie_group].reclaimable_bytes == files["shot"].stat().st_size
    assert all(g.relation == "identical" and g.kind == "exact" for g in report.groups)


def test_hard_links_are_not_duplicates(tmp_path, catalog):
    original = media.write_image_pillow(tmp_path / "a" / "still.png", width=64, height=48)
    (tmp_path / "b").mkdir()
    os.link(original, tmp_path / "b" / "still_link.png")
    api.scan([tmp_path], catalog, workers=0)
    assert find_duplicates(catalog, near=True).groups == []


def test_unchanged_files_are_not_read_again(tmp_path, cached_media, catalog):
    _tree(tmp_path / "prod", cached_media)
    api.scan([tmp_path / "prod"], catalog, workers=0)
    first = find_duplicates(catalog)
    again = find_duplicates(catalog)
    assert first.hashed > 0 and again.hashed == 0
    assert [g.members for g in again.groups] == [g.members for g in first.groups]


def test_unreadable_file_is_reported_and_the_run_goes_on(tmp_path, cached_media, catalog):
    files = _tree(tmp_path / "prod", cached_media)
    api.scan([tmp_path / "prod"], catalog, workers=0)
    files["backup"].unlink()  # gone since the scan: named, and the rest still compared
    report = find_duplicates(catalog)
    assert [p.path for p in report.problems] == [str(files["backup"])]
    assert "cannot stat" in report.problems[0].reason
    assert len(report.groups) == 1  # the sequences


def _held_sequence(folder: Path) -> list[Path]:
    """Five EXR frames where 1003 and 1004 are byte-identical copies of 1002 (a held
    frame a renderer wrote again)."""
    frames = media.write_sequence(folder / "beauty.####.exr", range(1001, 1006), noise=0.01)
    for held in (1003, 1004):
        shutil.copyfile(frames[1], frames[held - 1001])
    return frames


def test_held_frames_inside_a_sequence_are_duplicates(tmp_path, catalog):
    frames = _held_sequence(tmp_path / "renders" / "sh010")
    api.scan([tmp_path], catalog, workers=0)
    report = find_duplicates(catalog)
    assert len(report.groups) == 1
    group = report.groups[0]
    assert group.keep == str(frames[1])
    assert [m.path for m in group.members] == [str(p) for p in frames[1:4]]
    assert [m.relation for m in group.members] == [None, "held frame", "held frame"]
    assert group.reclaimable_bytes == 2 * frames[1].stat().st_size
    assert report.reclaimable_bytes == group.reclaimable_bytes


def test_a_copied_sequence_counts_its_held_frames_once(tmp_path, catalog):
    frames = _held_sequence(tmp_path / "renders" / "sh010")
    shutil.copytree(tmp_path / "renders", tmp_path / "backup")
    api.scan([tmp_path], catalog, workers=0)
    report = find_duplicates(catalog)
    whole = [g for g in report.groups if g.relation == "identical"]
    held = [g for g in report.groups if g.relation == "held frames"]
    assert len(whole) == 1 and len(held) == 1
    # Removing the backup frees every frame of it; inside the kept sequence two held
    # frames can become links: every byte counted once, as `jdupes -r` would count it.
    sizes = [p.stat().st_size for p in frames]
    assert report.reclaimable_bytes == sum(sizes) + 2 * sizes[1]
    assert held[0].keep.startswith(whole[0].keep.split("beauty")[0])
