"""A fault-injection hook for the crash tests: `MEDIAOPT_FAULT=POINT[:N]` makes the
process SIGKILL itself the Nth time (default 1st) it reaches POINT (`copy`, `verify`,
`before_remove`, `after_remove`, `link`, `dedupe`: between two
FIDEDUPERANGE calls on one file). Unset, it costs one dictionary lookup."""

from __future__ import annotations

import os
import signal

ENV = "MEDIAOPT_FAULT"
_seen: dict[str, int] = {}


def fault(point: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, count = spec.partition(":")
    if name != point:
        return
    _seen[point] = _seen.get(point, 0) + 1
    if _seen[point] == int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
