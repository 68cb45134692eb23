"""A small production for the command-line tests: the feature production (edits in OTIO,
EDL and FCP XML, a Nuke comp and its renders, proxies, sound) without its corrupt project,
plus an Avid-style AAF whose reading makes OTIO's AAF adapter print on stdout. Scanned
once; beside it, outside the scanned root, project files no command may open unasked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import msgspec
import opentimelineio as otio
import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo.feature import OrphanTruth, build_orphan_production
from mediaopt.fixtures.aaf import write_aaf_with_missing_master


class CliProduction(msgspec.Struct, kw_only=True):
    root: str
    catalog: str
    truth: OrphanTruth
    aaf: str
    """The AAF that makes the adapter print `Unable find slot_id ...` on stdout."""
    nuke: str
    elsewhere: str
    """A folder beside the root, never scanned, holding project files."""
    outside_user: str
    """A project outside the root that uses an orphan and states what it was made from:
    read, it would save that orphan and add a lineage edge `stated_source` -> `unused`."""
    stated_source: str
    outside_broken: str
    """A corrupt project outside the root: read, it would be a problem in every report."""
    unused: str
    """A camera original no project under the root uses (an orphan)."""


@pytest.fixture(scope="session")
def cli_production(tmp_path_factory: pytest.TempPathFactory) -> CliProduction:
    base = tmp_path_factory.mktemp("cli")
    truth = build_orphan_production(base / "production")
    os.remove(truth.corrupt_project)  # problems are added per test, where they are wanted
    aaf = write_aaf_with_missing_master(Path(truth.root) / "show" / "edit" / "avid_bin.aaf")
    catalog = base / "catalog.sqlite"
    with Catalog(catalog) as opened:
        summary = api.scan([truth.root], opened, workers=0)
    assert not summary.problems, summary.problems
    unused = next(p for p in truth.orphans if p.endswith("A003C001.mov"))
    assert truth.orphans[unused] == "unreferenced"
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    source = next(p for p in truth.referenced if p.endswith("A001C004.mov"))
    user = _timeline_using(elsewhere / "uses_orphan.otio", unused, made_from=source)
    broken = elsewhere / "broken.otio"
    broken.write_text('{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Sta')
    return CliProduction(
        root=truth.root,
        catalog=str(catalog),
        truth=truth,
        aaf=str(aaf),
        nuke=next(p for p in truth.projects if p.endswith(".nk")),
        elsewhere=str(elsewhere),
        outside_user=str(user),
        stated_source=source,
        outside_broken=str(broken),
        unused=unused,
    )


def _timeline_using(path: Path, media: str, made_from: str) -> Path:
    """A one-clip timeline written by OpenTimelineIO, using `media` and saying (as a
    conform does) that it was made from `made_from`."""
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name="elsewhere")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    track.append(
        otio.schema.Clip(
            name="A003C001",
            media_reference=otio.schema.ExternalReference(
                target_url=Path(media).as_uri(), available_range=tr(rt(0, 24), rt(4, 24))
            ),
            source_range=tr(rt(0, 24), rt(4, 24)),
            metadata={"mediaopt": {"source_media": Path(made_from).as_uri()}},
        )
    )
    otio.adapters.write_to_file(timeline, str(path))
    return path


def _mediaopt(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mediaopt.engine.cli", *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="session")
def mediaopt():
    """mediaopt(*args): the command in a process of its own, as a user or a host runs it."""
    return _mediaopt
