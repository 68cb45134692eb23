"""mediaopt hosts install HOST: copy a host add-on into that program's user plug-in folder.

Each host add-on is a folder in mediaopt's `hosts/` package data plus the shared client
(`hosts/client.py`, installed beside it as `mediaopt_client.py`, since the host's Python
cannot import mediaopt itself). The folders are the ones each host documents for user
add-ons on Linux, macOS and Windows; `--prefix` puts the files under another folder
instead (a studio's shared plug-in path, a Deadline repository elsewhere).
"""

from __future__ import annotations

import argparse
import ntpath
import os
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

HOSTS = ("blender", "nuke", "resolve", "deadline")
PLATFORMS = ("linux", "macos", "windows")
CLIENT = "mediaopt_client.py"
# The line the Nuke install adds to ~/.nuke/init.py; Nuke then runs the add-on's own
# init.py and menu.py from that folder.
NUKE_INIT_LINE = 'nuke.pluginAddPath("./mediaopt")  # added by `mediaopt hosts install nuke`'
# Blender 4.2 moved user add-ons to extensions; older versions read scripts/addons.
BLENDER_EXTENSIONS_FROM = (4, 2)
BLENDER_PACKAGE = "mediaopt_blender"
# Deadline's default repository folders (Deadline 10 installers).
DEADLINE_REPOSITORY = {
    "linux": "/opt/Thinkbox/DeadlineRepository10",
    "macos": "/Applications/Thinkbox/DeadlineRepository10",
    "windows": "C:\\DeadlineRepository10",
}


@dataclass
class Step:
    """One thing the install does: copy `source` to `target`, or add `line` to `target`."""

    target: str
    source: Path | None = None
    line: str | None = None

    def describe(self, dry_run: bool) -> str:
        verb = "would " if dry_run else ""
        if self.line is not None:
            return f"{verb}add to {self.target}: {self.line}"
        return f"{verb}copy {self.source.name} -> {self.target}"


class InstallError(ValueError):
    """The host's folder cannot be worked out (the message says what to pass)."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("hosts", help="install the host add-ons", description=__doc__)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    i = actions.add_parser("install", help="copy an add-on into the host's plug-in folder")
    i.add_argument("host", choices=HOSTS)
    i.add_argument("--dry-run", action="store_true", help="print what would be done, do nothing")
    i.add_argument("--prefix", metavar="DIR", help="install under DIR instead")
    i.add_argument(
        "--platform",
        choices=PLATFORMS,
        default=this_platform(),
        help="whose folder layout to use (default: this computer's)",
    )
    i.add_argument(
        "--blender-version",
        metavar="X.Y",
        help="Blender version folder (default: every version with a settings folder)",
    )
    i.set_defaults(run=run_install)


def this_platform() -> str:
    if sys.platform == "darwin":
        return "macos"
    return "windows" if os.name == "nt" else "linux"


def run_install(args: argparse.Namespace) -> int:
    home = str(Path.home())
    steps = plan(
        args.host,
        platform=args.platform,
        home=home,
        environ=dict(os.environ),
        prefix=args.prefix,
        blender_version=args.blender_version,
    )
    for step in steps:
        if not args.dry_run:
            apply(step)
        print(step.describe(args.dry_run))
    if args.dry_run:
        print("dry run: nothing was written")
    else:
        print(NEXT_STEPS[args.host])
    return 0


NEXT_STEPS = {
    "blender": "then in Blender: Edit > Preferences > Add-ons, enable 'mediaopt'",
    "nuke": "then restart Nuke: the mediaopt menu is in the Nuke menu bar",
    "resolve": "then in Resolve: Workspace > Scripts > mediaopt_resolve",
    "deadline": "then in Deadline Monitor: Tools > Configure Events > MediaOpt, set State",
}


def source_folder() -> Path:
    """The `hosts` folder shipped with mediaopt (package data, not imported: the CLI layer
    sits below the hosts layer, and this only copies files)."""
    return Path(str(files("mediaopt.hosts")))


def plan(
    host: str,
    *,
    platform: str,
    home: str,
    environ: dict[str, str],
    prefix: str | None = None,
    blender_version: str | None = None,
) -> list[Step]:
    """Every copy and edit the install of `host` makes, for `platform`'s folder layout."""
    path = ntpath if platform == "windows" else posixpath
    src = source_folder()
    if host == "blender":
        return _blender(src, path, platform, home, environ, prefix, blender_version)
    if host == "nuke":
        folder = prefix or path.join(environ.get("USERPROFILE", home), ".nuke")
        return _nuke(src, path, folder)
    if host == "resolve":
        return _resolve(src, path, prefix or resolve_fusion_folder(platform, home, environ))
    folder = prefix or DEADLINE_REPOSITORY[platform]
    target = path.join(folder, "custom", "events", "MediaOpt")
    plugin = src / "deadline" / "events" / "MediaOpt"
    return [
        Step(target=path.join(target, "MediaOpt.py"), source=plugin / "MediaOpt.py"),
        Step(target=path.join(target, "MediaOpt.param"), source=plugin / "MediaOpt.param"),
        Step(target=path.join(target, CLIENT), source=src / "client.py"),
    ]


def blender_config_folder(platform: str, home: str, environ: dict[str, str]) -> str:
    """Where Blender keeps its per-version user folders (BLENDER_USER_RESOURCES aside)."""
    if platform == "windows":
        appdata = environ.get("APPDATA") or ntpath.join(home, "AppData", "Roaming")
        return ntpath.join(appdata, "Blender Foundation", "Blender")
    if platform == "macos":
        return posixpath.join(home, "Library", "Application Support", "Blender")
    config = environ.get("XDG_CONFIG_HOME") or posixpath.join(home, ".config")
    return posixpath.join(config, "blender")


def _blender(src, path, platform, home, environ, prefix, version) -> list[Step]:
    if prefix:
        targets = [path.join(prefix, BLENDER_PACKAGE)]
    else:
        config = blender_config_folder(platform, home, environ)
        versions = [version] if version else _versions(config)
        if not versions:
            raise InstallError(
                f"no Blender settings folder under {config}: start Blender once, or pass "
                "--blender-version X.Y (or --prefix DIR)"
            )
        targets = [path.join(config, v, *_blender_subfolder(v), BLENDER_PACKAGE) for v in versions]
    package = src / "blender" / BLENDER_PACKAGE
    steps = []
    for target in targets:
        for source in sorted(package.iterdir()):
            if source.is_file() and source.suffix in (".py", ".toml"):
                steps.append(Step(target=path.join(target, source.name), source=source))
        steps.append(Step(target=path.join(target, CLIENT), source=src / "client.py"))
    return steps


def _versions(config: str) -> list[str]:
    if not os.path.isdir(config):
        return []
    found = [v for v in os.listdir(config) if re.fullmatch(r"\d+\.\d+", v)]
    return sorted(found, key=lambda v: tuple(int(n) for n in v.split(".")))


def _blender_subfolder(version: str) -> tuple[str, ...]:
    try:
        major_minor = tuple(int(n) for n in version.split(".")[:2])
    except ValueError as exc:
        raise InstallError(f"--blender-version {version!r}: expected X.Y, e.g. 4.2") from exc
    if major_minor >= BLENDER_EXTENSIONS_FROM:
        return ("extensions", "user_default")
    return ("scripts", "addons")


def _nuke(src, path, folder: str) -> list[Step]:
    target = path.join(folder, "mediaopt")
    nuke = src / "nuke"
    steps = [
        Step(target=path.join(target, name), source=nuke / name) for name in ("init.py", "menu.py")
    ]
    for source in sorted((nuke / "mediaopt_nuke").glob("*.py")):
        steps.append(Step(target=path.join(target, "mediaopt_nuke", source.name), source=source))
    steps.append(Step(target=path.join(target, "mediaopt_nuke", CLIENT), source=src / "client.py"))
    steps.append(Step(target=path.join(folder, "init.py"), line=NUKE_INIT_LINE))
    return steps


def resolve_fusion_folder(platform: str, home: str, environ: dict[str, str]) -> str:
    """Resolve's per-user Fusion folder, whose Scripts/Utility scripts appear under
    Workspace > Scripts (Resolve's scripting README)."""
    if platform == "windows":
        appdata = environ.get("APPDATA") or ntpath.join(home, "AppData", "Roaming")
        return ntpath.join(appdata, "Blackmagic Design", "DaVinci Resolve", "Support", "Fusion")
    if platform == "macos":
        return posixpath.join(
            home, "Library", "Application Support", "Blackmagic Design", "DaVinci Resolve", "Fusion"
        )
    return posixpath.join(home, ".local", "share", "DaVinciResolve", "Fusion")


def _resolve(src, path, fusion: str) -> list[Step]:
    # The client goes to Fusion/Modules, not beside the script: every .py in
    # Scripts/Utility becomes a menu entry.
    return [
        Step(
            target=path.join(fusion, "Scripts", "Utility", "mediaopt_resolve.py"),
            source=src / "resolve" / "mediaopt_resolve.py",
        ),
        Step(target=path.join(fusion, "Modules", "mediaopt", CLIENT), source=src / "client.py"),
    ]


def apply(step: Step) -> None:
    target = Path(step.target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if step.line is None:
        shutil.copyfile(step.source, target)
        return
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    if step.line in existing:
        return
    header = "import nuke\n" if "import nuke" not in existing else ""
    separator = "" if not existing or existing.endswith("\n") else "\n"
    target.write_text(existing + separator + header + step.line + "\n", encoding="utf-8")
