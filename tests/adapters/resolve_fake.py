"""A fake of only the DaVinci Resolve scripting calls mediaopt's adapter makes, with the
return shapes Resolve's README documents: lists from the current listing calls, dicts
keyed 1, 2, ... from the pre-16.2 ones, strings for clip properties (except "FPS", seen
as a number in Resolve 17 dumps), None for what is missing. Timeline.Export with
resolve.EXPORT_OTIO (Resolve 18.5+, absent from `old` timelines) writes a real .otio of
what the fake timeline holds, through OpenTimelineIO."""

from __future__ import annotations

import re
from pathlib import Path
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
        if name == "Export" and not self.old:  # Resolve 18.5 added the OTIO export
            return self._export
        wanted = "GetItemsInTrack" if self.old else "GetItemListInTrack"
        if name != wanted:
            raise AttributeError(name)

        def items(kind: str, index: int) -> Any:
            found = self.tracks[kind][index - 1]
            return _numbered(found) if self.old else list(found)

        return items

    def _export(self, path: str, kind: Any, subtype: Any = None) -> bool:
        """Timeline.Export(path, resolve.EXPORT_OTIO): what this timeline holds, written
        through OpenTimelineIO (True when written, as Resolve answers)."""
        if kind != Resolve.EXPORT_OTIO:
            return False
        import opentimelineio as otio

        rate = float(self.rate)
        timeline = otio.schema.Timeline(name=self.name)
        for kind_name, tracks in self.tracks.items():
            track_kind = (
                otio.schema.TrackKind.Video if kind_name == "video" else otio.schema.TrackKind.Audio
            )
            for items in tracks:
                track = otio.schema.Track(kind=track_kind)
                for item in items:
                    track.append(_otio_item(otio, item, rate))
                timeline.tracks.append(track)
        otio.adapters.write_to_file(timeline, path)
        return True


def _otio_item(otio: Any, item: TimelineItem, timeline_rate: float) -> Any:
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    if item.clip is None:  # a generator or title: no media
        return otio.schema.Gap(
            source_range=tr(rt(0, timeline_rate), rt(item.GetDuration(), timeline_rate))
        )
    props = item.clip.properties
    rate = float(props.get("FPS") or timeline_rate)
    frames = int(props.get("Frames") or 0)
    path = props["File Path"]
    sequence = re.match(r"(.*/)?([^/]*?)\[(\d+)-(\d+)\](.*)$", path.replace("\\", "/"))
    if sequence:
        folder, prefix, first, _, suffix = sequence.groups()
        reference = otio.schema.ImageSequenceReference(
            target_url_base=Path(folder or ".").as_uri() + "/",
            name_prefix=prefix,
            name_suffix=suffix,
            start_frame=int(first),
            frame_zero_padding=len(first),
            rate=rate,
            available_range=tr(rt(0, rate), rt(frames, rate)),
        )
    else:
        reference = otio.schema.ExternalReference(
            target_url=Path(path).as_uri(), available_range=tr(rt(0, rate), rt(frames, rate))
        )
    used = tr(rt(item.start, rate), rt(item.end - item.start, rate))
    return otio.schema.Clip(name=item.clip.name, media_reference=reference, source_range=used)


class Resolve:
    """The `resolve` object: only the export constant and the project manager."""

    EXPORT_OTIO = "EXPORT_OTIO"

    def __init__(self, project: Project | None):
        self.project = project

    def GetProjectManager(self) -> Resolve:  # noqa: N802
        return self

    def GetCurrentProject(self) -> Project | None:  # noqa: N802
        return self.project


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
