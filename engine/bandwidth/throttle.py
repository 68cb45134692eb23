"""Rate caps for storage tests: low-impact mode, and the tests' capped reader.

Pacing, not a token bucket with a burst allowance: after each read the reader sleeps
until the time spent is at least what the cap allows for everything read so far. The
measured rate then never exceeds the cap, and equals it when the storage is faster.
"""

from __future__ import annotations

import threading
import time

import msgspec


class Throttle(msgspec.Struct, kw_only=True, frozen=True):
    """Caps on what a test may move: bytes per second and files opened per second."""

    bytes_per_s: float | None = None
    files_per_s: float | None = None


class Pacer:
    """One test's clock under a Throttle, shared by all of the test's threads."""

    def __init__(self, throttle: Throttle | None):
        self.throttle = throttle
        self.started = time.perf_counter()
        self._bytes = 0
        self._files = 0
        self._lock = threading.Lock()

    def took(self, nbytes: int, files: int = 0) -> None:
        if self.throttle is None:
            return
        with self._lock:
            self._bytes += nbytes
            self._files += files
            due = 0.0
            if self.throttle.bytes_per_s:
                due = self._bytes / self.throttle.bytes_per_s
            if self.throttle.files_per_s:
                due = max(due, self._files / self.throttle.files_per_s)
        wait = self.started + due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)

    def elapsed(self) -> float:
        return max(time.perf_counter() - self.started, 1e-9)
