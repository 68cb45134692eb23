"""Options shared by `projects`, `orphans` and `lineage`: config file, path maps, projects."""

from __future__ import annotations

import argparse

from mediaopt.engine.refs.config import Settings, load_settings


def add_project_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--project",
        action="extend",
        nargs="+",
        default=[],
        metavar="FILE",
        help="a project file to honour, besides those found under the roots (repeatable)",
    )
    p.add_argument(
        "--only-projects",
        action="store_true",
        help="read only the --project files, not those found under the roots "
        "(the output says the search was restricted)",
    )
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
    p.add_argument("--dormant-days", type=float, metavar="N", help="idle days before dormant")


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
