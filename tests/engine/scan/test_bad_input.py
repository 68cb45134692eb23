"""Bad input is cataloged with a status and a reason naming what is wrong; the scan goes on
and never changes what it scans."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import AssetStatus
from mediaopt.engine.scan import scan
from mediaopt.fixtures import scantrees

EXPECTED_REASONS = {
    "empty": "zero-byte file",
    "truncated_mov": "truncated",
    "truncated_exr": "truncated",
    "truncated_png": "truncated",
    "corrupt_exr": "header",
    "jpeg_as_mov": "named .mov but the content is a JPEG image",
    "unknown": "not a media format",
    "broken_link": "broken symlink",
    "loop_link": "symlink loop",
    "bad_name": "not valid UTF-8",
}


@pytest.fixture(scope="module")
def sources(cached_media) -> dict[str, Path]:
    return scantrees.source_media(cached_media)


@pytest.fixture
def bad_tree(tmp_path: Path, sources) -> dict[str, Path]:
    return scantrees.bad_input_tree(tmp_path / "media", sources)


def _shown(path: Path) -> str:
    from mediaopt.engine.scan.assemble import display_path

    return display_path(str(path))[0]


def test_each_bad_file_is_cataloged_with_its_reason_and_the_scan_completes(
    bad_tree, tmp_path
) -> None:
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        summary = scan([tmp_path / "media"], catalog, workers=2)
        records = {name: catalog.record(_shown(path)) for name, path in bad_tree.items()}
    problems = {p.path: p.reason for p in summary.problems}
    for name, expected in EXPECTED_REASONS.items():
        asset = records[name]
        assert asset is not None, f"{name} was not cataloged"
        assert asset.status is AssetStatus.ERROR, name
        assert expected.lower() in (asset.reason or "").lower(), (name, asset.reason)
        assert "\n" not in (asset.reason or ""), name
        assert problems[asset.path] == asset.reason, name
    for good in ("good_mov", "good_exr", "sparse"):
        assert records[good].status is AssetStatus.OK, (good, records[good].reason)
    loop_partner = str(bad_tree["loop_link"].with_name("loop_b.mov"))
    assert problems.pop(loop_partner) == "symlink loop"
    assert len(problems) == len(EXPECTED_REASONS)


def test_a_cut_movie_says_how_many_bytes_it_lacks(bad_tree, tmp_path) -> None:
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([tmp_path / "media"], catalog, workers=0)
        asset = catalog.record(str(bad_tree["truncated_mov"]))
    size = bad_tree["truncated_mov"].stat().st_size
    assert f"the file has {size}" in asset.reason


def test_a_name_that_is_not_utf8_keeps_its_bytes_readable(bad_tree, tmp_path) -> None:
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([tmp_path / "media"], catalog, workers=0)
        shown = [a.path for a in catalog.find() if "clip_" in a.path]
    assert shown == [str(tmp_path / "media" / "clip_\\xff\\xfe.mov")]


def test_a_500_gb_sparse_file_with_a_valid_header_scans_in_well_under_a_second(
    sources, tmp_path
) -> None:
    root = tmp_path / "camera"
    root.mkdir()
    huge = scantrees.media.make_sparse(root / "A001C001.mov", sources["mov"], 500 * 10**9)
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        started = time.perf_counter()
        summary = scan([root], catalog, workers=0)
        seconds = time.perf_counter() - started
        asset = catalog.record(str(huge))
    assert seconds < 0.5
    assert asset.status is AssetStatus.OK, asset.reason
    assert asset.bytes == 500 * 10**9
    assert asset.video.codec == "ProRes"
    assert summary.probed_bytes_read < 1_000_000


class _DeleteOnFirstAdvance:
    """Deletes the folder's files once the first one is done: the others were listed
    but not yet probed (workers=0 probes one at a time, in listing order)."""

    def __init__(self, victims: list[Path]):
        self.victims = victims

    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        for victim in self.victims:
            victim.unlink(missing_ok=True)
        self.victims = []

    def problem(self, path: str, reason: str) -> None:
        pass

    def done(self) -> None:
        pass


def test_a_file_deleted_mid_scan_is_reported_and_the_scan_goes_on(sources, tmp_path) -> None:
    root = tmp_path / "media"
    clips = [scantrees.copy(sources["mov"], root / f"clip{i}.mov") for i in range(3)]
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        summary = scan([root], catalog, workers=0, progress=_DeleteOnFirstAdvance(clips))
        assets = list(catalog.find())
    assert len(assets) == 3
    ok = [a for a in assets if a.status is AssetStatus.OK]
    gone = [a for a in assets if a.status is AssetStatus.ERROR]
    assert len(ok) == 1
    assert [a.reason for a in gone] == ["deleted during the scan"] * 2
    assert len(summary.problems) == 2


def test_unreadable_file_is_reported_as_permission_denied(sources) -> None:
    shared = scantrees.shared_tmpdir("mediaopt-perm-")
    try:
        root = shared / "media"
        scantrees.copy(sources["mov"], root / "good.mov")
        locked = scantrees.copy(sources["mov"], root / "locked.mov")
        locked.chmod(0)
        root.chmod(0o755)
        (shared / "cat").mkdir()
        os.chown(shared / "cat", scantrees.NOBODY, scantrees.NOBODY)

        def run() -> list[tuple[str, str, str | None]]:
            with Catalog(shared / "cat" / "catalog.sqlite") as catalog:
                scan([root], catalog, workers=0)
                return [(a.path, str(a.status), a.reason) for a in catalog.find()]

        try:
            rows = scantrees.run_as_nobody(run)
        except scantrees.Unprivileged as exc:
            pytest.skip(str(exc))
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    assert sorted(rows) == [
        (str(root / "good.mov"), "ok", None),
        (str(root / "locked.mov"), "error", "unreadable: permission denied"),
    ]


def test_symlinks_out_of_the_roots_are_followed_only_when_asked(sources, tmp_path) -> None:
    outside = scantrees.copy(sources["mov"], tmp_path / "elsewhere" / "secret.mov")
    root = tmp_path / "media"
    scantrees.copy(sources["mov"], root / "own.mov")
    os.symlink(outside, root / "linked.mov")
    os.symlink(outside.parent, root / "linked_dir")
    os.symlink(root / "own.mov", root / "alias.mov")  # inside: cataloged under own.mov
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([root], catalog, workers=0)
        plain = sorted(a.path for a in catalog.find())
    with Catalog(tmp_path / "followed.sqlite") as catalog:
        scan([root], catalog, workers=0, follow_symlinks=True)
        followed = sorted(a.path for a in catalog.find())
    assert plain == [str(root / "own.mov")]
    assert followed == [
        str(root / "linked.mov"),
        str(root / "linked_dir" / "secret.mov"),
        str(root / "own.mov"),
    ]


def _age_access_times(root: Path) -> dict[str, int]:
    """Set every file's atime before its mtime, so that relatime would update it on the
    next read, and return them."""
    times = {}
    for path in root.iterdir():
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            os.utime(path, ns=(st.st_mtime_ns - 10**12, st.st_mtime_ns))
            times[path.name] = path.stat().st_atime_ns
    return times


def test_a_scan_writes_nothing_inside_the_roots(bad_tree, tmp_path) -> None:
    root = tmp_path / "media"
    before = scantrees.listing(root)
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([root], catalog, workers=2)
        scan([root], catalog, workers=2)
    assert scantrees.listing(root) == before


def test_a_scan_leaves_access_times_of_movies_unchanged(bad_tree, tmp_path) -> None:
    root = tmp_path / "media"
    atimes = _age_access_times(root)
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([root], catalog, workers=2)
    movies = [n for n in atimes if n.endswith((".mov", ".bin")) and n != "photo.mov"]
    assert len(movies) >= 5
    assert {n: os.stat(root / n).st_atime_ns for n in movies} == {n: atimes[n] for n in movies}


def test_a_scan_leaves_access_times_of_images_unchanged(bad_tree, tmp_path) -> None:
    root = tmp_path / "media"
    atimes = _age_access_times(root)
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([root], catalog, workers=0)
    assert os.stat(bad_tree["good_exr"]).st_atime_ns == atimes["good.exr"]
