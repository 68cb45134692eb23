"""mediaopt refs PROJECT_FILE...: what each project references, and whether it resolved."""

from __future__ import annotations

import argparse
import enum
import os
from typing import TYPE_CHECKING

import msgspec

from mediaopt.engine.cli.output import (
    PathNames,
    add_catalog_option,
    add_json_option,
    console,
    errors,
    print_json_lines,
    table,
)
from mediaopt.engine.cli.project_options import add_path_map_options, path_map_from
from mediaopt.engine.model import FileProblem, Project, Reference, ReferenceTarget, notation

if TYPE_CHECKING:
    from mediaopt.engine.refs.index import CatalogIndex
    from mediaopt.engine.refs.pathmap import PathMap


class Status(enum.StrEnum):
    ON_DISK = "on_disk"
    """On disk at the (mapped) path, but not in the catalog: outside the scanned roots,
    or no catalog yet."""
    CATALOGED = "cataloged"
    """Resolved to cataloged assets: by path, path map, sequence, frame, case, a
    symlinked folder, or reel and timecode (`how` says which)."""
    NOT_FOUND = "not_found"
    UNRESOLVABLE = "unresolvable"
    """No path to look for: a MissingReference, or a path only running code could give."""


class ResolvedReference(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One reference and what became of it."""

    reference: Reference
    status: Status
    found: str | None = None
    """The absolute path (or `####` pattern) it resolved to."""
    assets: list[str] = []
    """Every cataloged asset it uses (a frame range may span several sequences)."""
    how: str | None = None
    """`path`, `sequence`, `frame`, `case`, `link` or `reel`."""
    tried: list[str] = []
    """Local paths looked at, after the path map, best first."""
    candidates: list[str] = []
    """Cataloged assets it might mean, when it did not resolve (same name or reel)."""


class RefsReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One project's references, resolved."""

    path: str
    kind: str
    name: str | None = None
    references: list[ResolvedReference] = []
    errors: list[str] = []
    notes: list[str] = []
    render_settings: dict[str, str] = {}
    problems: list[FileProblem] = []
    """The project file's reading errors, each naming the file."""


def resolve(
    reference: Reference, project_path: str, index: CatalogIndex, path_map: PathMap
) -> ResolvedReference:
    """Where a reference points, through the one resolver every command uses
    (engine/refs/resolve.py: path maps, sequences, frames, case, links, reels)."""
    from mediaopt.engine.refs.resolve import resolve as resolve_reference

    found = resolve_reference(reference, project_path, index, path_map)
    common = {"reference": reference, "tried": found.tried, "candidates": found.candidates}
    if found.assets:
        return ResolvedReference(
            status=Status.CATALOGED,
            found=found.assets[0],
            assets=found.assets,
            how=found.how,
            **common,
        )
    if found.exists:
        return ResolvedReference(status=Status.ON_DISK, found=found.file, how=found.how, **common)
    on_disk = _frames_on_disk(found.tried, reference.frames)
    if on_disk is not None:
        return ResolvedReference(status=Status.ON_DISK, found=on_disk, how="sequence", **common)
    if not reference.path and reference.target in _NO_PATH:
        return ResolvedReference(status=Status.UNRESOLVABLE, **common)
    if reference.target is ReferenceTarget.UNRESOLVABLE:
        return ResolvedReference(status=Status.UNRESOLVABLE, **common)
    return ResolvedReference(status=Status.NOT_FOUND, **common)


_NO_PATH = (ReferenceTarget.MISSING, ReferenceTarget.UNRESOLVABLE, ReferenceTarget.FILE)


def _frames_on_disk(tried: list[str], frames: tuple[int, int] | None) -> str | None:
    """The first pattern among `tried` with a frame on disk: a sequence outside the
    catalog (no scan yet, or outside the roots) is there when one frame is; counting the
    missing ones is the scan's job."""
    for local in tried:
        pattern = notation.parse(local)
        if pattern is None:
            continue
        first, last = frames or (None, None)
        if first is not None and last is not None:
            numbers = (first, last, *range(first, min(last, first + 50) + 1))
            if any(os.path.exists(pattern.frame_path(n)) for n in numbers):
                return pattern.hashes
        elif _any_frame(pattern):
            return pattern.hashes
    return None


def _any_frame(pattern: notation.FramePattern) -> bool:
    folder, head = os.path.split(pattern.head)
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return False
    tail = pattern.tail
    return any(
        n.startswith(head) and n.endswith(tail) and n[len(head) : len(n) - len(tail)].isdigit()
        for n in names
        if len(n) > len(head) + len(tail)
    )


def report(path: str, index: CatalogIndex, path_map: PathMap) -> RefsReport:
    from mediaopt.engine.production.readers import read_project

    project: Project = read_project(path)
    return RefsReport(
        problems=[FileProblem(path=project.path, reason=e) for e in project.errors],
        path=project.path,
        kind=project.kind,
        name=project.name,
        references=[resolve(r, project.path, index, path_map) for r in project.references],
        errors=project.errors,
        notes=project.notes,
        render_settings=project.render_settings,
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "refs", help="what project files reference, and whether it resolved", description=__doc__
    )
    p.add_argument("projects", nargs="+", metavar="PROJECT_FILE", help="project file or folder")
    add_path_map_options(p)
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def _index(args: argparse.Namespace) -> tuple[CatalogIndex, list[str]]:
    """The catalog's index and its roots (none without a catalog)."""
    from mediaopt.engine.catalog import Catalog, catalog_exists
    from mediaopt.engine.refs.index import CatalogIndex

    # Only an existing catalog is consulted: `refs` must not create one as a side effect.
    if not catalog_exists(args.catalog):
        return CatalogIndex([]), []
    with Catalog(args.catalog) as catalog:
        return CatalogIndex.from_catalog(catalog), catalog.roots()


def run(args: argparse.Namespace) -> list[RefsReport]:
    path_map = path_map_from(args)
    index, roots = _index(args)
    reports = [report(path, index, path_map) for path in args.projects]
    if args.json:
        print_json_lines(reports)
    else:
        names = PathNames(roots)
        names.say()
        for one in reports:
            _print(one, names)
    return reports


def _print(one: RefsReport, names: PathNames) -> None:
    t = table(
        "status",
        "role",
        "target",
        "path",
        "frames",
        "owner",
        "where",
        title=names(one.path),
        paths=["path"],
        text=["owner", "where"],
    )
    for resolved in one.references:
        ref = resolved.reference
        frames = f"{ref.frames[0]}-{ref.frames[1]}" if ref.frames else ""
        t.add_row(
            str(resolved.status),
            ref.role,
            str(ref.target),
            names(ref.path) or ref.name or "",
            frames,
            f"{ref.owner or ''} {ref.name or ''}".strip(),
            ref.location or "",
        )
    console.print(t)
    for note in one.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    for error in one.errors:
        errors.print(error, markup=False, highlight=False)
