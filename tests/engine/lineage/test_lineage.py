"""Lineage on the fixture production: explicit edges from the Nuke comp, inferred ones
from names; and inference that stays linear on a large library."""

from __future__ import annotations

import time

from mediaopt.engine.lineage import infer_edges
from mediaopt.engine.lineage.report import lineage_in
from mediaopt.engine.production.analysis import analyse_production
from mediaopt.engine.production.session import open_session
from mediaopt.engine.refs.config import Settings
from mediaopt.engine.refs.index import Entry


def _edges(production, under: str | None = None) -> set[tuple[str, str, str]]:
    session = open_session(production.index, [production.root])
    return {(e.source, e.derivative, str(e.kind)) for e in lineage_in(session, under).edges}


def test_lineage_is_exactly_the_known_edges(production):
    truth = production.truth
    copy = f"{truth.root}/show/copies/A001C003.mov"
    proxy = f"{truth.root}/show/proxies/A001C003_proxy.mp4"
    # The exact copy of a camera original has the same clip name: its proxy may come
    # from either, and both edges are true.
    assert _edges(production) == set(truth.lineage) | {(copy, proxy, "proxy")}


def test_a_nuke_comp_states_its_render_with_full_confidence(production):
    session = open_session(production.index, [production.root])
    renders = [e for e in lineage_in(session).edges if e.kind == "render"]
    assert len(renders) == 1
    assert renders[0].confidence == 1.0
    assert "sh010_comp.nk" in renders[0].evidence and "Read1" in renders[0].evidence


def test_lineage_under_a_folder_keeps_only_edges_touching_it(production):
    vfx = f"{production.root}/show/vfx"
    kinds = sorted(kind for _, _, kind in _edges(production, vfx))
    assert kinds == ["render", "version", "version"]


def test_analyse_production_returns_projects_orphans_and_lineage_together(production):
    truth = production.truth
    analysis = analyse_production(
        production.index,
        [truth.root],
        settings=Settings(path_map=truth.maps, unreadable_scope_depth=1),
    )
    assert {o.path: str(o.category) for o in analysis.orphans.orphans} == truth.orphans
    assert len(analysis.lineage.edges) == len(truth.lineage) + 1
    assert {p.path for p in analysis.projects.projects} == set(truth.projects)


def _entry(path: str, **fields) -> Entry:
    return Entry(path=path, kind="video", bytes=1, mtime=0.0, **fields)


def test_naming_inference_is_not_quadratic():
    # 20,000 clips, each with a proxy and two versions: an all-pairs search would make
    # 4 * 10^9 comparisons; grouping by key makes a few per clip.
    entries = []
    for i in range(20_000):
        entries.append(_entry(f"/show/cam/C{i:05d}.mov"))
        entries.append(_entry(f"/show/proxy/C{i:05d}.mov"))
        entries.append(_entry(f"/show/renders/s{i:05d}_comp_v001.mov"))
        entries.append(_entry(f"/show/renders/s{i:05d}_comp_v002.mov"))
    started = time.perf_counter()
    edges = list(infer_edges(entries))
    assert time.perf_counter() - started < 10
    assert sum(e.kind == "proxy" for e in edges) == 20_000
    assert sum(e.kind == "version" for e in edges) == 20_000


def test_reel_and_name_matches_do_not_cross_from_one_root_to_another(tmp_path):
    from mediaopt.engine import api
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.demo import media

    # Two productions, both with a first card A001 and clip C003 at 01:00:00:00: the
    # camera's naming, not a derivation. Within one show the same pair would be a proxy.
    commercial, feature = tmp_path / "commercial", tmp_path / "feature"
    clip = dict(codec="mpeg4", pix_fmt="yuv420p", frames=4, timecode="01:00:00:00", reel="A001C003")
    media.write_movie(commercial / "A001C003.mov", width=128, height=72, **clip)
    media.write_movie(feature / "A001C003.mov", width=64, height=36, **clip)
    media.write_movie(feature / "proxies" / "A001C003_proxy.mov", width=32, height=18, **clip)
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        api.scan([tmp_path], catalog, workers=0)
        apart = open_session(catalog, [str(commercial), str(feature)]).edges
        together = open_session(catalog, [str(tmp_path)]).edges
    assert {(e.source, e.derivative) for e in apart} == {
        (str(feature / "A001C003.mov"), str(feature / "proxies" / "A001C003_proxy.mov"))
    }
    assert any(e.source == str(commercial / "A001C003.mov") for e in together)
