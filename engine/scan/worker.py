"""What a probe worker process runs, and all it imports: the header probes.

The scan's fork server preloads this module (and the console's `__main__`, which imports
no engine), so each worker starts with MediaInfo and OpenImageIO loaded and nothing else:
not the catalog, the walker or the sequence grouping the scanning process needs.
"""

from __future__ import annotations

from mediaopt.engine.model import Asset
from mediaopt.engine.scan.probe import probe_file


def probe_many(paths: list[str], low_impact: bool) -> list[Asset]:
    return [probe_file(p, low_impact=low_impact) for p in paths]


def init_worker(low_impact: bool) -> None:
    if low_impact:
        from mediaopt.engine.scan.lowimpact import be_gentle

        be_gentle()
