"""Duplicate groups: exact copies and near-duplicates, with the copy to keep."""

from __future__ import annotations

import enum

import msgspec

from mediaopt.engine.model.scan import FileProblem


class MatchKind(enum.StrEnum):
    EXACT = "exact"
    """Byte-identical content (a sequence: every frame identical, in order)."""
    NEAR = "near"
    """The same picture or sound after a re-encode, resize, crop, trim or grade."""


class DuplicateMember(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    path: str
    """Absolute path; for a sequence its `####` pattern."""
    bytes: int
    similarity: float
    """1.0 for the keeper and exact copies; for near copies how alike they are to the
    keeper (1 - normalised perceptual distance)."""
    media: str | None = None
    """`image`, `video`, `audio` or `sequence`."""
    relation: str | None = None
    """How this copy differs from the keeper, e.g. `resize, re-encode`; None for the keeper."""
    sequence: str | None = None
    """When this member is one frame of an image sequence: the sequence's `####` pattern
    (`path` is then that frame's file). A frame is always the keeper: the still beside it
    is the copy."""
    frame: int | None = None
    """That frame's number, e.g. 1005."""


class DuplicateGroup(msgspec.Struct, kw_only=True, frozen=True):
    kind: MatchKind
    members: list[DuplicateMember]
    """The keeper first, then the other copies."""
    keep: str
    """Path of the suggested copy to keep: original over derivative, then higher
    resolution, bit depth and better codec, then the oldest."""
    reclaimable_bytes: int
    """Bytes freed by removing every copy but the keeper (hard links counted once)."""
    relation: str
    """How the copies differ: `identical`, or e.g. `re-encode, resize, trim`."""


class DupesReport(msgspec.Struct, kw_only=True):
    """What `mediaopt dupes` prints."""

    groups: list[DuplicateGroup]
    reclaimable_bytes: int = 0
    """Sum over the groups."""
    hashed: int = 0
    """Files or sequences whose content was read in this run (the rest came from the
    catalog's hash cache)."""
    problems: list[FileProblem] = []
    """Files that could not be read; the run went on without them."""


class TechnicalDifference(msgspec.Struct, kw_only=True, frozen=True):
    attribute: str
    a: str
    b: str


class Comparison(msgspec.Struct, kw_only=True):
    """What `mediaopt compare A B` finds."""

    a: str
    b: str
    media: str
    similarity: float
    """1.0 identical pictures/sound, 0 unrelated."""
    same_content: bool
    relation: str
    differences: list[TechnicalDifference]
    picture: str | None = None
    """The comparison PNG written, if any."""
