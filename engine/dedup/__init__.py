"""Duplicate detection: exact copies by content hash, near-duplicates by perceptual
fingerprints, the copy to keep, and pictures that show a person why two files match."""

from mediaopt.engine.dedup.api import find_duplicates, write_contact_sheets

__all__ = ["find_duplicates", "write_contact_sheets"]
