"""mediaopt refs PROJECT_FILE...: what each project references, and whether it resolved."""

from __future__ import annotations

import argparse
import enum
import os
from collections.abc import Iterator
from pathlib import Path

import msgspec

from mediaopt.engine.catalog import Catalog, default_catalog_path
from mediaopt.engine.cli.output import (
    add_catalog_option,
    add_json_option,
    console,
    errors,
    print_json_lines,
    table,
)
from mediaopt.engine.model import Project, Reference, ReferenceTarget
from mediaopt.engine.production.readers import read_project


class Status(enum.StrEnum):
    ON_DISK = "on_disk"
    CATALOGED = "cataloged"
    """Not at the path on this machine, but the catalog holds an asset at that path."""
    NOT_FOUND = "not_found"
    UNRESOLVABLE = "unresolvable"
    """No path to look for: a MissingReference, or a path only running code could give."""


class ResolvedReference(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One reference and what became of it."""

    reference: Reference
    status: Status
    found: str | None = None
    """The absolute path (or `####` pattern) it resolved to."""


class RefsReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One project's references, resolved."""

    path: str
    kind: str
    name: str | None = None
    references: list[ResolvedReference] = []
    errors: list[str] = []
    notes: list[str] = []
    render_settings: dict[str, str] = {}


def resolve(
    reference: Reference, project_path: str, catalog: Catalog | None = None
) -> ResolvedReference:
    """Where a reference points on this machine. A plain first version: relative to the
    project's folder (Blender's `//` too), then the catalog. Path mapping between
    platforms and mounts belongs to the projects engine, which replaces this."""
    if reference.target in (ReferenceTarget.MISSING, ReferenceTarget.UNRESOLVABLE):
        return ResolvedReference(reference=reference, status=Status.UNRESOLVABLE)
    if not reference.path:
        return ResolvedReference(reference=reference, status=Status.UNRESOLVABLE)
    written = reference.path
    base = Path(project_path)
    folder = base if base.is_dir() else base.parent
    if written.startswith("//") and not written.startswith("///") and base.suffix == ".blend":
        written = written[2:]
    full = os.path.normpath(os.path.join(folder, written))
    if _exists(full, reference):
        return ResolvedReference(reference=reference, status=Status.ON_DISK, found=full)
    if catalog is not None and catalog.get(full) is not None:
        return ResolvedReference(reference=reference, status=Status.CATALOGED, found=full)
    return ResolvedReference(reference=reference, status=Status.NOT_FOUND)


def _exists(full: str, reference: Reference) -> bool:
    if reference.target is not ReferenceTarget.SEQUENCE or "#" not in full:
        return os.path.exists(full)
    head, _, tail = full.partition("#")
    padding = len(tail) - len(tail.lstrip("#")) + 1
    tail = tail.lstrip("#")
    first, last = reference.frames or (1, 1)
    # One frame present is enough to say the sequence is there; counting the missing
    # ones is the scan's job.
    return any(
        os.path.exists(f"{head}{frame:0{padding}d}{tail}")
        for frame in (first, last, *range(first, min(last, first + 50) + 1))
    )


def report(path: str, catalog: Catalog | None = None) -> RefsReport:
    project: Project = read_project(path)
    return RefsReport(
        path=project.path,
        kind=project.kind,
        name=project.name,
        references=[resolve(r, project.path, catalog) for r in project.references],
        errors=project.errors,
        notes=project.notes,
        render_settings=project.render_settings,
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "refs", help="what project files reference, and whether it resolved", description=__doc__
    )
    p.add_argument("projects", nargs="+", metavar="PROJECT_FILE", help="project file or folder")
    add_catalog_option(p)
    add_json_option(p)
    p.set_defaults(run=run)


def _catalog(args: argparse.Namespace) -> Catalog | None:
    # Only an existing catalog is consulted: `refs` must not create one as a side effect.
    path = Path(args.catalog) if args.catalog else default_catalog_path()
    return Catalog(path) if path.is_file() else None


def run(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    try:
        reports = list(_reports(args.projects, catalog))
    finally:
        if catalog is not None:
            catalog.close()
    if args.json:
        print_json_lines(reports)
    else:
        for one in reports:
            _print(one)
    return 1 if any(r.errors for r in reports) else 0


def _reports(paths: list[str], catalog: Catalog | None) -> Iterator[RefsReport]:
    for path in paths:
        yield report(path, catalog)


def _print(one: RefsReport) -> None:
    t = table("status", "role", "target", "path", "frames", "owner", "where", title=one.path)
    for resolved in one.references:
        ref = resolved.reference
        frames = f"{ref.frames[0]}-{ref.frames[1]}" if ref.frames else ""
        t.add_row(
            str(resolved.status),
            ref.role,
            str(ref.target),
            ref.path or ref.name or "",
            frames,
            f"{ref.owner or ''} {ref.name or ''}".strip(),
            ref.location or "",
        )
    console.print(t)
    for note in one.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    for error in one.errors:
        errors.print(error, markup=False, highlight=False)
