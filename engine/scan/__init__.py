"""Scanning storage roots into the catalog."""

from mediaopt.engine.scan.describe import describe
from mediaopt.engine.scan.errors import ProbeError, ScanError
from mediaopt.engine.scan.scanner import scan

__all__ = ["ProbeError", "ScanError", "describe", "scan"]
