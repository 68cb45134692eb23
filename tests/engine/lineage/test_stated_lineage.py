"""Lineage a timeline states, written by OpenTimelineIO itself: a clip's alternative media
references (OTIO 0.17+), the source media its metadata names, the export its timeline's
metadata names, and an export only named after the edit."""

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
from mediaopt.engine.production.session import open_session
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.refs.index import CatalogIndex

OLD = time.time() - 60 * 86400.0


def _movie(path: Path, seed: int, small: bool = False) -> str:
    if small:
        options = dict(codec="libx264", pix_fmt="yuv420p", width=32, height=18)
    else:
        options = dict(codec="prores_ks", pix_fmt="yuv422p10le", width=64, height=36)
    media.write_movie(path, frames=4, seed=seed, **options)
    return str(path)


def _clip(name: str, refs: dict[str, str], active: str = "DEFAULT_MEDIA") -> otio.schema.Clip:
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    available = tr(rt(0, 24), rt(4, 24))
    clip = otio.schema.Clip(name=name, source_range=tr(rt(0, 24), rt(2, 24)))
    clip.set_media_references(
        {
            key: otio.schema.ExternalReference(
                target_url=Path(path).as_uri(), available_range=available
            )
            for key, path in refs.items()
        },
        active,
    )
    return clip


class Tree:
    def __init__(self, root: Path):
        show = root / "show"
        m = {
            name: _movie(show / folder / f"{name}.{ext}", seed, small)
            for name, folder, ext, seed, small in (
                ("ocf_a", "camera", "mov", 1, False),
                ("grn_0042", "editorial", "mp4", 1, True),
                ("ocf_b", "camera", "mov", 2, False),
                ("edit_b", "editorial", "mp4", 2, True),
                ("ocf_c", "camera", "mov", 3, False),
                ("pull_c", "pulls", "mov", 3, False),
                ("delivery_d", "masters", "mov", 4, False),
                ("review_d", "editorial", "mp4", 4, True),
                ("cut_v1_master", "exports", "mov", 5, False),
                ("cut", "exports", "mov", 6, False),
                ("cut", "../other_show/exports", "mov", 7, False),
            )
        }
        self.media = m
        self.elsewhere = str(root / "other_show" / "exports" / "cut.mov")
        self.named_export = str(show / "exports" / "cut.mov")
        timeline = otio.schema.Timeline(name="cut_v1")
        track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
        timeline.tracks.append(track)
        track.append(_clip("a", {"DEFAULT_MEDIA": m["ocf_a"], "proxy": m["grn_0042"]}))
        track.append(_clip("b", {"DEFAULT_MEDIA": m["edit_b"], "high_res": m["ocf_b"]}))
        track.append(_clip("c", {"DEFAULT_MEDIA": m["ocf_c"], "conform": m["pull_c"]}))
        d = _clip("d", {"DEFAULT_MEDIA": m["review_d"]})
        d.metadata["mediaopt"] = {"source_media": Path(m["delivery_d"]).as_uri()}
        track.append(d)
        timeline.metadata["mediaopt"] = {"export": m["cut_v1_master"]}
        self.edit = str(show / "edit" / "cut.otio")
        os.makedirs(os.path.dirname(self.edit))
        otio.adapters.write_to_file(timeline, self.edit)
        self.reads = [m["ocf_a"], m["edit_b"], m["ocf_c"], m["review_d"]]
        for dirpath, _, names in os.walk(root):
            for name in names:
                os.utime(os.path.join(dirpath, name), (OLD, OLD))
        self.root = str(show)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tree, CatalogIndex]:
    base = tmp_path_factory.mktemp("stated")
    t = Tree(base / "production")
    with Catalog(base / "catalog.sqlite") as catalog:
        assert not api.scan([str(base / "production")], catalog, workers=0).problems
        return t, CatalogIndex.from_catalog(catalog)


def _edges(tree) -> dict[tuple[str, str], tuple[str, float]]:
    t, index = tree
    session = open_session(index, [os.path.dirname(t.root)])
    edges = lineage_in(session).edges
    return {(e.source, e.derivative): (str(e.kind), e.confidence) for e in edges}


def test_alternative_media_references_are_proxy_original_and_conform_links(tree):
    m = tree[0].media
    edges = _edges(tree)
    assert edges[m["ocf_a"], m["grn_0042"]] == ("proxy", 1.0)  # `proxy` key: made from it
    assert edges[m["ocf_b"], m["edit_b"]] == ("proxy", 1.0)  # `high_res`: it is the source
    assert edges[m["ocf_c"], m["pull_c"]] == ("conform", 1.0)


def test_source_media_named_in_clip_metadata_is_a_transcode_source(tree):
    m = tree[0].media
    assert _edges(tree)[m["delivery_d"], m["review_d"]] == ("transcode", 1.0)


def test_export_named_in_timeline_metadata_is_conformed_from_every_clip(tree):
    t = tree[0]
    edges = _edges(tree)
    for read in t.reads:
        assert edges[read, t.media["cut_v1_master"]] == ("conform", 1.0)


def test_export_named_after_the_edit_is_a_conform_near_it_only(tree):
    t = tree[0]
    edges = _edges(tree)
    for read in t.reads:
        assert edges[read, t.named_export] == ("conform", 0.6)
    assert not [pair for pair in edges if t.elsewhere in pair]


def test_nothing_else_is_claimed(tree):
    t = tree[0]
    m = t.media
    stated = {
        (m["ocf_a"], m["grn_0042"]),
        (m["ocf_b"], m["edit_b"]),
        (m["ocf_c"], m["pull_c"]),
        (m["delivery_d"], m["review_d"]),
    }
    exports = {(r, x) for r in t.reads for x in (m["cut_v1_master"], t.named_export)}
    assert set(_edges(tree)) == stated | exports


def test_every_file_the_timeline_names_is_referenced_and_never_an_orphan(tree):
    t, index = tree
    report = orphans_in(open_session(index, [os.path.dirname(t.root)]))
    orphans = {o.path for o in report.orphans}
    named = set(t.media.values()) - {t.named_export, t.elsewhere}
    assert not orphans & named
    assert orphans == {t.named_export, t.elsewhere}
