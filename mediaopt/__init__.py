"""mediaopt: where a media production's storage goes, and how to get it back.

The Python API is the same as the CLI's::

    import mediaopt
    summary = mediaopt.scan(["/mnt/show"], catalog="show.sqlite")
    with mediaopt.Catalog("show.sqlite") as catalog:
        for asset in catalog.find(kind="video", codec="ProRes"):
            print(asset.path, asset.bytes)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediaopt.engine.api import Catalog, info, scan

__all__ = ["Catalog", "info", "scan"]


def __getattr__(name: str):
    # The API is imported on first use, not with the package: every `mediaopt.*` import
    # (the CLI's start-up, a scan worker) would otherwise pay for the scanner and catalog.
    if name in __all__:
        from mediaopt.engine import api

        return getattr(api, name)
    raise AttributeError(f"module 'mediaopt' has no attribute {name!r}")
