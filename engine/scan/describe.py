"""One file's or one sequence's record, probed on the spot (for `mediaopt info`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mediaopt.engine.model import notation
from mediaopt.engine.scan.errors import ScanError

if TYPE_CHECKING:
    from mediaopt.engine.model import Asset
    from mediaopt.engine.scan.sequences import FrameGroup

# The probes, the walker and the sequence grouping are imported when a file is described,
# not with the scan package: a probe worker imports the package and needs none of them.


def describe(path: str | os.PathLike[str], *, frame: bool = False) -> Asset:
    """Probe a file, a sequence's pattern in any frame notation (`####`, `%04d`, `@@@@`,
    `$F4`, `<UDIM>`), or one frame of a sequence, which describes the whole sequence it
    belongs to, or with `frame` that frame alone (to compare it as a picture). Numbered
    photographs (see stills.py) are each described as the file they are."""
    from mediaopt.engine.scan import assemble, stills
    from mediaopt.engine.scan.probe import probe_file

    text = os.path.abspath(os.fspath(path))
    pattern = notation.parse(text)
    if pattern is None and frame and os.path.isfile(text):
        return assemble.file_asset(probe_file(text))
    if pattern is not None or _maybe_frame(text):
        group = _sequence_containing(os.path.dirname(text), text, pattern)
        if group is not None:
            targets = assemble.probe_targets(group)
            probes = [probe_file(e.path) for e in targets]
            frames = [next(f for f, e in group.frames if e is t) for t in targets]
            if not stills.photographs(frames, probes):
                return assemble.sequence_asset(group, probes)
            if pattern is not None:
                raise ScanError(
                    f"{text}: these numbered files are photographs, each its own asset"
                    " (name one of them)"
                )
    if not os.path.lexists(text):
        raise ScanError(f"{text}: no such file or sequence")
    return assemble.file_asset(probe_file(text))


def _maybe_frame(path: str) -> bool:
    return any(c.isdigit() for c in os.path.basename(path))


def _sequence_containing(
    folder: str, path: str, pattern: notation.FramePattern | None
) -> FrameGroup | None:
    from mediaopt.engine.scan.sequences import group_sequences
    from mediaopt.engine.scan.walk import Walker

    listing, _ = Walker([folder], threads=1).list_folder(folder)
    if listing.error:
        return None
    _, groups = group_sequences(listing.files)
    for group in groups:
        if pattern is not None and _same_pattern(group, pattern):
            return group
        if any(e.path == path for _, e in group.frames):
            return group
    return None


def _same_pattern(group: FrameGroup, pattern: notation.FramePattern) -> bool:
    if group.pattern == pattern.hashes:
        return True
    # `%d`, `$F` and `#` write frames at their natural width, so `plate.%d.exr` names
    # `plate.1001.exr` as well as `plate.1.exr`.
    head, _, tail = group.pattern.partition("#" * group.padding)
    return pattern.padding == 1 and (head, tail) == (pattern.head, pattern.tail)
