"""The API's routes: each opens the catalog, calls the library as the CLI does, and
returns the record the CLI would print with `--json`."""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import msgspec
from litestar import Litestar, MediaType, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import QueryParameter

from mediaopt.engine.catalog import Catalog, StatsRow
from mediaopt.engine.model import (
    Asset,
    AssetKind,
    AssetStatus,
    DupesReport,
    LineageReport,
    OrphanReport,
    Plan,
    ProjectsReport,
    ScannedRoot,
)
from mediaopt.engine.refs.config import Settings
from mediaopt.engine.report.model import Report

if TYPE_CHECKING:
    from mediaopt.engine.production.record import ProductionRecord

_BIG = 2**62
"""Bounds for integer queries: SQLite integers are 64-bit; past that is a bad query."""
Count = Annotated[int | None, QueryParameter(ge=0, le=_BIG)]
Measure = Annotated[float | None, QueryParameter(ge=0, le=1e12)]
Text = Annotated[str | None, QueryParameter(max_length=4096)]
Roots = Annotated[list[str] | None, QueryParameter(max_items=64)]
Kind = Annotated[AssetKind | None, QueryParameter()]
Status = Annotated[AssetStatus | None, QueryParameter()]
Flag = Annotated[bool, QueryParameter()]
GraceDays = Annotated[float | None, QueryParameter(ge=0, le=36500)]
ScopeDepth = Annotated[int | None, QueryParameter(ge=0, le=64)]


class Grouping(StrEnum):
    kind = "kind"
    codec = "codec"
    resolution = "resolution"
    folder = "folder"
    extension = "extension"
    status = "status"


class MediaKind(StrEnum):
    image = "image"
    video = "video"
    audio = "audio"


class Health(msgspec.Struct, kw_only=True, frozen=True):
    catalog: str
    """The catalog this API serves."""
    assets: int
    """Assets cataloged."""
    roots: list[str]
    """The outermost roots scanned into it."""


def make_app(catalog: str, *, token: str | None = None, config: str | None = None) -> Litestar:
    """The application: every route but the schema needs `token` when one is given.
    `config` is the settings file (path maps, grace days), read once here."""
    from mediaopt.engine.recommend.build import DEFAULT_HANDLES
    from mediaopt.engine.refs.config import load_settings
    from mediaopt.engine.refs.pathmap import PathMap

    settings = load_settings(config)
    path_map = PathMap.parse(settings.path_map)

    @contextmanager
    def opened() -> Iterator[Catalog]:
        with Catalog(catalog) as cat:
            yield cat

    @get("/health", sync_to_thread=True, summary="the catalog served and its size")
    def health() -> Health:
        with opened() as cat:
            return Health(catalog=str(cat.path), assets=cat.count(), roots=cat.roots())

    @get("/roots", sync_to_thread=True, summary="every root scanned, with when")
    def roots() -> list[ScannedRoot]:
        with opened() as cat:
            return cat.scanned_roots()

    @get("/assets", sync_to_thread=True, summary="query the catalog (as `mediaopt find`)")
    def assets(
        kind: Kind = None,
        codec: Text = None,
        min_width: Count = None,
        fps: Measure = None,
        bit_depth: Count = None,
        primaries: Text = None,
        larger_than: Count = None,
        under: Text = None,
        status: Status = None,
        limit: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1000,
        offset: Annotated[int, QueryParameter(ge=0, le=_BIG)] = 0,
    ) -> list[Asset]:
        with opened() as cat:
            found = cat.find(
                kind=kind,
                codec=codec,
                min_width=min_width,
                fps=fps,
                bit_depth=bit_depth,
                primaries=primaries,
                larger_than=larger_than,
                under=_path(under) if under else None,
                status=status,
            )
            return [a for i, a in zip(range(offset + limit), found, strict=False) if i >= offset]

    @get("/asset", sync_to_thread=True, summary="one file's or sequence's record")
    def asset(path: Annotated[str, QueryParameter(min_length=1, max_length=4096)]) -> Asset:
        with opened() as cat:
            found = cat.get(_path(path))
        if found is None:
            raise NotFoundException(f"{path}: not in the catalog")
        return found

    @get("/stats", sync_to_thread=True, summary="bytes and counts (as `mediaopt stats`)")
    def stats(
        by: Annotated[Grouping, QueryParameter()] = Grouping.kind, under: Text = None
    ) -> list[StatsRow]:
        with opened() as cat:
            return cat.stats(str(by), _path(under) if under else None)

    @get("/projects", sync_to_thread=True, summary="projects, their size and activity")
    def projects(root: Roots = None, project: Roots = None) -> ProjectsReport:
        from mediaopt.engine.production.session import open_session
        from mediaopt.engine.projects.summary import summarise_projects

        with opened() as cat:
            session = open_session(
                cat,
                _roots(cat, root),
                projects=_projects(cat, project),
                path_map=path_map,
                dormant_days=settings.dormant_days,
            )
        return summarise_projects(
            session, conventions=settings.conventions, dormant_days=settings.dormant_days
        )

    @get("/orphans", sync_to_thread=True, summary="media no active project needs")
    def orphans(
        root: Roots = None,
        project: Roots = None,
        grace_days: GraceDays = None,
        unreadable_scope_depth: ScopeDepth = None,
    ) -> OrphanReport:
        from mediaopt.engine.production.analysis import find_orphans

        with opened() as cat:
            return find_orphans(
                cat,
                _roots(cat, root),
                projects=_projects(cat, project),
                path_map=path_map,
                grace_days=settings.grace_days if grace_days is None else grace_days,
                dormant_days=settings.dormant_days,
                unreadable_scope_depth=unreadable_scope_depth,
            )

    @get("/lineage", sync_to_thread=True, summary="what was made from what")
    def lineage(root: Roots = None, path: Text = None) -> LineageReport:
        from mediaopt.engine.lineage.report import lineage_in
        from mediaopt.engine.production.session import open_session

        with opened() as cat:
            session = open_session(
                cat,
                _roots(cat, root),
                path_map=path_map,
                dormant_days=settings.dormant_days,
            )
            return lineage_in(session, _path(path) if path else None)

    @get("/duplicates", sync_to_thread=True, summary="exact (and near) duplicate groups")
    def duplicates(
        near: Flag = False, kind: Annotated[MediaKind | None, QueryParameter()] = None
    ) -> DupesReport:
        from mediaopt.engine.dedup import find_duplicates

        with opened() as cat:
            return find_duplicates(cat, near=near, kind=str(kind) if kind else None)

    def _settings(grace_days: float | None, scope_depth: int | None) -> Settings:
        """The config file's settings with a request's overrides (a copy: requests run on
        threads and must not see each other's)."""
        changes: dict[str, object] = {}
        if grace_days is not None:
            changes["grace_days"] = grace_days
        if scope_depth is not None:
            changes["unreadable_scope_depth"] = scope_depth
        return msgspec.structs.replace(settings, **changes)

    @get("/plan", sync_to_thread=True, summary="the savings plan (as `mediaopt recommend`)")
    def plan(
        root: Roots = None,
        project: Roots = None,
        near: Flag = False,
        dupes: Annotated[bool, QueryParameter()] = True,
        handles: Annotated[int, QueryParameter(ge=0, le=100_000)] = DEFAULT_HANDLES,
        grace_days: GraceDays = None,
        unreadable_scope_depth: ScopeDepth = None,
    ) -> Plan:
        from mediaopt.engine.recommend import recommend

        with opened() as cat:
            return recommend(
                cat,
                _roots(cat, root),
                settings=_settings(grace_days, unreadable_scope_depth),
                projects=_projects(cat, project),
                near=near,
                dupes=dupes,
                handles=handles,
            )

    def _record_and_plan(
        cat: Catalog,
        root: list[str] | None,
        under: str | None,
        project: list[str] | None,
        near: bool,
        grace_days: float | None,
        scope_depth: int | None,
    ) -> tuple[ProductionRecord, Plan]:
        """What `mediaopt report` is built from: the production record and its plan from
        one read of the projects. The analyses that read media beyond headers for minutes
        (render what-ifs, storage bandwidth measurements) are left to the command line."""
        from mediaopt.engine.production.analyse import outermost
        from mediaopt.engine.production.record import AnalysisOptions
        from mediaopt.engine.recommend.analysed import analyse_and_plan

        return analyse_and_plan(
            cat,
            outermost(_roots(cat, [*(root or []), *([under] if under else [])])),
            _settings(grace_days, scope_depth),
            options=AnalysisOptions(near_duplicates=near),
            projects=_projects(cat, project),
        )

    @get("/report", sync_to_thread=True, summary="the report's sections, as records")
    def report(
        root: Roots = None,
        under: Text = None,
        project: Roots = None,
        near: Flag = False,
        grace_days: GraceDays = None,
        unreadable_scope_depth: ScopeDepth = None,
    ) -> Report:
        """What `mediaopt report --json` prints: every section of the production record
        and the page's data, the plan included."""
        from mediaopt.engine.report import production_report
        from mediaopt.engine.report.data import storage_data

        with opened() as cat:
            record, plan = _record_and_plan(
                cat, root, under, project, near, grace_days, unreadable_scope_depth
            )
            return production_report(record, data=storage_data(record, cat, plan))

    @get(
        "/report.html",
        sync_to_thread=True,
        media_type=MediaType.HTML,
        summary="the self-contained HTML report",
    )
    def report_html(
        root: Roots = None,
        under: Text = None,
        project: Roots = None,
        near: Flag = False,
        grace_days: GraceDays = None,
        unreadable_scope_depth: ScopeDepth = None,
    ) -> str:
        """The page `mediaopt report` writes, charts and all."""
        import tempfile

        from mediaopt.engine.report import storage_report

        with opened() as cat, tempfile.TemporaryDirectory(prefix="mediaopt-serve-") as scratch:
            record, plan = _record_and_plan(
                cat, root, under, project, near, grace_days, unreadable_scope_depth
            )
            _, written = storage_report(record, cat, plan, os.path.join(scratch, "r.html"))
            return written.read_text(encoding="utf-8")

    return Litestar(
        route_handlers=[
            health,
            roots,
            assets,
            asset,
            stats,
            projects,
            orphans,
            lineage,
            duplicates,
            plan,
            report,
            report_html,
        ],
        guards=[_token_guard(token)] if token else [],
        exception_handlers={ValueError: _bad_request, OSError: _bad_request},
        openapi_config=_openapi(token is not None),
        debug=False,
    )


def _path(text: str) -> str:
    """A path from a query: absolute, and a clear 400 for what no file system accepts."""
    if "\x00" in text:
        raise HTTPException(status_code=400, detail="a path cannot hold a NUL character")
    return os.path.abspath(text)


def _roots(cat: Catalog, given: list[str] | None) -> list[str]:
    """The roots an analysis reads: those asked for, each under a scanned root (the API
    never walks folders the catalog was not pointed at), else the catalog's roots."""
    scanned = cat.roots()
    if not scanned:
        raise HTTPException(
            status_code=409, detail=f"the catalog {cat.path} has no roots recorded; scan first"
        )
    if not given:
        return scanned
    roots = [_path(r) for r in given]
    for root in roots:
        if not any(_under(root, s) for s in scanned):
            raise HTTPException(
                status_code=400,
                detail=f"{root}: not under a scanned root ({', '.join(scanned)})",
            )
    return roots


def _projects(cat: Catalog, given: list[str] | None) -> list[str] | None:
    if not given:
        return None
    paths = [_path(p) for p in given]
    scanned = cat.roots()
    for path in paths:
        if not any(_under(path, s) for s in scanned):
            raise HTTPException(status_code=400, detail=f"{path}: not under a scanned root")
    return paths


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def _bad_request(_: Request, exc: Exception) -> Response:
    """A query the library refused (an unknown grouping, a path it cannot read): the
    client's to fix, with the library's reason. Litestar's own client errors (validation,
    not found) are ValueErrors too and keep their status and details."""
    if isinstance(exc, HTTPException):
        body = {"status_code": exc.status_code, "detail": exc.detail}
        if exc.extra:
            body["extra"] = exc.extra
        return Response(body, status_code=exc.status_code)
    return Response({"status_code": 400, "detail": str(exc)}, status_code=400)


def _token_guard(token: str):
    expected = f"Bearer {token}".encode()

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if connection.url.path.startswith("/schema"):
            return  # the schema describes the API, not the catalog: clients need it first
        given = connection.headers.get("authorization", "").encode()
        # Constant time: the comparison must not tell an attacker how much was right.
        if not hmac.compare_digest(given, expected):
            raise NotAuthorizedException("a token is required: Authorization: Bearer <token>")

    return guard


def _openapi(with_token: bool) -> OpenAPIConfig:
    components = Components(
        security_schemes={"token": SecurityScheme(type="http", scheme="bearer")}
    )
    return OpenAPIConfig(
        title="mediaopt",
        version="1",
        description="Read-only: the catalog of a production's media and its analyses.",
        components=components if with_token else Components(),
        security=[{"token": []}] if with_token else None,
    )
