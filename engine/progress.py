"""How the engine reports progress and per-file problems to whoever draws them.

The engine calls these methods; the CLI draws a bar, a host add-on its own widget, and
tests or JSON mode use NullProgress.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> None:
        """A new stage begins (`scanning`, `probing` ...); total is None when unknown."""

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        """Work done since the last call."""

    def problem(self, path: str, reason: str) -> None:
        """A file could not be read fully; the run goes on."""

    def done(self) -> None:
        """The run ended."""


class NullProgress:
    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        pass

    def problem(self, path: str, reason: str) -> None:
        pass

    def done(self) -> None:
        pass
