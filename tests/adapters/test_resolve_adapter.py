"""A live DaVinci Resolve project read through its adapter, over a fake of only the API
calls the adapter makes, populated from real media: references for every media pool
clip and timeline item, proxy links as lineage, and the same used ranges as the same
timeline written by OpenTimelineIO."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import opentimelineio as otio
import pytest
import resolve_fake as fake

from mediaopt.adapters import read_project
from mediaopt.adapters.project_json import write_project_json
from mediaopt.adapters.resolve import read_resolve, sequence_pattern
from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.model import Reference, ReferenceTarget
from mediaopt.engine.production.session import open_session
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.refs.index import CatalogIndex
from mediaopt.hosts.resolve import mediaopt_resolve as host

OLD = time.time() - 60 * 86400.0
RATE = 24


class Show:
    """Camera originals, a proxy whose name says nothing of its original (so only
    Resolve's link ties them), an EXR plate and a stray render nobody uses."""

    def __init__(self, root: Path):
        self.root = str(root)
        prores = dict(codec="prores_ks", pix_fmt="yuv422p10le", width=64, height=36)
        h264 = dict(codec="libx264", pix_fmt="yuv420p", width=32, height=18)
        self.a = str(media.write_movie(root / "camera/A001C001.mov", frames=24, seed=1, **prores))
        self.b = str(media.write_movie(root / "camera/A001C002.mov", frames=24, seed=2, **prores))
        self.proxy = str(
            media.write_movie(root / "proxies/clip_7f3a.mp4", frames=24, seed=1, **h264)
        )
        self.stray = str(
            media.write_movie(root / "proxies/stray_91c2.mp4", frames=8, seed=9, **h264)
        )
        self.plates = str(root / "plates")
        for frame in range(1001, 1005):
            media.write_image_oiio(Path(self.plates) / f"sh010.{frame}.exr", index=frame)
        self.plate = f"{self.plates}/sh010.[1001-1004].exr"
        for top, _, names in os.walk(root):
            for name in names:
                os.utime(os.path.join(top, name), (OLD, OLD))

    def project(self, *, old: bool = False, modern_items: bool = True) -> fake.Project:
        a = fake.MediaPoolItem(
            "id-a",
            "A001C001.mov",
            fake.clip_properties(self.a, frames=24, proxy=self.proxy, reel="A001"),
        )
        b = fake.MediaPoolItem(
            "id-b", "A001C002.mov", fake.clip_properties(self.b, frames=24, fps="24")
        )
        plate = fake.MediaPoolItem(
            "id-p", "sh010.[1001-1004].exr", fake.clip_properties(self.plate, frames=4)
        )
        nested = fake.MediaPoolItem("id-t", "cut_v1", {"Type": "Timeline", "File Path": ""})
        day1 = fake.Folder("Day 1", [b, plate, nested], old=old)
        root = fake.Folder("Master", [a], [day1], old=old)
        items = [
            fake.TimelineItem(a, 2, 10),
            fake.TimelineItem(plate, 1, 3),
            fake.TimelineItem(None, 0, 5),
        ]
        sound = [fake.TimelineItem(a, 2, 10)]
        for item in [*items, *sound]:
            item.modern = modern_items
        return fake.Project("Feature", root, [fake.Timeline("cut_v1", [items], [sound], old=old)])

    def otio(self, path: Path) -> Path:
        """The same timeline, written by OpenTimelineIO: the clips point at the same
        files with the same source ranges."""
        rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
        movie = otio.schema.ExternalReference(
            target_url=Path(self.a).as_uri(), available_range=tr(rt(0, RATE), rt(24, RATE))
        )
        plate = otio.schema.ImageSequenceReference(
            target_url_base=Path(self.plates).as_uri() + "/",
            name_prefix="sh010.",
            name_suffix=".exr",
            start_frame=1001,
            frame_zero_padding=4,
            rate=RATE,
            available_range=tr(rt(0, RATE), rt(4, RATE)),
        )
        timeline = otio.schema.Timeline(name="cut_v1")
        video = otio.schema.Track(kind=otio.schema.TrackKind.Video)
        audio = otio.schema.Track(kind=otio.schema.TrackKind.Audio)
        video.append(
            otio.schema.Clip(
                name="A001C001.mov",
                media_reference=movie,
                source_range=tr(rt(2, RATE), rt(8, RATE)),
            )
        )
        video.append(
            otio.schema.Clip(
                name="sh010", media_reference=plate, source_range=tr(rt(1, RATE), rt(2, RATE))
            )
        )
        audio.append(
            otio.schema.Clip(
                name="A001C001.mov",
                media_reference=movie.clone(),
                source_range=tr(rt(2, RATE), rt(8, RATE)),
            )
        )
        timeline.tracks.extend([video, audio])
        otio.adapters.write_to_file(timeline, str(path))
        return path


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> tuple[Show, CatalogIndex]:
    base = tmp_path_factory.mktemp("resolve")
    s = Show(base / "show")
    with Catalog(base / "catalog.sqlite") as catalog:
        assert not api.scan([s.root], catalog, workers=0).problems
        return s, CatalogIndex.from_catalog(catalog)


def _pool(refs: list[Reference]) -> set[tuple[str | None, str]]:
    return {(r.path, r.role) for r in refs if r.owner == "MediaPoolItem"}


def _used(refs: list[Reference]) -> set[tuple]:
    """(path, first used frame, frames used) of every timeline reference."""
    found = set()
    for r in refs:
        if r.location is None or not r.location.startswith("timeline"):
            continue
        if r.target is ReferenceTarget.SEQUENCE:
            found.add((r.path, r.frames[0], r.frames[1] - r.frames[0] + 1))
        else:
            found.add((r.path, round(r.source_range[0] * RATE), round(r.source_range[1] * RATE)))
    return found


def test_every_media_pool_clip_is_read_and_a_linked_proxy_is_a_proxy_reference(show):
    s, _ = show
    project = read_resolve(s.project())
    assert (project.path, project.kind, project.name) == ("resolve:Feature", "resolve", "Feature")
    pattern = f"{s.plates}/sh010.####.exr"
    assert _pool(project.references) == {
        (s.a, "read"),
        (s.proxy, "proxy"),
        (s.b, "read"),
        (pattern, "read"),
    }
    plate = next(r for r in project.references if r.path == pattern and r.owner == "MediaPoolItem")
    assert (plate.target, plate.frames) == (ReferenceTarget.SEQUENCE, (1001, 1004))
    assert any("1 media pool item(s) without a file" in n for n in project.notes)
    assert not project.errors


def test_timeline_items_reference_the_source_range_they_use(show):
    s, _ = show
    refs = read_resolve(s.project()).references
    assert _used(refs) == {(s.a, 2, 8), (f"{s.plates}/sh010.####.exr", 1002, 2)}
    movie = next(r for r in refs if r.location == 'timeline "cut_v1" track V1 item 1')
    assert (movie.reel, movie.timecode, movie.owner) == ("A001", "01:00:00:02", "TimelineItem")
    assert sum(1 for r in refs if (r.location or "").startswith("timeline")) == 3


def test_the_same_timeline_through_otio_uses_the_same_files_and_ranges(show, tmp_path):
    s, _ = show
    from_otio = read_project(s.otio(tmp_path / "cut_v1.otio"))
    assert not from_otio.errors
    assert _used(from_otio.references) == _used(read_resolve(s.project()).references)


def test_older_resolve_listing_calls_and_offsets_give_the_same_references(show):
    s, _ = show
    modern = read_resolve(s.project()).references
    old = read_resolve(s.project(old=True, modern_items=False)).references
    assert old == modern


def test_offsets_count_timeline_frames_so_a_faster_clip_uses_more_source_frames(show):
    s, _ = show
    clip = fake.MediaPoolItem("id-50", "A001C002.mov", fake.clip_properties(s.b, frames=24, fps=48))
    item = fake.TimelineItem(clip, 4, 12, rate_ratio=2.0)
    item.modern = False
    project = fake.Project("Mixed", fake.Folder("Master", [clip]), [fake.Timeline("t", [[item]])])
    (used,) = [r for r in read_resolve(project).references if r.owner == "TimelineItem"]
    assert used.source_range == (4 / 48, 8 / 48)


def test_a_sequence_path_keeps_its_padding_and_an_unpadded_range_stays_unpadded():
    assert sequence_pattern("/p/sh010.[1001-1100].exr") == "/p/sh010.####.exr"
    assert sequence_pattern("/p/sh010.[0001-0100].exr") == "/p/sh010.####.exr"
    assert sequence_pattern("/p/frame[98-102].dpx") == "/p/frame#.dpx"
    assert sequence_pattern("D:\\plates\\a_[001-120].tif") == "D:\\plates\\a_###.tif"


def _session(s: Show, index: CatalogIndex, tmp_path: Path):
    saved = write_project_json(read_resolve(s.project()), tmp_path / "Feature")
    assert saved.name == "Feature.mediaopt-project.json"
    return open_session(index, [s.root], projects=[str(saved)])


def test_a_linked_proxy_is_an_explicit_proxy_edge_naming_the_project_and_clip(show, tmp_path):
    s, index = show
    edges = [e for e in _session(s, index, tmp_path).edges if e.derivative == s.proxy]
    assert [(e.source, str(e.kind), e.confidence) for e in edges] == [(s.a, "proxy", 1.0)]
    assert (
        edges[0].evidence == 'DaVinci Resolve project "Feature": MediaPoolItem A001C001.mov proxy'
    )


def test_with_the_resolve_project_nothing_it_references_is_an_orphan(show, tmp_path):
    s, index = show
    report = orphans_in(_session(s, index, tmp_path))
    assert [(o.path, str(o.category)) for o in report.orphans] == [(s.stray, "unreferenced")]
    assert report.projects[0].path == "resolve:Feature" and not report.failed_projects
    assert not report.uncertain


def test_the_host_snapshot_read_back_by_the_cli_reader_gives_the_same_project(show, tmp_path):
    s, _ = show
    record = host.snapshot(s.project(old=True, modern_items=False))
    path = tmp_path / "Feature.mediaopt-resolve.json"
    path.write_text(json.dumps(record))
    replayed = read_project(path)
    assert replayed.kind == "resolve" and not replayed.errors
    assert replayed.references == read_resolve(s.project()).references
    assert host.media_folders(record) == sorted(
        {os.path.dirname(p) for p in (s.a, s.proxy, s.plate)}
    )


def test_a_broken_snapshot_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "x.mediaopt-resolve.json"
    path.write_text('{"format": "something else", "version": 1, "project": "x"}')
    project = read_project(path)
    assert project.errors and project.errors[0].startswith(str(path))


def test_the_host_script_exports_each_timeline_as_otio_and_reports_in_process(
    show, tmp_path, monkeypatch, capsys
):
    s, _ = show
    monkeypatch.setenv("MEDIAOPT_ROOTS", s.root)
    monkeypatch.setenv("MEDIAOPT_CATALOG", str(tmp_path / "catalog.sqlite"))
    project = s.project()
    assert (
        host.run(project, out_dir=str(tmp_path), app=fake.Resolve(project), open_browser=False) == 0
    )
    exported = tmp_path / "Feature.cut_v1.otio"
    # Resolve's own export, read back by the OTIO reader, uses what the API walk finds.
    assert _used(read_project(exported).references) == _used(read_resolve(project).references)
    saved = tmp_path / "Feature.mediaopt-project.json"
    assert read_project(saved).references == read_resolve(project).references
    out = capsys.readouterr().out
    assert "1 unused files" in out and "stray_91c2.mp4" in out
    assert "0 duplicate groups" in out and "needs" in out
    html = (tmp_path / "Feature.report.html").read_text(encoding="utf-8")
    assert "stray_91c2.mp4" in html or "clip_7f3a.mp4" in html


def test_an_older_resolve_without_otio_export_is_read_through_its_api_by_the_command(
    show, tmp_path, monkeypatch, capfd
):
    s, _ = show
    monkeypatch.setitem(sys.modules, "mediaopt.adapters.resolve", None)  # not importable
    monkeypatch.setattr("mediaopt.hosts.client.engine_importable", lambda: False)
    monkeypatch.setenv("MEDIAOPT_COMMAND", f"{sys.executable} -m mediaopt.engine.cli")
    monkeypatch.setenv("MEDIAOPT_CATALOG", str(tmp_path / "catalog.sqlite"))
    monkeypatch.delenv("MEDIAOPT_ROOTS", raising=False)
    project = s.project(old=True)
    app = fake.Resolve(project)
    assert host.run(project, out_dir=str(tmp_path), app=app, open_browser=False) == 0
    assert (tmp_path / "Feature.mediaopt-resolve.json").is_file()
    assert not list(tmp_path.glob("*.otio"))
    out = capfd.readouterr().out
    assert "could not export cut_v1" in out
    assert "1 unused files" in out and "stray_91c2.mp4" in out
