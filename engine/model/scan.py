"""What a scan reports about itself."""

from __future__ import annotations

import msgspec


class FileProblem(msgspec.Struct, kw_only=True, frozen=True):
    """A file the scan could not read fully; the run went on."""

    path: str
    reason: str


class ScannedRoot(msgspec.Struct, kw_only=True, frozen=True):
    """A folder a scan was given: commands run without --root look under these."""

    path: str
    first_scanned: float
    """When a scan of it first began (seconds since the epoch)."""
    last_scanned: float | None = None
    """When its last complete scan finished; None when no scan of it has finished."""


class ScanSummary(msgspec.Struct, kw_only=True):
    roots: list[str]
    catalog: str
    files_seen: int = 0
    """Files stat'ed under the roots."""
    assets: int = 0
    """Assets after collapsing frame sequences."""
    sequences: int = 0
    probed: int = 0
    """Header probes run in this scan (unchanged files are not probed again)."""
    reused: int = 0
    """Assets whose catalog record was still valid and was kept as is."""
    removed: int = 0
    """Catalog assets under the roots that no longer exist."""
    bytes: int = 0
    """Logical bytes of all assets under the roots."""
    probed_bytes_read: int = 0
    seconds: float = 0.0
    problems: list[FileProblem] = []
