"""The catalog index answers from the catalog (no asset held in memory) exactly as an
index holding every asset would, on the fixture production's real files."""

from __future__ import annotations

import msgspec
import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.refs.index import CatalogIndex, Entry, fold, sequence_key, stems


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def both(production, request) -> tuple[CatalogIndex, CatalogIndex]:
    """(index querying the catalog, index holding every entry) of the fixture production,
    from its SQLite catalog, then from the same production scanned into PostgreSQL."""
    location = production.catalog_path
    if request.param == "postgresql":
        location = request.getfixturevalue("module_postgres_url")
        with Catalog(location) as catalog:
            api.scan([production.root], catalog, workers=0)
    with Catalog(location) as catalog:
        entries = [msgspec.json.decode(r, type=Entry) for r in catalog.records()]
        queried = CatalogIndex.from_catalog(catalog)
    assert len(entries) > 20
    return queried, CatalogIndex(entries)


def _paths(entries) -> list[str]:
    return sorted(e.path for e in entries)


def test_every_lookup_matches_an_index_held_in_memory(both):
    queried, held = both
    assert len(queried) == len(held)
    checked = {"reel": 0, "sequence": 0}
    for entry in held.under(["/"]):
        path = entry.path
        assert queried.by_path[path] == entry and path in queried.by_path
        assert queried.by_folded.get(fold(path)) == held.by_folded.get(fold(path))
        for name in stems(path):
            assert _paths(queried.by_stem.get(name)) == _paths(held.by_stem.get(name))
        if entry.reel:
            checked["reel"] += 1
            reel = entry.reel.casefold()
            assert _paths(queried.by_reel.get(reel)) == _paths(held.by_reel.get(reel))
        if entry.sequence:
            checked["sequence"] += 1
            head, tail, _ = sequence_key(entry.sequence.pattern)
            for folded in (False, True):
                found = queried.sequences_named(head.upper(), tail, folded=folded)
                assert _paths(found) == _paths(
                    held.sequences_named(head.upper(), tail, folded=folded)
                )
            assert entry in queried.sequences_named(head, tail)
    assert checked["reel"] and checked["sequence"], checked
    assert queried.by_path.get("/nowhere/at/all.mov") is None
    assert "/nowhere/at/all.mov" not in queried.by_path
    assert queried.by_stem.get("no such clip name") == []


def test_under_streams_the_roots_in_path_order_and_names_without_records(both, production):
    queried, held = both
    root = production.root
    shows = sorted({e.path[len(root) + 1 :].split("/")[0] for e in held.under([root])})
    roots = [f"{root}/{show}" for show in shows[:2]] + [root + "/" + shows[0] + "/edit"]
    paths = [e.path for e in queried.under(roots)]
    assert paths == sorted(paths) == [e.path for e in held.under(roots)]
    assert len(paths) == len(set(paths)) > 0  # a root inside another is read once
    endings = ["otio", "nk", "EDL"]
    named = list(queried.named_under([root], endings))
    assert named == list(held.named_under([root], endings)) and named
    assert all(p.lower().endswith((".otio", ".nk", ".edl")) for p, _ in named)
