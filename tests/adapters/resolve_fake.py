"""A fake of only the DaVinci Resolve scripting calls mediaopt's adapter makes, with the
return shapes Resolve's README documents: lists from the current listing calls, dicts
keyed 1, 2, ... from the pre-16.2 ones, strings for clip properties (except "FPS", seen
as a number in Resolve 17 dumps), None for what is missing."""

from __future__ import annotations

from typing import Any


class MediaPoolItem:
    def __init__(self, media_id: str, name: str, properties: dict[str, Any]):
        self.media_id, self.name, self.properties = media_id, name, properties

    def GetName(self) -> str:  # noqa: N802
        return self.name

    def GetMediaId(self) -> str:  # noqa: N802
        return self.media_id

    def GetClipProperty(self, key: str | None = None) -> dict[str, Any] | str:  # noqa: N802
        # README: a dict of every property without a key; a trivial result for a bad key.
        return dict(self.properties) if not key else self.properties.get(key, "")

    def again(self) -> MediaPoolItem:
        """A new handle on the same clip, as every Resolve call returns."""
        return MediaPoolItem(self.media_id, self.name, self.properties)


class Folder:
    def __init__(
        self, name: str, clips: list[MediaPoolItem], folders: list[Folder] = (), old: bool = False
    ):
        self.name, self.clips, self.folders, self.old = name, clips, list(folders), old

    def GetName(self) -> str:  # noqa: N802
        return self.name

    def __getattr__(self, name: str) -> Any:
        # Resolve 16.2 added the list calls; before, only the dict-returning ones existed.
        calls = {
            False: {"GetClipList": self.clips, "GetSubFolderList": self.folders},
            True: {"GetClips": _numbered(self.clips), "GetSubFolders": _numbered(self.folders)},
        }[self.old]
        if name not in calls:
            raise AttributeError(name)
        return lambda: calls[name]


class TimelineItem:
    def __init__(self, clip: MediaPoolItem | None, start: int, end: int, rate_ratio: float = 1.0):
        """Source frames [start, end) of `clip`; `rate_ratio` is clip rate / timeline rate
        (GetLeftOffset and GetDuration count timeline frames)."""
        self.clip, self.start, self.end, self.ratio = clip, start, end, rate_ratio
        self.modern = True

    def GetMediaPoolItem(self) -> MediaPoolItem | None:  # noqa: N802
        return self.clip.again() if self.clip else None

    def GetLeftOffset(self) -> int:  # noqa: N802
        return round(self.start / self.ratio)

    def GetDuration(self) -> int:  # noqa: N802
        return round((self.end - self.start) / self.ratio)

    def __getattr__(self, name: str) -> Any:
        # GetSourceStartFrame/GetSourceEndFrame arrived with Resolve 18.
        if self.modern and name == "GetSourceStartFrame":
            return lambda: self.start
        if self.modern and name == "GetSourceEndFrame":
            return lambda: self.end
        raise AttributeError(name)


class Timeline:
    def __init__(
        self,
        name: str,
        video: list[list[TimelineItem]],
        audio: list[list[TimelineItem]] = (),
        rate: str = "24",
        old: bool = False,
    ):
        self.name, self.rate, self.old = name, rate, old
        self.tracks = {"video": video, "audio": list(audio)}

    def GetName(self) -> str:  # noqa: N802
        return self.name

    def GetSetting(self, name: str) -> str:  # noqa: N802
        return self.rate if name == "timelineFrameRate" else ""

    def GetTrackCount(self, kind: str) -> int:  # noqa: N802
        return len(self.tracks.get(kind, []))

    def __getattr__(self, name: str) -> Any:
        wanted = "GetItemsInTrack" if self.old else "GetItemListInTrack"
        if name != wanted:
            raise AttributeError(name)

        def items(kind: str, index: int) -> Any:
            found = self.tracks[kind][index - 1]
            return _numbered(found) if self.old else list(found)

        return items


class MediaPool:
    def __init__(self, root: Folder):
        self.root = root

    def GetRootFolder(self) -> Folder:  # noqa: N802
        return self.root


class Project:
    def __init__(self, name: str, root: Folder, timelines: list[Timeline]):
        self.name, self.pool, self.timelines = name, MediaPool(root), timelines

    def GetName(self) -> str:  # noqa: N802
        return self.name

    def GetMediaPool(self) -> MediaPool:  # noqa: N802
        return self.pool

    def GetTimelineCount(self) -> int:  # noqa: N802
        return len(self.timelines)

    def GetTimelineByIndex(self, index: int) -> Timeline | None:  # noqa: N802
        return self.timelines[index - 1] if 1 <= index <= len(self.timelines) else None


def _numbered(items: list[Any]) -> dict[int, Any]:
    return {i: item for i, item in enumerate(items, 1)}


def clip_properties(
    path: str, *, frames: int, fps: float | str = 24, proxy: str = "", reel: str = ""
) -> dict[str, Any]:
    """The attributes GetClipProperty() lists for a clip (a subset of Resolve 17's keys,
    with its value spellings)."""
    return {
        "Clip Name": path.replace("\\", "/").rpartition("/")[2],
        "File Path": path,
        "Proxy Media Path": proxy,
        "Proxy": "None" if not proxy else "320x180",
        "Reel Name": reel,
        "Start TC": "01:00:00:00",
        "Frames": str(frames),
        "FPS": fps,
        "Type": "Video",
    }
