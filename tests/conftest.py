"""Shared fixtures: a cache of generated test media, and the real-world files in ../shared."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = ROOT.parent / "shared" / "realworld"


@pytest.fixture(scope="session")
def media_cache(request: pytest.FixtureRequest) -> Path:
    """A folder that keeps generated media between runs (pytest's cache; a fresh clone
    starts empty and fills it). Generate into it with `cached_media`."""
    return Path(request.config.cache.mkdir("media"))


@pytest.fixture(scope="session")
def cached_media(media_cache: Path) -> Callable[..., Path]:
    """cached_media("name.mov", writer, **kwargs): the file, written once by `writer`.

    The name should say what the file is; change it when the writer's arguments change.
    A partly written file from an interrupted run is never reused: writers write to a
    temporary name that is renamed when complete."""

    def make(name: str, writer: Callable[..., object], **kwargs: object) -> Path:
        path = media_cache / name
        if not path.exists():
            partial = path.with_name(f".partial-{os.getpid()}-{path.name}")
            writer(partial, **kwargs)
            os.replace(partial, path)
        return path

    return make


@pytest.fixture(scope="session")
def realworld() -> Path:
    """../shared/realworld: real files written by other projects' tools."""
    if not REALWORLD.is_dir():
        pytest.skip(f"{REALWORLD} is absent (it ships beside the repository in CI only)")
    return REALWORLD


POSTGRES_ENV = "MEDIAOPT_TEST_POSTGRES"
"""A PostgreSQL URL (a role that may create schemas in its database): the catalog tests run
against it too. `.ci/run` starts Debian's packaged server and sets it."""


@contextlib.contextmanager
def _fresh_schema() -> Iterator[str]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"${POSTGRES_ENV} is not set to a PostgreSQL URL (.ci/run sets it)")
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    parts = urlsplit(base)
    query = parse_qsl(parts.query) + [("options", f"-csearch_path={schema}")]
    try:
        yield urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def postgres_catalog_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL catalog: its own schema on the server named by
    $MEDIAOPT_TEST_POSTGRES (selected by the URL's search_path), dropped afterwards."""
    with _fresh_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's fresh catalog lives, once per backend: an SQLite file, then a
    PostgreSQL schema (skipped with a reason when no server is configured)."""
    if request.param == "sqlite":
        return str(tmp_path / "catalog.sqlite")
    return request.getfixturevalue("postgres_catalog_url")


@pytest.fixture(scope="module")
def module_postgres_url() -> Iterator[str]:
    """`postgres_catalog_url` shared by a module's tests."""
    with _fresh_schema() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_catalog_location(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`catalog_location` for a module's shared fixtures: one fresh catalog per backend."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("catalog") / "catalog.sqlite")
        return
    with _fresh_schema() as url:
        yield url


@pytest.fixture
def catalog(catalog_location: str):
    from mediaopt.engine.catalog import Catalog

    with Catalog(catalog_location) as opened:
        yield opened
