"""What `mediaopt watch` reports as it happens: one JSON line per event."""

from __future__ import annotations

import enum

import msgspec

from mediaopt.engine.model.assets import Asset


class WatchEventKind(enum.StrEnum):
    ASSET_ADDED = "asset_added"
    ASSET_CHANGED = "asset_changed"
    ASSET_REMOVED = "asset_removed"
    NEW_ORPHAN = "new_orphan"
    NEW_DUPLICATE = "new_duplicate"
    RENDER_OVER_BUDGET = "render_over_budget"
    PROJECT_DORMANT = "project_dormant"
    ROOT_OFFLINE = "root_offline"
    """A root is gone, unmounted or empty: nothing under it is changed in the catalog."""
    ROOT_ONLINE = "root_online"
    RECONCILE_ONLY = "reconcile_only"
    """File-system events cannot be relied on under a root (a network file system, no
    inotify watches left, events lost); changes are found by the periodic reconcile."""
    CATALOG_BUSY = "catalog_busy"
    """The catalog could not be written; the changes are kept and written later."""


class WatchEvent(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One thing that happened under a watched root."""

    kind: WatchEventKind
    path: str
    """The asset, project, root or duplicate group's keeper it is about."""
    time: float
    """When it was noticed (seconds since the epoch)."""
    detail: str | None = None
    """Why, in words: the file system type, the budget exceeded, the copies."""
    bytes: int | None = None
    """The asset's size, the bytes a duplicate or over-budget render costs."""
    asset: Asset | None = None
    """The cataloged record, for added and changed assets."""
