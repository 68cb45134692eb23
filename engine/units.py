"""Numbers as people read them in reports and terminals."""

from __future__ import annotations


def human_bytes(n: int | float | None) -> str:
    """Decimal units, as drive makers and storage dashboards use: 1 TB = 10^12 bytes."""
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(value) < 1000 or unit == "PB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} PB"
