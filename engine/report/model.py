"""What a report is made of: sections of facts, tables and pictures, in the order read."""

from __future__ import annotations

import msgspec


class Table(msgspec.Struct, kw_only=True):
    columns: list[str]
    rows: list[list[str]]
    caption: str | None = None


class Figure(msgspec.Struct, kw_only=True):
    path: str
    """A PNG or SVG file, embedded in the HTML so the report is one file."""
    caption: str


class Section(msgspec.Struct, kw_only=True):
    title: str
    summary: str
    """One or two sentences a storage manager reads first."""
    headline: dict[str, str] = {}
    """A few key figures shown large: `{"Reclaimable": "12.4 TB"}`."""
    tables: list[Table] = []
    figures: list[Figure] = []
    notes: list[str] = []
    """Caveats: what could not be read, what was assumed."""


class Report(msgspec.Struct, kw_only=True):
    title: str
    generated: str
    catalog: str
    sections: list[Section]
