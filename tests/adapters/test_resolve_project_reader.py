"""DaVinci Resolve archives (.drp/.drt) read without Resolve, and the ATEM switcher's
`.drp` told apart from them by content. No Resolve-saved archive under a usable licence
exists, so the Resolve side is tested on archives built to the structure Resolve writes
(project.xml, MediaPool/**/MpFolder.xml, SeqContainer/<uuid>.xml); the ATEM side on the
real file in realworld."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from native_kit import keeps_media, search, write_media

from mediaopt.adapters import read_project
from mediaopt.adapters.resolve_project import decode_clip_blob
from mediaopt.engine.model import ReferenceTarget
from mediaopt.engine.refs.pathmap import PathMap


def _blob(path: str, video: bool = True) -> str:
    """A BtVideoInfo/BtAudioInfo Clip field as Resolve lays it out: version 2, the
    payload length, the 0x81 0x28 marker, an 8-byte entry id, (video: 2 bytes), then
    protobuf field 1 the folder and field 2 the file name."""
    folder, _, name = path.rpartition("/")
    proto = b"\x0a" + bytes([len(folder)]) + folder.encode()
    proto += b"\x12" + bytes([len(name)]) + name.encode()
    payload = b"\x81\x28" + bytes(range(8)) + (b"\x00\x01" if video else b"") + proto
    return ((2).to_bytes(4, "big") + len(payload).to_bytes(4, "big") + payload).hex()


def _pool_clip(kind: str, name: str, blob: str) -> str:
    info = "BtVideoInfo" if kind == "Video" else "BtAudioInfo"
    return (
        f'<Element><Sm2Mp{kind}Clip DbId="{name}-id"><Name>{name}</Name>'
        f"<{kind}><{info}><Clip>{blob}</Clip></{info}></{kind}></Sm2Mp{kind}Clip></Element>"
    )


def _timeline_clip(kind: str, path: str, start: int, duration: int) -> str:
    return (
        f"<Element><Sm2Ti{kind}Clip><Name>{Path(path).name}</Name><Start>86400</Start>"
        f"<Duration>{duration}</Duration><MediaStartTime>{start}</MediaStartTime>"
        f"<MediaFilePath>{path}</MediaFilePath><MediaRef>x</MediaRef></Sm2Ti{kind}Clip></Element>"
    )


def write_archive(
    path: Path, pool: list[tuple[str, str, str]], cut: list[tuple[str, str, int, int]]
):
    """A Resolve project archive: `pool` (kind, name, blob hex) in the Master bin, `cut`
    (kind, path, media start, duration) on one 24 fps timeline."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "project.xml", '<SM_Project DbId="p"><ProjectName>Feature</ProjectName></SM_Project>'
        )
        clips = "".join(_pool_clip(*c) for c in pool)
        archive.writestr(
            "MediaPool/Master/MpFolder.xml",
            f'<Sm2MpFolder DbId="m"><Name>Master</Name><MediaVec>{clips}</MediaVec></Sm2MpFolder>',
        )
        video = "".join(_timeline_clip(*c) for c in cut if c[0] == "Video")
        audio = "".join(_timeline_clip(*c) for c in cut if c[0] == "Audio")
        archive.writestr(
            "SeqContainer/1b2c3d4e-0000-4000-8000-000000000001.xml",
            '<Sm2SequenceContainer DbId="s"><Name>Cut 1</Name><FrameRate>24</FrameRate>'
            f"<VideoTrackVec><Element><Sm2TiTrack><Type>0</Type><Items>{video}</Items></Sm2TiTrack></Element></VideoTrackVec>"
            f"<AudioTrackVec><Element><Sm2TiTrack><Type>1</Type><Items>{audio}</Items></Sm2TiTrack></Element></AudioTrackVec>"
            "</Sm2SequenceContainer>",
        )
    return path


def test_timelines_and_media_pool_clips_of_an_archive(tmp_path: Path):
    archive = write_archive(
        tmp_path / "Feature.drp",
        [
            ("Video", "A001C003.mov", _blob("/Volumes/Shoot/A001C003.mov")),
            ("Audio", "take3.wav", _blob("/Volumes/Sound/take3.wav", video=False)),
            ("Video", "garbled.mov", "00ff00ff"),
        ],
        [
            ("Video", "/Volumes/Shoot/A001C003.mov", 48, 24),
            ("Audio", "/Volumes/Sound/take3.wav", 96000, 48),
        ],
    )
    project = read_project(archive)
    assert project.kind == "resolve_archive" and project.errors == []
    used = [
        (r.path, r.location, r.source_range)
        for r in project.references
        if r.location.startswith("timeline")
    ]
    assert used == [
        ("/Volumes/Shoot/A001C003.mov", 'timeline "Cut 1" track V1 clip 1', (2.0, 1.0)),
        ("/Volumes/Sound/take3.wav", 'timeline "Cut 1" track A1 clip 1', (2.0, 2.0)),
    ]
    pool = {r.name: r for r in project.references if r.location == "bin Master"}
    assert pool["A001C003.mov"].path == "/Volumes/Shoot/A001C003.mov"
    assert pool["take3.wav"].path == "/Volumes/Sound/take3.wav"
    assert (
        pool["garbled.mov"].target is ReferenceTarget.MISSING
        and "could not decode" in pool["garbled.mov"].note
    )


def test_a_zstd_compressed_clip_field_decodes(tmp_path: Path):
    import zstandard

    proto = b"\x0a\x0e/Volumes/Shoot\x12\x0cA001C004.mov"
    payload = b"\x81\x28" + bytes(8) + zstandard.ZstdCompressor().compress(proto)
    blob = (2).to_bytes(4, "big") + len(payload).to_bytes(4, "big") + payload
    assert decode_clip_blob(blob) == "/Volumes/Shoot/A001C004.mov"


def test_a_zip_bomb_member_stops_at_the_ceiling(tmp_path: Path, monkeypatch):
    import mediaopt.adapters.resolve_project as resolve_project

    monkeypatch.setattr(resolve_project, "_MEMBER_LIMIT", 1_000_000)
    archive = tmp_path / "bomb.drp"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("SeqContainer/x.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    assert archive.stat().st_size < 200_000
    project = read_project(archive)
    assert project.references == [] and "TooLarge" in project.errors[0]


def test_the_real_atem_log_is_read_by_otios_adapter_not_as_a_resolve_project(realworld: Path):
    path = realworld / "projects/drp/sample.drp"
    project = read_project(path)
    assert project.kind == "atem_drp" and project.errors == []
    header = json.loads(path.read_text().splitlines()[0])
    files = {s["file"] for s in header["sources"] if "file" in s}
    assert {r.path for r in project.references} == files


def test_something_else_named_drp_is_an_error_naming_it(tmp_path: Path):
    junk = tmp_path / "notes.drp"
    junk.write_text("not a project\n")
    project = read_project(junk)
    assert project.references == [] and str(junk) in project.errors[0]
    assert "neither a Resolve project" in project.errors[0]


def test_a_production_keeps_what_an_archive_uses_and_pools(tmp_path: Path):
    root = tmp_path / "root"
    shot, take = root / "media" / "A001C003.mov", root / "media" / "take3.wav"
    for file in (shot, take):
        write_media(str(file))
    (root / "edit").mkdir()
    archive = write_archive(
        root / "edit" / "Feature.drp",
        [("Audio", "take3.wav", _blob(str(take), video=False))],
        [("Video", str(shot), 0, 24)],
    )
    unused = root / "media" / "B002C001.mov"
    write_media(str(unused))
    report = search(root, tmp_path, PathMap(), [str(archive)])
    assert [o.path for o in report.orphans] == [str(unused)]
    assert report.uncertain == [] and report.unresolved_references == []


@pytest.mark.parametrize("suffix", ["drp", "drt"])
def test_both_suffixes_are_resolve_archives(tmp_path: Path, suffix: str):
    archive = write_archive(tmp_path / f"x.{suffix}", [], [("Video", "/a/b.mov", 0, 1)])
    assert read_project(archive).kind == "resolve_archive"


def test_a_production_keeps_every_iso_recording_of_the_real_atem_log(
    realworld: Path, tmp_path: Path
):
    kept = keeps_media([realworld / "projects/drp/sample.drp"], tmp_path)
    assert {Path(p).name for p in kept.written} == {f"Test CAM {n}.mp4" for n in (1, 2, 3, 4)}
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert kept.report.uncertain == []
