"""mediaopt for DaVinci Resolve: which media under the current project is unused.

Install: copy this file into Resolve's `Fusion/Scripts/Utility` folder (macOS:
~/Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion/Scripts/Utility;
Windows: %APPDATA%\\Blackmagic Design\\DaVinci Resolve\\Support\\Fusion\\Scripts\\Utility;
Linux: ~/.local/share/DaVinciResolve/Fusion/Scripts/Utility), then run it from
Workspace > Scripts > mediaopt_resolve. The report prints to Resolve's Console.

When mediaopt imports in Resolve's Python, its Resolve adapter reads the project in
process and the report runs there. Otherwise (Resolve's Python is often another version
than mediaopt's), this script records the answers of the scripting calls the adapter
makes into a `.mediaopt-resolve.json` snapshot, with no interpretation of its own, and
runs the `mediaopt` command on it. Only the standard library is used here, and nothing
newer than Python 3.6, the oldest Resolve's README accepts.

Settings (environment): MEDIAOPT_ROOTS, storage roots to look for unused media in,
separated by os.pathsep (default: the folders holding the project's media);
MEDIAOPT_COMMAND, the mediaopt command (default: `mediaopt` on PATH); MEDIAOPT_CATALOG,
the catalog file, as for the command.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from typing import Any, Dict, List, Optional

FORMAT = "mediaopt-resolve-snapshot"  # read by mediaopt.adapters.resolve_snapshot
_TRACK_TYPES = ("video", "audio")
# Folders this script writes its snapshot into, never next to the media.
_OUT = os.path.join(os.path.expanduser("~"), ".cache", "mediaopt", "resolve")


def resolve_app() -> Any:
    """The Resolve object: Resolve's script menu provides `resolve` (or `bmd`); an
    external Python reaches it through DaVinciResolveScript."""
    main = sys.modules.get("__main__")
    for name in ("resolve",):
        app = getattr(main, name, None) or globals().get(name)
        if app is not None:
            return app
    bmd = getattr(main, "bmd", None) or globals().get("bmd")
    if bmd is not None:
        return bmd.scriptapp("Resolve")
    import DaVinciResolveScript  # only here, in the host: the engine never imports it

    return DaVinciResolveScript.scriptapp("Resolve")


def snapshot(project: Any, path: Optional[str] = None) -> Dict[str, Any]:
    """The answers of every call mediaopt's Resolve adapter makes, as plain JSON data."""
    pool = _call(project, "GetMediaPool")
    root = _call(pool, "GetRootFolder") if pool is not None else None
    timelines = []
    for index in range(1, int(_call(project, "GetTimelineCount") or 0) + 1):
        timeline = _call(project, "GetTimelineByIndex", index)
        if timeline is not None:
            timelines.append(_timeline(timeline))
    return {
        "format": FORMAT,
        "version": 1,
        "project": _call(project, "GetName") or "untitled",
        "path": path,
        "root": _folder(root) if root is not None else None,
        "timelines": timelines,
    }


def _folder(folder: Any) -> Dict[str, Any]:
    return {
        "name": _call(folder, "GetName"),
        "clips": [_clip(c) for c in _listing(folder, "GetClipList", "GetClips")],
        "folders": [_folder(f) for f in _listing(folder, "GetSubFolderList", "GetSubFolders")],
    }


def _clip(item: Any) -> Dict[str, Any]:
    properties = _call(item, "GetClipProperty")
    return {
        "id": _call(item, "GetMediaId") or _call(item, "GetUniqueId"),
        "name": _call(item, "GetName"),
        # JSON keeps strings and numbers; anything else Resolve hands back is text.
        "properties": {
            str(k): v if isinstance(v, (str, int, float)) else str(v)
            for k, v in (properties if isinstance(properties, dict) else {}).items()
        },
    }


def _timeline(timeline: Any) -> Dict[str, Any]:
    tracks = {}  # type: Dict[str, List[List[Dict[str, Any]]]]
    for kind in _TRACK_TYPES:
        count = int(_call(timeline, "GetTrackCount", kind) or 0)
        tracks[kind] = [
            [_item(i) for i in _listing(timeline, "GetItemListInTrack", "GetItemsInTrack", kind, t)]
            for t in range(1, count + 1)
        ]
    rate = _call(timeline, "GetSetting", "timelineFrameRate")
    return {
        "name": _call(timeline, "GetName"),
        "frame_rate": str(rate) if rate is not None else None,
        "tracks": tracks,
    }


def _item(item: Any) -> Dict[str, Any]:
    pool_item = _call(item, "GetMediaPoolItem")
    return {
        "clip": _clip(pool_item) if pool_item is not None else None,
        "source_start": _call(item, "GetSourceStartFrame"),
        "source_end": _call(item, "GetSourceEndFrame"),
        "left_offset": _call(item, "GetLeftOffset"),
        "duration": _call(item, "GetDuration"),
    }


def _listing(obj: Any, name: str, old_name: str, *args: Any) -> List[Any]:
    value = _call(obj, name, *args)
    if value is None:
        value = _call(obj, old_name, *args)
    if isinstance(value, dict):  # pre-16.2 calls: a dict keyed 1, 2, ...
        return [value[k] for k in sorted(value)]
    return [v for v in (value or []) if v is not None]


def _call(obj: Any, name: str, *args: Any) -> Any:
    method = getattr(obj, name, None)
    return method(*args) if callable(method) else None


def media_folders(record: Dict[str, Any]) -> List[str]:
    """The folders holding the snapshot's media and proxies, none inside another: where
    unused media of this project would sit, when MEDIAOPT_ROOTS does not say."""
    found = set()

    def visit(folder: Dict[str, Any]) -> None:
        for clip in folder["clips"]:
            for key in ("File Path", "Proxy Media Path"):
                value = clip["properties"].get(key)
                if isinstance(value, str) and os.path.isabs(value):
                    found.add(os.path.dirname(value))
        for sub in folder["folders"]:
            visit(sub)

    if record.get("root"):
        visit(record["root"])
    kept = []  # type: List[str]
    for folder in sorted(found):
        if not any(folder == k or folder.startswith(k.rstrip(os.sep) + os.sep) for k in kept):
            kept.append(folder)
    return kept


def _file_name(project_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", project_name).strip("_") or "untitled"


def run(project: Any, out_dir: str = _OUT) -> int:
    """Report the unused media under the current project's folders; 0 when it ran."""
    os.makedirs(out_dir, exist_ok=True)
    record = snapshot(project)
    roots = [r for r in os.environ.get("MEDIAOPT_ROOTS", "").split(os.pathsep) if r]
    roots = roots or media_folders(record)
    if not roots:
        print("mediaopt: this project's media pool holds no files, so there is nothing to check")
        return 1
    base = os.path.join(out_dir, _file_name(record["project"]))
    try:
        import mediaopt.adapters.resolve  # noqa: F401 - is the engine importable here?
    except ImportError:
        path = base + ".mediaopt-resolve.json"
        with open(path, "w", encoding="utf-8") as out:
            json.dump(record, out, indent=1)
        command = shlex.split(os.environ.get("MEDIAOPT_COMMAND", "mediaopt"))
        return _commands(lambda argv: subprocess.call(command + argv), path, roots)
    return _in_process(project, base, roots)


def _in_process(project: Any, base: str, roots: List[str]) -> int:
    from mediaopt.adapters.project_json import write_project_json
    from mediaopt.adapters.resolve import read_resolve
    from mediaopt.engine.cli import main

    path = str(write_project_json(read_resolve(project), base))
    return _commands(main, path, roots)


def _commands(run_cli: Any, project_file: str, roots: List[str]) -> int:
    print("mediaopt: cataloguing " + ", ".join(roots))
    status = run_cli(["scan", *roots])
    if status not in (0, None):
        print("mediaopt: the scan reported problems; the report below still runs")
    return run_cli(["orphans", "--root", *roots, "--project", project_file]) or 0


def main() -> int:
    project = resolve_app().GetProjectManager().GetCurrentProject()
    if project is None:
        print("mediaopt: no project is open in Resolve")
        return 1
    return run(project)


if __name__ == "__main__":
    main()
