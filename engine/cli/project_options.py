"""Options shared by `projects`, `orphans`, `lineage`, `refs` and `render settings`:
config file, path maps, projects."""

from __future__ import annotations

import argparse

from mediaopt.engine.refs.config import Settings, load_settings
from mediaopt.engine.refs.pathmap import PathMap


def add_project_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--project",
        action="extend",
        nargs="+",
        default=[],
        metavar="FILE",
        help="a project file to honour (repeatable; default: those found under the roots)",
    )
    add_path_map_options(p)
    p.add_argument("--dormant-days", type=float, metavar="N", help="idle days before dormant")


def add_path_map_options(p: argparse.ArgumentParser) -> None:
    """`--map` and `--config`: what every command that resolves references takes, so a
    reference resolves the same way in each (see engine/refs/resolve.py)."""
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="WRITTEN=LOCAL",
        help="path mapping, e.g. /Volumes/Projects=/mnt/projects (repeatable; adds to config)",
    )
    p.add_argument(
        "--config",
        metavar="TOML",
        help="settings file (default: config.toml in the user config folder, when present)",
    )


def path_map_from(args: argparse.Namespace) -> PathMap:
    """The config file's path map, then the `--map` rules."""
    return PathMap.parse(settings_from(args).path_map)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    settings.path_map = [*settings.path_map, *args.map]
    if getattr(args, "dormant_days", None) is not None:
        settings.dormant_days = args.dormant_days
    if getattr(args, "grace_days", None) is not None:
        settings.grace_days = args.grace_days
    if getattr(args, "unreadable_scope_depth", None) is not None:
        settings.unreadable_scope_depth = args.unreadable_scope_depth
    if getattr(args, "convention", None):
        settings.conventions = [*settings.conventions, *args.convention]
    return settings
