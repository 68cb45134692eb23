"""The analysis events of `watch` are differences between runs of the real analyses."""

from __future__ import annotations

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model.watch import WatchEventKind
from mediaopt.engine.production.analysis import find_orphans
from mediaopt.engine.production.watch import Findings, changes, findings
from mediaopt.engine.refs.config import Settings


def test_orphans_found_since_the_last_run_are_new_orphan_events(production):
    settings = Settings(unreadable_scope_depth=1)
    with Catalog(production.catalog_path) as catalog:
        now = findings(catalog, [production.root], settings, render_budget=None)
        report = find_orphans(catalog, [production.root], unreadable_scope_depth=1)
    expected = {o.path for o in report.orphans}
    assert expected and set(now.orphans) == expected
    events = changes(Findings(), now, None)
    assert {e.path for e in events if e.kind == WatchEventKind.NEW_ORPHAN} == expected
    # The same findings again: nothing is new.
    assert changes(now, now, None) == []
    # An orphan that is no longer one, then is again: announced again.
    one = sorted(expected)[0]
    fewer = Findings(orphans={p: b for p, b in now.orphans.items() if p != one})
    again = changes(fewer, now, None)
    assert [e.path for e in again if e.kind == WatchEventKind.NEW_ORPHAN] == [one]
