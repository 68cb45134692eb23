"""Settings for projects and orphans: path maps, folder conventions and thresholds.

A TOML file (stdlib tomllib), by default `config.toml` in the user's config folder, or the
one `--config` names::

    [paths]
    map = ["/Volumes/Projects=/mnt/projects", "//fileserver/projects=/mnt/projects"]

    [projects]
    conventions = ["{show}/{seq}/{shot}"]
    dormant_days = 90

    [orphans]
    grace_days = 14
    unreadable_scope_depth = 1   # an unreadable project puts only its show in doubt
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import msgspec
import platformdirs

DEFAULT_GRACE_DAYS = 14.0
"""Two weeks: long enough for a file copied in for the next cut to be linked."""
DEFAULT_DORMANT_DAYS = 90.0
"""A quarter with no change to a project or its media: archive territory, not active."""


class Settings(msgspec.Struct, kw_only=True):
    path_map: list[str] = []
    """`written=local` rules, as `--map` takes them."""
    conventions: list[str] = []
    """Folder conventions, e.g. `{show}/{seq}/{shot}`, relative to a root."""
    dormant_days: float = DEFAULT_DORMANT_DAYS
    grace_days: float = DEFAULT_GRACE_DAYS
    unreadable_scope_depth: int | None = None
    """What an unreadable project may use: None for all the roots, N for the first N
    folders under its root (1 where each show under the root keeps its own media)."""


class ConfigError(ValueError):
    pass


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir("mediaopt")) / "config.toml"


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """The settings in `path`, or in the default file when it exists, else defaults.
    A named file that is missing or malformed is an error; the default one is optional."""
    explicit = path is not None
    file = Path(path) if explicit else default_config_path()
    if not file.is_file():
        if explicit:
            raise ConfigError(f"{file}: config file not found")
        return Settings()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
    paths, projects, orphans = (data.get(k, {}) for k in ("paths", "projects", "orphans"))
    try:
        return msgspec.convert(
            {
                "path_map": paths.get("map", []),
                "conventions": projects.get("conventions", []),
                "dormant_days": projects.get("dormant_days", DEFAULT_DORMANT_DAYS),
                "grace_days": orphans.get("grace_days", DEFAULT_GRACE_DAYS),
                "unreadable_scope_depth": orphans.get("unreadable_scope_depth"),
            },
            Settings,
        )
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{file}: {exc}") from exc
