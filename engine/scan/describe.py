"""One file's or one sequence's record, probed on the spot (for `mediaopt info`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mediaopt.engine.scan.errors import ScanError

if TYPE_CHECKING:
    from mediaopt.engine.model import Asset

# The probes, the walker and the sequence grouping are imported when a file is described,
# not with the scan package: a probe worker imports the package and needs none of them.


def describe(path: str | os.PathLike[str]) -> Asset:
    """Probe a file, a sequence's `####` pattern, or one frame of a sequence (which
    describes the whole sequence it belongs to)."""
    from mediaopt.engine.scan import assemble
    from mediaopt.engine.scan.probe import probe_file

    text = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(text)
    if "#" in os.path.basename(text) or _maybe_frame(text):
        group = _sequence_containing(folder, text)
        if group is not None:
            probes = [probe_file(e.path) for e in assemble.probe_targets(group)]
            return assemble.sequence_asset(group, probes)
    if not os.path.lexists(text):
        raise ScanError(f"{text}: no such file or sequence")
    return assemble.file_asset(probe_file(text))


def _maybe_frame(path: str) -> bool:
    return any(c.isdigit() for c in os.path.basename(path))


def _sequence_containing(folder: str, path: str):
    from mediaopt.engine.scan.sequences import group_sequences
    from mediaopt.engine.scan.walk import Walker

    listing, _ = Walker([folder], threads=1).list_folder(folder)
    if listing.error:
        return None
    _, groups = group_sequences(listing.files)
    for group in groups:
        if group.pattern == path or any(e.path == path for _, e in group.frames):
            return group
    return None
