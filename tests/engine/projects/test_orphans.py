"""Orphans on a production with known truth: exact sets, and every way a referenced file
could wrongly be called an orphan."""

from __future__ import annotations

import os
import time

import pytest

from mediaopt.engine.demo.feature import AGE_DAYS
from mediaopt.engine.production.analysis import find_orphans
from mediaopt.engine.projects.orphans import MEDIA_KINDS
from mediaopt.engine.refs.pathmap import PathMap

DAY = 86400.0


def _orphans(production, maps: bool = True, **options):
    """The fixture's truth holds with its shows apart: an unreadable project puts only its
    own show in doubt (depth 1); the default, every root, is tested on its own."""
    truth = production.truth
    path_map = PathMap.parse(truth.maps if maps else [])
    options.setdefault("unreadable_scope_depth", 1)
    return find_orphans(production.index, [truth.root], path_map=path_map, **options)


def test_orphans_are_exactly_the_unused_media_with_their_categories(production):
    report = _orphans(production)
    assert {o.path: str(o.category) for o in report.orphans} == production.truth.orphans
    assert report.orphan_bytes == sum(o.bytes for o in report.orphans) > 0


def test_uncertain_are_exactly_unresolved_candidates_and_an_unreadable_projects_show(
    production,
):
    report = _orphans(production)
    assert sorted(u.path for u in report.uncertain) == sorted(production.truth.uncertain)


def test_paths_written_on_mac_windows_and_a_file_server_are_uncertain_without_a_map(
    production,
):
    report = _orphans(production, maps=False)
    uncertain = {u.path for u in report.uncertain}
    orphans = {o.path for o in report.orphans}
    for path in production.truth.needs_map:
        assert path in uncertain and path not in orphans
    assert uncertain == set(production.truth.uncertain) | set(production.truth.needs_map)
    assert {o.path: str(o.category) for o in report.orphans} == production.truth.orphans


def test_paths_written_on_another_os_resolve_with_the_map(production):
    report = _orphans(production)
    unresolved = {u.reference.path for u in report.unresolved_references}
    assert unresolved == {"/mnt/elsewhere/A009C009.mov"}
    reported = {o.path for o in report.orphans} | {u.path for u in report.uncertain}
    assert not reported & set(production.truth.needs_map)


@pytest.mark.parametrize("maps", [True, False])
@pytest.mark.parametrize("explicit", [True, False])
def test_no_referenced_asset_is_ever_an_orphan(production, maps, explicit):
    truth = production.truth
    projects = truth.projects if explicit else None
    report = _orphans(production, maps=maps, projects=projects)
    orphans = {o.path for o in report.orphans}
    assert not orphans & set(truth.referenced)
    assert not orphans & set(truth.recent)
    _cataloged(production, *truth.referenced, *truth.recent)
    doubted = {u.path for u in report.uncertain} & set(truth.referenced)
    assert report.referenced + report.kept_as_source + len(doubted) >= len(truth.referenced)
    # Also by the file behind each frame of a sequence and by a different spelling.
    assert all(os.path.abspath(p) == p for p in orphans)


def test_a_sequence_referenced_for_a_sub_range_is_kept(production):
    plate = next(p for p in production.truth.referenced if "plate" in p)
    report = _orphans(production, maps=False)
    assert plate not in {o.path for o in report.orphans} | {u.path for u in report.uncertain}
    _cataloged(production, plate)
    nuke = next(p for p in report.projects if p.kind == "nuke")
    assert nuke.resolved == nuke.references == 2


def test_a_clip_known_only_by_name_and_reel_keeps_its_media(production):
    clip = os.path.join(production.root, "show", "camera", "A001C004.mov")
    report = _orphans(production, maps=False)
    assert clip not in {o.path for o in report.orphans} | {u.path for u in report.uncertain}
    _cataloged(production, clip)


def test_an_unreadable_project_is_reported_and_its_show_is_uncertain(production):
    truth = production.truth
    report = _orphans(production)
    assert report.failed_projects == [truth.corrupt_project]
    failed = next(p for p in report.projects if p.path == truth.corrupt_project)
    assert failed.errors and truth.corrupt_project in failed.errors[0]
    other_show = os.path.join(truth.root, "other_show") + os.sep
    assert not any(o.path.startswith(other_show) for o in report.orphans)
    assert any(u.path.startswith(other_show) for u in report.uncertain)
    read = {p.path for p in report.projects if not p.errors}
    assert read == set(truth.projects) - {truth.corrupt_project}


def test_by_default_an_unreadable_project_puts_every_root_in_doubt(production):
    truth = production.truth
    report = _orphans(production, unreadable_scope_depth=None)
    assert report.orphans == []
    uncertain = {u.path for u in report.uncertain}
    assert uncertain == set(truth.orphans) | set(truth.uncertain)
    assert any(truth.corrupt_project in u.reason for u in report.uncertain)


def test_recent_files_are_never_orphans(production):
    report = _orphans(production)
    assert report.kept_recent == len(production.truth.recent)
    listed = {o.path for o in report.orphans} | {u.path for u in report.uncertain}
    assert not listed & set(production.truth.recent)
    _cataloged(production, *production.truth.recent)
    # A grace period longer than the media's age keeps everything.
    assert _orphans(production, grace_days=AGE_DAYS + 1).orphans == []


def test_a_proxy_of_a_referenced_original_is_regenerable_and_the_original_of_a_referenced_proxy_is_kept(  # noqa: E501
    production,
):
    root = production.root
    report = _orphans(production)
    categories = {o.path: str(o.category) for o in report.orphans}
    assert categories[os.path.join(root, "show", "proxies", "A001C003_proxy.mp4")] == (
        "regenerable"
    )
    original = os.path.join(root, "show", "camera", "A002C005.mov")
    assert original not in categories
    assert report.kept_as_source == 1


def test_older_versions_of_a_referenced_render_are_superseded(production):
    report = _orphans(production)
    superseded = sorted(o.path for o in report.orphans if o.category == "superseded")
    assert [os.path.basename(p) for p in superseded] == [
        "sh010_comp_v001.####.exr",
        "sh010_comp_v002.####.exr",
    ]


def test_media_used_only_by_dormant_projects_is_uncertain_not_orphaned(production):
    truth = production.truth
    later = time.time() + 400 * DAY
    report = _orphans(production, now=later, dormant_days=90)
    assert all(not p.active for p in report.projects)
    orphans = {o.path for o in report.orphans}
    assert not orphans & set(truth.referenced)
    dormant = {u.path for u in report.uncertain if "dormant" in u.reason}
    assert set(truth.referenced) <= dormant


def test_a_project_given_explicitly_is_honoured_even_when_dormant(production):
    truth = production.truth
    nuke = next(p for p in truth.projects if p.endswith(".nk"))
    later = time.time() + 400 * DAY
    report = _orphans(production, projects=[nuke], now=later, dormant_days=90)
    plate = next(p for p in truth.referenced if "plate" in p)
    assert report.projects[0].active
    assert plate not in {o.path for o in report.orphans} | {u.path for u in report.uncertain}
    _cataloged(production, plate)


def _cataloged(production, *paths: str) -> None:
    """The positive half of an absence: the file is cataloged media, so the search saw
    it and kept it."""
    for path in paths:
        entry = production.index.by_path.get(path)
        assert entry is not None and entry.kind in MEDIA_KINDS, f"{path} was never cataloged"
