"""Hiero / Nuke Studio projects read as XML without Nuke Studio. No .hrox under a usable
licence exists: these are built to the hieroXML layout (Media/Source, trackItemCollection,
Sequence tracks) and check which sources the sequences use."""

from __future__ import annotations

from pathlib import Path

from native_kit import search, write_media

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget
from mediaopt.engine.refs.pathmap import PathMap


def write_hrox(path: Path, used: str, spare: str, plate: str) -> Path:
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE hieroXML>
<hieroXML name="NukeStudio" version="11" release="12.2v2">
 <Media>
  <Source file="{used}" name="A001C003" guid="{{aaaa}}"/>
  <Source file="{spare}" name="A001C004" guid="{{bbbb}}"/>
  <Source file="{plate}" name="sh010_plate" guid="{{cccc}}"/>
 </Media>
 <Project name="Feature"/>
 <trackItemCollection>
  <TrackItem name="A001C003" guid="{{t1}}" sourceIn="24" sourceOut="71">
   <MediaGroup><groupdata><MediaInstance_Vector>
    <Source guid="{{aaaa}}"/>
   </MediaInstance_Vector></groupdata></MediaGroup>
  </TrackItem>
  <TrackItem name="sh010" guid="{{t2}}" sourceIn="1001" sourceOut="1008">
   <MediaGroup><groupdata><MediaInstance_Vector>
    <Source guid="{{cccc}}"/>
   </MediaInstance_Vector></groupdata></MediaGroup>
  </TrackItem>
 </trackItemCollection>
 <Sequence name="Cut 1">
  <videotracks>
   <VideoTrack name="Video 1">
    <trackItems><TrackItem guid="{{t1}}"/><TrackItem guid="{{t2}}"/></trackItems>
   </VideoTrack>
  </videotracks>
 </Sequence>
</hieroXML>
"""
    )
    return path


def test_sources_the_sequences_use_and_the_ones_only_in_bins(tmp_path: Path):
    hrox = write_hrox(
        tmp_path / "f.hrox", "/show/A001C003.mov", "/show/A001C004.mov", "/show/sh010.####.exr"
    )
    refs = {(r.path, r.location, r.target, r.note) for r in read_project(hrox).references}
    assert refs == {
        (
            "/show/A001C003.mov",
            'sequence "Cut 1" track V1 item 1',
            ReferenceTarget.FILE,
            "source frames 24-71",
        ),
        (
            "/show/sh010.####.exr",
            'sequence "Cut 1" track V1 item 2',
            ReferenceTarget.SEQUENCE,
            "source frames 1001-1008",
        ),
        (
            "/show/A001C004.mov",
            "bin",
            ReferenceTarget.FILE,
            "not used by any sequence's track item",
        ),
    }


def test_an_entity_in_a_project_is_refused(tmp_path: Path):
    hrox = tmp_path / "evil.hrox"
    hrox.write_text(
        '<?xml version="1.0"?><!DOCTYPE hieroXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><hieroXML>&x;</hieroXML>'
    )
    project = read_project(hrox)
    assert project.references == [] and str(hrox) in project.errors[0]


def test_a_production_keeps_every_source_of_a_project(tmp_path: Path):
    root = tmp_path / "root"
    used, spare, unused = (
        root / "media" / f"{n}.mov" for n in ("A001C003", "A001C004", "B002C001")
    )
    for file in (used, spare, unused):
        write_media(str(file))
    frames = write_media(str(root / "vfx" / "sh010.####.exr"), (1001, 1002))
    (root / "edit").mkdir()
    hrox = write_hrox(
        root / "edit" / "f.hrox", str(used), str(spare), str(root / "vfx" / "sh010.####.exr")
    )
    report = search(root, tmp_path, PathMap(), [str(hrox)])
    assert len(frames) == 2
    assert [o.path for o in report.orphans] == [str(unused)]
    assert report.uncertain == []
