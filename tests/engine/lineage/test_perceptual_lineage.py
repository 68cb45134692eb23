"""Lineage from pictures: a ProRes camera original and an H.264 half-resolution proxy of
it, with names that share nothing and no reel, are linked by their sampled frames; a
different shot of the same size is not."""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.fingerprint.video import VideoPrint
from mediaopt.engine.lineage.perceptual import _candidates, perceptual_edges
from mediaopt.engine.lineage.report import lineage_in
from mediaopt.engine.model import OrphanCategory
from mediaopt.engine.production.session import open_session
from mediaopt.engine.projects.orphans import orphans_in
from mediaopt.engine.refs.index import Entry, _Stream
from mediaopt.fixtures.dupes import pan_frame, write_footage

OLD = time.time() - 60 * 86400.0


class Footage:
    def __init__(self, root: Path):
        import skimage.data as data

        coffee, astronaut = data.coffee(), data.astronaut()

        def shot(t: float) -> np.ndarray:
            return pan_frame(coffee, t, (0.0, 0.1), 0.05)

        def other(t: float) -> np.ndarray:
            return pan_frame(astronaut, t, (0.3, 0.2), -0.04)

        prores = dict(codec="prores_ks", pix_fmt="yuv422p10le", seconds=2.0)
        self.original = str(root / "camera" / "A017_C004_0823XY.mov")
        self.proxy = str(root / "editorial" / "clip_93a1.mp4")
        self.other = str(root / "camera" / "interview_wide.mov")
        write_footage(Path(self.original), shot, **prores)
        write_footage(
            Path(self.proxy), shot, codec="libx264", pix_fmt="yuv420p", seconds=2.0, size=(128, 72)
        )
        write_footage(Path(self.other), other, **prores)
        self.root = str(root)
        for dirpath, _, names in os.walk(root):
            for name in names:
                os.utime(os.path.join(dirpath, name), (OLD, OLD))


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> tuple[Footage, Path]:
    base = tmp_path_factory.mktemp("perceptual")
    f = Footage(base / "show")
    path = base / "catalog.sqlite"
    with Catalog(path) as catalog:
        assert not api.scan([f.root], catalog, workers=0).problems
    return f, path


def _edit_using(path: str, folder: str) -> str:
    timeline = otio.schema.Timeline(name="cut")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    track.append(otio.schema.Clip(name="c", media_reference=otio.schema.ExternalReference(path)))
    out = os.path.join(folder, "cut.otio")
    otio.adapters.write_to_file(timeline, out)
    return out


def test_the_proxy_is_linked_to_its_original_by_pictures_and_the_other_shot_is_not(footage):
    f, path = footage
    with Catalog(path) as catalog:
        session = open_session(catalog, [f.root], fingerprint=True)
    assert not session.problems
    (edge,) = lineage_in(session).edges
    assert (edge.source, edge.derivative, str(edge.kind)) == (f.original, f.proxy, "proxy")
    assert 0.7 <= edge.confidence <= 0.8
    assert edge.evidence.startswith("pictures:") and "256x144 -> " in edge.evidence


def test_a_second_run_uses_the_cached_fingerprints(footage):
    f, path = footage
    with Catalog(path) as catalog:
        open_session(catalog, [f.root], fingerprint=True)
        cached = catalog.fingerprints.count()
        edges = lineage_in(open_session(catalog, [f.root])).edges  # no decoding asked
    assert cached == 3
    assert [(e.source, e.derivative) for e in edges] == [(f.original, f.proxy)]


def test_orphans_keep_the_original_of_a_used_proxy_and_call_an_unused_proxy_regenerable(
    footage, tmp_path
):
    f, path = footage
    with Catalog(path) as catalog:
        open_session(catalog, [f.root], fingerprint=True)
        for used, kept, regenerable in ((f.proxy, f.original, None), (f.original, None, f.proxy)):
            edit = _edit_using(used, str(tmp_path))
            report = orphans_in(open_session(catalog, [f.root], projects=[edit]))
            orphans = {o.path: o.category for o in report.orphans}
            assert used not in orphans
            assert orphans[f.other] is OrphanCategory.UNREFERENCED
            if kept:
                assert kept not in orphans and report.kept_as_source == 1
            if regenerable:
                assert orphans[regenerable] is OrphanCategory.REGENERABLE


def _entry(path: str, width: int) -> Entry:
    stream = _Stream(kind="video", codec="h264" if width < 1920 else "prores", width=width)
    return Entry(path=path, kind="video", bytes=1, mtime=0.0, streams=[stream])


def test_the_picture_search_uses_the_index_not_all_pairs():
    # 1,500 originals with random prints and a proxy of each with a bit changed per
    # frame: all pairs would verify 4.5 million pairs of 24 x 24 samples; the index
    # proposes little more than the 1,500 true ones.
    rng = random.Random(7)
    entries, prints, truth = [], {}, set()
    for i in range(1500):
        hashes = [rng.getrandbits(64) for _ in range(48)]
        original, proxy = f"/show/cam/{i}.mov", f"/show/edit/x{i}.mp4"
        prints[original] = VideoPrint(
            times=[k * 0.25 for k in range(24)], phash=hashes[:24], dhash=hashes[24:], duration=6
        )
        flip = [1 << rng.randrange(64) for _ in range(48)]
        prints[proxy] = VideoPrint(
            times=prints[original].times,
            phash=[h ^ b for h, b in zip(hashes[:24], flip[:24], strict=True)],
            dhash=[h ^ b for h, b in zip(hashes[24:], flip[24:], strict=True)],
            duration=6,
        )
        entries += [_entry(original, 1920), _entry(proxy, 960)]
        truth.add((original, proxy))
    started = time.perf_counter()
    edges = list(perceptual_edges(entries, prints))
    assert time.perf_counter() - started < 15
    assert len(_candidates([prints[e.path] for e in entries])) < 2 * len(truth)
    assert {(e.source, e.derivative) for e in edges} == truth
    assert all(e.kind == "proxy" for e in edges)


def test_lineage_command_with_perceptual_fingerprints_and_prints_the_edge(
    footage, tmp_path, capsys
):
    f, path = footage
    fresh = tmp_path / "catalog.sqlite"
    shutil.copy(path, fresh)
    with Catalog(fresh) as catalog:
        catalog.fingerprints.clear()
    argv = ["lineage", "--root", f.root, "--catalog", str(fresh), "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["edges"] == []  # nothing cached, none asked
    assert main([*argv, "--perceptual"]) == 0
    (edge,) = json.loads(capsys.readouterr().out)["edges"]
    assert (edge["source"], edge["derivative"], edge["kind"]) == (f.original, f.proxy, "proxy")
