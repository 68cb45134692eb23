"""What the panel shows: each external file's size on disk and whether it is there, and
the lines of text the panel, the console and the README draw from the results.

Sizes are stat'ed by the shared client (a sequence's frames by their shared name, a cache
folder by its files) so the panel answers at once without a catalog; the analyses
(orphans, what-if, report) run in mediaopt. Standard library only.
"""

from typing import Any, Dict, List

try:
    from . import mediaopt_client as client  # installed beside the add-on
except ImportError:  # running from a mediaopt checkout, where the engine imports
    from mediaopt.hosts import client


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
    if path.startswith("//"):  # the file is not saved: nowhere to look
        return {"bytes": 0, "files": 0, "missing": True}
    return client.on_disk(path, sequence=reference.get("target") == "sequence")


human = client.human_bytes


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
