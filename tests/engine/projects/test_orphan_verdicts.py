"""Setups the orphan search once missed (issue 11): each time an active project uses the
file, and the file must be in the catalog and counted as referenced, or kept as uncertain
with the reason, never listed as an orphan."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mediaopt.adapters import project_kind, read_project
from mediaopt.adapters.registry import kinds, unreadable_extensions
from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.demo.timelines import write_cut
from mediaopt.engine.model import OrphanReport, Project
from mediaopt.engine.production.analysis import find_orphans
from mediaopt.fixtures import scantrees

OLD = 1_500_000_000.0
_PROJECT_SUFFIXES = (".otio", ".otioz", ".nk", ".edl", ".xml", ".fcpxml")


def _wav(path: Path) -> str:
    media.write_audio(path, codec="pcm_s16le", layout="mono", seconds=0.02)
    return str(path)


def _age(root: Path) -> None:
    """Media old enough to be an orphan; project files stay as written (active)."""
    for dirpath, _, names in os.walk(root):
        for name in names:
            if not name.endswith(_PROJECT_SUFFIXES):
                os.utime(os.path.join(dirpath, name), (OLD, OLD), follow_symlinks=False)


def _cataloged(catalog: Catalog, *paths: str) -> None:
    """The positive half of every test: the file is in the catalog, so its absence from
    the orphans means something."""
    for path in paths:
        assert catalog.get(path) is not None, f"{path} was never cataloged"


def referenced(report: OrphanReport, catalog: Catalog, *paths: str) -> None:
    _cataloged(catalog, *paths)
    assert not {o.path for o in report.orphans} & set(paths)
    assert not {u.path for u in report.uncertain} & set(paths)
    assert report.referenced >= len(paths)


def uncertain(report: OrphanReport, catalog: Catalog, path: str, *because: str) -> str:
    """The file is kept as uncertain, and its reason holds each of `because`."""
    _cataloged(catalog, path)
    assert path not in {o.path for o in report.orphans}
    reasons = {u.path: u.reason for u in report.uncertain}
    assert path in reasons, (path, report.uncertain, report.orphans)
    for word in because:
        assert word in reasons[path], reasons[path]
    return reasons[path]


# 1. A folder that cannot be listed ------------------------------------------------------


def test_media_a_project_in_an_unreadable_folder_may_use_is_uncertain_not_orphaned():
    shared = scantrees.shared_tmpdir("mediaopt-unlisted-")
    try:
        root = shared / "show"
        used = _wav(root / "camera" / "used_by_locked_cut.wav")
        other = _wav(root / "sound" / "used.wav")
        write_cut(root / "locked" / "cut.otio", [Path(used).as_uri()])
        write_cut(root / "edit" / "other.otio", [Path(other).as_uri()])
        _age(root)
        for folder, dirs, _ in os.walk(shared):
            for name in dirs:
                os.chmod(os.path.join(folder, name), 0o755)
        (root / "locked").chmod(0)  # the scan, as the user, cannot list it
        (shared / "cat").mkdir()
        os.chown(shared / "cat", scantrees.NOBODY, scantrees.NOBODY)

        def run() -> tuple[OrphanReport, bool, bool]:
            with Catalog(shared / "cat" / "catalog.sqlite") as catalog:
                api.scan([root], catalog, workers=0)
                report = find_orphans(catalog, [str(root)])
                return report, catalog.get(used) is not None, catalog.get(other) is not None

        kinds()  # load the readers here: the child cannot reach the interpreter's files
        try:
            report, used_cataloged, other_cataloged = scantrees.run_as_nobody(run)
        except scantrees.Unprivileged as exc:
            pytest.skip(str(exc))
    finally:
        (shared / "show" / "locked").chmod(0o755)
        shutil.rmtree(shared, ignore_errors=True)
    assert used_cataloged and other_cataloged, report
    assert report.orphans == [], report
    reasons = {u.path: u.reason for u in report.uncertain}
    assert used in reasons, report
    assert "could not be listed (cannot list folder: permission denied)" in reasons[used]
    assert str(root / "locked") in reasons[used]
    assert [p.path for p in report.unlisted_folders] == [str(root / "locked")]
    assert report.referenced == 1  # other.wav, by the readable cut


def _long_folder(base: Path, length: int) -> tuple[int, str]:
    """Nested folders under `base` whose full path is longer than `length`, made through
    file descriptors since no path call accepts them: (fd of the deepest, its path)."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    path = str(base)
    while len(path) <= length:
        name = "n" * 200
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd, path = inner, os.path.join(path, name)
    return fd, path


def test_a_project_at_a_path_longer_than_the_os_allows_puts_its_media_in_doubt(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "show"
    used = _wav(root / "camera" / "used_by_deep_cut.wav")
    other = _wav(root / "sound" / "used.wav")
    write_cut(root / "edit" / "other.otio", [Path(other).as_uri()])
    deep_cut = write_cut(tmp_path / "cut.otio", [Path(used).as_uri()])
    fd, deep = _long_folder(root / "edit", os.pathconf("/", "PC_PATH_MAX"))
    try:
        out = os.open("cut.otio", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, Path(deep_cut).read_bytes())
        os.close(out)
    finally:
        os.close(fd)
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)])
    reason = uncertain(report, catalog, used, "could not be listed", "File name too long")
    assert reason.startswith(str(root / "edit"))
    assert report.unlisted_folders and report.orphans == []


# 2. A file symlink inside the root ------------------------------------------------------


def test_a_cut_using_a_file_symlink_inside_the_root_references_its_target(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "show"
    target = _wav(root / "camera" / "I.wav")
    (root / "selects").mkdir()
    (root / "selects" / "best.wav").symlink_to("../camera/I.wav")
    write_cut(root / "edit" / "cut.otio", [(root / "selects" / "best.wav").as_uri()])
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)])
    referenced(report, catalog, target)
    assert report.referenced == 1 and report.orphans == []


def test_a_file_symlink_under_a_symlinked_root_finds_the_asset_by_its_cataloged_spelling(
    tmp_path: Path, catalog: Catalog
):
    real = tmp_path / "vol1" / "show"
    _wav(real / "camera" / "I.wav")
    (real / "selects").mkdir()
    (real / "selects" / "best.wav").symlink_to(real / "camera" / "I.wav")
    mount = tmp_path / "mnt_show"
    mount.symlink_to(real, target_is_directory=True)
    write_cut(real / "edit" / "cut.otio", [(mount / "selects" / "best.wav").as_uri()])
    _age(real)
    api.scan([str(mount)], catalog, workers=0)
    report = find_orphans(catalog, [str(mount)])
    referenced(report, catalog, str(mount / "camera" / "I.wav"))


# 3. An EDL event that names only a reel -------------------------------------------------

_REEL_ONLY_EDL = """TITLE: cut
FCM: NON-DROP FRAME

001  A001C003 V     C        01:00:00:00 01:00:00:02 00:00:00:00 00:00:00:02
"""


def _movie(path: Path, **tags: str) -> str:
    media.write_movie(path, codec="mpeg4", pix_fmt="yuv420p", width=32, height=18, frames=2, **tags)
    return str(path)


def test_an_edl_event_naming_only_a_reel_references_the_file_named_after_it(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "show"
    clip = _movie(root / "camera" / "A001C003.mov")
    unused = _movie(root / "camera" / "A001C004.mov")
    (root / "edit").mkdir()
    (root / "edit" / "cut.edl").write_text(_REEL_ONLY_EDL)
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)])
    referenced(report, catalog, clip)
    assert [o.path for o in report.orphans] == [unused]


def test_a_reel_matched_by_the_media_headers_reel_name_is_referenced(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "show"
    clip = _movie(root / "camera" / "clip_0001.mov", reel="A001C003", timecode="01:00:00:00")
    (root / "edit").mkdir()
    (root / "edit" / "cut.edl").write_text(_REEL_ONLY_EDL)
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    referenced(find_orphans(catalog, [str(root)]), catalog, clip)


def test_files_whose_names_only_start_with_the_reel_are_uncertain(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "show"
    original = _movie(root / "camera" / "A001C003_180101_R1AB.mov")
    graded = _movie(root / "grade" / "A001C003_180101_R1AB_graded.mov")
    other = _movie(root / "camera" / "A001C0031.mov")  # another clip, not this reel
    (root / "edit").mkdir()
    (root / "edit" / "cut.edl").write_text(_REEL_ONLY_EDL)
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)])
    for path in (original, graded):
        uncertain(report, catalog, path, "reel A001C003", "cut.edl")
    assert [o.path for o in report.orphans] == [other]


def test_two_files_named_after_the_reel_are_both_uncertain(tmp_path: Path, catalog: Catalog):
    root = tmp_path / "show"
    mov = _movie(root / "camera" / "A001C003.mov")
    proxy = _movie(root / "proxy" / "A001C003.mov")
    (root / "edit").mkdir()
    (root / "edit" / "cut.edl").write_text(_REEL_ONLY_EDL)
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)])
    uncertain(report, catalog, mov, "reel A001C003")
    uncertain(report, catalog, proxy, "reel A001C003")


# 4. FCPXML clips the timeline does not use ----------------------------------------------


def _fcpxml(path: Path, camera: Path) -> str:
    """A library as Final Cut Pro 10.6 exports it (FCPXML 1.10, files in `media-rep`):
    a cut showing IN_CUT and angle A of a multicam clip, angle B not shown, and a clip
    only in the event's browser (its file named the 1.8 way, in `src`)."""

    def url(name: str) -> str:
        return (camera / name).as_uri()

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.10">
  <resources>
    <format id="r1" name="FFVideoFormat1080p24" frameDuration="100/2400s"/>
    <asset id="r2" name="IN_CUT" start="0s" duration="2s" hasAudio="1" format="r1">
      <media-rep kind="original-media" src="{url("IN_CUT.wav")}"/>
    </asset>
    <asset id="r3" name="ANGLE_A" start="0s" duration="2s" hasAudio="1" format="r1">
      <media-rep kind="original-media" src="{url("ANGLE_A.wav")}"/>
    </asset>
    <asset id="r4" name="ANGLE_B" start="0s" duration="2s" hasAudio="1" format="r1">
      <media-rep kind="original-media" src="{url("ANGLE_B.wav")}"/>
    </asset>
    <asset id="r5" name="BROWSER" src="{url("BROWSER.wav")}" start="0s" duration="2s"/>
    <media id="r6" name="multicam">
      <multicam format="r1">
        <mc-angle name="A" angleID="a1"><asset-clip ref="r3" offset="0s" duration="2s"/></mc-angle>
        <mc-angle name="B" angleID="b1"><asset-clip ref="r4" offset="0s" duration="2s"/></mc-angle>
      </multicam>
    </media>
  </resources>
  <library location="file:///Volumes/Edit/show.fcpbundle/">
    <event name="Day 1">
      <asset-clip name="BROWSER" ref="r5" offset="0s" duration="2s"/>
      <project name="cut">
        <sequence format="r1" duration="4s" tcStart="0s">
          <spine>
            <asset-clip name="IN_CUT" ref="r2" offset="0s" duration="2s"/>
            <mc-clip name="multicam" ref="r6" offset="2s" duration="2s">
              <mc-source angleID="a1" srcEnable="all"/>
            </mc-clip>
          </spine>
        </sequence>
      </project>
    </event>
  </library>
</fcpxml>
""")
    return str(path)


def test_fcpxml_library_clips_and_unshown_multicam_angles_are_the_projects(
    tmp_path: Path, catalog: Catalog
):
    root = tmp_path / "show"
    camera = root / "camera"
    names = ["IN_CUT", "ANGLE_A", "ANGLE_B", "BROWSER"]
    files = [_wav(camera / f"{n}.wav") for n in names]
    unused = _wav(camera / "UNUSED.wav")
    library = _fcpxml(root / "edit" / "show.fcpxml", camera)
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)])
    referenced(report, catalog, *files)
    assert report.referenced == 4
    assert [o.path for o in report.orphans] == [unused]
    in_cut = {r.path: r.in_cut for r in read_project(library).references if r.path}
    assert in_cut == dict(zip(files, [True, True, False, False], strict=True))


def test_refs_says_which_library_clips_are_not_in_the_cut(tmp_path: Path, capsys):
    import json

    from mediaopt.engine.cli import main

    library = _fcpxml(tmp_path / "show.fcpxml", tmp_path / "camera")
    assert main(["refs", library, "--json", "--catalog", str(tmp_path / "none.sqlite")]) in (0, 1)
    refs = json.loads(capsys.readouterr().out)["references"]
    outside = {
        os.path.basename(r["reference"]["path"])
        for r in refs
        if r["reference"].get("in_cut") is False
    }
    assert outside == {"ANGLE_B.wav", "BROWSER.wav"}
    assert all(
        "not in a timeline" in r["reference"]["location"]
        for r in refs
        if r["reference"].get("in_cut") is False
    )


# 5. Project formats recognised but not readable -----------------------------------------

_ISSUE_FORMATS = ["prproj", "hrox", "aep", "avb", "drp", "comp", "ma", "mb", "hip", "ntp"]


def test_a_recognised_project_no_reader_reads_is_listed_and_its_media_in_doubt(
    tmp_path: Path, catalog: Catalog
):
    # The issue's formats while no reader reads them; once readers exist (they take
    # precedence), the recognised formats still without one.
    unreadable = [e for e in _ISSUE_FORMATS if e in unreadable_extensions()]
    unreadable = unreadable or unreadable_extensions()[:4]
    assert unreadable
    root = tmp_path / "show"
    used = _wav(root / "sound" / "used.wav")
    maybe = _wav(root / "camera" / "A001.wav")
    write_cut(root / "edit" / "cut.otio", [Path(used).as_uri()])
    for extension in unreadable:
        (root / "edit" / f"other.{extension}").write_bytes(b"\x00 saved by another tool")
    _age(root)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)])
    listed = {p.path: p for p in report.projects}
    for extension in unreadable:
        project = listed[str(root / "edit" / f"other.{extension}")]
        assert project.errors and "no mediaopt reader" in project.errors[0]
    assert sorted(report.failed_projects) == sorted(
        str(root / "edit" / f"other.{e}") for e in unreadable
    )
    referenced(report, catalog, used)
    uncertain(report, catalog, maybe, "could not be read", "other.")
    assert report.orphans == []


def test_a_registered_reader_takes_precedence_over_the_recognised_format(tmp_path: Path):
    from mediaopt.adapters import registry

    path = tmp_path / "x.hrox"
    path.write_text("<hieroXML/>")
    kind = project_kind(path)
    if kind and not kind.startswith("unreadable:"):
        pytest.skip("a real .hrox reader is registered")
    previous = registry._by_extension.get("hrox")
    registry.reader("hiero_test", ["hrox"])(lambda p: Project(path=str(p), kind="hiero_test"))
    try:
        assert read_project(path) == Project(path=str(path), kind="hiero_test")
        assert "hrox" not in unreadable_extensions()
    finally:
        if previous is None:
            registry._by_extension.pop("hrox", None)
        else:
            registry._by_extension["hrox"] = previous


# 6. A named project adds to those found -------------------------------------------------


def _two_cuts(tmp_path: Path) -> tuple[Path, str, str, str, str]:
    root = tmp_path / "show"
    mine = _wav(root / "sound" / "mine.wav")
    theirs = _wav(root / "sound" / "theirs.wav")
    unused = _wav(root / "sound" / "unused.wav")
    cut = write_cut(root / "edit" / "cut.otio", [Path(mine).as_uri()])
    write_cut(root / "edit" / "other_cut.otio", [Path(theirs).as_uri()])
    _age(root)
    return root, str(cut), mine, theirs, unused


def test_naming_one_cut_keeps_the_media_of_another_active_cut_under_the_root(
    tmp_path: Path, catalog: Catalog
):
    root, cut, mine, theirs, unused = _two_cuts(tmp_path)
    api.scan([str(root)], catalog, workers=0)
    report = find_orphans(catalog, [str(root)], projects=[cut])
    referenced(report, catalog, mine, theirs)
    assert [o.path for o in report.orphans] == [unused]
    assert report.restricted_to == []


def test_only_projects_restricts_and_the_output_says_so(tmp_path: Path, catalog: Catalog, capsys):
    import json

    from mediaopt.engine.cli import main

    root, cut, mine, theirs, unused = _two_cuts(tmp_path)
    api.scan([str(root)], catalog, workers=0)
    catalog_path = str(catalog.path)
    argv = ["orphans", "--root", str(root), "--project", cut, "--catalog", catalog_path]
    assert main([*argv, "--only-projects", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["restricted_to"] == [cut]
    assert sorted(o["path"] for o in out["orphans"]) == [theirs, unused]
    assert main([*argv, "--only-projects"]) == 0
    assert "restricted to" in capsys.readouterr().out
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["path"] for o in out["orphans"]] == [unused] and out["referenced"] == 2
    listing = ["projects", str(root), "--project", cut, "--catalog", catalog_path, "--json"]
    assert main([*listing, "--only-projects"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["restricted_to"] == [cut] and [p["path"] for p in out["projects"]] == [cut]
    assert main(listing) == 0
    out = json.loads(capsys.readouterr().out)
    assert "restricted_to" not in out or out["restricted_to"] == []
    assert sorted(p["path"] for p in out["projects"]) == sorted(
        [cut, str(root / "edit" / "other_cut.otio")]
    )
