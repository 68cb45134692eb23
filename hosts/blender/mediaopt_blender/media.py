"""What the panel shows: each external file's size on disk and whether it is there, and
the lines of text the panel, the console and the README draw from the results.

Sizes are stat'ed here (a sequence's frames by their shared name, a cache folder by its
files) so the panel answers at once without a catalog; the analyses (orphans, what-if,
report) run in mediaopt. Standard library only.
"""

import glob
import os
import re
from typing import Any, Dict, List, Optional, Tuple

_DIGITS = re.compile(r"(\d+)(?!.*\d)")
_TILE_TOKENS = ("<UDIM>", "<UVTILE>")


def media_report(project: Dict[str, Any]) -> Dict[str, Any]:
    """The project's read references with `bytes`, `files`, `missing` (True when nothing
    is on disk) and, for numbered sequences, `missing_frames` between the first and last
    found; totals in `bytes`, `files` and `missing`; the scenes' render `outputs` with
    their `render_settings`."""
    items, outputs = [], []
    for reference in project["references"]:
        if reference.get("role") == "write":
            outputs.append(reference)
        else:
            items.append(dict(reference, **_on_disk(reference)))
    return {
        "project": project["path"],
        "items": items,
        "outputs": outputs,
        "render_settings": project["render_settings"],
        "bytes": sum(i["bytes"] for i in items),
        "files": sum(i["files"] for i in items),
        "missing": sum(1 for i in items if i["missing"]),
        "sequences": sum(1 for i in items if i["target"] == "sequence"),
        "libraries": sum(1 for i in items if i.get("role") == "library"),
    }


def _on_disk(reference: Dict[str, Any]) -> Dict[str, Any]:
    path = reference.get("path") or ""
    if path.startswith("//"):
        return {"bytes": 0, "files": 0, "missing": True, "found": []}
    if os.path.isdir(path):
        return _folder(path)
    if reference.get("target") != "sequence":
        size = _size(path)
        return {"bytes": size or 0, "files": int(size is not None), "missing": size is None}
    files, missing_frames = sequence_files(path)
    sizes = [s for s in (_size(f) for f in files) if s is not None]
    found = {"bytes": sum(sizes), "files": len(sizes), "missing": not sizes}
    if missing_frames:
        found["missing_frames"] = missing_frames
    return found


def _size(path: str) -> Optional[int]:
    try:
        return os.stat(path).st_size if os.path.isfile(path) else None
    except OSError:
        return None


def _folder(path: str) -> Dict[str, Any]:
    total = count = 0
    for folder, _, names in os.walk(path):
        for name in names:
            size = _size(os.path.join(folder, name))
            if size is not None:
                total, count = total + size, count + 1
    return {"bytes": total, "files": count, "missing": count == 0}


def sequence_files(path: str) -> Tuple[List[str], List[int]]:
    """The files of the sequence `path` names (a frame of it, a `<UDIM>` or `*` pattern),
    and the frame numbers missing between the first and last found."""
    folder, name = os.path.split(path)
    for token in _TILE_TOKENS:
        name = name.replace(token, "[0-9][0-9][0-9][0-9]")
    if "*" in name or "[" in name:
        return sorted(glob.glob(os.path.join(glob.escape(folder), name))), []
    match = _DIGITS.search(name)
    if match is None:
        return ([path] if os.path.isfile(path) else []), []
    head, tail = name[: match.start()], name[match.end() :]
    numbered = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail) + "$")
    frames = {}
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return [], []
    for other in names:
        found = numbered.match(other)
        if found:
            frames[int(found.group(1))] = os.path.join(folder, other)
    if not frames:
        return [], []
    missing = [f for f in range(min(frames), max(frames) + 1) if f not in frames]
    return [frames[f] for f in sorted(frames)], missing


def human(count: float) -> str:
    """Bytes as a person reads them (1,000-based, as file browsers show them)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(count) < 1000 or unit == "TB":
            return (
                "{:.0f} {}".format(count, unit) if unit == "B" else "{:.1f} {}".format(count, unit)
            )
        count /= 1000.0
    return str(count)


def media_lines(report: Dict[str, Any], limit: int = 12) -> List[str]:
    lines = [
        "{} external files, {} on disk; {} missing, {} sequences, {} libraries".format(
            len(report["items"]),
            human(report["bytes"]),
            report["missing"],
            report["sequences"],
            report["libraries"],
        )
    ]
    ordered = sorted(report["items"], key=lambda i: (not i["missing"], -i["bytes"]))
    for item in ordered[:limit]:
        state = "MISSING" if item["missing"] else human(item["bytes"])
        if item["target"] == "sequence" and not item["missing"]:
            state += ", {} files".format(item["files"])
        if item.get("missing_frames"):
            state += ", {} frames missing".format(len(item["missing_frames"]))
        lines.append("{} {}: {} ({})".format(item["owner"], item["name"], item["path"], state))
    if len(ordered) > limit:
        lines.append("... and {} more".format(len(ordered) - limit))
    return lines


def orphan_lines(report: Dict[str, Any], limit: int = 10) -> List[str]:
    orphans = report.get("orphans", [])
    lines = [
        "{} orphans, {} reclaimable; {} uncertain (kept), {} referenced".format(
            len(orphans),
            human(report.get("orphan_bytes", 0)),
            len(report.get("uncertain", [])),
            report.get("referenced", 0),
        )
    ]
    for orphan in sorted(orphans, key=lambda o: -o["bytes"])[:limit]:
        lines.append(
            "{} ({}, {}): {}".format(
                orphan["path"], human(orphan["bytes"]), orphan["category"], orphan["reason"]
            )
        )
    for folder in report.get("folder_projects", []):
        lines.append(
            "no project file found under {}: nothing there is called an orphan".format(folder)
        )
    return lines


def what_if_lines(outputs: List[Dict[str, Any]]) -> List[str]:
    lines = []
    for output in outputs:
        declared = output.get("declared_as", {})
        lines.append(
            "{}: {} {} {} -> {}".format(
                output["node"],
                declared.get("format", ""),
                declared.get("compression", ""),
                declared.get("pixel_type", ""),
                output["path"],
            )
        )
        if output.get("outputs"):
            lines.append("rendered: {} on disk".format(human(output.get("rendered_bytes", 0))))
        recommendation = output.get("recommendation")
        if recommendation:
            lines.append(recommendation["summary"])
        if output.get("change_text"):
            lines.append("change: " + output["change_text"])
        lines.extend(output.get("mismatches", []))
        lines.extend(output.get("notes", []))
        lines.extend(output.get("problems", []))
    return lines or ["this file has no scene with a render output path"]
