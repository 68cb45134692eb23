"""Lineage from a render farm's job record: the job names the Nuke script it rendered and
the output it wrote; the script names the plate it reads. The script sits on the farm's
share, outside the scanned roots, and writes to a path the farm overrode, so only the job
record ties the plate to the render an edit uses."""

from __future__ import annotations

import os
import time
from pathlib import Path

import opentimelineio as otio
import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo import media
from mediaopt.engine.lineage.report import lineage_in
from mediaopt.engine.model import RenderJob
from mediaopt.engine.production.session import open_session
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.render.jobs import post_job

OLD = time.time() - 60 * 86400.0
EXR = dict(width=32, height=18, pixel_type="half", attributes={"compression": "zip"})


class Farm:
    def __init__(self, base: Path):
        self.root = str(base / "show")
        self.plate = f"{self.root}/plates/sh020_plate.####.exr"
        self.render = f"{self.root}/renders/sh020_comp_v001.####.exr"
        media.write_sequence(self.plate, range(1001, 1005), **EXR)
        media.write_sequence(self.render, range(1001, 1005), **EXR)
        self.script = str(base / "farm_share" / "sh020_comp.nk")
        os.makedirs(os.path.dirname(self.script))
        Path(self.script).write_text(
            "Root {\n inputs 0\n first_frame 1001\n last_frame 1004\n}\n"
            f"Read {{\n inputs 0\n file {self.plate.replace('####', '%04d')}\n"
            " first 1001\n last 1004\n name Read1\n}\n"
            "Write {\n file /local/artist/tmp/sh020_comp.%04d.exr\n name Write1\n}\n"
        )
        self.edit = f"{self.root}/edit/review.otio"
        _timeline_using(self.render, self.edit)
        for dirpath, _, names in os.walk(base):
            for name in names:
                os.utime(os.path.join(dirpath, name), (OLD, OLD))


def _timeline_using(pattern: str, path: str) -> None:
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    head, _, tail = pattern.partition("####")
    reference = otio.schema.ImageSequenceReference(
        target_url_base=os.path.dirname(head),
        name_prefix=os.path.basename(head),
        name_suffix=tail,
        start_frame=1001,
        frame_zero_padding=4,
        rate=24,
        available_range=tr(rt(0, 24), rt(4, 24)),
    )
    timeline = otio.schema.Timeline(name="review")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    track.append(otio.schema.Clip(name="sh020", media_reference=reference))
    os.makedirs(os.path.dirname(path))
    otio.adapters.write_to_file(timeline, path)


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Farm, Path]:
    base = tmp_path_factory.mktemp("farm")
    f = Farm(base / "production")
    path = base / "catalog.sqlite"
    with Catalog(path) as catalog:
        assert not api.scan([f.root], catalog, workers=0).problems
        job = RenderJob(
            job_id="5f2a",
            farm="deadline",
            name="sh020 comp v001",
            scene_file=f.script,
            frames="1001-1004",
            output_pattern=f.render.replace("####", "%04d"),
        )
        assert post_job(job, catalog).output_asset == f.render
    return f, path


def test_a_farm_job_ties_its_scene_and_what_the_scene_reads_to_its_output(farm):
    f, path = farm
    with Catalog(path) as catalog:
        edges = lineage_in(open_session(catalog, [f.root])).edges
    found = {(e.source, e.derivative, str(e.kind)): e for e in edges}
    assert set(found) == {(f.script, f.render, "render"), (f.plate, f.render, "render")}
    plate = found[f.plate, f.render, "render"]
    assert plate.confidence == 1.0
    assert "farm job deadline 5f2a" in plate.evidence and "Read1" in plate.evidence


def test_the_plate_of_a_referenced_farm_render_is_kept_and_only_the_job_says_so(farm):
    f, path = farm
    with Catalog(path) as catalog:
        with_jobs = orphans_in(open_session(catalog, [f.root]))
        without = orphans_in(open_session(catalog, [f.root], jobs=[]))
    assert f.plate not in {o.path for o in with_jobs.orphans}
    assert with_jobs.kept_as_source == 1 and with_jobs.referenced == 1
    assert {o.path for o in without.orphans} == {f.plate}


def test_a_job_whose_scene_is_gone_still_states_scene_to_output(farm):
    f, path = farm
    job = RenderJob(job_id="9", farm="plain", scene_file="/gone/x.blend", output_asset=f.render)
    with Catalog(path) as catalog:
        edges = lineage_in(open_session(catalog, [f.root], jobs=[job])).edges
    assert [(e.source, e.derivative) for e in edges] == [("/gone/x.blend", f.render)]


def test_jobs_are_read_from_the_catalog_as_the_post_job_hook_stored_them(farm):
    f, path = farm
    with Catalog(path) as catalog:
        (job,) = catalog.render_jobs.all()
    assert job.scene_file == f.script
