"""The catalog behaves the same on SQLite and PostgreSQL: every test here runs once per
backend (`catalog` fixture), on trees of real media; the PostgreSQL run needs
$MEDIAOPT_TEST_POSTGRES and is skipped with a reason without it."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import msgspec
import pytest

from mediaopt.engine.catalog import Catalog, CatalogError, CatalogVersionError
from mediaopt.engine.catalog.schema import SCHEMA_VERSION
from mediaopt.engine.demo import media
from mediaopt.engine.model import AssetKind, RenderJob
from mediaopt.engine.scan import scan
from mediaopt.fixtures import scantrees

HUGE = scantrees.SPARSE_SIZE
"""500 GB: past 32-bit integers, which PostgreSQL's INTEGER is."""


@pytest.fixture
def tree(cached_media, tmp_path) -> Path:
    """Clips, a sibling folder whose name extends theirs (`clips` / `clips_old`: a prefix
    range must not mix them), a 10-frame EXR sequence, stills and one 500 GB camera file."""
    sources = scantrees.source_media(cached_media)
    root = tmp_path / "media"
    for i in range(3):
        scantrees.copy(sources["mov"], root / "clips" / f"A001C00{i + 1}.mov")
    scantrees.copy(sources["mov"], root / "clips_old" / "A001C001.mov")
    for frame in range(1001, 1011):
        scantrees.copy(sources["exr"], root / "plates" / f"plate.{frame}.exr")
    scantrees.copy(sources["png"], root / "stills" / "Board_v1.png")
    scantrees.copy(sources["jpg"], root / "stills" / "Board%v1.jpg")
    (root / "camera").mkdir()
    media.make_sparse(root / "camera" / "HUGE_A001.mov", sources["mov"], HUGE)
    return root


def test_find_filters_and_orders_alike(tree: Path, catalog: Catalog) -> None:
    summary = scan([tree], catalog, workers=0)
    assert not summary.problems, summary.problems
    found = list(catalog.find())
    assert len(found) == catalog.count() == 3 + 1 + 1 + 2 + 1
    assert found[0].path == str(tree / "camera" / "HUGE_A001.mov")
    assert found[0].bytes == HUGE
    sizes = [(a.bytes, a.path) for a in found]
    assert sizes == sorted(sizes, key=lambda s: (-s[0], s[1]))  # largest first, then path
    # The codec filter ignores case, on both databases.
    prores = {a.path for a in catalog.find(codec="PRORES")}
    assert prores == {a.path for a in catalog.find(codec="prores")}
    assert len(prores) == 5
    under = {a.path for a in catalog.find(under=tree / "clips")}
    assert under == {str(tree / "clips" / f"A001C00{i}.mov") for i in (1, 2, 3)}
    assert [a.path for a in catalog.find(under=tree, recursive=False)] == []
    assert [a.path for a in catalog.find(larger_than=10**12)] == []
    assert [a.path for a in catalog.find(larger_than=HUGE - 1)] == [found[0].path]
    assert [a.kind for a in catalog.find(kind=AssetKind.SEQUENCE)] == [AssetKind.SEQUENCE]
    assert {a.path for a in catalog.find(min_width=64, kind=AssetKind.IMAGE)} == {
        str(tree / "stills" / "Board_v1.png"),
        str(tree / "stills" / "Board%v1.jpg"),
    }


def test_stats_sum_past_32_bits_as_integers(tree: Path, catalog: Catalog) -> None:
    scan([tree], catalog, workers=0)
    rows = catalog.stats(by="folder")
    on_disk = {}
    for asset in catalog.find():
        folder = os.path.dirname(asset.path)
        on_disk[folder] = on_disk.get(folder, 0) + asset.bytes
    assert {r.key: r.bytes for r in rows} == on_disk
    assert rows[0].key == str(tree / "camera") and rows[0].bytes == HUGE
    # Whole numbers in JSON (PostgreSQL sums BIGINT as NUMERIC: a Decimal would print
    # as a string).
    assert b'"bytes":"' not in msgspec.json.encode(rows)
    assert all(type(r.bytes) is int and type(r.files) is int for r in rows)
    assert sum(r.files for r in catalog.stats(under=str(tree / "clips"))) == 3


def test_lookups_by_name_and_reel(tree: Path, catalog: Catalog) -> None:
    scan([tree], catalog, workers=0)
    # LIKE's wildcards in a name (`_`, `%`) are matched literally; case is ignored.
    assert [a.path for a in catalog.by_name("board_V1.PNG")] == [
        str(tree / "stills" / "Board_v1.png")
    ]
    assert [a.path for a in catalog.by_name("Board%v1.jpg")] == [
        str(tree / "stills" / "Board%v1.jpg")
    ]
    assert [a.path for a in catalog.by_name("Board_v1.jpg")] == []
    assert sorted(a.path for a in catalog.by_name("A001C001.mov")) == [
        str(tree / "clips" / "A001C001.mov"),
        str(tree / "clips_old" / "A001C001.mov"),
    ]
    clip = catalog.record(str(tree / "clips" / "A001C002.mov"))
    identity = catalog.identities_of([clip.path])[clip.path]
    catalog.put([(msgspec.structs.replace(clip, reel="A001"), str(tree / "clips"), *identity)], 1)
    assert [a.path for a in catalog.by_reel("A001")] == [clip.path]
    assert list(catalog.by_reel("A002")) == []


def test_a_frame_finds_its_sequence(tree: Path, catalog: Catalog) -> None:
    scan([tree], catalog, workers=0)
    sequence = catalog.get(tree / "plates" / "plate.1004.exr")
    assert sequence is not None and sequence.path == str(tree / "plates" / "plate.####.exr")
    assert catalog.get(tree / "plates" / "plate.2000.exr") is None


def test_rescans_forget_only_what_is_gone_under_their_roots(tree: Path, catalog: Catalog):
    scan([tree / "clips"], catalog, workers=0)
    scan([tree / "clips_old"], catalog, workers=0)
    os.remove(tree / "clips" / "A001C003.mov")
    again = scan([tree / "clips"], catalog, workers=0)
    assert again.removed == 1
    assert sorted(a.path for a in catalog.find()) == sorted(
        [
            str(tree / "clips" / "A001C001.mov"),
            str(tree / "clips" / "A001C002.mov"),
            str(tree / "clips_old" / "A001C001.mov"),
        ]
    )
    assert catalog.roots() == [str(tree / "clips"), str(tree / "clips_old")]
    assert all(r.last_scanned for r in catalog.scanned_roots())
    assert catalog.last_scan_finished() is not None
    assert catalog.forget([str(tree / "clips_old" / "A001C001.mov")]) == 1
    assert catalog.folders_under(str(tree)) == [str(tree / "clips")]


def test_reading_while_writing_on_one_catalog(tree: Path, catalog: Catalog) -> None:
    """A caller may look records up, and write, while it walks a stream of assets (the
    index builder and the dedup search do): the stream is not disturbed."""
    scan([tree], catalog, workers=0)
    seen = []
    for asset in catalog.find():
        assert catalog.record(asset.path) == asset
        catalog.touch([asset.path], scan_id=99)
        seen.append(asset.path)
    assert len(seen) == catalog.count()
    assert sorted(p for p, _ in catalog.records_at(seen)) == sorted(seen)
    assert len(list(catalog.keyed_records())) == len(seen)
    assert len(list(catalog.records(under=[tree / "clips", tree]))) == len(seen)


def test_the_caches_beside_the_assets(catalog: Catalog) -> None:
    fp = catalog.fingerprints
    fp.put_hashes("dev:1:10:5", 10, b"\x00partial", b"\xfffull")
    fp.put_hashes("dev:1:10:5", 10, b"\x01partial", None)  # keeps the full hash
    assert fp.hashes("dev:1:10:5") == (b"\x01partial", b"\xfffull")
    assert fp.hashes("unknown") == (None, None)
    fp.put("dev:1:10:5", "image", b"\x00" * 8, None)
    fp.put("dev:1:10:5", "image", b"\x01" * 8, b"thumb")
    assert fp.get("dev:1:10:5", "image") == (b"\x01" * 8, b"thumb")
    assert fp.count() == fp.count("image") == 1
    fp.clear()
    assert fp.count() == 0

    profiles = catalog.rate_profiles
    profiles.put([("v1", "/media/a.mov", b"\x00\x01"), ("n", "/media/b.mov", None)])
    profiles.put([("v2", "/media/a.mov", b"\x02" * 5)])  # a's earlier version goes
    assert profiles.get("v1") == (False, None)
    assert profiles.get("v2") == (True, b"\x02" * 5)
    assert profiles.get("n") == (True, None)
    assert profiles.count() == 2 and profiles.count("/media/a.mov") == 1
    assert sorted(profiles.sizes()) == [0, 5]

    jobs = catalog.render_jobs
    jobs.put(RenderJob(farm="deadline", job_id="42", output_asset="/r/a.####.exr", finished=2.0))
    jobs.put(RenderJob(farm="deadline", job_id="7", finished=1.0))
    jobs.put(RenderJob(farm="deadline", job_id="42", output_asset="/r/b.####.exr", finished=3.0))
    assert [(j.job_id, j.output_asset) for j in jobs.all()] == [
        ("7", None),
        ("42", "/r/b.####.exr"),
    ]


def test_a_catalog_from_a_newer_mediaopt_is_refused(catalog_location: str) -> None:
    with Catalog(catalog_location) as catalog:
        catalog.conn.execute(
            "INSERT INTO schema_version (version) VALUES (?)"
            if catalog.backend == "postgresql"
            else f"PRAGMA user_version = {SCHEMA_VERSION + 1}",
            (SCHEMA_VERSION + 1,) if catalog.backend == "postgresql" else (),
        )
    with pytest.raises(CatalogVersionError, match="newer mediaopt"):
        Catalog(catalog_location)


# -- PostgreSQL only ---------------------------------------------------------------------


def test_the_password_is_never_shown(postgres_catalog_url: str) -> None:
    import psycopg

    password = psycopg.conninfo.conninfo_to_dict(postgres_catalog_url).get("password")
    assert password, "the test server's URL should carry a password"
    with Catalog(postgres_catalog_url) as catalog:
        assert f":{password}@" not in str(catalog.path) and "password" not in str(catalog.path)
        assert str(catalog.path).startswith("postgresql://")
        # The shown URL opens the same catalog again in this process (as the index and
        # the watcher reopen it).
        catalog.fingerprints.put_hashes("id", 1, b"p", None)
        with Catalog(catalog.path) as again:
            assert again.fingerprints.hashes("id") == (b"p", None)
    wrong = postgres_catalog_url.replace(f":{password}@", ":not-the-password@")
    with pytest.raises(CatalogError) as refused:
        Catalog(wrong)
    assert "not-the-password" not in str(refused.value)
    assert str(refused.value).startswith(str(catalog.path).partition("?")[0])
    assert "password authentication failed" in str(refused.value)


def test_another_programs_schema_is_left_alone(postgres_catalog_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_catalog_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total NUMERIC)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    with pytest.raises(CatalogError, match="another program's tables"):
        Catalog(postgres_catalog_url)
    with psycopg.connect(postgres_catalog_url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        assert tables == [("invoices",)]
        assert conn.execute("SELECT total FROM invoices").fetchone()[0] == 9.5


def test_postgresql_answers_as_sqlite_does(
    tree: Path, tmp_path: Path, postgres_catalog_url: str
) -> None:
    answers = []
    for location in (str(tmp_path / "catalog.sqlite"), postgres_catalog_url):
        with Catalog(location) as catalog:
            summary = scan([tree], catalog, workers=0)
            answers.append(
                (
                    [a for a in catalog.find()],
                    [catalog.stats(by=by) for by in ("kind", "codec", "resolution", "folder")],
                    catalog.roots(),
                    list(catalog.records()),
                    catalog.folders(),
                    summary.assets,
                    summary.bytes,
                )
            )
    assert answers[0] == answers[1]


def test_a_dropped_connection_is_busy_once_then_reconnects(
    tree: Path, postgres_catalog_url: str
) -> None:
    """A server restart or failover drops the connection: the statement it interrupts
    fails as busy (`mediaopt watch` retries those), and the catalog goes on after it."""
    import psycopg

    from mediaopt.engine.catalog import BUSY_ERRORS

    with Catalog(postgres_catalog_url) as catalog:
        scan([tree / "clips"], catalog, workers=0)
        pid = catalog.conn.raw.info.backend_pid
        with psycopg.connect(postgres_catalog_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(BUSY_ERRORS, match="terminat"):
            catalog.count()
        assert catalog.count() == 3
        assert catalog.conn.raw.info.backend_pid != pid
        assert len(list(catalog.find())) == 3


def test_a_read_only_connection_reads_and_says_why_it_cannot_write(
    tree: Path, postgres_catalog_url: str
) -> None:
    """Users who only read the shared catalog (a read-only role, a standby server) open
    it without the writes a catalog's creation needs, and a write names the reason."""
    with Catalog(postgres_catalog_url) as catalog:
        scan([tree / "clips"], catalog, workers=0)
    parts = urlsplit(postgres_catalog_url)
    query = [
        (k, f"{v} -cdefault_transaction_read_only=on" if k == "options" else v)
        for k, v in parse_qsl(parts.query)
    ]
    reader = urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))
    with Catalog(reader) as catalog:
        assert len(list(catalog.find())) == 3
        with pytest.raises(CatalogError, match="read-only transaction.*may only read"):
            scan([tree / "stills"], catalog, workers=0)
        assert catalog.count() == 3


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://mo:s3cret@db:5433/cat", "postgresql://mo@db:5433/cat"),
        ("postgresql://mo:p%40ss@db/cat?sslmode=require", "postgresql://mo@db/cat?sslmode=require"),
        (
            "postgresql://db/cat?password=s3cret&options=-csearch_path%3Dx%20-cfoo%3Don",
            "postgresql://db/cat?options=-csearch_path%3Dx%20-cfoo%3Don",
        ),
        ("postgresql://mo@db/cat", "postgresql://mo@db/cat"),
    ],
)
def test_a_url_is_shown_without_its_password_and_otherwise_as_given(url, expected) -> None:
    from mediaopt.engine.catalog.location import shown

    assert shown(url) == expected
