"""Which reader turns which kind of project file into a Project.

Each reader module registers itself with `@reader(kind, extensions)`, as BAT maps block
codes to readers with `@dna_code`; adding a format is adding one module. Third parties add
theirs through the `mediaopt.readers` entry-point group: each entry point names a module
(importing it runs its `@reader` decorators) or a reader function carrying `kind` and
`extensions` attributes.
"""

from __future__ import annotations

import importlib
import logging
import os
import stat
from collections.abc import Callable, Iterable
from importlib.metadata import entry_points
from pathlib import Path

from mediaopt.engine.model import Project
from mediaopt.engine.model.projects import NATIVE_PROJECT_FILES

__all__ = [
    "ENTRY_POINT_GROUP",
    "RECOGNISED",
    "Reader",
    "kinds",
    "project_kind",
    "read_project",
    "reader",
    "unreadable_extensions",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "mediaopt.readers"
Reader = Callable[[Path], Project]
"""Reads one project file; may raise, read_project turns that into Project.errors."""

# Project formats known by name (engine/model/projects.py). A file of one that no reader
# reads is a project all the same: listed, with an error saying no reader knows it, so
# that what it could use is kept as uncertain instead of being called an orphan. A reader
# registered for the extension (built in or a plug-in) takes precedence.
RECOGNISED = NATIVE_PROJECT_FILES

_BUILTIN = ("otio", "nuke", "blend", "folder", "project_json", "resolve_snapshot")
# Native project files read without their applications; after "otio" so that a .drp is
# told apart (Resolve zip or ATEM JSON) by resolve_project, not by OTIO's ATEM adapter.
_NATIVE = (
    "premiere",
    "avid",
    "after_effects",
    "maya",
    "houdini",
    "natron",
    "fusion",
    "resolve_project",
    "hiero",
)
_by_extension: dict[str, tuple[str, Reader]] = {}
_by_kind: dict[str, Reader] = {}
_preferred: set[str] = set()
"""Extensions whose reader was registered with `preferred=True`: a reader registered
later without it (OTIO's generic adapter for `.drp`) does not replace it, whatever the
order the modules were imported in."""
_loaded = False
_generation = 0


def generation() -> int:
    """Changes whenever a reader is registered: a process that read projects for this one
    (forked before) must be started again to know the new reader."""
    _load()
    return _generation


def reader(
    kind: str, extensions: Iterable[str] = (), *, preferred: bool = False
) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader of `kind`, for files whose name ends
    in one of `extensions` (without the dot, matched case-insensitively). A `preferred`
    reader keeps its extensions against later registrations that are not."""

    def register(function: Reader) -> Reader:
        global _generation
        _generation += 1
        _by_kind[kind] = function
        for extension in extensions:
            extension = extension.lower().lstrip(".")
            if extension in _preferred and not preferred:
                continue
            _by_extension[extension] = (kind, function)
            if preferred:
                _preferred.add(extension)
        return function

    return register


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in _BUILTIN + _NATIVE:
        importlib.import_module(f"mediaopt.adapters.{name}")
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plug-in must not stop the built-in readers
            log.warning("mediaopt reader plug-in %s failed to load: %s", entry.value, exc)
            continue
        if callable(loaded) and hasattr(loaded, "extensions"):
            reader(getattr(loaded, "kind", entry.name), loaded.extensions)(loaded)


def kinds() -> dict[str, str]:
    """extension -> kind, for every registered reader and every recognised format (whose
    kind is `unreadable:<extension>`)."""
    _load()
    found = {extension: _unreadable_kind(extension) for extension in RECOGNISED}
    found.update((extension, kind) for extension, (kind, _) in _by_extension.items())
    return dict(sorted(found.items()))


def unreadable_extensions() -> list[str]:
    """Recognised project formats (see RECOGNISED) that no registered reader reads."""
    _load()
    return sorted(e for e in RECOGNISED if e not in _by_extension)


def _unreadable_kind(extension: str) -> str:
    return f"unreadable:{extension}"


def _no_reader(extension: str) -> Reader:
    def read(path: Path) -> Project:
        return Project(
            path=str(path),
            kind=_unreadable_kind(extension),
            errors=[
                f"{path}: {RECOGNISED[extension]}, which no mediaopt reader reads yet: "
                "what it uses is unknown, so the media it could use is kept"
            ],
        )

    return read


def _lookup(path: Path) -> tuple[str, Reader] | None:
    _load()
    name = path.name.lower()
    # Longest suffix first, so a reader of `tar.gz`-like double extensions wins.
    parts = name.split(".")[1:]
    for i in range(len(parts)):
        found = _by_extension.get(".".join(parts[i:]))
        if found:
            return found
    for i in range(len(parts)):
        extension = ".".join(parts[i:])
        if extension in RECOGNISED:
            return _unreadable_kind(extension), _no_reader(extension)
    if path.is_dir() and "folder" in _by_kind:
        return "folder", _by_kind["folder"]
    return None


def project_kind(path: str | os.PathLike[str]) -> str | None:
    """The kind of project `path` is (`otio`, `cmx_3600`, `nuke`, `blend`, `folder`...),
    or None when no reader knows it."""
    found = _lookup(Path(path))
    return found[0] if found else None


def _not_a_file(path: Path) -> str | None:
    """Why `path` must not be opened as a project, if so. Only regular files (and folders,
    for bundles and folder projects) are read: opening a FIFO named `cut.otio` blocks
    forever, and a device or socket is nobody's project."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file or folder"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"{what}, not a regular file: not read"


def read_project(path: str | os.PathLike[str]) -> Project:
    """Read one project file (or folder) into a Project. Never raises for a bad file:
    what went wrong is in `Project.errors`, naming the file and the reason."""
    path = Path(path)
    found = _lookup(path)
    if found is None:
        return Project(
            path=str(path),
            kind="unknown",
            errors=[f"{path}: not a project file any mediaopt reader knows"],
        )
    kind, function = found
    problem = _not_a_file(path)
    if problem:
        return Project(path=str(path), kind=kind, errors=[f"{path}: {problem}"])
    try:
        return function(path)
    except Exception as exc:  # untrusted input: one bad project must not end the run
        log.debug("reading %s failed", path, exc_info=True)
        message = str(exc)
        if not message.startswith(str(path)):
            message = f"{path}: could not be read as {kind}: {type(exc).__name__}: {message}"
        return Project(path=str(path), kind=kind, errors=[message])
