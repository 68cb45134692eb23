"""Premiere Pro projects read without Premiere: every real .prproj in realworld, checked
against a plain regular-expression reading of the same XML, and a production holding one
keeps the media it names."""

from __future__ import annotations

import gzip
import html
import re
import time
from pathlib import Path

import pytest
from native_kit import keeps_media

from mediaopt.adapters import read_project
from mediaopt.adapters.untrusted import TooLarge, gunzip_bounded
from mediaopt.engine.model import ReferenceTarget

_PATHS = re.compile(r"<(ActualMediaFilePath|FilePath)>([^<]*)</\1>")


def _prproj(realworld: Path) -> list[Path]:
    return sorted((realworld / "projects" / "prproj").glob("*.prproj"))


def _raw_paths(path: Path) -> set[str]:
    """Every media path the XML holds, by a regular expression, not the reader's walk."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    found = {html.unescape(value).strip() for _, value in _PATHS.findall(text)}
    return {p for p in found if "/" in p or "\\" in p}


def test_every_real_project_lists_exactly_the_paths_its_xml_holds(realworld: Path):
    projects = _prproj(realworld)
    assert len(projects) == 5
    for path in projects:
        project = read_project(path)
        assert project.kind == "premiere" and project.errors == [], (path, project.errors)
        assert {r.path for r in project.references} == _raw_paths(path), path
        assert all(r.target is ReferenceTarget.FILE for r in project.references)


def test_sequences_uses_carry_their_ranges_and_bin_only_media_says_so(realworld: Path):
    project = read_project(realworld / "projects/prproj/PP_Tutorial_Lesson_05.prproj")
    by_location = {r.location: r for r in project.references}
    first = by_location['sequence "Theft Unexpected" track V1 clip 1']
    assert first.path.endswith("Theft Unexpected/Excuse Me - 00035.mp4")
    assert first.source_range == pytest.approx((17.2, 2.64))
    unused = [r for r in project.references if r.location == "project bin"]
    assert any(r.path.endswith("RED/RED Video.R3D") for r in unused)
    used = {r.path for r in project.references if r.location.startswith("sequence")}
    assert not used & {r.path for r in unused}
    offline = [r for r in project.references if r.note and "offline" in r.note]
    assert [r.path for r in offline] == [
        "/Volumes/MEDIA/Lessons/Assets/Graphics/Theft_Unexpected_Layered.psd"
    ]


def test_proxies_are_named_with_the_media_they_stand_in_for(realworld: Path):
    project = read_project(realworld / "projects/prproj/Smorg1.prproj")
    proxies = [r for r in project.references if r.role == "proxy"]
    assert [(r.path, r.note) for r in proxies] == [
        (
            "/Users/fgiraffe/Movies/2015_11_25/100GOPRO/Proxies/GOPR0193_Proxy.mov",
            "proxy of /Users/fgiraffe/Movies/2015_11_25/100GOPRO/GOPR0193.MP4",
        )
    ]
    assert "7 generated items (bars, black video) name no file" in project.notes


def test_the_largest_real_project_reads_in_seconds(realworld: Path):
    path = realworld / "projects/prproj/GZone_sequence_2017_1101.prproj"
    started = time.perf_counter()
    project = read_project(path)
    elapsed = time.perf_counter() - started
    assert len({r.path for r in project.references}) == 710
    assert sum(r.role == "proxy" for r in project.references) > 300
    assert elapsed < 20, elapsed  # about 3 s on one core; 20 leaves room for a loaded CI


def test_a_gzip_bomb_stops_at_the_ceiling_with_the_files_name(tmp_path: Path):
    bomb = tmp_path / "bomb.prproj"
    with gzip.open(bomb, "wb") as out:
        out.write(b"<PremiereData>" + b" " * 5_000_000 + b"</PremiereData>")
    with gunzip_bounded(bomb, limit=1_000_000) as stream, pytest.raises(TooLarge) as caught:
        stream.read()
    assert str(bomb) in str(caught.value)


def test_an_xml_entity_bomb_is_refused_not_expanded(tmp_path: Path):
    bomb = tmp_path / "laughs.prproj"
    entities = '<!DOCTYPE P [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    bomb.write_bytes(
        gzip.compress(f"<?xml version='1.0'?>{entities}<PremiereData>&b;</PremiereData>".encode())
    )
    project = read_project(bomb)
    assert project.references == []
    assert project.errors and str(bomb) in project.errors[0] and "DTD" in project.errors[0]


def test_a_production_holding_a_real_project_keeps_its_media(realworld: Path, tmp_path: Path):
    kept = keeps_media(
        [realworld / "projects/prproj/Smorg1.prproj"], tmp_path, {"/Users/fgiraffe": "media"}
    )
    assert len(kept.written) == 3
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert kept.report.uncertain == []
    assert kept.report.unresolved_references == []


def _vocabulary(xml: bytes) -> set[tuple[str, str | None]]:
    """(element, ClassID) pairs of the top-level objects, and every element name."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    return {(child.tag, child.get("ClassID")) for child in root} | {
        (e.tag, None) for e in root.iter()
    }


def test_the_demo_project_is_written_in_premieres_own_vocabulary(realworld: Path, tmp_path: Path):
    from mediaopt.engine.demo.premiere import write_premiere_project

    path = write_premiere_project(
        tmp_path / "cut.prproj", ["/show/A001C003.mov", "/show/A001C004.mov"], [(1, 0.5, 1.5)]
    )
    real: set = set()
    for project in _prproj(realworld):
        real |= _vocabulary(gzip.decompress(project.read_bytes()))
    assert _vocabulary(gzip.decompress(path.read_bytes())) <= real
    refs = [(r.path, r.location, r.source_range) for r in read_project(path).references]
    assert refs == [
        ("/show/A001C004.mov", 'sequence "Cut" track V1 clip 1', (0.5, 1.0)),
        ("/show/A001C003.mov", "project bin", None),
    ]


def test_a_nested_sequence_is_noted_and_its_media_says_where_it_is_nested(tmp_path: Path):
    """The demo's project, plus a second sequence whose one clip is the first sequence
    (a VideoSequenceSource, as Premiere writes a nest)."""
    from mediaopt.engine.demo.premiere import write_premiere_project

    path = write_premiere_project(tmp_path / "n.prproj", ["/show/A001C004.mov"], [(0, 0, 1)])
    xml = gzip.decompress(path.read_bytes()).decode()
    inner = re.search(r'<Sequence ObjectUID="([^"]+)"', xml).group(1)
    nest = f"""	<VideoSequenceSource ObjectID="901" ClassID="4752dfa9-7a7e-4a3b-a25b-cafde1a8d036">
		<SequenceSource Version="4"><Sequence ObjectURef="{inner}"/></SequenceSource>
	</VideoSequenceSource>
	<VideoClip ObjectID="902" ClassID="9308dbef-2440-4acb-9ab2-953b9a4e82ec">
		<Clip Version="18"><Source ObjectRef="901"/></Clip>
	</VideoClip>
	<SubClip ObjectID="903" ClassID="e0c58dc9-dbdd-4166-aef7-5db7e3f22e84">
		<Clip ObjectRef="902"/>
	</SubClip>
	<VideoClipTrackItem ObjectID="904" ClassID="368b0406-29e3-4923-9fcd-094fbf9a1089">
		<ClipTrackItem Version="6"><SubClip ObjectRef="903"/></ClipTrackItem>
	</VideoClipTrackItem>
	<VideoClipTrack ObjectUID="outer-track" ClassID="f68dcd81-8805-11d5-af2d-9bfa89d4ddd4">
		<ClipTrack Version="2"><ClipItems Version="3"><TrackItems Version="1">
			<TrackItem Index="0" ObjectRef="904"/>
		</TrackItems></ClipItems></ClipTrack>
	</VideoClipTrack>
	<VideoTrackGroup ObjectID="905" ClassID="9e9abf7a-0918-49c2-91ae-991b5dde77bb">
		<TrackGroup Version="1"><Tracks Version="1">
			<Track Index="0" ObjectURef="outer-track"/>
		</Tracks></TrackGroup>
	</VideoTrackGroup>
	<Sequence ObjectUID="outer" ClassID="6a15d903-8739-11d5-af2d-9b7855ad8974">
		<TrackGroups Version="1"><TrackGroup Version="1" Index="0">
			<Second ObjectRef="905"/>
		</TrackGroup></TrackGroups>
		<Name>Master</Name>
	</Sequence>
"""
    path.write_bytes(
        gzip.compress(xml.replace("</PremiereData>", nest + "</PremiereData>").encode())
    )
    project = read_project(path)
    assert project.errors == []
    assert project.notes == ['sequence "Master" nests "Cut"']
    (use,) = [r for r in project.references if r.location.startswith("sequence")]
    assert (use.path, use.location, use.note) == (
        "/show/A001C004.mov",
        'sequence "Cut" track V1 clip 1',
        'nested in "Master"',
    )
