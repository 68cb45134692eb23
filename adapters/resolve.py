"""A live DaVinci Resolve project -> Project: every media pool clip, every timeline's
used source ranges, and the proxy media Resolve links to each clip.

The adapter is handed the `Project` object of Resolve's scripting API (or anything with
the same methods, such as a replayed snapshot); it never imports `DaVinciResolveScript`.
Calls and return shapes follow Resolve's Developer/Scripting/README.txt:

- `Project.GetName()`, `GetMediaPool()`, `GetTimelineCount()`, `GetTimelineByIndex(i)`
  (1-based).
- `MediaPool.GetRootFolder()`; `Folder.GetName()`, `GetClipList()`, `GetSubFolderList()`
  (lists). Resolve 16.1 and earlier only had `GetClips()` / `GetSubFolders()`, which
  return dicts keyed 1, 2, ...; both shapes are read.
- `MediaPoolItem.GetName()`, `GetMediaId()`, `GetClipProperty()` with no key: a dict of
  every clip attribute, values mostly strings (`"FPS"` has been seen as a number).
- `Timeline.GetName()`, `GetTrackCount(type)`, `GetItemListInTrack(type, i)` (1-based;
  older `GetItemsInTrack` returns a 1-based dict), `GetSetting("timelineFrameRate")`.
- `TimelineItem.GetMediaPoolItem()` (None for generators and titles),
  `GetSourceStartFrame()` / `GetSourceEndFrame()` (Resolve 18+; source frames, the end
  read as exclusive like `GetEnd()`), else `GetLeftOffset()` / `GetDuration()` (timeline
  frames, so scaled by clip rate / timeline rate).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["KIND", "read_resolve", "sequence_pattern"]

KIND = "resolve"
_TRACK_TYPES = (("video", "V"), ("audio", "A"))
# Clip attribute keys, newest first where Resolve versions differ. "Proxy" holds the
# proxy's state ("None", "Offline", "1920x1080") from Resolve 17 on, so it is taken as
# a path only when it looks like one.
_PATH_KEYS = ("File Path",)
_PROXY_KEYS = ("Proxy Media Path", "Proxy")
_REEL_KEYS = ("Reel Name", "Reel", "Reel Number")
# Resolve names an image sequence clip `name.[1001-1100].exr` (its bracket range).
_BRACKETS = re.compile(r"\[(-?\d+)-(-?\d+)\]")


@dataclass(frozen=True)
class _Clip:
    """What a media pool item says about its media."""

    name: str
    path: str | None
    proxy: str | None
    reel: str | None
    start_tc: str | None
    fps: float | None
    first_frame: int | None
    """Frame number of an image sequence's first file; None for a movie."""


def read_resolve(project: Any, *, path: str | None = None) -> Project:
    """Every clip of `project`'s media pool (with its linked proxy as a `proxy`
    reference) and every clip used in its timelines (with the used source range).

    `path` names the project in reports and lineage evidence; by default
    `resolve:<project name>` (a Resolve project lives in a database, not a file)."""
    name = _str(_call(project, "GetName")) or "untitled"
    record = Project(path=path or f"{KIND}:{name}", kind=KIND, name=name)
    clips: dict[str, _Clip] = {}
    skipped = 0
    pool = _call(project, "GetMediaPool")
    root = _call(pool, "GetRootFolder") if pool is not None else None
    if root is None:
        record.errors.append(f"{record.path}: Resolve gave no media pool root folder")
    else:
        for where, item in _pool_items(root, "/" + (_str(_call(root, "GetName")) or "Master")):
            clip = _clip(item, clips)
            if clip.path is None:
                skipped += 1  # timelines, compound clips, generators: no file of their own
                continue
            record.references.extend(_pool_references(clip, where))
    for timeline_ref in _timeline_references(project, clips):
        record.references.append(timeline_ref)
    if skipped:
        record.notes.append(
            f"{skipped} media pool item(s) without a file (timelines, compound clips, "
            "generators) hold no media of their own"
        )
    return record


def _pool_items(folder: Any, where: str) -> Iterator[tuple[str, Any]]:
    for n, item in enumerate(_listing(folder, "GetClipList", "GetClips"), 1):
        yield f"media pool {where} clip {n}", item
    for sub in _listing(folder, "GetSubFolderList", "GetSubFolders"):
        yield from _pool_items(sub, f"{where}/{_str(_call(sub, 'GetName')) or '?'}")


def _pool_references(clip: _Clip, where: str) -> Iterator[Reference]:
    common = {"name": clip.name, "owner": "MediaPoolItem", "location": where, "reel": clip.reel}
    yield _media(clip.path or "", clip, None, None, common)
    if clip.proxy:
        # The proxy is its own file: its frames and timecode are not the clip's.
        target = _target(clip.proxy)
        yield Reference(target=target, path=_as_pattern(clip.proxy), role="proxy", **common)


def _timeline_references(project: Any, clips: dict[str, _Clip]) -> Iterator[Reference]:
    count = _int(_call(project, "GetTimelineCount")) or 0
    for index in range(1, count + 1):
        timeline = _call(project, "GetTimelineByIndex", index)
        if timeline is None:
            continue
        label = f'timeline "{_str(_call(timeline, "GetName")) or index}"'
        rate = _rate(_call(timeline, "GetSetting", "timelineFrameRate"))
        for kind, prefix in _TRACK_TYPES:
            for track in range(1, (_int(_call(timeline, "GetTrackCount", kind)) or 0) + 1):
                items = _listing(timeline, "GetItemListInTrack", "GetItemsInTrack", kind, track)
                for n, item in enumerate(items, 1):
                    where = f"{label} track {prefix}{track} item {n}"
                    ref = _timeline_reference(item, where, rate, clips)
                    if ref is not None:
                        yield ref


def _timeline_reference(
    item: Any, where: str, timeline_rate: float | None, clips: dict[str, _Clip]
) -> Reference | None:
    pool_item = _call(item, "GetMediaPoolItem")
    if pool_item is None:
        return None  # a generator, title or Fusion composition: no media file
    clip = _clip(pool_item, clips)
    if clip.path is None:
        return None
    used = _used_frames(item, clip, timeline_rate)
    common = {"name": clip.name, "owner": "TimelineItem", "location": where, "reel": clip.reel}
    return _media(clip.path, clip, used, _timecode(clip, used), common)


def _used_frames(item: Any, clip: _Clip, timeline_rate: float | None) -> tuple[int, int] | None:
    """First source frame used and the count used, counted from the media's first frame."""
    start, end = _int(_call(item, "GetSourceStartFrame")), _int(_call(item, "GetSourceEndFrame"))
    if start is not None and end is not None and end > start:
        return start, end - start
    offset, duration = _int(_call(item, "GetLeftOffset")), _int(_call(item, "GetDuration"))
    if offset is None or duration is None:
        return None
    # Both count timeline frames: a 50p clip in a 25p timeline uses two source frames
    # per timeline frame.
    scale = (clip.fps / timeline_rate) if clip.fps and timeline_rate else 1.0
    return round(offset * scale), max(1, round(duration * scale))


def _media(
    path: str,
    clip: _Clip,
    used: tuple[int, int] | None,
    timecode: str | None,
    common: dict[str, Any],
) -> Reference:
    if clip.first_frame is not None:
        frames = None
        if used is not None:
            first = clip.first_frame + used[0]
            frames = (first, first + used[1] - 1)
        else:
            frames = sequence_frames(path)
        pattern = _as_pattern(path)
        return Reference(target=ReferenceTarget.SEQUENCE, path=pattern, frames=frames, **common)
    source_range = None
    if used is not None and clip.fps:
        source_range = (used[0] / clip.fps, used[1] / clip.fps)
    return Reference(
        target=ReferenceTarget.FILE,
        path=path,
        source_range=source_range,
        timecode=timecode,
        **common,
    )


def _clip(item: Any, clips: dict[str, _Clip]) -> _Clip:
    """The item's attributes, read once per clip: a timeline's items hand back a new
    object for the same media pool item each time, so the cache is keyed by media id."""
    key = _str(_call(item, "GetMediaId")) or _str(_call(item, "GetUniqueId")) or str(id(item))
    found = clips.get(key)
    if found is not None:
        return found
    props = _call(item, "GetClipProperty")
    props = props if isinstance(props, dict) else {}
    path = _first(props, _PATH_KEYS)
    proxy = next((p for p in _all(props, _PROXY_KEYS) if _looks_like_path(p)), None)
    first_frame = None
    if path and _BRACKETS.search(path.replace("\\", "/").rpartition("/")[2]):
        frames = sequence_frames(path)
        first_frame = frames[0] if frames else None
    clip = _Clip(
        name=_str(_call(item, "GetName")) or _first(props, ("Clip Name", "File Name")) or "",
        path=path,
        proxy=proxy,
        reel=_first(props, _REEL_KEYS),
        start_tc=_first(props, ("Start TC",)),
        fps=_rate(props.get("FPS")),
        first_frame=first_frame,
    )
    clips[key] = clip
    return clip


def sequence_frames(path: str) -> tuple[int, int] | None:
    """First and last frame of a Resolve sequence path `name.[1001-1100].exr`."""
    match = _BRACKETS.search(path.replace("\\", "/").rpartition("/")[2])
    return (int(match.group(1)), int(match.group(2))) if match else None


def sequence_pattern(path: str) -> str:
    """`name.[1001-1100].exr` as `name.####.exr`: the width of the first frame number
    is the padding (`[1-100]` is unpadded, written as one `#`)."""
    head, slash, name = path.replace("\\", "/").rpartition("/")
    match = _BRACKETS.search(name)
    if not match:
        return path
    first = match.group(1).lstrip("-")
    padding = len(first) if len(first) == len(match.group(2).lstrip("-")) or first[0] == "0" else 1
    name = name[: match.start()] + "#" * padding + name[match.end() :]
    # Keep the project's own separators: the path map matches them as written.
    prefix = path[: len(head) + len(slash)]
    return prefix + name


def _as_pattern(path: str) -> str:
    return sequence_pattern(path) if sequence_frames(path) else path


def _target(path: str) -> ReferenceTarget:
    return ReferenceTarget.SEQUENCE if sequence_frames(path) else ReferenceTarget.FILE


def _timecode(clip: _Clip, used: tuple[int, int] | None) -> str | None:
    """The clip's Start TC moved on by the used range's first frame (non-drop, at the
    clip's nominal rate: timecode counts whole frames of the rounded rate)."""
    if not clip.start_tc or used is None or not clip.fps:
        return clip.start_tc
    parts = clip.start_tc.replace(" ", "").replace(";", ":").split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return clip.start_tc
    nominal = max(1, round(clip.fps))
    h, m, s, f = (int(p) for p in parts)
    total = ((h * 60 + m) * 60 + s) * nominal + f + used[0]
    total %= 24 * 3600 * nominal
    f, total = total % nominal, total // nominal
    return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}:{f:02d}"


def _listing(obj: Any, name: str, old_name: str, *args: Any) -> list[Any]:
    """A list the API returns, from the current call or its pre-16.2 name; a dict keyed
    1, 2, ... (the older calls, and Lua-style tables) is read in key order."""
    value = _call(obj, name, *args)
    if value is None:
        value = _call(obj, old_name, *args)
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=_sort_key)]
    if isinstance(value, list | tuple):
        return [v for v in value if v is not None]
    return []


def _sort_key(key: Any) -> tuple[int, float | str]:
    try:
        return 0, float(key)
    except (TypeError, ValueError):
        return 1, str(key)


def _call(obj: Any, name: str, *args: Any) -> Any:
    """obj.name(*args), or None when the object has no such call (an older Resolve)."""
    method = getattr(obj, name, None)
    if not callable(method):
        return None
    return method(*args)


def _first(props: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    return next(iter(_all(props, keys)), None)


def _all(props: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [v for k in keys if (v := _str(props.get(k)))]


def _looks_like_path(value: str) -> bool:
    return "/" in value or "\\" in value


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _int(value: Any) -> int | None:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return None


def _rate(value: Any) -> float | None:
    """A frame rate as Resolve writes it: 24, "23.976", "29.97 DF"."""
    text = _str(value)
    if text is None:
        return None
    try:
        rate = float(text.split()[0])
    except ValueError:
        return None
    return rate if rate > 0 else None
