"""Avid bins read through pyavb without Media Composer: every real bin in realworld agrees
with pyavb's own locators, Avid-managed media is found by the package ID its MXF header
states, and a production holding a bin keeps the media it names."""

from __future__ import annotations

import re
from pathlib import Path

import av
import pytest
from native_kit import keeps_media, search, write_avid_bin, write_media

from mediaopt.adapters import read_project
from mediaopt.adapters.mxf_header import file_package_ids
from mediaopt.engine.demo import media
from mediaopt.engine.model import ReferenceTarget
from mediaopt.engine.refs.pathmap import PathMap


def _bins(realworld: Path) -> list[Path]:
    return sorted((realworld / "projects" / "avb").rglob("*.avb"))


def _pyavb_locators(path: Path) -> tuple[set[str], set[str]]:
    """(file locator paths, MSMLocator mob IDs) over every mob, as pyavb reads them."""
    import avb

    paths, managed = set(), set()
    with avb.open(str(path)) as f:
        for mob in f.content.mobs:
            locator = getattr(getattr(mob, "descriptor", None), "locator", None)
            if type(locator).__name__ == "MSMLocator":
                managed.add(str(locator.mob_id))
            elif type(locator).__name__ in ("MacFileLocator", "WinFileLocator"):
                paths.add(locator.path_posix)
    return paths, managed


def test_every_real_bin_lists_exactly_the_locators_pyavb_reads(realworld: Path):
    bins = _bins(realworld)
    assert len(bins) == 9
    for path in bins:
        project = read_project(path)
        assert project.kind == "avid_bin" and project.errors == [], (path, project.errors)
        paths, managed = _pyavb_locators(path)
        files = {r.path for r in project.references if r.target is ReferenceTarget.FILE}
        assert files == paths, path
        missing = {
            re.search(r"package (urn:smpte:umid:[0-9a-f.]+)", r.note).group(1)
            for r in project.references
            if r.target is ReferenceTarget.MISSING
        }
        assert missing == managed, path


def test_a_real_sequence_uses_its_clips_over_their_ranges(realworld: Path):
    project = read_project(realworld / "projects/avb/test_file_01.avb")
    first = [r for r in project.references if r.location.endswith("track V1 clip 1")]
    assert {r.name for r in first} == {"morrwind_001.mov"}
    managed = next(r for r in first if r.role == "read")
    assert managed.target is ReferenceTarget.MISSING
    assert managed.source_range[0] * 23.976 == pytest.approx(136, abs=0.1)
    source = next(r for r in first if r.role == "source")
    assert source.path == "/Giraffe/Marty/Demo/Film/Outlander/Quicktimes/Bluray/morrwind_001.mov"


def _urn(mxf: Path) -> str:
    """The file package UMID as FFmpeg's MXF demuxer reports it: independent of ours."""
    with av.open(str(mxf)) as container:
        umid = container.streams[0].metadata["file_package_umid"][2:].lower()
    return "urn:smpte:umid:" + ".".join(umid[i : i + 8] for i in range(0, 64, 8))


def _managed_mxf(path: Path) -> Path:
    media.write_audio(
        path, codec="pcm_s16le", layout="mono", seconds=0.05, container_format="mxf_opatom"
    )
    return path


def test_managed_media_is_linked_to_its_mxf_by_package_id(tmp_path: Path):
    folder = tmp_path / "Avid MediaFiles" / "MXF" / "1"
    used, other = _managed_mxf(folder / "A001C003.0A1B2C.mxf"), _managed_mxf(folder / "x.mxf")
    assert file_package_ids(used) == [_urn(used)] != [_urn(other)]
    bin_path = tmp_path / "Project" / "cut.avb"
    bin_path.parent.mkdir()
    write_avid_bin(
        bin_path, [("A001C003", _urn(used), "/Volumes/Shoot/A001C003.mov")], [(0, 12, 24)]
    )
    project = read_project(bin_path)
    read = [r for r in project.references if r.role == "read"]
    assert [(r.path, r.source_range) for r in read] == [(str(used), (0.5, 1.0))]
    assert read[0].location == 'sequence "cut" track V1 clip 1'
    assert [r.path for r in project.references if r.role == "source"] == [
        "/Volumes/Shoot/A001C003.mov"
    ]


def test_a_production_keeps_a_bins_managed_mxf_and_orphans_the_one_no_bin_names(tmp_path: Path):
    root = tmp_path / "root"
    folder = root / "Avid MediaFiles" / "MXF" / "1"
    used, unused = _managed_mxf(folder / "A001C003.mxf"), _managed_mxf(folder / "B002C001.mxf")
    original = root / "shoot" / "A001C003.mov"
    write_media(str(original))
    bin_path = root / "Project" / "cut.avb"
    bin_path.parent.mkdir()
    write_avid_bin(
        bin_path, [("A001C003", _urn(used), "/Volumes/Shoot/A001C003.mov")], [(0, 0, 24)]
    )
    report = search(
        root, tmp_path, PathMap.parse([f"/Volumes/Shoot={root / 'shoot'}"]), [str(bin_path)]
    )
    assert [o.path for o in report.orphans] == [str(unused)]
    assert report.uncertain == [] and report.unresolved_references == []


def test_a_production_holding_a_real_bin_keeps_the_files_it_was_made_from(
    realworld: Path, tmp_path: Path
):
    kept = keeps_media(
        [realworld / "projects/avb/test_file_01.avb"], tmp_path, {"/Giraffe": "giraffe"}
    )
    assert len(kept.written) == 52
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert not {u.path for u in kept.report.uncertain} & kept.written


def test_a_bin_read_by_a_relative_path_names_its_mxf_absolutely(tmp_path: Path, monkeypatch):
    from mediaopt.engine.demo.avid import managed_mxf

    urn = managed_mxf(tmp_path / "Avid MediaFiles" / "MXF" / "1" / "A01.mxf")
    (tmp_path / "Project").mkdir()
    write_avid_bin(tmp_path / "Project" / "b.avb", [("A01", urn, "/x/A01.mov")], [(0, 0, 1)])
    monkeypatch.chdir(tmp_path)
    read = [r for r in read_project(Path("Project/b.avb")).references if r.role == "read"]
    assert [r.path for r in read] == [str(tmp_path / "Avid MediaFiles" / "MXF" / "1" / "A01.mxf")]


def test_managed_media_on_another_drive_is_found_where_avid_is_told_to_look(
    tmp_path: Path, monkeypatch
):
    """Projects on one drive, media on another: the usual Avid layout. The media drive is
    found as a mounted volume in production; here it is named in $MEDIAOPT_AVID_MEDIA."""
    from mediaopt.adapters.avid import MEDIA_ENV
    from mediaopt.engine.demo.avid import managed_mxf

    media_drive = tmp_path / "media_drive"
    mxf = media_drive / "Avid MediaFiles" / "MXF" / "1" / "A01.mxf"
    urn = managed_mxf(mxf)
    bin_path = tmp_path / "projects_drive" / "Avid Projects" / "Feature" / "b.avb"
    bin_path.parent.mkdir(parents=True)
    write_avid_bin(bin_path, [("A01", urn, "/x/A01.mov")], [(0, 0, 1)])
    unfound = [r for r in read_project(bin_path).references if r.role == "read"]
    assert [r.target for r in unfound] == [ReferenceTarget.MISSING]
    monkeypatch.setenv(MEDIA_ENV, str(media_drive))
    found = [r for r in read_project(bin_path).references if r.role == "read"]
    assert [r.path for r in found] == [str(mxf)]
