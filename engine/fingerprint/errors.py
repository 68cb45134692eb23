"""What can go wrong while looking for duplicates."""

from __future__ import annotations


class MediaDecodeError(Exception):
    """A file's pictures or sound could not be decoded; the message names file and reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
