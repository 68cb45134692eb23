"""A referenced file must never be reported as an orphan: paths spelt differently from
the catalog (symlinks, Unicode normalisation, case, `..`, quotes, shares), sequences named
another way, projects nested or outside the roots, and a catalog older than the disk."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from urllib.parse import quote

import opentimelineio as otio
import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.demo.timelines import write_cut
from mediaopt.engine.model import OrphanReport
from mediaopt.engine.production.analysis import find_orphans
from mediaopt.engine.projects.orphans import MEDIA_KINDS
from mediaopt.engine.refs.pathmap import PathMap

OLD = 1_500_000_000.0
_PROJECT_SUFFIXES = (".otio", ".otioz", ".nk", ".edl", ".xml")


def _wav(path: Path) -> str:
    media.write_audio(path, codec="pcm_s16le", layout="mono", seconds=0.02)
    return str(path)


def _exr(pattern: Path, frames: range) -> str:
    media.write_sequence(pattern, frames, width=8, height=8)
    return str(pattern)


def _age(root: Path) -> None:
    """Media old enough to be an orphan; project files stay as written (active)."""
    for dirpath, _, names in os.walk(root):
        for name in names:
            if not name.endswith(_PROJECT_SUFFIXES):
                os.utime(os.path.join(dirpath, name), (OLD, OLD), follow_symlinks=False)


def _age_and_scan(root: Path, catalog: Catalog) -> None:
    _age(root)
    api.scan([str(root)], catalog, workers=0)


def _nuke(path: Path, reads: list[tuple[str, int, int]]) -> str:
    """A Nuke script whose Read nodes have these `file` knob texts (written verbatim, so
    the caller quotes or braces them) and frame ranges."""
    nodes = "".join(
        f"Read {{\n inputs 0\n file {knob}\n first {first}\n last {last}\n name Read{i}\n}}\n"
        for i, (knob, first, last) in enumerate(reads, 1)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("version 14.0 v5\nRoot {\n inputs 0\n}\n" + nodes)
    return str(path)


_CATALOG: list[Catalog] = []


@pytest.fixture(autouse=True)
def _remember_catalog(catalog: Catalog):
    """Every test here scans into `catalog`; the helpers check the positive in it."""
    _CATALOG[:] = [catalog]
    yield
    _CATALOG.clear()


def _never_orphaned(report: OrphanReport, *paths: str) -> None:
    """Not an orphan, and not because it was never seen: each path is cataloged as media
    under the roots, so the search weighed it and kept it (referenced, as a source,
    recent, or uncertain with a reason)."""
    orphans = {o.path for o in report.orphans}
    assert not orphans & set(paths), (orphans & set(paths), report.unresolved_references)
    bases = [r.rstrip(os.sep) + os.sep for r in report.roots]
    reasons = {u.path: u.reason for u in report.uncertain}
    for path in paths:
        asset = _CATALOG[0].get(path)
        assert asset is not None, f"{path} was never cataloged"
        assert str(asset.kind) in MEDIA_KINDS and any(path.startswith(b) for b in bases)
        assert path not in reasons or reasons[path], "uncertain without a reason"
    kept = report.referenced + report.kept_as_source + report.kept_recent
    assert kept + len(reasons) >= len(paths)


def _referenced(report: OrphanReport, *paths: str) -> None:
    _never_orphaned(report, *paths)
    doubted = {u.path for u in report.uncertain}
    assert not doubted & set(paths), [u for u in report.uncertain if u.path in paths]
    assert report.referenced >= len(paths)


# Paths ----------------------------------------------------------------------------------


def test_a_file_referenced_through_a_symlinked_folder_is_referenced(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    used = _wav(root / "real" / "sound" / "used.wav")
    plate = _exr(root / "real" / "plates" / "plate.####.exr", range(1, 4))
    (root / "link").symlink_to(root / "real", target_is_directory=True)
    _nuke(
        root / "comp" / "comp.nk",
        [(str(root / "link" / "sound" / "used.wav"), 1, 1)]
        + [(str(root / "link" / "plates" / "plate.%04d.exr"), 1, 3)],
    )
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    _referenced(report, used, plate)
    assert report.referenced == 2


def test_a_file_referenced_by_its_real_path_under_a_symlinked_root_is_referenced(
    tmp_path: Path, catalog: Catalog
):
    real = tmp_path / "vol1" / "projects"
    used = real / "sound" / "used.wav"
    _wav(used)
    mount = tmp_path / "mnt_projects"
    mount.symlink_to(real, target_is_directory=True)
    write_cut(real / "edit" / "cut.otio", [used.as_uri()])
    _age(real)
    api.scan([str(mount)], catalog, workers=0)
    report = find_orphans(catalog, [str(mount)])
    cataloged = str(mount / "sound" / "used.wav")
    _referenced(report, cataloged)
    assert report.referenced == 1


def test_a_macos_decomposed_name_finds_the_composed_file_on_disk(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    composed = unicodedata.normalize("NFC", "café_ambiance.wav")
    used = _wav(root / "Sound" / composed)
    decomposed = unicodedata.normalize("NFD", composed)
    # Finder and Premiere on macOS write URLs from HFS+/APFS names: decomposed, encoded.
    url = "file:///Volumes/Projects/Sound/" + quote(decomposed)
    write_cut(root / "edit" / "cut.otio", [url])
    _age_and_scan(root, catalog)
    report = find_orphans(
        catalog, [str(root)], path_map=PathMap.parse([f"/Volumes/Projects={root}"])
    )
    _referenced(report, used)


def test_a_map_and_folders_in_another_case_find_a_sequence(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "projects"
    plate = _exr(root / "show" / "sh010" / "plate.####.exr", range(1001, 1004))
    _nuke(
        root / "show" / "comp.nk",
        [("/Volumes/PROJECTS/Show/SH010/plate.%04d.exr", 1001, 1003)],
    )
    _age_and_scan(root, catalog)
    report = find_orphans(
        catalog, [str(root)], path_map=PathMap.parse([f"/Volumes/Projects={root}"])
    )
    _referenced(report, plate)


def test_dot_segments_and_doubled_slashes_in_a_mapped_path_resolve(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "projects"
    used = _wav(root / "show" / "sound" / "a.wav")
    other = _wav(root / "show" / "music" / "b.wav")
    url_a = "file:///Volumes/Projects/./show//music/../sound/a.wav"
    url_b = "file:///Volumes/Projects/x/../show/music/b.wav"
    write_cut(root / "show" / "edit" / "cut.otio", [url_a, url_b])
    _age_and_scan(root, catalog)
    report = find_orphans(
        catalog, [str(root)], path_map=PathMap.parse([f"/Volumes/Projects/={root}/"])
    )
    _referenced(report, used, other)


def test_windows_nuke_paths_with_spaces_backslashes_and_shares_resolve(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "projects"
    spaced = _wav(root / "Show Files" / "sound" / "room tone.wav")
    shared = _exr(root / "share" / "plates" / "bg plate.####.exr", range(1, 3))
    _nuke(
        root / "comp" / "comp.nk",
        [
            ('"P:\\\\Show Files\\\\sound\\\\room tone.wav"', 1, 1),
            # Inside braces TCL takes backslashes as they are; inside quotes it unescapes.
            ("{\\\\Server\\Share\\plates\\bg plate.%04d.exr}", 1, 2),
        ],
    )
    _age_and_scan(root, catalog)
    maps = [f"P:/={root}", f"//server/share={root / 'share'}"]
    report = find_orphans(catalog, [str(root)], path_map=PathMap.parse(maps))
    _referenced(report, spaced, shared)


def test_file_localhost_urls_resolve(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "take 1.wav")
    write_cut(root / "edit" / "cut.otio", ["file://localhost" + quote(used)])
    _age_and_scan(root, catalog)
    _referenced(find_orphans(catalog, [str(root)]), used)


def test_a_file_whose_name_holds_a_hash_or_at_sign_is_referenced_by_that_name(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    hashed = _wav(root / "sound" / "take#3.wav")
    at = _wav(root / "sound" / "mix@48k.wav")
    write_cut(root / "edit" / "cut.otio", [Path(hashed).as_uri(), Path(at).as_uri()])
    _age_and_scan(root, catalog)
    _referenced(find_orphans(catalog, [str(root)]), hashed, at)


# Sequences ------------------------------------------------------------------------------


def test_padding_spellings_and_a_sub_range_keep_the_whole_sequence(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    plate = _exr(root / "plates" / "plate.####.exr", range(990, 1201, 30))
    grade = _exr(root / "plates" / "grade.####.exr", range(1001, 1004))
    single = _exr(root / "plates" / "still.####.exr", range(1, 5))
    _nuke(
        root / "comp" / "comp.nk",
        [
            (str(root / "plates" / "plate.%04d.exr"), 1001, 1100),
            (str(root / "plates" / "grade.$F4.exr"), 1001, 1003),
            (str(root / "plates" / "still.0002.exr"), 1, 1),
        ],
    )
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    _referenced(report, plate, grade, single)
    assert report.orphans == []


def test_a_sequence_read_with_other_padding_is_never_an_orphan(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    plate = _exr(root / "plates" / "plate.####.exr", range(1001, 1004))
    _nuke(root / "comp" / "comp.nk", [(str(root / "plates" / "plate.%05d.exr"), 1001, 1003)])
    _age_and_scan(root, catalog)
    _never_orphaned(find_orphans(catalog, [str(root)]), plate)


def test_udim_tiles_read_by_nuke_are_referenced_one_tile_or_many(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    tiles = _exr(root / "tex" / "skin.####.exr", [1001, 1002, 1011])
    alone = _exr(root / "tex" / "eyes.####.exr", [1001])
    _nuke(
        root / "comp" / "lookdev.nk",
        [
            (str(root / "tex" / "skin.<UDIM>.exr"), 1, 1),
            (str(root / "tex" / "eyes.<UDIM>.exr"), 1, 1),
        ],
    )
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    _referenced(report, tiles, alone.replace("####", "1001"))


# Projects -------------------------------------------------------------------------------


def test_media_of_a_nested_timeline_outside_the_roots_is_referenced(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "used.wav")
    reel = write_cut(tmp_path / "elsewhere" / "reel1.otio", [Path(used).as_uri()])
    write_cut(root / "edit" / "cut.otio", [Path(reel).as_uri()])
    _age_and_scan(root, catalog)
    _referenced(find_orphans(catalog, [str(root)]), used)


def test_an_old_nested_timeline_found_first_is_as_active_as_its_parent(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "used.wav")
    reel = write_cut(root / "a_reels" / "reel1.otio", [Path(used).as_uri()])
    os.utime(reel, (OLD, OLD))  # untouched for years, but the current cut nests it
    write_cut(root / "edit" / "cut.otio", [Path(reel).as_uri()])
    _age_and_scan(root, catalog)
    _referenced(find_orphans(catalog, [str(root)]), used)


def test_a_project_at_exactly_the_dormant_threshold_is_active(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "used.wav")
    cut = write_cut(root / "edit" / "cut.otio", [Path(used).as_uri()])
    _age_and_scan(root, catalog)
    now = OLD + 90 * 86400.0
    os.utime(cut, (OLD, OLD))
    report = find_orphans(catalog, [str(root)], now=now, dormant_days=90)
    _referenced(report, used)


def test_a_relative_path_in_a_symlinked_project_resolves_from_where_the_file_is(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    used = _wav(root / "show" / "sound" / "used.wav")
    cut = root / "show" / "edit" / "cut.otio"
    write_cut(cut, ["../sound/used.wav"])
    shortcut = tmp_path / "desk" / "cut.otio"
    shortcut.parent.mkdir()
    shortcut.symlink_to(cut)
    _age_and_scan(root, catalog)
    _referenced(find_orphans(catalog, [str(root)], projects=[str(shortcut)]), used)


def test_an_otioz_bundle_keeps_the_media_it_was_made_from(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "used.wav")
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(otio.schema.Track())
    timeline.tracks[0].append(
        otio.schema.Clip(
            name="used", media_reference=otio.schema.ExternalReference(Path(used).as_uri())
        )
    )
    (root / "edit").mkdir()
    otio.adapters.write_to_file(timeline, str(root / "edit" / "cut.otioz"))
    _age_and_scan(root, catalog)
    _never_orphaned(find_orphans(catalog, [str(root)]), used)


# Catalog state --------------------------------------------------------------------------


def test_a_project_saved_after_the_scan_still_counts(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "used.wav")
    _wav(root / "sound" / "other.wav")
    write_cut(root / "edit" / "old_cut.otio", [str(root / "sound" / "other.wav")])
    _age_and_scan(root, catalog)
    write_cut(root / "edit" / "new_cut.otio", [Path(used).as_uri()])  # not yet scanned
    _never_orphaned(find_orphans(catalog, [str(root)]), used)


def test_a_file_renamed_after_the_scan_is_not_an_orphan_under_its_old_name(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    old_name = _wav(root / "sound" / "take1.wav")
    new_name = root / "sound" / "take1_final.wav"
    write_cut(root / "edit" / "cut.otio", [new_name.as_uri()])
    _age_and_scan(root, catalog)
    os.rename(old_name, new_name)  # the cut was right; the catalog is a day late
    _never_orphaned(find_orphans(catalog, [str(root)]), old_name)


def test_a_file_changed_after_the_scan_is_within_the_grace_period(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    growing = _wav(root / "sound" / "recording.wav")
    write_cut(root / "edit" / "cut.otio", [])
    _age_and_scan(root, catalog)
    _wav(root / "sound" / "recording.wav")  # rewritten now, the catalog says 2017
    report = find_orphans(catalog, [str(root)])
    _never_orphaned(report, growing)


def test_frames_added_after_the_scan_and_used_keep_the_sequence(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    render = _exr(root / "renders" / "comp.####.exr", range(1001, 1004))
    _nuke(root / "comp" / "comp.nk", [(render.replace("####", "%04d"), 1004, 1006)])
    _age_and_scan(root, catalog)
    _exr(root / "renders" / "comp.####.exr", range(1004, 1007))  # the farm is still writing
    _age(root / "renders")
    _never_orphaned(find_orphans(catalog, [str(root)]), render)


def test_a_renamed_movie_with_the_same_reel_and_timecode_is_uncertain(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    renamed = root / "camera" / "A001C003_graded.mov"
    media.write_movie(
        renamed,
        codec="mpeg4",
        pix_fmt="yuv420p",
        width=32,
        height=18,
        frames=2,
        reel="A001C003",
        timecode="01:00:00:00",
    )
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(otio.schema.Track())
    clip = otio.schema.Clip(
        name="A001C003",
        media_reference=otio.schema.ExternalReference((root / "camera" / "A001C003.mov").as_uri()),
        source_range=tr(rt(86400, 24), rt(2, 24)),
    )
    clip.metadata["cmx_3600"] = {"reel": "A001C003"}
    timeline.tracks[0].append(clip)
    (root / "edit").mkdir()
    otio.adapters.write_to_file(timeline, str(root / "edit" / "cut.otio"))
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    _never_orphaned(report, str(renamed))


# More angles ----------------------------------------------------------------------------


def test_an_unpadded_otio_image_sequence_finds_four_digit_frames(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    plate = _exr(root / "plates" / "plate.####.exr", range(1001, 1004))
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    reference = otio.schema.ImageSequenceReference(
        target_url_base=(root / "plates").as_uri() + "/",
        name_prefix="plate.",
        name_suffix=".exr",
        start_frame=1001,
        frame_zero_padding=0,  # `%d`: 1001 is written "1001" either way
        rate=24,
        available_range=tr(rt(0, 24), rt(3, 24)),
    )
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(otio.schema.Track())
    timeline.tracks[0].append(otio.schema.Clip(name="plate", media_reference=reference))
    (root / "edit").mkdir()
    otio.adapters.write_to_file(timeline, str(root / "edit" / "cut.otio"))
    _age_and_scan(root, catalog)
    _referenced(find_orphans(catalog, [str(root)]), plate)


def test_a_percent_encoded_foreign_path_without_a_map_keeps_the_file_uncertain(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "scene 12 take 4.wav")
    _nuke(root / "comp" / "comp.nk", [('"D:/Sound/scene%2012%20take%204.wav"', 1, 1)])
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    _never_orphaned(report, used)
    assert [u.path for u in report.uncertain] == [used]


def test_an_edl_clip_known_only_by_name_keeps_the_file_of_that_name(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    named = root / "camera" / "Interview_Cam_B.mov"
    media.write_movie(named, codec="mpeg4", pix_fmt="yuv420p", width=32, height=18, frames=2)
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(otio.schema.Track())
    clip = otio.schema.Clip(
        name="Interview_Cam_B.mov",
        media_reference=otio.schema.MissingReference(),
        source_range=tr(rt(0, 24), rt(2, 24)),
    )
    clip.metadata["cmx_3600"] = {"reel": "AX"}  # a reel no file carries
    timeline.tracks[0].append(clip)
    (root / "edit").mkdir()
    otio.adapters.write_to_file(timeline, str(root / "edit" / "cut.edl"), adapter_name="cmx_3600")
    _age_and_scan(root, catalog)
    _never_orphaned(find_orphans(catalog, [str(root)]), str(named))


def test_a_project_under_one_root_keeps_media_under_another(tmp_path: Path, catalog: Catalog):
    edit_root, media_root = tmp_path / "edit", tmp_path / "media"
    used = _wav(media_root / "sound" / "used.wav")
    unused = _wav(media_root / "sound" / "unused.wav")
    write_cut(media_root / "sound" / "stems.otio", [unused])  # uses nothing else
    write_cut(edit_root / "cut.otio", [Path(used).as_uri()])
    _age_and_scan(tmp_path, catalog)
    report = find_orphans(catalog, [str(edit_root), str(media_root)])
    _referenced(report, used)


def test_the_cli_honours_a_project_outside_the_roots(tmp_path: Path, catalog: Catalog, capsys):
    import json

    from mediaopt.engine.cli import main

    root = tmp_path / "root"
    used = _wav(root / "sound" / "used.wav")
    unused = _wav(root / "sound" / "unused.wav")
    cut = write_cut(tmp_path / "home" / "cut.otio", ["../root/sound/used.wav"])
    _age_and_scan(root, catalog)
    catalog_path = str(catalog.path)
    argv = ["orphans", "--root", str(root), "--project", cut, "--catalog", catalog_path, "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["path"] for o in out["orphans"]] == [unused]
    assert out["referenced"] == 1 and used not in {u["path"] for u in out["uncertain"]}
