"""mediaopt: where a media production's storage goes, and how to get it back.

The Python API is the same as the CLI's::

    import mediaopt
    summary = mediaopt.scan(["/mnt/show"], catalog="show.sqlite")
    with mediaopt.Catalog("show.sqlite") as catalog:
        for asset in catalog.find(kind="video", codec="ProRes"):
            print(asset.path, asset.bytes)
"""

from mediaopt.engine.api import Catalog, info, scan

__all__ = ["Catalog", "info", "scan"]
