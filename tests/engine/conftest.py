"""The fixture production for the projects, orphans and lineage tests: built, scanned
and indexed once per session.

Tests must not change it; tests that need a different tree build their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.demo.feature import OrphanTruth, build_orphan_production
from mediaopt.engine.refs.index import CatalogIndex


class Production:
    def __init__(self, truth: OrphanTruth, catalog_path: Path):
        self.truth = truth
        self.root = truth.root
        self.catalog_path = catalog_path
        with Catalog(catalog_path) as catalog:
            self.index = CatalogIndex.from_catalog(catalog)


@pytest.fixture(scope="session")
def production(tmp_path_factory: pytest.TempPathFactory) -> Production:
    base = tmp_path_factory.mktemp("orphans")
    truth = build_orphan_production(base / "production")
    catalog_path = base / "catalog.sqlite"  # beside the production, never inside a root
    with Catalog(catalog_path) as catalog:
        summary = api.scan([truth.root], catalog, workers=0)
    assert not summary.problems, summary.problems
    return Production(truth, catalog_path)
