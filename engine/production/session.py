"""Read projects (through the adapters) and resolve their references once, for every
analysis that needs them: the session the analyses share."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.lineage import infer_edges, project_edges
from mediaopt.engine.lineage.conform import export_edges
from mediaopt.engine.lineage.jobs import job_edges
from mediaopt.engine.lineage.perceptual import cached_prints, fingerprint_missing, perceptual_edges
from mediaopt.engine.model import FileProblem, Project, RenderJob
from mediaopt.engine.production.readers import project_extensions, project_kind, read_project
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.refs.config import DEFAULT_DORMANT_DAYS
from mediaopt.engine.refs.index import CatalogIndex
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.refs.projects import ResolvedProject, Session, resolve_project
from mediaopt.engine.refs.resolve import Resolution, resolve
from mediaopt.engine.render.jobs import render_jobs


def discover_projects(
    index: CatalogIndex, roots: list[str], unlisted: list[FileProblem] | None = None
) -> list[str]:
    """Project files under the roots that a reader knows: from the catalog, and from the
    folders as they are now, since a cut saved after the last scan is in use too. Folders
    that cannot be listed are added to `unlisted`: a project in one is unknown."""
    named = index.named_under(roots, project_extensions())
    found = {path for path, kind in named if kind != "sequence" and _kind(path)}
    found.update(p for p in unscanned_projects(roots, unlisted) if p not in index.by_path)
    return sorted(found)


def unscanned_projects(
    roots: list[str], unlisted: list[FileProblem] | None = None
) -> Iterator[str]:
    """Files under the roots named like a project file. Names only: directory entries
    carry their type, so this reads folders and stats nothing, far cheaper than a scan.
    A folder that cannot be listed (permission denied, a path longer than the OS allows)
    is added to `unlisted`, never skipped silently: what it holds may be a project."""
    extensions = set(project_extensions())

    def note(exc: OSError) -> None:
        if unlisted is not None and exc.filename:
            unlisted.append(FileProblem(path=os.fsdecode(exc.filename), reason=_why(exc)))

    for root in roots:
        for folder, _, names in os.walk(root, onerror=note):
            for name in names:
                parts = name.lower().split(".")[1:]
                if any(".".join(parts[i:]) in extensions for i in range(len(parts))):
                    path = os.path.join(folder, name)
                    if _kind(path):
                        yield path


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot list folder: permission denied"
    return f"cannot list folder: {exc.strerror or exc}"


def _kind(path: str) -> str | None:
    try:
        return project_kind(path)
    except Exception:  # a reader's sniffing must not stop the run
        return None


def read_projects(
    paths: Iterable[str],
    index: CatalogIndex,
    path_map: PathMap,
    *,
    dormant_days: float,
    now: float | None = None,
    named: Iterable[str] = (),
    progress: Progress | None = None,
) -> list[ResolvedProject]:
    """Read and resolve each project, and every project file they reference in turn (a
    timeline nesting another, an AAF composing AAFs): what a nested project uses is used
    by its parent, so it is as active as the parent. The `named` ones (given by the user)
    are always active."""
    now = time.time() if now is None else now
    explicit = {os.path.abspath(p) for p in named}
    read: dict[str, ResolvedProject] = {}
    nested: dict[str, list[str]] = {}
    queue = [os.path.abspath(p) for p in paths]
    while queue:
        path = queue.pop(0)
        if path in read:
            continue
        rp = resolve_project(
            read_project(path), path, index, path_map, dormant_days, now, path in explicit
        )
        read[path] = rp
        if progress is not None:
            progress.advance(1)
        nested[path] = _nested_projects(rp, index)
        queue += [n for n in nested[path] if n not in read]
    # What a nested project uses is used by its parent, so it is as active as the parent,
    # even when found first under the roots and idle for years on its own.
    todo = [path for path, rp in read.items() if rp.active]
    while todo:
        for child in nested[todo.pop()]:
            if not read[child].active:
                read[child].active = True
                todo.append(child)
    return list(read.values())


def _nested_projects(rp: ResolvedProject, index: CatalogIndex) -> list[str]:
    """Project files a project references: cataloged ones, and uncataloged ones outside
    the roots (a reel timeline on another volume), whose media may still be under them."""
    found = [a for a in sorted(rp.assets) if index.by_path[a].kind == "other" and _kind(a)]
    found += [
        os.path.abspath(r.file)
        for r in rp.resolutions
        if r.file and os.path.isfile(r.file) and _kind(r.file)
    ]
    return list(dict.fromkeys(found))


def open_session(
    catalog: Catalog | CatalogIndex,
    roots: list[str],
    *,
    projects: list[str] | None = None,
    path_map: PathMap | None = None,
    dormant_days: float = DEFAULT_DORMANT_DAYS,
    now: float | None = None,
    jobs: list[RenderJob] | None = None,
    fingerprint: bool = False,
    only_projects: bool = False,
    progress: Progress | None = None,
) -> Session:
    """Index the catalog, read the project files found under the roots and the named
    `projects` (always active; with `only_projects`, those alone: the session is then
    `restricted`), resolve their references and gather lineage under the roots.

    Given a Catalog (not an index), lineage also uses its recorded render jobs (unless
    `jobs` are given) and its cached video fingerprints; `fingerprint` first decodes
    sampled frames of the movies and sequences under the roots that have none.
    `progress` hears of each project read and each file fingerprinted."""
    progress = progress or NullProgress()
    index = catalog if isinstance(catalog, CatalogIndex) else CatalogIndex.from_catalog(catalog)
    db = catalog if isinstance(catalog, Catalog) else None
    roots = [os.path.abspath(r) for r in roots]
    path_map = path_map or PathMap()
    now = time.time() if now is None else now
    named = [os.path.abspath(p) for p in projects or []]
    restricted = bool(named) and only_projects
    unlisted: list[FileProblem] = []
    # A named project adds to those found: naming one cut must not hide another active
    # cut under the roots, whose media would then be called orphans.
    progress.phase("finding projects")
    found = [] if restricted else discover_projects(index, roots, unlisted)
    paths = list(dict.fromkeys([*named, *found]))
    progress.phase("reading projects", total=len(paths))
    read = read_projects(
        paths,
        index,
        path_map,
        dormant_days=dormant_days,
        now=now,
        named=named,
        progress=progress,
    )
    # Inference runs per root: reel and clip names (A001C003) recur on every production,
    # so a match between two shows' roots is a coincidence, not a derivation.
    edges = [edge for root in roots for edge in infer_edges(index.entries_under([root]))]
    for rp in read:
        edges += project_edges(rp.project, rp.resolutions)
        edges += export_edges(rp.project, rp.resolutions, index)
    if jobs is None:
        jobs = render_jobs(db) if db is not None else []
    scenes = _SceneReader(read, index, path_map)
    edges += job_edges(_jobs_under(jobs, roots), scenes)
    problems: list[FileProblem] = []
    if db is not None:
        if fingerprint:
            problems = fingerprint_missing(db, roots, progress=progress)
        prints = cached_prints(db, roots)
        # Only pairs that both have a print can be linked by pictures: the set stays as
        # small as the prints, not as large as the edges.
        linked = {
            frozenset((e.source, e.derivative))
            for e in edges
            if e.source in prints and e.derivative in prints
        }
        printed = (index.by_path.get(path) for path in sorted(prints))
        edges += perceptual_edges((e for e in printed if e is not None), prints, linked)
    return Session(
        index=index,
        roots=roots,
        projects=read,
        edges=edges,
        now=now,
        problems=problems,
        unlisted=unlisted,
        restricted_to=named if restricted else [],
    )


def _jobs_under(jobs: list[RenderJob], roots: list[str]) -> list[RenderJob]:
    bases = [r.rstrip(os.sep) + os.sep for r in roots]
    return [j for j in jobs if j.output_asset and any(j.output_asset.startswith(b) for b in bases)]


class _SceneReader:
    """A job's scene as read and resolved: the session's own read when it found the
    scene under the roots, else read once here (a scene outside the roots, on the farm's
    share)."""

    def __init__(self, read: list[ResolvedProject], index: CatalogIndex, path_map: PathMap):
        self.read = {rp.project.path: (rp.project, rp.resolutions) for rp in read}
        self.index = index
        self.path_map = path_map

    def __call__(self, scene: str) -> tuple[Project, list[Resolution]] | None:
        for local in self.path_map.local_paths(scene, None) or [scene]:
            local = os.path.abspath(local)
            if local not in self.read and os.path.isfile(local) and _kind(local):
                project = read_project(local)
                resolutions = [
                    resolve(r, local, self.index, self.path_map) for r in project.references
                ]
                self.read[local] = (project, resolutions)
            if local in self.read:
                return self.read[local]
        return None
