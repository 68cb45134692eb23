"""mediaopt for Nuke: a Nuke > mediaopt menu.

- Report script media: every Read/Write (groups included) with its size on disk and the
  frames missing from its range.
- Check shot folder for orphans: media under the script's folder no project uses.
- Render what-if on selected Write: measures what the Write's renders would cost with the
  settings a Write can render, then sets the recommended knob values on it (undoable).

When the engine imports in Nuke's Python, the script is read live through mediaopt's
Nuke adapter (knobs evaluated by Nuke, unsaved changes included) and the commands run in
process. Otherwise the saved script is read by the `mediaopt` command (save first: the
menu says so when the script has unsaved changes). Long work runs in a background thread
with a Nuke progress bar that can be cancelled; the answer is shown when it is done.
Standard library only, Python 3.7+ (Nuke 13).
"""

import json
import os
import tempfile
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

try:
    from . import mediaopt_client as client  # installed beside this package
except ImportError:  # running from a mediaopt checkout
    from mediaopt.hosts import client

DEFAULT_QUALITY = "psnr:50"
_MENU = "mediaopt"


def _nuke() -> Any:
    import nuke  # only inside Nuke

    return nuke


def add_menu(nuke: Any = None) -> Any:
    nuke = nuke or _nuke()
    menu = nuke.menu("Nuke").addMenu(_MENU)
    menu.addCommand("Report script media", lambda: show(nuke, media_lines(media_report(nuke))))
    menu.addCommand("Check shot folder for orphans", lambda: orphans(nuke))
    menu.addCommand("Render what-if on selected Write", lambda: what_if(nuke))
    return menu


def make_client() -> "client.Client":
    return client.Client()


def project_record(nuke: Any, use_engine: Optional[bool] = None) -> Tuple[Dict[str, Any], str]:
    """The open script as a Project record, and the file mediaopt should read for it: a
    saved live record when the engine imports here, else the saved .nk itself."""
    use_engine = client.engine_importable() if use_engine is None else use_engine
    if use_engine:
        import msgspec

        from mediaopt.adapters.nuke_live import read_nuke_live

        record = msgspec.to_builtins(read_nuke_live(nuke))
        path = _save(record)
        for reference in record["references"]:  # the record omits fields at their default
            reference.setdefault("role", "read")
            reference.setdefault("owner", "")
        return record, path
    script = nuke.root().name()
    if not script or script == "Root":
        raise ValueError("mediaopt: save the script first")
    return {"path": script, "kind": "nuke", "references": []}, script


def _save(record: Dict[str, Any]) -> str:
    folder = os.path.join(tempfile.gettempdir(), "mediaopt-nuke")
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(record["path"]).replace(".nk", "") or "untitled"
    path = os.path.join(folder, name + ".mediaopt-project.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(record, out, indent=1)
    return path


def media_report(nuke: Any) -> Dict[str, Any]:
    """Each Read/Write-like reference with `bytes`, `files`, `missing` and
    `missing_frames` (frames of its range with no file)."""
    if client.engine_importable():
        record, _ = project_record(nuke, True)
    else:
        record = _references_by_knob(nuke)
    items = []
    for reference in record["references"]:
        path = reference.get("path") or ""
        if reference.get("target") == "unresolvable" or not path:
            items.append(dict(reference, bytes=0, files=0, missing=True))
            continue
        sequence = reference.get("target") == "sequence"
        found = client.on_disk(path, sequence, reference.get("frames") if sequence else None)
        items.append(dict(reference, **found))
    return {
        "project": record["path"],
        "items": items,
        "bytes": sum(i["bytes"] for i in items),
        "missing": sum(1 for i in items if i["missing"]),
        "missing_frames": sum(len(i.get("missing_frames", [])) for i in items),
    }


def _references_by_knob(nuke: Any) -> Dict[str, Any]:
    """Without the engine: each node's file knob as Nuke evaluates it, frame range from
    its first/last knobs (the live adapter does this fully when the engine imports)."""
    references = []
    for node in nuke.allNodes(recurseGroups=True):
        knob = node.knobs().get("file")
        if knob is None or not knob.value():
            continue
        path = (
            knob.getEvaluatedValue(None) if hasattr(knob, "getEvaluatedValue") else knob.evaluate()
        )
        pattern, sequence = _hashes(path)
        first, last = node.knobs().get("first"), node.knobs().get("last")
        frames = [int(first.value()), int(last.value())] if first and last else None
        references.append(
            {
                "name": node.fullName(),
                "owner": node.Class(),
                "role": "write" if node.Class().startswith("Write") else "read",
                "path": pattern,
                "target": "sequence" if sequence else "file",
                "frames": frames,
            }
        )
    return {"path": nuke.root().name(), "references": references}


def _hashes(path: str) -> Tuple[str, bool]:
    import re

    found = re.search(r"%0(\d+)d", path)
    if found is None:
        return path, "#" in path
    return path[: found.start()] + "#" * int(found.group(1)) + path[found.end() :], True


def media_lines(report: Dict[str, Any]) -> List[str]:
    lines = [
        "{}: {} references, {} on disk; {} missing, {} frames missing".format(
            os.path.basename(report["project"]),
            len(report["items"]),
            client.human_bytes(report["bytes"]),
            report["missing"],
            report["missing_frames"],
        )
    ]
    for item in report["items"]:
        state = "MISSING" if item["missing"] else client.human_bytes(item["bytes"])
        if item.get("missing_frames"):
            frames = item["missing_frames"]
            shown = ", ".join(str(f) for f in frames[:8]) + (" ..." if len(frames) > 8 else "")
            state += "; frames missing: " + shown
        lines.append(
            "{} ({}, {}): {} [{}]".format(
                item["name"], item["owner"], item["role"], item["path"], state
            )
        )
    return lines


def show(nuke: Any, lines: Sequence[str]) -> None:
    """The answer in the Script Editor's output and in a message box (first 40 lines)."""
    text = "\n".join(lines)
    print("mediaopt\n" + text)
    shown = list(lines[:40]) + (
        ["... (the full list is in the Script Editor)"] if len(lines) > 40 else []
    )
    nuke.message("\n".join(shown))


def run_in_background(
    nuke: Any, title: str, steps: Sequence[Tuple[str, List[str]]], on_done: Callable[[Any], None]
) -> "client.Job":
    """Start the steps; a watcher thread draws a Nuke progress bar, cancels the job when
    the user cancels it, and hands the finished job to `on_done` on Nuke's main thread."""
    job = make_client().start(steps)

    def watch() -> None:
        task = nuke.ProgressTask(title)
        while not job.done:
            task.setProgress(int(job.progress * 100))
            task.setMessage(job.status)
            if task.isCancelled():
                job.cancel()
            time.sleep(0.2)
        del task  # Nuke closes the progress bar when the task is deleted
        nuke.executeInMainThread(on_done, args=(job,))

    threading.Thread(target=watch, name="mediaopt-progress", daemon=True).start()
    return job


def _folder(nuke: Any) -> str:
    return os.environ.get("MEDIAOPT_SHOT_ROOT") or os.path.dirname(nuke.root().name())


def orphans(nuke: Any) -> Optional["client.Job"]:
    """Scan the shot folder and list the media in it no project uses."""
    try:
        _, project = project_record(nuke)
    except ValueError as exc:
        nuke.message(str(exc))
        return None
    root = _folder(nuke)
    steps = [
        ("cataloguing " + root, ["scan", root]),
        ("finding orphans", ["orphans", "--root", root, "--project", project]),
    ]

    def done(job: Any) -> None:
        if job.error or job.cancelled:
            nuke.message(job.status)
            return
        show(nuke, orphan_lines(job.results["finding orphans"].data))

    return run_in_background(nuke, "mediaopt: orphans", steps, done)


def orphan_lines(report: Dict[str, Any]) -> List[str]:
    lines = [
        "{} orphans, {} reclaimable; {} uncertain (kept)".format(
            len(report["orphans"]),
            client.human_bytes(report.get("orphan_bytes", 0)),
            len(report["uncertain"]),
        )
    ]
    for orphan in sorted(report["orphans"], key=lambda o: -o["bytes"]):
        lines.append(
            "{} ({}): {}".format(
                orphan["path"], client.human_bytes(orphan["bytes"]), orphan["reason"]
            )
        )
    return lines


def what_if(nuke: Any, quality: str = DEFAULT_QUALITY) -> Optional["client.Job"]:
    """The what-if over what the selected Write node renders; its recommendation is set
    on the node's knobs when done."""
    writes = [n for n in nuke.selectedNodes() if n.Class().startswith("Write")]
    if len(writes) != 1:
        nuke.message("mediaopt: select one Write node")
        return None
    node = writes[0]
    try:
        _, project = project_record(nuke)
    except ValueError as exc:
        nuke.message(str(exc))
        return None
    folder = os.path.dirname(node["file"].getEvaluatedValue(None))
    steps = [
        ("cataloguing the renders", ["scan", folder]),
        ("measuring settings", ["render", "settings", project, "--what-if", quality]),
    ]

    def done(job: Any) -> None:
        if job.error or job.cancelled:
            nuke.message(job.status)
            return
        data = job.results["measuring settings"].data or []
        # `render settings --json` is a report: {"outputs": [...], "problems": [...]}
        found = data.get("outputs", []) if isinstance(data, dict) else data
        outputs = [o for o in found if o["node"] == node.fullName()]
        show(nuke, what_if_lines(outputs) + apply_changes(node, outputs))

    return run_in_background(nuke, "mediaopt: render what-if", steps, done)


def what_if_lines(outputs: List[Dict[str, Any]]) -> List[str]:
    lines = []
    for output in outputs:
        if output.get("recommendation"):
            lines.append(output["recommendation"]["summary"])
        lines.extend(
            output.get("mismatches", []) + output.get("notes", []) + output.get("problems", [])
        )
    return lines or ["nothing rendered by this Write is in the catalog yet"]


def apply_changes(node: Any, outputs: List[Dict[str, Any]]) -> List[str]:
    """Set the recommendation's knob values on the Write node; the lines it set."""
    done = []
    for output in outputs:
        for name, value in output.get("changes", {}).items():
            knob = node.knobs().get(name)
            if knob is None:
                done.append(
                    "{} has no {} knob: set {} by hand".format(node.fullName(), name, value)
                )
                continue
            knob.setValue(float(value) if name == "dw_compression_level" else value)
            done.append("set {}.{} = {}".format(node.fullName(), name, value))
    return done
