"""mediaopt for DaVinci Resolve: unused media, duplicates and bandwidth for the current
project, printed to the Console, and the HTML report opened in the browser.

Install: `mediaopt hosts install resolve` (or by hand: this file into Resolve's
`Fusion/Scripts/Utility` folder, hosts/client.py as `Fusion/Modules/mediaopt/
mediaopt_client.py`); see hosts/resolve/README.md. Run it from Workspace > Scripts >
mediaopt_resolve. Nothing depends on a script UI toolkit (the free edition has none
since 19.1).

Each timeline is written by Resolve's own OTIO export (`Timeline.Export(path,
resolve.EXPORT_OTIO)`, Resolve 18.5 and later); the media pool, and on older versions the
timelines too, are read by walking the scripting API into a snapshot (the answers of the
calls mediaopt's Resolve adapter makes, with no interpretation of its own). When mediaopt
imports in Resolve's Python the adapter reads the project in process; otherwise the
`mediaopt` command runs on the files written here. Only the standard library is used,
and nothing newer than Python 3.6, the oldest Resolve's README accepts.

Settings (environment): MEDIAOPT_ROOTS, storage roots to look for unused media in,
separated by os.pathsep (default: the folders holding the project's media);
MEDIAOPT_COMMAND, the mediaopt command (default: `mediaopt` on PATH); MEDIAOPT_CATALOG,
the catalog file, as for the command.
"""

import json
import os
import re
import sys
import webbrowser
from typing import Any, Dict, List, Optional, Tuple

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


def load_client() -> Any:
    """The shared mediaopt client: from mediaopt itself when it imports here, else the
    copy `mediaopt hosts install resolve` put in Fusion/Modules/mediaopt."""
    try:
        from mediaopt.hosts import client

        return client
    except ImportError:
        pass
    for folder in _client_folders():
        if os.path.isfile(os.path.join(folder, "mediaopt_client.py")):
            if folder not in sys.path:
                sys.path.insert(0, folder)
            import mediaopt_client

            return mediaopt_client
    raise ImportError(
        "mediaopt: mediaopt_client.py is not installed; run `mediaopt hosts install resolve`"
    )


def _client_folders() -> List[str]:
    here = globals().get("__file__")
    found = []
    if here:  # Fusion/Scripts/Utility/this.py -> Fusion/Modules/mediaopt
        fusion = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(here))))
        found.append(os.path.join(fusion, "Modules", "mediaopt"))
    home = os.path.expanduser("~")
    found += [
        os.path.join(home, ".local", "share", "DaVinciResolve", "Fusion", "Modules", "mediaopt"),
        os.path.join(
            home, "Library", "Application Support", "Blackmagic Design", "DaVinci Resolve",
            "Fusion", "Modules", "mediaopt",
        ),
        os.path.join(
            os.environ.get("APPDATA", home), "Blackmagic Design", "DaVinci Resolve", "Support",
            "Fusion", "Modules", "mediaopt",
        ),
    ]  # fmt: skip
    return found


def export_timelines(project: Any, app: Any, out_dir: str) -> Tuple[List[str], List[str]]:
    """Each timeline written by Resolve's own OTIO export (Resolve 18.5+), and notes on
    what could not be exported (older versions: the API walk in the snapshot covers
    those timelines)."""
    kind = getattr(app, "EXPORT_OTIO", None) if app is not None else None
    if kind is None:
        return [], ["this Resolve has no OTIO export (18.5+): timelines read through its API"]
    written, notes = [], []
    for index in range(1, int(_call(project, "GetTimelineCount") or 0) + 1):
        timeline = _call(project, "GetTimelineByIndex", index)
        if timeline is None:
            continue
        name = _call(timeline, "GetName") or "timeline{}".format(index)
        path = os.path.join(
            out_dir,
            "{}.{}.otio".format(_file_name(_call(project, "GetName") or ""), _file_name(name)),
        )
        try:
            ok = timeline.Export(path, kind)
        except Exception as exc:  # Resolve raises for timelines it cannot export
            ok, name = False, "{} ({})".format(name, exc)
        if ok and os.path.isfile(path):
            written.append(path)
        else:
            notes.append("Resolve could not export {} as OTIO: read through its API".format(name))
    return written, notes


def run(project: Any, out_dir: str = _OUT, app: Any = None, open_browser: bool = True) -> int:
    """Orphans, duplicates and bandwidth for the current project's folders, printed, and
    the HTML report opened in the browser; 0 when it ran."""
    os.makedirs(out_dir, exist_ok=True)
    record = snapshot(project)
    roots = [r for r in os.environ.get("MEDIAOPT_ROOTS", "").split(os.pathsep) if r]
    roots = roots or media_folders(record)
    if not roots:
        print("mediaopt: this project's media pool holds no files, so there is nothing to check")
        return 1
    client = load_client()
    base = os.path.join(out_dir, _file_name(record["project"]))
    if client.engine_importable():
        from mediaopt.adapters.project_json import write_project_json
        from mediaopt.adapters.resolve import read_resolve

        pool_file = str(write_project_json(read_resolve(project), base))
    else:
        pool_file = base + ".mediaopt-resolve.json"
        with open(pool_file, "w", encoding="utf-8") as out:
            json.dump(record, out, indent=1)
    timelines, notes = export_timelines(project, app, out_dir)
    for note in notes:
        print("mediaopt: " + note)
    html = base + ".report.html"
    job = client.Client().start(_steps(roots, pool_file, timelines, html))
    return _finish(_wait(job), roots, html, open_browser)


def _steps(roots: List[str], pool_file: str, timelines: List[str], html: str) -> List[Any]:
    projects = [pool_file] + timelines
    steps = [
        ("cataloguing " + ", ".join(roots), ["scan"] + roots),
        ("finding orphans", ["orphans", "--root"] + roots + ["--project"] + projects),
        ("finding duplicates", ["dupes"]),
    ]
    # Without exported timelines (Resolve before 18.5), what the media folders need.
    for path in timelines or roots[:1]:
        steps.append(("bandwidth of " + os.path.basename(path), ["bandwidth", "need", path]))
    under = os.path.commonpath(roots) if len(roots) > 1 else roots[0]
    steps.append(("writing the report", ["report", "-o", html, "--under", under, "--no-json"]))
    return steps


def _wait(job: Any) -> Any:
    """Print the job's progress to Resolve's Console until it is done."""
    shown = -1.0
    while not job.done:
        if job.progress != shown:  # one line per step
            shown = job.progress
            print(job.status)
        job.wait(0.5)
    return job


def _finish(job: Any, roots: List[str], html: str, open_browser: bool) -> int:
    if job.error:
        print(job.status)
        return 1
    for line in summary(job.results, roots):
        print(line)
    if os.path.isfile(html):
        print("mediaopt: report " + html)
        if open_browser:
            webbrowser.open("file://" + html)
    return 0


def summary(results: Dict[str, Any], roots: List[str]) -> List[str]:
    """The lines printed to the Console: orphans, duplicates under the roots, bandwidth."""
    human = load_client().human_bytes
    lines = []
    orphans = results["finding orphans"].data or {}
    lines.append(
        "mediaopt: {} unused files ({}) under {}; {} kept as uncertain".format(
            len(orphans.get("orphans", [])), human(orphans.get("orphan_bytes", 0)),
            ", ".join(roots), len(orphans.get("uncertain", [])),
        )
    )  # fmt: skip
    for orphan in sorted(orphans.get("orphans", []), key=lambda o: -o["bytes"])[:20]:
        lines.append(
            "  unused {} ({}): {}".format(orphan["path"], human(orphan["bytes"]), orphan["reason"])
        )
    inside = [
        g for g in (results["finding duplicates"].data or {}).get("groups", [])
        if any(_under(m["path"], roots) for m in g["members"])
    ]  # fmt: skip
    lines.append(
        "mediaopt: {} duplicate groups, {} reclaimable".format(
            len(inside), human(sum(g["reclaimable_bytes"] for g in inside))
        )
    )
    for group in inside[:10]:
        copies = [m["path"] for m in group["members"] if m["path"] != group["keep"]]
        lines.append("  keep {}; copies: {}".format(group["keep"], ", ".join(copies)))
    for label, result in sorted(results.items()):
        if label.startswith("bandwidth of ") and result.data:
            for need in result.data.get("workflows", [])[:3]:
                lines.append(
                    "mediaopt: {}: {} needs {}/s".format(
                        label[len("bandwidth of "):], need["workflow"], human(need["bytes_per_s"])
                    )
                )  # fmt: skip
    return lines


def _under(path: str, roots: List[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def main() -> int:
    app = resolve_app()
    project = app.GetProjectManager().GetCurrentProject()
    if project is None:
        print("mediaopt: no project is open in Resolve")
        return 1
    return run(project, app=app)


if __name__ == "__main__":
    main()
