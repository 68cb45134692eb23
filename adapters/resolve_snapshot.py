"""A recorded Resolve project (`*.mediaopt-resolve.json`), read through the Resolve
adapter as if it were live.

The Resolve host script writes this when mediaopt does not import in Resolve's own
Python: it records only the answers of the API calls `adapters/resolve.py` makes, with no
interpretation, so every rule about what those answers mean stays in the adapter. Here
they are replayed by objects with the same method names and return shapes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from mediaopt.adapters.registry import reader
from mediaopt.adapters.resolve import read_resolve
from mediaopt.engine.model import Project

__all__ = ["FORMAT", "SUFFIX", "read_resolve_snapshot"]

SUFFIX = ".mediaopt-resolve.json"
FORMAT = "mediaopt-resolve-snapshot"
"""The `format` field; `version` 1 is described in hosts/resolve/mediaopt_resolve.py."""


class _Clip(msgspec.Struct):
    id: str | None = None
    name: str | None = None
    properties: dict[str, Any] = {}


class _Folder(msgspec.Struct):
    name: str | None = None
    clips: list[_Clip] = []
    folders: list[_Folder] = []


class _Item(msgspec.Struct):
    clip: _Clip | None = None
    source_start: int | None = None
    source_end: int | None = None
    left_offset: int | None = None
    duration: int | None = None


class _Timeline(msgspec.Struct):
    name: str | None = None
    frame_rate: str | None = None
    tracks: dict[str, list[list[_Item]]] = {}


class _Snapshot(msgspec.Struct):
    format: str
    version: int
    project: str
    root: _Folder | None = None
    timelines: list[_Timeline] = []
    path: str | None = None
    """How the host names the project (database and folder), when it knows."""


@reader("resolve", [SUFFIX.lstrip(".")])
def read_resolve_snapshot(path: Path) -> Project:
    try:
        snapshot = msgspec.json.decode(path.read_bytes(), type=_Snapshot)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"{path}: not a mediaopt Resolve snapshot: {exc}") from exc
    if snapshot.format != FORMAT or snapshot.version != 1:
        raise ValueError(f"{path}: snapshot {snapshot.format} v{snapshot.version} is not known")
    project = read_resolve(_ProjectReplay(snapshot), path=snapshot.path)
    project.notes.append(f"recorded from Resolve into {path}")
    return project


# Method names are Resolve's (CamelCase), so the adapter cannot tell these from live objects.
class _ProjectReplay:
    def __init__(self, snapshot: _Snapshot):
        self._s = snapshot

    def GetName(self) -> str:
        return self._s.project

    def GetMediaPool(self) -> _PoolReplay | None:
        return _PoolReplay(self._s.root) if self._s.root is not None else None

    def GetTimelineCount(self) -> int:
        return len(self._s.timelines)

    def GetTimelineByIndex(self, index: int) -> _TimelineReplay | None:
        if 1 <= index <= len(self._s.timelines):
            return _TimelineReplay(self._s.timelines[index - 1])
        return None


class _PoolReplay:
    def __init__(self, root: _Folder):
        self._root = root

    def GetRootFolder(self) -> _FolderReplay:
        return _FolderReplay(self._root)


class _FolderReplay:
    def __init__(self, folder: _Folder):
        self._f = folder

    def GetName(self) -> str | None:
        return self._f.name

    def GetClipList(self) -> list[_ClipReplay]:
        return [_ClipReplay(c) for c in self._f.clips]

    def GetSubFolderList(self) -> list[_FolderReplay]:
        return [_FolderReplay(f) for f in self._f.folders]


class _ClipReplay:
    def __init__(self, clip: _Clip):
        self._c = clip

    def GetName(self) -> str | None:
        return self._c.name

    def GetMediaId(self) -> str | None:
        return self._c.id

    def GetClipProperty(self) -> dict[str, Any]:
        return dict(self._c.properties)


class _TimelineReplay:
    def __init__(self, timeline: _Timeline):
        self._t = timeline

    def GetName(self) -> str | None:
        return self._t.name

    def GetSetting(self, name: str) -> str | None:
        return self._t.frame_rate if name == "timelineFrameRate" else None

    def GetTrackCount(self, kind: str) -> int:
        return len(self._t.tracks.get(kind, []))

    def GetItemListInTrack(self, kind: str, index: int) -> list[_ItemReplay]:
        tracks = self._t.tracks.get(kind, [])
        return [_ItemReplay(i) for i in tracks[index - 1]] if 1 <= index <= len(tracks) else []


class _ItemReplay:
    def __init__(self, item: _Item):
        self._i = item

    def GetMediaPoolItem(self) -> _ClipReplay | None:
        return _ClipReplay(self._i.clip) if self._i.clip is not None else None

    def GetSourceStartFrame(self) -> int | None:
        return self._i.source_start

    def GetSourceEndFrame(self) -> int | None:
        return self._i.source_end

    def GetLeftOffset(self) -> int | None:
        return self._i.left_offset

    def GetDuration(self) -> int | None:
        return self._i.duration
