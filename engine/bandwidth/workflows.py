"""Workflow profiles: how media is used, as multipliers on what one play of it needs.

The defaults are defined here in code (no package data to forget in a wheel); a facility
edits them, or adds its own, in a TOML or JSON file:

    [workflows.multicam]
    angles = 9
    description = "9-angle concert multicam"

    [workflows.conform]
    description = "3 x heaviest asset; on a timeline 1.2 x its playback"
    overhead = 1.2
    streams = 3
    proxies_allowed = false

A table that names a default changes only the fields it gives; a new name adds a profile.

What each field means on a timeline and for media judged alone (`formula` says it in
words for any profile):

    timeline:    speed x overhead x busiest second of
                     (clips playing + (angles - 1) x the heaviest video clip playing)
    media alone: speed x streams x the heaviest asset's busiest second

`media` keeps only sequence or movie clips; `writes` writes what is read.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import msgspec

from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.model import Workflow

EDIT_OVERHEAD = 1.5
"""An allowance, not a measurement: trim mode plays the outgoing and incoming sides of a
cut at once (2 streams) and scrubbing reads ahead of the playhead, for part of an
editor's time; 1.5x the cut's playback. A facility that measures its own sets `overhead`."""

DEFAULT_WORKFLOWS: tuple[Workflow, ...] = (
    Workflow(
        name="playback",
        description="play the cut once at 1x: the timeline's busiest second of all clips "
        "playing at once; media alone, its heaviest asset",
    ),
    Workflow(
        name="edit",
        description=f"editing: the timeline's playback x {EDIT_OVERHEAD} for scrubbing and "
        "trimming (trim mode plays both sides of a cut); media alone, 2 streams of its "
        "heaviest asset (cuts, dissolves, picture-in-picture)",
        overhead=EDIT_OVERHEAD,
        streams=2,
    ),
    Workflow(
        name="multicam",
        description="multicam editing, 4 camera angles read at once: on a timeline the "
        "heaviest video clip playing x 4 plus the other clips once; media alone, 4 streams "
        "of its heaviest asset",
        streams=4,
        angles=4,
    ),
    Workflow(
        name="shuttle",
        description="shuttling at 2x (J/K/L): the timeline's playback x 2; media alone, "
        "its heaviest asset x 2",
        speed=2.0,
    ),
    Workflow(
        name="grade",
        description="grading from the full-resolution originals, never proxies: as playback",
        proxies_allowed=False,
    ),
    Workflow(
        name="vfx_review",
        description="reviewing image sequences at full rate (RV, Nuke Studio): playback "
        "of the sequence clips only",
        media="sequences",
        proxies_allowed=False,
    ),
    Workflow(
        name="ingest",
        description="copying media in at 4x real time: playback x 4, read and written",
        speed=4.0,
        writes=True,
        proxies_allowed=False,
    ),
)


def formula(workflow: Workflow, *, timeline: bool) -> str:
    """How the workflow's need is reckoned, from its fields: on a timeline, or for media
    judged alone (an asset or a folder)."""
    media = {"sequences": "sequence ", "movies": "movie "}.get(workflow.media, "")
    if timeline:
        factor = workflow.speed * workflow.overhead
        inner = f"all {media}clips playing"
        if workflow.angles > 1:
            inner += f" + {workflow.angles - 1} x the heaviest {media}video clip playing"
        text = f"busiest second of ({inner})"
    else:
        factor = workflow.speed * workflow.streams
        text = f"heaviest {media}asset's busiest second"
    text = f"{_number(factor)} x {text}" if factor != 1 else text
    return text + (", read and written" if workflow.writes else "")


def _number(value: float) -> str:
    return f"{value:g}"


ENV_VAR = "MEDIAOPT_WORKFLOWS"
_MEDIA = {"all", "sequences", "movies"}


def load_workflows(path: str | os.PathLike[str] | None = None) -> dict[str, Workflow]:
    """The default profiles, changed and extended by a TOML or JSON file: `path`, else
    `MEDIAOPT_WORKFLOWS` when set."""
    profiles = {w.name: w for w in DEFAULT_WORKFLOWS}
    path = path or os.environ.get(ENV_VAR)
    if not path:
        return profiles
    for name, fields in _read_tables(Path(path)).items():
        base = msgspec.to_builtins(profiles[name]) if name in profiles else {}
        try:
            workflow = msgspec.convert({**base, **fields, "name": name}, Workflow)
        except msgspec.ValidationError as exc:
            raise BandwidthError(f"{path}: workflow {name!r}: {exc}") from None
        if workflow.media not in _MEDIA:
            raise BandwidthError(
                f"{path}: workflow {name!r}: media must be one of {sorted(_MEDIA)}"
            )
        if (
            workflow.speed <= 0
            or workflow.overhead <= 0
            or workflow.streams < 1
            or workflow.angles < 1
        ):
            raise BandwidthError(
                f"{path}: workflow {name!r}: speed and overhead must be > 0, "
                "streams and angles >= 1"
            )
        profiles[name] = workflow
    return profiles


def select(profiles: dict[str, Workflow], names: list[str] | None) -> list[Workflow]:
    """The named profiles in the order given (all of them when no names)."""
    if not names:
        return list(profiles.values())
    unknown = [n for n in names if n not in profiles]
    if unknown:
        raise BandwidthError(
            f"unknown workflow {', '.join(unknown)}; known: {', '.join(sorted(profiles))}"
        )
    return [profiles[n] for n in names]


def _read_tables(path: Path) -> dict[str, dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BandwidthError(f"{path}: cannot read workflow file ({exc.strerror})") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BandwidthError(f"{path}: not valid {path.suffix.lstrip('.')}: {exc}") from None
    tables = data.get("workflows", data) if isinstance(data, dict) else None
    if not isinstance(tables, dict) or not all(isinstance(v, dict) for v in tables.values()):
        raise BandwidthError(f"{path}: expected a table of workflows, [workflows.NAME] each")
    return tables
