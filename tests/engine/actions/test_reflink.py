"""Dedupe by reflink where the file system really shares extents: XFS (`mkfs.xfs -m
reflink=1`) and Btrfs images, loop-mounted for the session. The rest of the suite runs on
ext4, which cannot share extents, so only here do FIDEDUPERANGE, the statvfs gain and
undo's unsharing meet a kernel that carries them out. Extents are read with `xfs_io -c
fiemap` (xfsprogs; it reads any file system), not with mediaopt's own FIEMAP code."""

from __future__ import annotations

import gc
import os
import re
import shutil
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import msgspec
import opentimelineio as otio
import pytest

from mediaopt.engine import api
from mediaopt.engine.actions.fault import ENV
from mediaopt.engine.actions.fileops import dedupe_range
from mediaopt.engine.actions.journal import read_journal
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo import media
from mediaopt.engine.model import ApplyReport, Category, Plan, StepKind, UndoReport
from mediaopt.engine.recommend.files import xxh128_file
from mediaopt.fixtures.planned import Planned, snapshot
from mediaopt.fixtures.savings import build_savings_production

VOLUME_BYTES = 300 << 20
"""The smallest file system mkfs.xfs makes (xfsprogs 5.19 and later refuse less)."""
SLACK = 512 << 10
"""How far a statvfs gain may stray from the file's size: the journal, the catalog's
writes, XFS's copy-on-write preallocation (32 blocks by default) and Btrfs's metadata
move a few blocks."""
SHARED = 0x2000  # FIEMAP_EXTENT_SHARED
MKFS = {
    "xfs": (["mkfs.xfs", "-q", "-m", "reflink=1"], "xfsprogs"),
    "btrfs": (["mkfs.btrfs", "-q"], "btrfs-progs"),
}


class Volume(NamedTuple):
    path: Path
    kind: str

    @property
    def unshares_in_place(self) -> bool:
        """FALLOC_FL_UNSHARE_RANGE: XFS has it; Btrfs does not (undo copies instead)."""
        return self.kind == "xfs"


@pytest.fixture(scope="session", params=sorted(MKFS))
def volume(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Volume]:
    kind = request.param
    (mkfs, *options), package = MKFS[kind]
    if os.geteuid() != 0:
        pytest.skip(f"loop-mounting a {kind} image needs root")
    if shutil.which(mkfs) is None or shutil.which("xfs_io") is None:
        pytest.skip(f"{mkfs} or xfs_io is absent (Debian packages {package}, xfsprogs)")
    base = tmp_path_factory.mktemp(kind)
    image, mount_point = base / "volume.img", base / "mnt"
    mount_point.mkdir()
    with open(image, "wb") as f:
        f.truncate(VOLUME_BYTES)
    made = subprocess.run([mkfs, *options, str(image)], capture_output=True)
    if made.returncode != 0:
        image.unlink()
        pytest.skip(f"{mkfs} {' '.join(options)} failed: {made.stderr.decode().strip()}")
    mounted = subprocess.run(
        ["mount", "-o", "loop", str(image), str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        image.unlink()
        pytest.skip(f"cannot loop-mount a {kind} image here: {mounted.stderr.decode().strip()}")
    try:
        yield Volume(mount_point, kind)
    finally:
        gc.collect()  # a catalog connection left to the collector would keep the volume busy
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode:
            subprocess.run(["umount", "--lazy", str(mount_point)], check=True)
            warnings.warn(f"{mount_point} was busy at the end: detached lazily", stacklevel=1)
        image.unlink()


@pytest.fixture
def on_volume(volume: Volume, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Planned]:
    """The savings production on the volume, with a recording used by a cut (16 s, 4.6 MB,
    unless the test asks for other seconds) and a copy of it written byte by byte (its
    own blocks), planned by `mediaopt recommend`. The catalog, the plan and its journal
    stay on the system disk, as a facility's would."""
    base = volume.path / request.node.name.replace("[", "_").replace("]", "")
    base.mkdir()
    try:
        yield _plan_with_big_duplicate(base, tmp_path, getattr(request, "param", 16.0))
    finally:
        shutil.rmtree(base)


def _plan_with_big_duplicate(base: Path, side: Path, seconds: float) -> Planned:
    production = build_savings_production(base, catalog=side / "catalog.sqlite")
    show = Path(production.truth.root) / "show"
    take = media.write_audio(
        show / "sound" / "scene14_take1.wav",
        codec="pcm_s24le",
        layout="stereo",
        seconds=seconds,
        frequency=311.0,
    )
    copy = show / "copies" / "scene14_take1.wav"
    copy.write_bytes(take.read_bytes())  # not copy_file_range: that may reflink by itself
    st = take.stat()
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    timeline = otio.schema.Timeline(name="reel 2")
    track = otio.schema.Track()
    timeline.tracks.append(track)
    track.append(
        otio.schema.Clip(
            name="scene14_take1",
            media_reference=otio.schema.ExternalReference(target_url=take.as_uri()),
        )
    )
    otio.adapters.write_to_file(timeline, str(show / "edit" / "reel2.otio"))
    with Catalog(production.catalog) as catalog:
        api.scan(production.roots, catalog, workers=0)
    path = side / "plan.json"
    args = ["recommend", "--catalog", production.catalog, "--unreadable-scope-depth", "1"]
    for mapping in production.truth.maps:
        args += ["--map", mapping]
    main([*args, "-o", str(path)])  # exits 1: the production holds an unreadable project
    plan = msgspec.json.decode(path.read_bytes(), type=Plan)
    os.sync()  # delayed allocation settles before free space is compared
    return Planned(production, plan, path)


def extents(path: str) -> list[tuple[int, int, int, int]]:
    """(file offset, disk offset, length, FIEMAP flags), in 512-byte units, per xfs_io."""
    out = subprocess.run(
        ["xfs_io", "-r", "-c", "fiemap -v", path], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r"\s*\d+: \[(\d+)\.\.(\d+)\]:\s+(\d+)\.\.(\d+)\s.*\s(0x[0-9a-f]+)\s*$", line)
        if m:
            start, end, disk, _, flags = m.groups()
            found.append((int(start), int(disk), int(end) - int(start) + 1, int(flags, 16)))
    assert found, out
    return found


def shares_storage(copy: str, keeper: str) -> bool:
    """Whether every block of `copy` is the keeper's block at the same offset, flagged
    shared by the file system."""
    mine, theirs = extents(copy), extents(keeper)
    return all(flags & SHARED for *_, flags in mine) and [e[:3] for e in mine] == [
        e[:3] for e in theirs
    ]


def disk_blocks(path: str) -> set[int]:
    return {disk + i for _, disk, length, _ in extents(path) for i in range(length)}


def free(path: str) -> int:
    os.sync()
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def _apply_cli(planned: Planned, capsys, *args: str) -> tuple[int, ApplyReport]:
    capsys.readouterr()
    code = main(
        ["apply", str(planned.path), "--catalog", planned.production.catalog, "--json", *args]
    )
    return code, msgspec.json.decode(capsys.readouterr().out, type=ApplyReport)


def test_a_duplicate_is_reflinked_by_the_kernel_and_frees_its_size(on_volume, capsys):
    planned = on_volume
    action = planned.action(Category.DUPLICATE, "scene14_take1")
    (f,) = action.files
    assert f.bytes > 4 << 20 and f.freed == f.bytes
    assert not shares_storage(f.path, f.keeper)
    assert not disk_blocks(f.path) & disk_blocks(f.keeper)
    root = planned.production.truth.root

    code, dry = _apply_cli(planned, capsys, "--only", action.id)
    assert code == 0 and dry.actions[0].status == "would"  # no --hardlink needed here
    before = free(root)
    code, report = _apply_cli(planned, capsys, "--only", action.id, "--execute")

    assert code == 0 and report.actions[0].status == "done", report.actions
    assert shares_storage(f.path, f.keeper)
    assert os.stat(f.path).st_ino == f.inode  # the same file, now on the keeper's blocks
    assert snapshot(planned.production.roots) == planned.before  # every byte, time, mode
    gained = free(root) - before
    reported = report.free_after[root] - report.free_before[root]
    assert abs(gained - f.bytes) < SLACK, (gained, f.bytes)
    assert abs(reported - f.bytes) < SLACK, (reported, f.bytes)
    steps = [e for e in read_journal(report.journal) if e.path == f.path]
    assert [e.step for e in steps] == [StepKind.INTENT_LINK, StepKind.LINKED]
    assert steps[0].dest == f.keeper and steps[0].xxh128 == xxh128_file(f.keeper)
    assert steps[1].method == "reflink"


def test_a_copy_changed_after_the_plan_is_not_linked(on_volume, capsys):
    """Same size and time, other bytes: only the byte comparison at apply time sees it."""
    planned = on_volume
    action = planned.action(Category.DUPLICATE, "scene14_take1")
    (f,) = action.files
    st = os.stat(f.path)
    with open(f.path, "r+b") as out:
        out.seek(3 << 20)
        out.write(b"\x01\x02\x03\x04")
    os.utime(f.path, ns=(st.st_atime_ns, st.st_mtime_ns))
    changed, kept = xxh128_file(f.path), xxh128_file(f.keeper)
    before = free(planned.production.truth.root)

    code, report = _apply_cli(planned, capsys, "--only", action.id, "--execute")

    assert code == 1 and report.actions[0].status == "refused"
    assert report.actions[0].files[0].reason == f"no longer identical to {f.keeper}"
    assert (xxh128_file(f.path), xxh128_file(f.keeper)) == (changed, kept)
    assert not disk_blocks(f.path) & disk_blocks(f.keeper)
    assert abs(free(planned.production.truth.root) - before) < SLACK


def test_the_kernel_refuses_to_share_bytes_that_differ(volume, tmp_path):
    """A copy changed between mediaopt's comparison and the ioctl: FIDEDUPERANGE compares
    again under lock and leaves it (FICLONE, fclones' mistake, would overwrite it)."""
    folder = volume.path / "differ"
    folder.mkdir()
    try:
        data = bytearray(media.write_audio(tmp_path / "t.wav", codec="pcm_s16le").read_bytes())
        keeper, copy = folder / "keeper.wav", folder / "copy.wav"
        keeper.write_bytes(data)
        data[-100] ^= 0xFF
        copy.write_bytes(data)
        with pytest.raises(ValueError, match="the kernel found the bytes differ"):
            dedupe_range(str(keeper), str(copy))
        assert copy.read_bytes() == data
        assert not disk_blocks(str(copy)) & disk_blocks(str(keeper))
    finally:
        shutil.rmtree(folder)


def test_undo_gives_a_reflinked_copy_its_own_blocks_again(on_volume, volume, capsys):
    planned = on_volume
    action = planned.action(Category.DUPLICATE, "scene14_take1")
    (f,) = action.files
    root = planned.production.truth.root
    before = free(root)
    code, report = _apply_cli(planned, capsys, "--only", action.id, "--execute")
    assert code == 0 and shares_storage(f.path, f.keeper)

    assert main(["undo", report.journal, "--json"]) == 0
    undo = msgspec.json.decode(capsys.readouterr().out, type=UndoReport)

    assert undo.restored == [f.path] and not undo.problems
    assert snapshot(planned.production.roots) == planned.before
    assert not any(flags & SHARED for *_, flags in extents(f.path))
    assert not disk_blocks(f.path) & disk_blocks(f.keeper)
    # Unshared in place where the file system can, else a fresh copy under a new inode.
    assert (os.stat(f.path).st_ino == f.inode) is volume.unshares_in_place
    assert abs(free(root) - before) < SLACK


def test_a_copy_already_reflinked_is_not_planned_again(on_volume, capsys):
    """Per-file sizes say the copy still takes 4.6 MB; its extents say it takes nothing."""
    planned = on_volume
    action = planned.action(Category.DUPLICATE, "scene14_take1")
    (f,) = action.files
    code, _ = _apply_cli(planned, capsys, "--only", action.id, "--execute")
    assert code == 0 and shares_storage(f.path, f.keeper)
    production = planned.production
    again = planned.path.with_name("plan_again.json")
    args = ["recommend", "--catalog", production.catalog, "--unreadable-scope-depth", "1"]
    for mapping in production.truth.maps:
        args += ["--map", mapping]
    main([*args, "-o", str(again)])
    plan = msgspec.json.decode(again.read_bytes(), type=Plan)
    planned_paths = {g.path for a in plan.actions for g in a.files}
    assert f.path not in planned_paths
    dupes = [a for a in plan.actions if a.category is Category.DUPLICATE]
    assert (
        sum(a.bytes for a in dupes)
        == sum(a.bytes for a in planned.plan.actions if a.category is Category.DUPLICATE) - f.bytes
    )


_APPLY = """
import sys, msgspec
from mediaopt.engine.actions import apply_plan
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Plan
plan_path, catalog, action = sys.argv[1:4]
plan = msgspec.json.decode(open(plan_path, "rb").read(), type=Plan)
with Catalog(catalog) as opened:
    apply_plan(plan, plan_path, catalog=opened, execute=True, only=[action])
"""


@pytest.mark.parametrize("on_volume", [64.0], indirect=True)  # 18.4 MB: two FIDEDUPERANGE calls
@pytest.mark.parametrize("then", ["apply again", "undo"])
def test_a_reflink_killed_half_way_is_finished_or_undone(on_volume, volume, then, capsys):
    planned = on_volume
    action = planned.action(Category.DUPLICATE, "scene14_take1")
    (f,) = action.files
    assert f.bytes > 16 << 20
    command = [sys.executable, "-c", _APPLY, str(planned.path), planned.production.catalog]
    killed = subprocess.run(
        [*command, action.id], env={**os.environ, ENV: "dedupe"}, capture_output=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

    shared = sum(n for _, _, n, flags in extents(f.path) if flags & SHARED) * 512
    assert shared == 16 << 20  # the first call's 16 MiB, the rest still its own
    assert snapshot(planned.production.roots) == planned.before
    journal = f"{planned.path}.journal"
    assert [e.step for e in read_journal(journal) if e.path == f.path] == [StepKind.INTENT_LINK]

    if then == "apply again":
        code, report = _apply_cli(planned, capsys, "--only", action.id, "--execute")
        assert code == 0 and report.resumed and report.actions[0].status == "done"
        assert shares_storage(f.path, f.keeper)
    else:
        assert main(["undo", journal, "--json"]) == 0
        undo = msgspec.json.decode(capsys.readouterr().out, type=UndoReport)
        assert undo.restored == [f.path] and not undo.problems
        assert not disk_blocks(f.path) & disk_blocks(f.keeper)
    assert snapshot(planned.production.roots) == planned.before
    same_inode = then == "apply again" or volume.unshares_in_place
    assert (os.stat(f.path).st_ino == f.inode) is same_inode


def test_undo_on_a_full_volume_keeps_the_copy_whole_and_can_be_run_again(on_volume, capsys):
    """Unsharing needs the copy's size free again; without it the copy stays as it is."""
    planned = on_volume
    action = planned.action(Category.DUPLICATE, "scene14_take1")
    (f,) = action.files
    code, report = _apply_cli(planned, capsys, "--only", action.id, "--execute")
    assert code == 0 and shares_storage(f.path, f.keeper)
    filler = Path(planned.production.base) / "filler"
    with open(filler, "wb") as out:
        os.posix_fallocate(out.fileno(), 0, free(str(filler.parent)) - (1 << 20))

    assert main(["undo", report.journal, "--json"]) == 1
    undo = msgspec.json.decode(capsys.readouterr().out, type=UndoReport)
    assert not undo.restored and undo.problems[0].startswith(f"{f.path}: not restored:")
    assert snapshot(planned.production.roots) == planned.before

    filler.unlink()
    assert main(["undo", report.journal, "--json"]) == 0
    assert not disk_blocks(f.path) & disk_blocks(f.keeper)
    assert snapshot(planned.production.roots) == planned.before
