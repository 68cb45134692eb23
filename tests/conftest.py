"""Shared fixtures: a cache of generated test media, and the real-world files in ../shared."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

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


@pytest.fixture
def catalog(tmp_path: Path):
    from mediaopt.engine.catalog import Catalog

    with Catalog(tmp_path / "catalog.sqlite") as opened:
        yield opened
