"""scan, info, find and stats on a small known tree: the catalog they share, its location,
its filters and its JSON."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from mediaopt.engine.catalog.location import is_url, shown
from mediaopt.engine.catalog.schema import SCHEMA_VERSION
from mediaopt.engine.cli.stats import StatsReport
from mediaopt.engine.demo import media
from mediaopt.engine.model import Asset, AssetKind, ScanSummary
from mediaopt.fixtures import scantrees


def mediaopt(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mediaopt.engine.cli", *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def known_tree(cached_media, tmp_path_factory) -> Path:
    """prores/ a 64x48 ProRes 422 HQ at 24 fps; h264/ a 128x96 8-bit BT.709 H.264 at 25
    fps; plates/ five 64x48 half-float EXR frames; stills/ a PNG."""
    sources = scantrees.source_media(cached_media)
    h264 = cached_media(
        "catalog-h264-bt709-v1.mp4",
        media.write_movie,
        codec="libx264",
        pix_fmt="yuv420p",
        width=128,
        height=96,
        rate=25,
        frames=10,
        options={"x264-params": "colorprim=bt709:transfer=bt709:colormatrix=bt709"},
    )
    root = tmp_path_factory.mktemp("known")
    scantrees.copy(sources["mov"], root / "prores" / "A001C001.mov")
    scantrees.copy(h264, root / "h264" / "review.mp4")
    for frame in range(1, 6):
        scantrees.copy(sources["exr"], root / "plates" / f"bg.{frame:04d}.exr")
    scantrees.copy(sources["png"], root / "stills" / "board.png")
    return root


@pytest.fixture(scope="module")
def scanned(known_tree, module_catalog_location) -> tuple[Path, str, ScanSummary]:
    """The known tree scanned into a new catalog: an SQLite file, then a PostgreSQL one."""
    catalog = module_catalog_location
    done = mediaopt("scan", str(known_tree), "--catalog", catalog, "--json")
    assert done.returncode == 0, done.stderr.decode()
    return known_tree, catalog, msgspec.json.decode(done.stdout, type=ScanSummary)


def find(catalog: str, *filters: str) -> list[Asset]:
    done = mediaopt("find", "--catalog", str(catalog), "--json", *filters)
    assert done.returncode == 0, done.stderr.decode()
    decoder = msgspec.json.Decoder(Asset)
    return [decoder.decode(line) for line in done.stdout.splitlines()]


def names(assets: list[Asset], root: Path) -> list[str]:
    return sorted(str(Path(a.path).relative_to(root)) for a in assets)


def test_scan_json_decodes_into_a_scan_summary(scanned) -> None:
    root, catalog, summary = scanned
    assert (summary.files_seen, summary.assets, summary.sequences) == (8, 4, 1)
    assert summary.catalog == (shown(catalog) if is_url(catalog) else catalog)
    assert summary.problems == []


def test_the_catalog_is_sqlite_in_wal_mode_at_the_current_schema(scanned) -> None:
    _, catalog, _ = scanned
    if is_url(catalog):
        import psycopg

        with psycopg.connect(catalog) as conn:
            row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        assert row[0] == SCHEMA_VERSION
        return
    with sqlite3.connect(catalog) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), ["h264/review.mp4", "plates/bg.####.exr", "prores/A001C001.mov", "stills/board.png"]),
        (("--kind", "sequence"), ["plates/bg.####.exr"]),
        (("--kind", "video"), ["h264/review.mp4", "prores/A001C001.mov"]),
        (("--codec", "prores"), ["prores/A001C001.mov"]),
        (("--codec", "AVC"), ["h264/review.mp4"]),
        (("--min-width", "100"), ["h264/review.mp4"]),
        (("--fps", "25"), ["h264/review.mp4"]),
        (("--bit-depth", "8"), ["h264/review.mp4", "stills/board.png"]),
        (("--bit-depth", "16"), ["plates/bg.####.exr"]),
        (("--primaries", "BT.709"), ["h264/review.mp4"]),
        (("--larger-than", "5k"), ["plates/bg.####.exr", "prores/A001C001.mov"]),
        (("--under", "plates"), ["plates/bg.####.exr"]),
        (("--kind", "video", "--fps", "24"), ["prores/A001C001.mov"]),
    ],
)
def test_find_filters_give_the_right_assets(scanned, filters, expected) -> None:
    root, catalog, _ = scanned
    args = list(filters)
    if "--under" in args:
        args[args.index("--under") + 1] = str(root / args[args.index("--under") + 1])
    assert names(find(catalog, *args), root) == expected


def test_larger_than_compares_logical_bytes(scanned) -> None:
    root, catalog, _ = scanned
    sizes = {str(Path(a.path).relative_to(root)): a.bytes for a in find(catalog)}
    threshold = sizes["h264/review.mp4"]
    bigger = names(find(catalog, "--larger-than", str(threshold)), root)
    assert bigger == sorted(n for n, size in sizes.items() if size > threshold)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("kind", {"video": 2, "sequence": 1, "image": 1}),
        ("extension", {"mov": 1, "mp4": 1, "exr": 1, "png": 1}),
        ("resolution", {"64x48": 3, "128x96": 1}),
        ("folder", {"prores": 1, "h264": 1, "plates": 1, "stills": 1}),
    ],
)
def test_stats_count_assets_by_group(scanned, by, expected) -> None:
    root, catalog, _ = scanned
    done = mediaopt("stats", "--by", by, "--catalog", str(catalog), "--json")
    report = msgspec.json.decode(done.stdout, type=StatsReport)
    counts = {row.key: row.files for row in report.rows}
    if by == "folder":
        counts = {str(Path(k).relative_to(root)): n for k, n in counts.items()}
    assert counts == expected
    total = sum(a.bytes for a in find(catalog))
    assert report.total_bytes == total
    assert report.total_files == 4


def test_stats_by_codec_sums_the_bytes_of_each_codec(scanned) -> None:
    root, catalog, _ = scanned
    done = mediaopt("stats", "--by", "codec", "--catalog", str(catalog), "--json")
    report = msgspec.json.decode(done.stdout, type=StatsReport)
    by_codec = {row.key: row.bytes for row in report.rows}
    prores = find(catalog, "--codec", "prores")[0]
    assert by_codec["ProRes"] == prores.bytes
    assert len(report.rows) == 4


def test_mediaopt_catalog_variable_is_honoured_by_every_command(known_tree, tmp_path) -> None:
    catalog = tmp_path / "from-env.sqlite"
    env = {"MEDIAOPT_CATALOG": str(catalog)}
    scanned = mediaopt("scan", str(known_tree / "prores"), "--json", env=env)
    assert scanned.returncode == 0, scanned.stderr.decode()
    assert msgspec.json.decode(scanned.stdout, type=ScanSummary).catalog == str(catalog)
    found = mediaopt("find", "--json", env=env)
    assert len(found.stdout.splitlines()) == 1
    stats = mediaopt("stats", "--json", env=env)
    assert msgspec.json.decode(stats.stdout, type=StatsReport).total_files == 1
    info = mediaopt("info", str(known_tree / "prores" / "A001C001.mov"), "--json", env=env)
    assert msgspec.json.decode(info.stdout, type=Asset).video.codec == "ProRes"
    # --catalog wins over the variable
    other = tmp_path / "other.sqlite"
    mediaopt("scan", str(known_tree / "h264"), "--catalog", str(other), env=env)
    found = mediaopt("find", "--json", "--catalog", str(other), env=env)
    assert [msgspec.json.decode(x, type=Asset).format for x in found.stdout.splitlines()] == [
        "MPEG-4"
    ]


@pytest.mark.parametrize("target", ["stills/board.png", "plates/bg.0003.exr", "plates/bg.####.exr"])
def test_info_describes_a_file_a_frame_and_a_pattern(scanned, target) -> None:
    root, catalog, _ = scanned
    done = mediaopt("info", str(root / target), "--catalog", str(catalog), "--json")
    assert done.returncode == 0, done.stderr.decode()
    asset = msgspec.json.decode(done.stdout, type=Asset)
    if target.startswith("plates"):
        assert asset.kind is AssetKind.SEQUENCE
        assert asset.path == str(root / "plates" / "bg.####.exr")
        assert asset.sequence.frame_count == 5
    else:
        assert (asset.kind, asset.video.width) == (AssetKind.IMAGE, 64)


def test_info_probes_files_the_catalog_does_not_hold(known_tree, tmp_path) -> None:
    pattern = str(known_tree / "plates" / "bg.####.exr")
    done = mediaopt("info", pattern, "--catalog", str(tmp_path / "c"), "--json")
    asset = msgspec.json.decode(done.stdout, type=Asset)
    assert (asset.sequence.first_frame, asset.sequence.last_frame) == (1, 5)
    assert asset.probe_count == 2


def test_a_catalog_from_a_newer_mediaopt_is_refused_clearly(scanned, tmp_path) -> None:
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for command in (["find"], ["stats"], ["scan", str(scanned[0])]):
        done = mediaopt(*command, "--catalog", str(newer))
        assert done.returncode == 2
        message = done.stderr.decode()
        assert str(newer) in message.replace("\n", "")
        assert "newer mediaopt" in message


def test_an_empty_file_is_migrated_to_the_current_schema(tmp_path) -> None:
    old = tmp_path / "old.sqlite"
    sqlite3.connect(old).close()
    done = mediaopt("stats", "--catalog", str(old), "--json")
    assert done.returncode == 0, done.stderr.decode()
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_records_of_a_schema_4_catalog_gain_their_status_on_upgrade(tmp_path) -> None:
    # Version 4 wrote `ok` records without a status key; reading them must still work.
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.catalog.schema import MIGRATIONS

    old = tmp_path / "v4.sqlite"
    with sqlite3.connect(old) as conn:
        for script in MIGRATIONS[:4]:
            conn.executescript(script)
        conn.execute("PRAGMA user_version = 4")
        record = b'{"path":"/show/a.wav","kind":"audio","bytes":10,"mtime":1.0}'
        conn.execute(
            "INSERT INTO assets (path, dir, kind, status, bytes, mtime, identity, scan_id,"
            " record) VALUES ('/show/a.wav', '/show', 'audio', 'ok', 10, 1.0, 'x', 1, ?)",
            (record,),
        )
    with Catalog(old) as catalog:
        asset = catalog.get("/show/a.wav")
    assert asset is not None and asset.status == "ok"


def test_scan_exits_1_when_some_files_failed(cached_media, tmp_path) -> None:
    sources = scantrees.source_media(cached_media)
    scantrees.bad_input_tree(tmp_path / "media", sources)
    done = mediaopt("scan", str(tmp_path / "media"), "--catalog", str(tmp_path / "c.sqlite"))
    assert done.returncode == 1
    out = done.stdout.decode()
    assert "zero-byte file" in out
    assert str(tmp_path / "media" / "empty.mov") in out.replace("\n", "")


def test_info_on_a_file_creates_no_catalog(tmp_path, cached_media):
    import subprocess
    import sys

    from mediaopt.engine.demo import media

    movie = cached_media(
        "info_no_catalog.mov",
        media.write_movie,
        codec="mpeg4",
        pix_fmt="yuv420p",
        frames=2,
        width=32,
        height=18,
    )
    missing = tmp_path / "nowhere" / "catalog.sqlite"
    result = subprocess.run(
        [sys.executable, "-m", "mediaopt.engine.cli", "info", "--json", str(movie)],
        env={"MEDIAOPT_CATALOG": str(missing), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    import msgspec

    from mediaopt.engine.model import Asset

    asset = msgspec.json.decode(result.stdout, type=Asset)
    assert asset.video is not None and asset.video.codec == "MPEG-4 Visual"
    assert not missing.parent.exists()
