"""More ways a used file could be called an orphan, each on its own small tree."""

from __future__ import annotations

import os
from pathlib import Path

import opentimelineio as otio

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.demo.timelines import write_cut
from mediaopt.engine.production.analysis import find_orphans

OLD = 1_500_000_000.0


def _wav(path: Path) -> str:
    media.write_audio(path, codec="pcm_s16le", layout="mono", seconds=0.02)
    return str(path)


def _age_and_scan(root: Path, catalog: Catalog) -> None:
    for dirpath, _, names in os.walk(root):
        for name in names:
            if not name.endswith((".otio", ".nk", ".edl")):  # projects in use: active
                os.utime(os.path.join(dirpath, name), (OLD, OLD))
    api.scan([str(root)], catalog, workers=0)


def test_media_of_a_nested_project_is_kept_when_only_the_parent_is_given(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    used = _wav(root / "sound" / "nested_use.wav")
    unused = _wav(root / "sound" / "unused.wav")
    reel = write_cut(root / "edit" / "reel1.otio", [used])
    cut = write_cut(root / "edit" / "cut.otio", [reel])
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)], projects=[cut])
    assert [o.path for o in report.orphans] == [unused]
    assert [p.path for p in report.projects] == [cut, reel]


def test_a_nuke_path_relative_to_the_script_folder_resolves(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    plate = str(root / "sh010" / "plates" / "plate.####.exr")
    media.write_sequence(plate, range(1, 4), width=16, height=16)
    script = root / "sh010" / "comp" / "comp.nk"
    script.parent.mkdir(parents=True)
    script.write_text(
        'Read {\n file "[file dirname [value root.name]]/../plates/plate.%04d.exr"\n'
        " first 1\n last 3\n name Read1\n}\n"
    )
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    assert report.orphans == [] and report.uncertain == []
    assert report.referenced == 1


def test_a_path_only_code_could_work_out_makes_its_show_uncertain(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    maybe = _wav(root / "show_a" / "sound" / "maybe.wav")
    elsewhere = _wav(root / "show_b" / "sound" / "elsewhere.wav")
    script = root / "show_a" / "comp" / "comp.nk"
    script.parent.mkdir(parents=True)
    script.write_text('Read {\n file "[python get_path()]"\n name Read1\n}\n')
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)], unreadable_scope_depth=1)
    assert [u.path for u in report.uncertain] == [maybe]
    assert "running code" in report.uncertain[0].reason
    assert [o.path for o in report.orphans] == [elsewhere]


def test_a_version_a_project_still_uses_is_not_superseded(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "root"
    v1, v2, v3 = (_wav(root / "mix" / f"mix_v{n:03d}.wav") for n in (1, 2, 3))
    write_cut(root / "edit" / "cut.otio", [v3])
    write_cut(root / "edit" / "old_cut.otio", [v1])
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    assert [(o.path, str(o.category)) for o in report.orphans] == [(v2, "superseded")]
    assert report.referenced == 2 and v1 not in {o.path for o in report.orphans}


def test_a_project_file_that_is_missing_is_a_failure_not_an_empty_project(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "root"
    kept = _wav(root / "sound" / "a.wav")
    _age_and_scan(root, catalog)
    missing = str(root / "edit" / "gone.otio")
    report = find_orphans(catalog, [str(root)], projects=[missing])
    assert report.failed_projects == [missing]
    assert report.orphans == [] and [u.path for u in report.uncertain] == [kept]


def test_an_edl_event_known_by_reel_and_timecode_keeps_the_media_at_that_timecode(
    tmp_path: Path, catalog: Catalog
):
    from mediaopt.engine.demo.feature import write_timecoded_sequence

    root = tmp_path / "root"
    at_two = write_timecoded_sequence(
        root / "scans" / "roll_a.####.exr", range(1, 4), reel="R042", timecode="02:00:00:00"
    )
    at_five = write_timecoded_sequence(
        root / "scans" / "roll_b.####.exr", range(1, 4), reel="R042", timecode="05:00:00:00"
    )
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name="cut")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    clip = otio.schema.Clip(
        name="scan",
        media_reference=otio.schema.MissingReference(),
        source_range=tr(rt(2 * 3600 * 24 + 1, 24), rt(2, 24)),
    )
    clip.metadata["cmx_3600"] = {"reel": "R042"}
    track.append(clip)
    edl = root / "edit" / "cut.edl"
    edl.parent.mkdir(parents=True)
    otio.adapters.write_to_file(timeline, str(edl), adapter_name="cmx_3600")
    _age_and_scan(root, catalog)
    report = find_orphans(catalog, [str(root)])
    assert report.referenced == 1
    assert [o.path for o in report.orphans] == [str(at_five)]
    assert at_two not in {u.path for u in report.uncertain}


def test_a_root_without_any_project_file_is_one_folder_project(tmp_path: Path, catalog: Catalog):
    # A camera-original archive holds no edit: nothing says its media is unused, so its
    # tree is its project and nothing in it is an orphan.
    archive, show = tmp_path / "archive", tmp_path / "show"
    kept = [_wav(archive / "card01" / f"take{i}.wav") for i in range(3)]
    unused = _wav(show / "sound" / "unused.wav")
    used = _wav(show / "sound" / "used.wav")
    write_cut(show / "edit" / "cut.otio", [used])
    _age_and_scan(tmp_path, catalog)

    report = find_orphans(catalog, [str(archive), str(show)])

    assert report.folder_projects == [str(archive)]
    assert report.kept_in_folder_projects == len(kept)
    assert [o.path for o in report.orphans] == [unused]
    # A named project adds to those found: one that uses nothing in the archive leaves
    # it a folder project. Restricted to the named projects, they say what is in use.
    cut = str(show / "edit" / "cut.otio")
    named = find_orphans(catalog, [str(archive)], projects=[cut])
    assert named.folder_projects == [str(archive)] and named.orphans == []
    only = find_orphans(catalog, [str(archive)], projects=[cut], only_projects=True)
    assert only.folder_projects == [] and sorted(o.path for o in only.orphans) == kept
    assert only.restricted_to == [cut]
