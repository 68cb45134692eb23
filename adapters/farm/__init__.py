"""Render farm inputs -> RenderJob records: Deadline job/plugin info, OpenCue's CUE_*
environment, Flamenco's job JSON, and plain flags or a JSON file.

Parsers never raise for a missing or odd field: a farm hook must record what it can and
let the job finish. A field they cannot read is left empty and said in `problems`.
"""

from __future__ import annotations

from mediaopt.adapters.farm.deadline import from_deadline
from mediaopt.adapters.farm.flamenco import from_flamenco
from mediaopt.adapters.farm.opencue import from_opencue
from mediaopt.adapters.farm.plain import from_plain

__all__ = ["from_deadline", "from_flamenco", "from_opencue", "from_plain"]
