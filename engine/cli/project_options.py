"""Options shared by `projects`, `orphans`, `lineage`, `refs` and `render settings`:
config file, path maps, projects."""

from __future__ import annotations

import argparse
import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mediaopt.engine.catalog import Catalog
    from mediaopt.engine.refs.config import Settings
    from mediaopt.engine.refs.pathmap import PathMap

log = logging.getLogger(__name__)


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
    add_path_map_options(p)
    p.add_argument("--dormant-days", type=float, metavar="N", help="idle days before dormant")


def add_scope_depth_option(p: argparse.ArgumentParser) -> None:
    """`--unreadable-scope-depth`: for every command whose verdict an unreadable project
    puts in doubt (orphans, the plan, the analysis and its report)."""
    p.add_argument(
        "--unreadable-scope-depth",
        type=int,
        metavar="N",
        help="an unreadable project puts in doubt the first N folders under its root "
        "(default: all the roots)",
    )


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
    from mediaopt.engine.refs.pathmap import PathMap

    return PathMap.parse(settings_from(args).path_map)


def roots_from(given: list[str], catalog: Catalog, *, near: str | None = None) -> list[str]:
    """The roots a command looks under: those given, else the roots the catalog has
    scanned (never `/`: a name-only walk of a whole machine reads every folder on it, and
    project files from unrelated work). `near`, a path the command is about, must lie under
    one of the catalog's roots, else its own folder is the root."""
    if given:
        return given
    scanned = catalog.roots()
    if near is not None:
        where = os.path.abspath(near)
        if not any(where == r or where.startswith(r.rstrip(os.sep) + os.sep) for r in scanned):
            folder = where if os.path.isdir(where) else os.path.dirname(where)
            log.info("%s is under no scanned root; looking under %s", near, folder)
            return [folder]
    if not scanned:
        raise ValueError(
            f"no roots: the catalog {catalog.path} has none recorded; scan them first "
            "(`mediaopt scan ROOT`) or name them with --root"
        )
    log.info("roots from the catalog: %s", ", ".join(scanned))
    return scanned


def settings_from(args: argparse.Namespace) -> Settings:
    from mediaopt.engine.refs.config import load_settings

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
