"""Scanning storage roots into the catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mediaopt.engine.scan.describe import describe
from mediaopt.engine.scan.errors import ProbeError, ScanError

if TYPE_CHECKING:
    from mediaopt.engine.scan.scanner import scan

__all__ = ["ProbeError", "ScanError", "describe", "scan"]


def __getattr__(name: str):
    # The scanner (catalog, walker, sequence grouping) is imported on first use: a probe
    # worker imports `mediaopt.engine.scan.worker`, and with it this package, and needs
    # none of it.
    if name == "scan":
        from mediaopt.engine.scan.scanner import scan

        return scan
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
