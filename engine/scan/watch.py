"""Keeping the catalog current: file-system events where they work, reconcile where not.

Events (watchdog: inotify on Linux) mark folders dirty; every half second the dirty
folders are listed again and brought up to date in one batch of catalog writes, through
the same stat-compare-probe steps as a scan, so an unchanged file is never probed. A
periodic reconcile walks every root the same way and catches what events miss: changes
on network file systems (inotify sees only this kernel's writes), events lost to a queue
overflow, roots where no inotify watch could be added (ENOSPC).

A root that is gone, unmounted or suddenly empty is offline: nothing under it changes in
the catalog (an unmounted share is not "everything deleted") until it is back.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import queue
import stat
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool

from mediaopt.engine.catalog import BUSY_ERRORS, Catalog
from mediaopt.engine.model import ScanSummary
from mediaopt.engine.model.watch import WatchEvent, WatchEventKind
from mediaopt.engine.progress import NullProgress
from mediaopt.engine.scan import assemble
from mediaopt.engine.scan.mounts import Mount, events_unreliable, mount_of, mounts
from mediaopt.engine.scan.scanner import _finish, _Job, _plan_folder, _Prober, _Writer
from mediaopt.engine.scan.walk import DirListing, FileEntry, Walker
from mediaopt.engine.scan.worker import probe_many

log = logging.getLogger("mediaopt.watch")

Emit = Callable[[WatchEvent], None]

FILE, FOLDER, TREE = "file", "folder", "tree"
_RANK = {FILE: 0, FOLDER: 1, TREE: 2}

BATCH_SECONDS = 0.5
"""How long events gather before one batch of catalog writes: a render writing 100 frames
a second costs two transactions a second, not a hundred."""
RECONCILE_SECONDS = 300.0
ROOT_CHECK_SECONDS = 2.0
SETTLED_SECONDS = 2.0


class Watch:
    """Watches `roots` into `catalog` until stop() is called; see the module's docstring.

    `events=False` is reconcile-only. `workers=0` probes in this thread (tests); else one
    gentle worker process probes, so a header parser crashing costs a file, not the watch.
    `on_change` is called after each batch that changed the catalog (analyses hook in)."""

    def __init__(
        self,
        roots: Iterable[str],
        catalog: Catalog,
        emit: Emit,
        *,
        events: bool = True,
        reconcile_seconds: float = RECONCILE_SECONDS,
        workers: int = 1,
        on_change: Callable[[], None] | None = None,
        observer_factory: Callable[[], object] | None = None,
    ):
        self.roots = [os.path.abspath(r) for r in roots]
        for root in self.roots:
            if not os.path.isdir(root):
                raise NotADirectoryError(f"{root}: not a folder (or not reachable)")
        self.catalog = catalog
        self.emit = emit
        self.use_events = events
        self.reconcile_seconds = reconcile_seconds
        self.on_change = on_change or (lambda: None)
        self._observer_factory = observer_factory
        self._dirty: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self.ready = threading.Event()
        """Set once the roots are watched and reconciled the first time."""
        self._prober = _Prober(workers, low_impact=True)
        self._offline: dict[str, str] = {}
        self._reconcile_now: set[str] = set()
        self._watched: dict[str, object] = {}
        self._mount_points = {r: mount_of(r) for r in self.roots}
        self._observer = None
        self.scan_id = 0
        cat = str(catalog.path)
        # The catalog may sit under a root: its own writes must not wake the watch.
        self.exclude = frozenset({cat, cat + "-wal", cat + "-shm", cat + "-journal"})

    # -- running -----------------------------------------------------------------------

    def run(self) -> None:
        """Reconcile every root once, then follow events until stop()."""
        self.scan_id = self.catalog.begin_scan(self.roots)
        if self.use_events:
            self._start_observer()
        else:
            for root in self.roots:
                self._say(WatchEventKind.RECONCILE_ONLY, root, "file-system events are off")
        try:
            self._check_roots()
            self._reconcile(self.roots)
            self.ready.set()
            next_reconcile = time.monotonic() + self.reconcile_seconds
            next_check = time.monotonic() + ROOT_CHECK_SECONDS
            while not self._stop.is_set():
                batch = self._gather()
                now = time.monotonic()
                if now >= next_check or batch:
                    self._check_roots()
                    next_check = now + ROOT_CHECK_SECONDS
                changed = self._update(batch) if batch else False
                if self._reconcile_now or now >= next_reconcile:
                    due = sorted(self._reconcile_now) if now < next_reconcile else self.roots
                    self._reconcile_now.clear()
                    changed |= self._reconcile(due)
                    if now >= next_reconcile:
                        next_reconcile = now + self.reconcile_seconds
                if changed:
                    self.on_change()
        finally:
            self._stop_observer()
            self._prober.close()

    def stop(self) -> None:
        self._stop.set()
        self._dirty.put(("", FOLDER))  # wake the loop

    def mark_dirty(self, path: str, what: str = FOLDER) -> None:
        """Something changed: a FILE (closed, deleted, moved), a FOLDER's listing, or a
        TREE (a folder created or moved in, perhaps already full). Updated next batch."""
        self._dirty.put((path, what))

    def _gather(self) -> dict[str, str]:
        """Dirty paths of one batch: wait for the first, then BATCH_SECONDS for more."""
        batch: dict[str, str] = {}
        try:
            path, what = self._dirty.get(timeout=1.0)
        except queue.Empty:
            return batch
        deadline = time.monotonic() + BATCH_SECONDS
        while True:
            if path and _RANK[what] > _RANK.get(batch.get(path, ""), -1):
                batch[path] = what
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stop.is_set():
                return batch
            try:
                path, what = self._dirty.get(timeout=remaining)
            except queue.Empty:
                return batch

    # -- roots -----------------------------------------------------------------------

    def _root_of(self, path: str) -> str | None:
        for root in self.roots:
            if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
                return root
        return None

    def _check_roots(self) -> None:
        table = mounts()
        for root in self.roots:
            reason = self._offline_reason(root, table)
            if reason and root not in self._offline:
                self._offline[root] = reason
                self._say(WatchEventKind.ROOT_OFFLINE, root, f"{reason}; the catalog is kept")
            elif not reason and root in self._offline:
                del self._offline[root]
                self._say(WatchEventKind.ROOT_ONLINE, root, "back; reconciling")
                self._mount_points[root] = mount_of(root, table)
                if self.use_events:
                    self._rewatch(root)
                self._reconcile_now.add(root)

    def _offline_reason(self, root: str, table: list[Mount]) -> str | None:
        try:
            with os.scandir(root) as it:
                empty = next(it, None) is None
        except OSError as exc:
            return f"not reachable ({exc.strerror or exc})"
        mounted = self._mount_points.get(root)
        gone = mounted is not None and not any(m.point == mounted.point for m in table)
        if mounted is not None and mounted.point != "/" and table and gone:
            return f"{mounted.point} ({mounted.fstype}) is no longer mounted"
        if empty and self.catalog.folders_under(root):
            # An empty mount point where cataloged media was is an unmounted share far
            # more often than a whole root deleted; unsure means kept.
            return "empty, while the catalog holds media under it (unmounted?)"
        return None

    # -- events ----------------------------------------------------------------------

    def _start_observer(self) -> None:
        from watchdog.observers import Observer

        self._observer = (self._observer_factory or Observer)()
        for root in self.roots:
            self._watch(root)
        self._observer.start()

    def _watch(self, root: str) -> None:
        mount = self._mount_points.get(root)
        if mount is not None and events_unreliable(mount.fstype):
            self._say(
                WatchEventKind.RECONCILE_ONLY,
                root,
                f"{mount.fstype} file system: inotify does not see other machines' changes; "
                f"reconciling every {self.reconcile_seconds:g} s",
            )
            return
        try:
            self._watched[root] = self._observer.schedule(
                _Handler(self, root), root, recursive=True, event_filter=_event_types()
            )
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                why = (
                    "no inotify watches left (fs.inotify.max_user_watches is exhausted; "
                    "raise it with sysctl)"
                )
            elif exc.errno == errno.EMFILE:
                why = "no inotify instances left (fs.inotify.max_user_instances)"
            else:
                why = f"cannot watch ({exc.strerror or exc})"
            self._say(
                WatchEventKind.RECONCILE_ONLY,
                root,
                f"{why}; reconciling every {self.reconcile_seconds:g} s",
            )

    def _rewatch(self, root: str) -> None:
        if self._observer is None:
            return
        old = self._watched.pop(root, None)
        if old is not None:
            # Its emitter may have stopped when the root went away.
            with contextlib.suppress(KeyError, OSError):
                self._observer.unschedule(old)
        self._watch(root)

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(5)

    def events_lost(self, root: str) -> None:
        """The kernel's event queue overflowed: what changed is unknown until reconciled."""
        self._say(
            WatchEventKind.RECONCILE_ONLY,
            root,
            "file-system events were lost (inotify queue overflow); reconciling now",
        )
        self._reconcile_now.add(root)
        self._dirty.put(("", FOLDER))

    # -- catalog updates -------------------------------------------------------------

    def _update(self, batch: dict[str, str]) -> bool:
        """Bring dirty folders up to date in one batch; kept for later when busy."""
        try:
            return self._apply(batch)
        except BUSY_ERRORS as exc:
            self._say(WatchEventKind.CATALOG_BUSY, str(self.catalog.path), f"{exc}; retrying")
            for path, what in batch.items():
                self._dirty.put((path, what))
            time.sleep(1.0)
            return False

    def _apply(self, batch: dict[str, str]) -> bool:
        batcher = _Batch(self)
        folders = {p: w for p, w in batch.items() if w != FILE}
        files: dict[str, list[str]] = {}
        for path, what in batch.items():
            if what == FILE and os.path.dirname(path) not in folders:
                files.setdefault(os.path.dirname(path), []).append(path)
        for folder, paths in files.items():
            # A name with a digit may be a frame: its sequence is the folder's business.
            if any(any(c.isdigit() for c in os.path.basename(p)) for p in paths):
                folders[folder] = FOLDER
        for folder, what in sorted(folders.items()):
            root = self._root_of(folder)
            if root is None or root in self._offline:
                continue  # outside the roots, or offline: change nothing
            if not os.path.isdir(folder):
                batcher.vanished(folder)
            elif what == TREE:
                for listing in Walker([folder], threads=2, exclude=self.exclude):
                    batcher.folder(listing)
            else:
                listing, _ = Walker([folder], exclude=self.exclude).list_folder(folder)
                batcher.folder(listing)
        for folder, paths in sorted(files.items()):
            root = self._root_of(folder)
            if folder not in folders and root is not None and root not in self._offline:
                batcher.files(folder, paths)
        return batcher.commit()

    def _reconcile(self, roots: Iterable[str]) -> bool:
        """Walk whole roots: every folder up to date, folders gone forgotten."""
        changed = False
        for root in roots:
            if root in self._offline:
                continue
            try:
                changed |= self._reconcile_root(root)
            except BUSY_ERRORS as exc:
                self._say(WatchEventKind.CATALOG_BUSY, str(self.catalog.path), f"{exc}")
                self._reconcile_now.add(root)
        return changed

    def _reconcile_root(self, root: str) -> bool:
        batcher = _Batch(self)
        seen: set[str] = set()
        unlisted: list[str] = []
        for listing in Walker([root], threads=2, exclude=self.exclude):
            shown = assemble.display_path(listing.path)[0]
            seen.add(shown)
            if listing.error:
                unlisted.append(shown)
                continue
            batcher.folder(listing)
        for folder in self.catalog.folders_under(root):
            if folder not in seen and not any(_under(folder, u) for u in unlisted):
                batcher.vanished(folder, recursive=False)
        return batcher.commit()

    def _say(self, kind: WatchEventKind, path: str, detail: str) -> None:
        log.warning("%s: %s", path, detail)
        self.emit(WatchEvent(kind=kind, path=path, time=time.time(), detail=detail))


class _Batch:
    """One batch of folder updates: written together, then diffed into events."""

    def __init__(self, watch: Watch):
        self.watch = watch
        self.summary = ScanSummary(roots=watch.roots, catalog=str(watch.catalog.path))
        self.writer = _Writer(watch.catalog, watch.scan_id, self.summary, NullProgress())
        self.writer.flush = lambda: None  # type: ignore[method-assign]  # commit() writes
        self.before: dict[str, str] = {}
        """path -> identity before the batch, of every folder it looked at."""
        self.before_listed: set[str] = set()
        """What was cataloged in the folders listed: gone unless seen again."""
        self.seen: set[str] = set()
        self.doomed: set[str] = set()
        """What was cataloged in folders that are gone."""
        self.single: list[_Job] = []
        """Single files to probe (see files())."""
        self._sink = (self.writer, self.summary)

    def folder(self, listing: DirListing) -> None:
        if listing.error:
            return  # unreadable now does not mean gone: keep what is cataloged
        shown = assemble.display_path(listing.path)[0]
        for path, (identity, _) in self.watch.catalog.identities_in(shown).items():
            self.before[path] = identity
            self.before_listed.add(path)
        start = len(self.writer.rows)
        prober = self.watch._prober
        for job in _plan_folder(listing.path, listing.files, self.watch.catalog, self.writer):
            _finish(prober.submit(job), self.writer, self.summary)
        _finish(prober.drain(), self.writer, self.summary)
        self.seen.update(a.path for a, *_ in self.writer.rows[start:])
        self.seen.update(self.writer.touched)  # unchanged: seen, and not written again
        self.writer.touched.clear()

    def files(self, folder: str, paths: list[str]) -> None:
        """Only these files of a folder changed (names that cannot be frames): stat and
        look up just them, so a busy folder of thousands costs nothing per event."""
        shown = assemble.display_path(folder)[0]
        entries = []
        for path in paths:
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue  # gone: removed below, as it is cataloged and not seen
            except OSError:
                st = None
            if st is None or not stat.S_ISREG(st.st_mode):
                # A link, a folder, an unreadable entry: the folder's listing knows how.
                self.folder(Walker([folder], exclude=self.watch.exclude).list_folder(folder)[0])
                return
            name = os.path.basename(path)
            entries.append(
                FileEntry(path, name, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_nlink)
            )
        known = self.watch.catalog.identities_of([assemble.display_path(p)[0] for p in paths])
        for path, (identity, _) in known.items():
            self.before[path] = identity
            self.before_listed.add(path)
        for entry in entries:
            path = assemble.display_path(entry.path)[0]
            self.seen.add(path)
            if known.get(path, ("",))[0] != entry.identity:
                self.single.append(
                    _Job(
                        shown,
                        entry.identity,
                        entry.identity,
                        [entry.path],
                        lambda probes: assemble.file_asset(probes[0]),
                    )
                )

    def _probe_singles(self) -> None:
        """Probe the batch's single files in one task for the worker: one round trip for
        fifty new files, not fifty (what a busy folder costs is mostly this traffic). A
        crash there sends them one by one through the prober, which finds the culprit."""
        jobs, self.single = self.single, []
        prober = self.watch._prober
        pool = prober._pool
        if pool is not None and len(jobs) > 1:
            try:
                probes = pool.submit(probe_many, [j.paths[0] for j in jobs], True).result()
            except BrokenProcessPool:
                prober._pool = prober._new_pool()
            else:
                _finish([(j, [p]) for j, p in zip(jobs, probes, strict=True)], *self._sink)
                return
        for job in jobs:
            _finish(prober.submit(job), *self._sink)
        _finish(prober.drain(), *self._sink)

    def vanished(self, folder: str, recursive: bool = True) -> None:
        shown = assemble.display_path(folder)[0]
        folders = self.watch.catalog.folders_under(shown) if recursive else [shown]
        for each in folders:
            for path, (identity, _) in self.watch.catalog.identities_in(each).items():
                self.before[path] = identity
                self.doomed.add(path)

    def commit(self) -> bool:
        """Write the batch (one transaction per kind of change) and emit its events.
        Unchanged files are not touched: the watch's scan id never changes, and an update
        per frame of a 10,000-frame folder on every batch is what batching avoids."""
        self._probe_singles()
        cat, rows = self.watch.catalog, self.writer.rows
        removed = (set(self.before_listed) - self.seen) | (self.doomed - self.seen)
        if rows:
            cat.put(rows, self.watch.scan_id)
        if removed:
            cat.forget(sorted(removed))
        now = time.time()
        changed = bool(removed)
        for asset, _folder, identity, _key in rows:
            old = self.before.get(asset.path)
            if old == identity:
                continue
            changed = True
            kind = WatchEventKind.ASSET_ADDED if old is None else WatchEventKind.ASSET_CHANGED
            self.watch.emit(
                WatchEvent(kind=kind, path=asset.path, time=now, bytes=asset.bytes, asset=asset)
            )
        for path in sorted(removed):
            self.watch.emit(WatchEvent(kind=WatchEventKind.ASSET_REMOVED, path=path, time=now))
        return changed


def _event_types() -> list[type]:
    """The events that say a file is complete or gone. Not IN_MODIFY: it fires on every
    write() of a render (thousands per file) and the file is only worth a probe once
    closed. A file created is taken only when it is not being written (see _settled). A
    file changed in place and never closed (mmap) is found by the reconcile."""
    from watchdog import events as e

    return [
        e.FileClosedEvent,
        e.FileCreatedEvent,  # what a file moved in from outside the root arrives as
        e.FileDeletedEvent,
        e.FileMovedEvent,
        e.DirCreatedEvent,
        e.DirDeletedEvent,
        e.DirMovedEvent,
    ]


class _Handler:
    """watchdog's callbacks: mark the folder an event touched as dirty, nothing more
    (the work happens in the watch's loop, batched)."""

    def __init__(self, watch: Watch, root: str):
        self.watch = watch
        self.root = root

    def dispatch(self, event) -> None:
        from watchdog.events import EventsLostEvent

        if isinstance(event, EventsLostEvent):
            self.watch.events_lost(self.root)
            return
        if event.event_type in ("opened", "closed_no_write"):
            return  # reads (the watch's own probes among them) change nothing
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = os.fsdecode(raw)
            if path in self.watch.exclude:
                continue
            if event.is_directory:
                # A folder created or moved in may arrive already full (mv, cp -r).
                self.watch.mark_dirty(
                    path,
                    TREE if raw == event.dest_path or event.event_type == "created" else FOLDER,
                )
                self.watch.mark_dirty(os.path.dirname(path), FOLDER)
            elif event.event_type != "created" or _settled(path):
                self.watch.mark_dirty(path, FILE)


def _settled(path: str) -> bool:
    """A file "created" with an old mtime was moved in from outside the root or linked:
    it is complete now. One just written to will be closed soon: its close says when."""
    try:
        return time.time() - os.lstat(path).st_mtime > SETTLED_SECONDS
    except OSError:
        return False


def _under(folder: str, parent: str) -> bool:
    return folder == parent or folder.startswith(parent.rstrip(os.sep) + os.sep)
