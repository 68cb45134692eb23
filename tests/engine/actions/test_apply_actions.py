"""`mediaopt apply` and `mediaopt undo`: bytes on disk before, during and after."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import msgspec
import opentimelineio as otio
import pytest

from mediaopt.engine.actions import ApplyError, apply_plan, undo_journal
from mediaopt.engine.actions.mhl import FOLDER
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.model import ActionKind, Category, PlannedFile
from mediaopt.engine.recommend.files import may_share, xxh128_file
from mediaopt.fixtures.planned import snapshot, where_is_every_byte


def _apply(planned, **options):
    with Catalog(planned.production.catalog) as catalog:
        return apply_plan(planned.plan, planned.path, catalog=catalog, **options)


def test_a_dry_run_changes_nothing(planned):
    report = _apply(planned, archive_root=planned.archive, confirm_destructive=True, hardlink=True)
    assert not report.executed and report.journal is None
    assert {o.status for o in report.actions} <= {"would", "skipped"}
    assert snapshot(planned.production.roots) == planned.before
    assert not planned.archive.exists()


def test_execute_then_undo_restores_the_tree_bit_for_bit(planned):
    report = _apply(
        planned, execute=True, archive_root=planned.archive, confirm_destructive=True, hardlink=True
    )
    assert all(o.status == "done" for o in report.actions), report.actions
    assert not where_is_every_byte(planned)
    for action in planned.plan.actions:
        for f in action.files:
            if action.kind is ActionKind.DEDUPE:
                assert os.path.samefile(f.path, f.keeper)
            else:
                assert not os.path.exists(f.path)
    # The archived tree carries an ASC MHL history listing each file with its xxh128.
    orphan = planned.action(Category.ORPHAN, "room_tone_long")
    tree = planned.archive / orphan.archive_subdir
    (manifest,) = (tree / FOLDER).glob("0001_*.mhl")
    text = manifest.read_text()
    copy = tree / "room_tone_long.wav"
    assert f">{xxh128_file(copy)}</xxh128>" in text and "room_tone_long.wav" in text
    assert (tree / FOLDER / "ascmhl_chain.xml").exists()
    undo = undo_journal(report.journal)
    assert not undo.problems
    assert snapshot(planned.production.roots) == planned.before
    assert not [p for p in planned.archive.rglob("*") if p.is_file()]


def test_ascmhl_itself_verifies_the_archive(planned, tmp_path):
    action = planned.action(Category.ORPHAN, "room_tone_long")
    _apply(planned, only=[action.id], execute=True, archive_root=planned.archive)
    tree = planned.archive / action.archive_subdir
    ascmhl = Path(os.sys.executable).with_name("ascmhl")
    ok = subprocess.run([ascmhl, "create", str(tree), "-h", "xxh128"], capture_output=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with open(tree / "room_tone_long.wav", "r+b") as f:
        f.seek(1000)
        f.write(b"\xff\xfe")
    bad = subprocess.run([ascmhl, "create", str(tree), "-h", "xxh128"], capture_output=True)
    assert bad.returncode != 0 and b"mismatch" in (bad.stdout + bad.stderr).lower()


def test_deletes_not_marked_safe_wait_for_confirmation(planned):
    superseded = planned.action(Category.SUPERSEDED)
    cache = planned.action(Category.HOST_CACHE, "CacheClip")
    report = _apply(
        planned, only=[superseded.id, cache.id], execute=True, archive_root=planned.archive
    )
    outcome = {o.id: o for o in report.actions}
    assert outcome[superseded.id].status == "refused"
    assert all(os.path.exists(f.path) for f in superseded.files)
    assert outcome[cache.id].status == "done"
    assert not any(os.path.exists(f.path) for f in cache.files)


def test_archive_and_delete_need_an_archive_root_outside_the_roots(planned):
    with pytest.raises(ApplyError, match="--archive-root"):
        _apply(planned, execute=True)
    inside = Path(planned.production.roots[0]) / "archive"
    with pytest.raises(ApplyError, match="overlaps"):
        _apply(planned, execute=True, archive_root=inside)


def test_a_source_modified_after_the_plan_is_refused_and_kept(planned):
    action = planned.action(Category.ORPHAN, "wild_track")
    (f,) = action.files
    with open(f.path, "ab") as out:
        out.write(b"appended after the plan")
    changed = xxh128_file(f.path)
    report = _apply(planned, only=[action.id], execute=True, archive_root=planned.archive)
    (outcome,) = report.actions
    assert outcome.status == "refused" and "changed since the plan" in outcome.files[0].reason
    assert xxh128_file(f.path) == changed
    assert not list(planned.archive.rglob("wild_track*"))


def test_same_size_and_time_but_other_bytes_is_refused_for_a_delete(planned):
    """The plan's hash catches what size and mtime miss (rmlint's failure)."""
    action = planned.action(Category.HOST_CACHE, "Media Cache Files")
    f = next(f for f in action.files if f.path.endswith(".pek"))
    st = os.stat(f.path)
    with open(f.path, "r+b") as out:
        out.write(b"\xaa\xbb")
    os.utime(f.path, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = _apply(planned, only=[action.id], execute=True, archive_root=planned.archive)
    reasons = [r.reason for r in report.actions[0].files if r.reason]
    assert reasons == ["its content changed since the plan (hash differs)"]
    assert os.path.exists(f.path)


def test_a_project_saved_after_the_plan_protects_what_it_references(planned):
    action = planned.action(Category.ORPHAN, "A003C001")
    (f,) = action.files
    timeline = otio.schema.Timeline(name="new cut")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    track.append(
        otio.schema.Clip(
            name="A003C001",
            media_reference=otio.schema.ExternalReference(target_url=Path(f.path).as_uri()),
        )
    )
    edit = Path(planned.production.truth.root) / "show" / "edit" / "new_cut.otio"
    otio.adapters.write_to_file(timeline, str(edit))
    report = _apply(planned, only=[action.id], execute=True, archive_root=planned.archive)
    (outcome,) = report.actions
    assert outcome.status == "refused" and "in use now" in outcome.files[0].reason
    assert xxh128_file(f.path) == planned.before[f.path][0]


def test_a_plan_whose_roots_were_widened_is_refused(planned):
    planned.plan.roots = [*planned.plan.roots, "/"]
    with pytest.raises(ApplyError, match="not a root the catalog was scanned with"):
        _apply(planned)
    planned.plan.roots = [str(Path(planned.production.base))]
    with pytest.raises(ApplyError, match="not a root the catalog was scanned with"):
        _apply(planned)


def test_a_file_outside_the_roots_is_refused(planned, tmp_path):
    outside = tmp_path / "elsewhere.wav"
    outside.write_bytes(b"not yours")
    st = outside.stat()
    action = planned.action(Category.ORPHAN, "wild_track")
    action.files = [
        PlannedFile(
            path=str(outside),
            bytes=st.st_size,
            mtime_ns=st.st_mtime_ns,
            inode=st.st_ino,
            device=st.st_dev,
        )
    ]
    report = _apply(planned, only=[action.id], execute=True, archive_root=planned.archive)
    assert report.actions[0].files[0].reason == "outside the plan's roots"
    assert outside.read_bytes() == b"not yours"


def test_permission_denied_keeps_the_source_and_drops_the_copy(planned):
    action = planned.action(Category.ORPHAN, "room_tone_long")
    (f,) = action.files
    # Root ignores file modes; an immutable file cannot be removed even by root.
    if subprocess.run(["chattr", "+i", f.path], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    try:
        report = _apply(planned, only=[action.id], execute=True, archive_root=planned.archive)
    finally:
        subprocess.run(["chattr", "-i", f.path], check=True)
    reason = report.actions[0].files[0].reason
    assert reason.startswith("could not remove the source")
    assert xxh128_file(f.path) == planned.before[f.path][0]
    assert not list(planned.archive.rglob("room_tone_long*"))
    undo_journal(report.journal)
    assert snapshot(planned.production.roots) == planned.before


def test_a_full_archive_volume_stops_the_archive_and_keeps_every_source(planned, tmp_path):
    volume = tmp_path / "small"
    volume.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(volume)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        report = _apply(
            planned, execute=True, archive_root=volume, confirm_destructive=True, hardlink=True
        )
        full = [f.reason for o in report.actions for f in o.files if f.reason]
        assert any("archive root is full" in r for r in full), full
        assert not list(volume.rglob("*.mediaopt-partial"))
        lost = []
        for path, (digest, *_rest) in planned.before.items():
            if os.path.exists(path) and xxh128_file(path) == digest:
                continue
            copies = [p for p in volume.rglob(Path(path).name) if xxh128_file(p) == digest]
            if not copies:
                lost.append(path)
        assert not lost
        undo_journal(report.journal)
        assert snapshot(planned.production.roots) == planned.before
    finally:
        subprocess.run(["umount", str(volume)], check=True)


def test_hard_link_dedupe_is_undone_into_an_own_copy(planned):
    action = planned.action(Category.DUPLICATE)
    (f,) = action.files
    report = _apply(planned, only=[action.id], execute=True, hardlink=True)
    assert report.actions[0].status == "done"
    assert os.path.samefile(f.path, f.keeper)
    undo_journal(report.journal)
    assert not os.path.samefile(f.path, f.keeper)
    assert snapshot(planned.production.roots) == planned.before


def test_dedupe_without_extent_sharing_or_hardlink_is_refused(planned):
    action = planned.action(Category.DUPLICATE)
    dry = _apply(planned, only=[action.id])
    if not may_share(action.files[0].device):  # the dry run tells, too
        assert dry.actions[0].status == "refused"
        assert "--hardlink" in dry.actions[0].files[0].reason
    report = _apply(planned, only=[action.id], execute=True)
    reason = report.actions[0].files[0].reason or ""
    if report.actions[0].status == "done":  # a file system that shares extents (XFS, btrfs)
        assert not reason
    else:
        assert "--hardlink" in reason
    assert snapshot(planned.production.roots) == planned.before


def test_apply_cli_dry_run_then_execute(planned, capsys):
    catalog = ["--catalog", planned.production.catalog]
    assert main(["apply", str(planned.path), *catalog, "--json", "--hardlink"]) == 0
    report = msgspec.json.decode(capsys.readouterr().out)
    assert report["executed"] is False
    cache = planned.action(Category.HOST_CACHE, "CacheClip")
    args = ["apply", str(planned.path), *catalog, "--only", cache.id, "--execute"]
    assert main([*args, "--archive-root", str(planned.archive)]) == 0
    capsys.readouterr()
    journal = f"{planned.path}.journal"
    assert main(["undo", journal, "--json"]) == 0
    assert msgspec.json.decode(capsys.readouterr().out)["restored"]
    assert snapshot(planned.production.roots) == planned.before


def test_a_plan_made_for_reading_removes_nothing(planned, tmp_path):
    """The report's plan skips content hashes to be fast; what it would delete or link
    could be rewritten in place without its size or time changing, so apply refuses it."""
    from mediaopt.engine.recommend import recommend

    production = planned.production
    with Catalog(production.catalog) as catalog:
        unhashed = recommend(
            catalog, production.roots, settings=production.settings(), hashes=False
        )
        removing = [a for a in unhashed.actions if a.kind in (ActionKind.DELETE, ActionKind.DEDUPE)]
        assert removing and all(f.xxh128 is None for a in removing for f in a.files)
        path = tmp_path / "unhashed.json"
        path.write_bytes(msgspec.json.encode(unhashed))
        report = apply_plan(
            unhashed,
            path,
            catalog=catalog,
            execute=True,
            archive_root=planned.archive,
            confirm_destructive=True,
            hardlink=True,
        )
    refused = {o.id: o for o in report.actions if o.status == "refused"}
    assert {a.id for a in removing} <= set(refused)
    assert all("no content hash" in refused[a.id].note for a in removing)
    for action in removing:
        for f in action.files:
            assert xxh128_file(f.path) == planned.before[f.path][0]
