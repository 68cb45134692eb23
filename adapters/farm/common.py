"""Helpers the farm parsers share."""

from __future__ import annotations

import re

# Settings worth keeping from a farm's free-form key/value blocks: what drives output size
# or render cost. Everything else (pools, priorities, limits) is farm bookkeeping.
_SETTING_KEYS = re.compile(
    r"(resolution|width|height|samples|aov|pass|format|depth|codec|compression|camera|"
    r"renderer|quality|percent|channels|datatype|file_?type|exr|colou?r)",
    re.IGNORECASE,
)


def setting_items(values: dict[str, str]) -> dict[str, str]:
    """The size-relevant settings among a farm's key/values."""
    return {k: str(v) for k, v in values.items() if _SETTING_KEYS.search(k) and str(v) != ""}


def seconds(text: str | None) -> float | None:
    """`3600`, `3600.5`, `01:00:00` or `1:02:03.5` -> seconds; None when unreadable."""
    if not text:
        return None
    text = str(text).strip()
    try:
        if ":" in text:
            total = 0.0
            for part in text.split(":"):
                total = total * 60 + float(part)
            return total
        return float(text)
    except ValueError:
        return None
