"""Workflow profiles: how media is used, as multipliers on what one play of it needs.

The defaults are defined here in code (no package data to forget in a wheel); a facility
edits them, or adds its own, in a TOML or JSON file:

    [workflows.multicam]
    angles = 9
    description = "9-angle concert multicam"

    [workflows.conform]
    speed = 1.0
    streams = 3
    proxies_allowed = false

A table that names a default changes only the fields it gives; a new name adds a profile.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import msgspec

from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.model import Workflow

DEFAULT_WORKFLOWS: tuple[Workflow, ...] = (
    Workflow(name="playback", description="play the cut once at 1x"),
    Workflow(
        name="edit",
        description="editing with 2 streams at once (cuts, dissolves, picture-in-picture)",
        streams=2,
    ),
    Workflow(
        name="multicam",
        description="multicam editing: each clip plays as 4 camera angles at once",
        streams=4,
        angles=4,
    ),
    Workflow(name="shuttle", description="shuttling through media at 2x (J/K/L)", speed=2.0),
    Workflow(
        name="grade",
        description="grading from the full-resolution originals, never proxies",
        proxies_allowed=False,
    ),
    Workflow(
        name="vfx_review",
        description="reviewing image sequences at full rate (RV, Nuke Studio)",
        media="sequences",
        proxies_allowed=False,
    ),
    Workflow(
        name="ingest",
        description="copying media in at 4x real time: it is read and written",
        speed=4.0,
        writes=True,
        proxies_allowed=False,
    ),
)

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
        if workflow.speed <= 0 or workflow.streams < 1 or workflow.angles < 1:
            raise BandwidthError(
                f"{path}: workflow {name!r}: speed must be > 0, streams and angles >= 1"
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
