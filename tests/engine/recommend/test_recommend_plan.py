"""`mediaopt recommend`: the findings of every analysis become one ranked plan whose lines
name the files, the bytes they free, their risk and their evidence, and never touch what
an active project uses."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo import media
from mediaopt.engine.model import ActionKind, Category, Risk
from mediaopt.engine.recommend import recommend
from mediaopt.engine.recommend.caches import host_cache
from mediaopt.engine.recommend.rank import score
from mediaopt.fixtures.savings import build_savings_production


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    production = build_savings_production(tmp_path_factory.mktemp("plan"))
    with Catalog(production.catalog) as catalog:
        plan = recommend(catalog, production.roots, settings=production.settings())
    return production, plan


def _by_path(plan):
    found = {}
    for action in plan.actions:
        for f in action.files:
            found[f.path] = action
        for row in action.evidence[0].catalog_rows if action.estimate_only else []:
            found.setdefault(row, action)
    return found


def _frames(pattern: str) -> list[str]:
    head, _, tail = pattern.partition("####")
    folder = Path(head).parent
    return sorted(
        str(p) for p in folder.iterdir() if str(p).startswith(head) and str(p).endswith(tail)
    )


def test_each_finding_becomes_the_right_line(planned):
    production, plan = planned
    truth = production.truth
    by_path = _by_path(plan)
    camera = str(Path(truth.root) / "show" / "camera" / "A001C003.mov")
    copy = str(Path(truth.root) / "show" / "copies" / "A001C003.mov")
    proxy = str(Path(truth.root) / "show" / "proxies" / "A001C003_proxy.mp4")
    assert by_path[copy].kind is ActionKind.DEDUPE
    assert by_path[copy].files[0].keeper == camera
    assert by_path[proxy].category is Category.REGENERABLE
    old, older = sorted(p for p, c in truth.orphans.items() if c == "superseded")
    for render in (old, older):
        action = by_path[_frames(render)[0]]
        assert action.category is Category.SUPERSEDED and action.risk is Risk.DESTRUCTIVE
        # A sequence's frames are each listed and their bytes summed.
        assert action.bytes == sum(os.path.getsize(f) for f in _frames(render))
    orphan = next(p for p, c in truth.orphans.items() if c == "unreferenced" and "A003" in p)
    assert by_path[orphan].kind is ActionKind.ARCHIVE
    dormant = by_path[production.extras.dormant_project]
    assert dormant.category is Category.DORMANT_PROJECT
    assert {f.path for f in dormant.files} == {
        production.extras.dormant_project,
        *production.extras.dormant_media,
    }
    for cache, host in production.extras.caches.items():
        assert by_path[cache].category is Category.HOST_CACHE
        assert by_path[cache].host == host


def test_no_line_touches_what_an_active_project_uses(planned):
    production, plan = planned
    by_path = _by_path(plan)
    truth = production.truth
    referenced = set()
    for path in truth.referenced:
        referenced.update(_frames(path) if "####" in path else [path])
    touched = [p for p in referenced if p in by_path]
    assert not touched
    # Unsure means kept: what the unreadable project might use is in no line.
    for path in truth.uncertain:
        assert path not in by_path
    assert truth.recent[0] not in by_path


def test_lines_rank_by_bytes_over_risk_and_carry_evidence(planned):
    production, plan = planned
    scores = [score(a) for a in plan.actions]
    assert scores == sorted(scores, reverse=True)
    assert [a.id for a in plan.actions] == [f"A{n:03d}" for n in range(1, len(plan.actions) + 1)]
    for action in plan.actions:
        assert action.evidence and action.evidence[0].read_at == plan.created
        assert action.command
    assert plan.roots == production.roots
    with Catalog(production.catalog) as catalog:
        assert plan.catalog.assets == catalog.count()
    read = dict(plan.projects_read)
    assert read[production.truth.corrupt_project] > 0
    assert plan.unreadable_projects == [production.truth.corrupt_project]
    assert plan.totals.reclaimable == sum(a.bytes for a in plan.actions if not a.estimate_only)


def test_a_hard_link_frees_its_bytes_once(tmp_path):
    production = build_savings_production(tmp_path)
    orphan = production.big_orphan
    twin = str(Path(orphan).with_name("room_tone_long_link.wav"))
    os.link(orphan, twin)
    with Catalog(production.catalog) as catalog:
        api.scan(production.roots, catalog, workers=0)
        plan = recommend(catalog, production.roots, settings=production.settings(), dupes=False)
    files = [f for a in plan.actions for f in a.files if f.path in (orphan, twin)]
    assert len(files) == 2
    assert sum(f.freed for f in files) == os.path.getsize(orphan)


def test_a_sequence_is_trimmed_to_the_used_frames_plus_handles(tmp_path):
    root = tmp_path / "show"
    plate = str(root / "sh020" / "plate.####.exr")
    media.write_sequence(plate, range(1001, 1041), width=16, height=16, pixel_type="half")
    script = root / "sh020" / "comp.nk"
    script.write_text(
        "Read {\n inputs 0\n file " + plate.replace("####", "%04d") + "\n first 1010\n"
        " last 1015\n name Read1\n}\n"
    )
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        api.scan([str(root)], catalog, workers=0)
        plan = recommend(catalog, [str(root)], handles=8)
    (trim,) = [a for a in plan.actions if a.category is Category.SEQUENCE_TRIM]
    dropped = sorted(int(Path(f.path).name.split(".")[1]) for f in trim.files)
    assert dropped == [*range(1001, 1002), *range(1024, 1041)]
    assert trim.risk is Risk.DESTRUCTIVE and trim.kind is ActionKind.DELETE


def test_a_long_movie_gets_an_estimate_only(tmp_path):
    import opentimelineio as otio

    root = tmp_path / "show"
    clip = media.write_movie(
        root / "camera" / "B001C001.mov",
        codec="prores_ks",
        pix_fmt="yuv422p10le",
        width=64,
        height=36,
        frames=240,
        timecode="01:00:00:00",
    )
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name="cut")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    ref = otio.schema.ExternalReference(
        target_url=Path(clip).as_uri(), available_range=tr(rt(86400, 24), rt(240, 24))
    )
    track.append(
        otio.schema.Clip(
            name="B001C001", media_reference=ref, source_range=tr(rt(86424, 24), rt(24, 24))
        )
    )
    otio.adapters.write_to_file(timeline, str(root / "cut.otio"))
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        api.scan([str(root)], catalog, workers=0)
        plan = recommend(catalog, [str(root)])
    (estimate,) = [a for a in plan.actions if a.category is Category.MOVIE_TRIM]
    assert estimate.estimate_only and not estimate.files
    size = os.path.getsize(clip)
    # 1 s used plus 8 frames of handles either side, of 10 s.
    assert estimate.bytes == pytest.approx(size * (1 - (24 + 16) / 240), rel=0.02)
    assert plan.totals.reclaimable == 0 and plan.totals.estimated == estimate.bytes


@pytest.mark.parametrize(
    "relative, host",
    [
        ("show/CacheClip/abc/clip.1.dvcc", "DaVinci Resolve"),
        ("show/.gallery/still_1.dpx", "DaVinci Resolve"),
        ("show/ProxyMedia/A001.mov", "DaVinci Resolve"),
        ("show/Media Cache Files/a.wav 48000.cfa", "Adobe Premiere Pro"),
        ("cache/Media Cache/x.mpgindex", "Adobe Premiere Pro"),
        ("show/Adobe Premiere Pro Video Previews/p.mov", "Adobe Premiere Pro"),
        ("show/Adobe Premiere Pro Audio Previews/p.cfa", "Adobe Premiere Pro"),
        ("Avid MediaFiles/MXF/Precomputes/v.mxf", "Avid Media Composer"),
        ("tmp/nuke/ViewerCache/a/b.exr", "Nuke"),
        ("tmp/nuke/localize/mnt/plate.1001.exr", "Nuke"),
        ("fx/sim/splash.0001.bgeo.sc", "Houdini"),
        ("fx/blendcache_shot010/cloth_000001_00.bphys", "Blender"),
        ("fx/cache_fluid_a1b2/data/fluid_data_0001.vdb", "Blender"),
        ("show/camera/BL_proxy/A001.mov/proxy_25.avi", "Blender"),
    ],
)
def test_host_caches_are_recognised_anywhere_under_the_root(relative, host):
    hit = host_cache(f"/mnt/root/{relative}", "/mnt/root")
    assert hit is not None and hit.rule.host == host


def test_a_root_named_like_a_cache_says_nothing_of_its_files():
    assert host_cache("/mnt/CacheClip/show/plate.1001.exr", "/mnt/CacheClip") is None
    assert host_cache("/mnt/root/show/camera/A001C003.mov", "/mnt/root") is None


def test_recommend_cli_prints_json_only_and_writes_the_plan(planned, tmp_path, capsys):
    production, _ = planned
    out = tmp_path / "plan.json"
    args = ["recommend", "--catalog", production.catalog, "--json", "-o", str(out)]
    args += ["--root", *production.roots, "--unreadable-scope-depth", "1"]
    for rule in production.truth.maps:
        args += ["--map", rule]
    status = main(args)
    printed = json.loads(capsys.readouterr().out)
    written = json.loads(out.read_text())
    assert printed["id"] == written["id"] and printed["actions"]
    assert status == 1  # one project could not be read, and the plan says so
    assert main(["schema", "plan"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "Plan" in schema["$defs"]


def test_files_changed_within_the_grace_period_are_not_planned(tmp_path):
    production = build_savings_production(tmp_path)
    cache = next(p for p, h in production.extras.caches.items() if h == "DaVinci Resolve")
    now = time.time()
    os.utime(cache, (now, now))
    with Catalog(production.catalog) as catalog:
        api.scan(production.roots, catalog, workers=0)
        plan = recommend(catalog, production.roots, settings=production.settings(), dupes=False)
    assert cache not in _by_path(plan)


def test_a_measured_render_what_if_becomes_a_line_for_a_person(tmp_path):
    from mediaopt.engine.render.whatif import what_if

    root = tmp_path / "renders"
    beauty = str(root / "sh030" / "beauty.####.exr")
    media.write_sequence(beauty, range(1001, 1005), width=32, height=32, pixel_type="float")
    measured = what_if(beauty, candidates=["zip", "zip+half"], samples=2)
    assert measured.recommended, measured.summary
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        api.scan([str(root)], catalog, workers=0)
        plan = recommend(catalog, [str(root)], what_if=[measured])
    (line,) = [a for a in plan.actions if a.category is Category.RENDER_SETTINGS]
    assert line.estimate_only and line.bytes == measured.saved_bytes
    assert measured.recommended in line.title
    assert line.evidence[0].analysis == "render what-if"


def test_identical_project_files_are_never_linked_their_identical_media_is(tmp_path):
    """A cut saved under a second name to start a version is byte-identical to the first:
    two projects, never one file. The clip copied beside them is a duplicate to link."""
    import shutil

    import opentimelineio as otio

    root = tmp_path / "show"
    clip = media.write_movie(
        root / "media" / "A001.mov", codec="mpeg4", pix_fmt="yuv420p", frames=24
    )
    shutil.copy(clip, root / "media" / "A001_copy.mov")
    timeline = otio.schema.Timeline(name="cut")
    track = otio.schema.Track(name="V1")
    rate = otio.opentime.RationalTime
    track.append(
        otio.schema.Clip(
            name="A001",
            media_reference=otio.schema.ExternalReference(target_url=clip.as_uri()),
            source_range=otio.opentime.TimeRange(rate(0, 24), rate(24, 24)),
        )
    )
    timeline.tracks.append(track)
    otio.adapters.write_to_file(timeline, str(root / "cut_v1.otio"))
    shutil.copy(root / "cut_v1.otio", root / "cut_v2.otio")
    with Catalog(tmp_path / "c.sqlite") as catalog:
        api.scan([str(root)], catalog, workers=0)
        plan = recommend(catalog, [str(root)])
    linked = {f.path for a in plan.actions if a.kind is ActionKind.DEDUPE for f in a.files}
    assert linked == {str(root / "media" / "A001_copy.mov")}
    assert (root / "cut_v1.otio").read_bytes() == (root / "cut_v2.otio").read_bytes()
