"""The operators: each collects the open file through `collect`, asks mediaopt through
the shared client, and keeps the answer in RESULTS for the panel.

With a window, long work runs as a modal operator: the client's Job runs the mediaopt
commands in a background thread, a timer draws its progress in the status bar and the
panel, and Esc (or the panel's Cancel) ends it. In background mode (`blender -b`) the
same operator waits for the job and writes the answer to `report_path` as JSON.
"""

import json
import os
import tempfile
import webbrowser
from typing import Any, Dict, List, Sequence, Tuple

import bpy

from . import collect, media
from .media import client

RESULTS = {}  # type: Dict[str, Any]
"""The latest answer of each operator (`media`, `orphans`, `what_if`, `report`), and the
running `job` with its `status` line."""

DEFAULT_QUALITY = "psnr:50"


def preferences(context: Any) -> Any:
    addon = context.preferences.addons.get(__package__)
    return addon.preferences if addon is not None else None


def make_client(context: Any) -> "client.Client":
    prefs = preferences(context)
    command = prefs.command if prefs is not None and prefs.command else None
    catalog = prefs.catalog if prefs is not None and prefs.catalog else None
    in_process = None if prefs is None or not prefs.force_command else False
    return client.Client(command=command, in_process=in_process, catalog=catalog)


def project_root(context: Any, override: str = "") -> str:
    """The folder whose media belongs to this file: the operator's `root`, the add-on
    setting, else the folder holding the .blend."""
    prefs = preferences(context)
    root = override or (prefs.project_root if prefs is not None else "")
    if root:
        return bpy.path.abspath(root)
    return os.path.dirname(bpy.data.filepath)


def save_project(record: Dict[str, Any]) -> str:
    """The live project record as a `.mediaopt-project.json` mediaopt reads like a file
    (outside the project folder: nothing is written next to the media)."""
    folder = os.path.join(tempfile.gettempdir(), "mediaopt-blender")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, record["name"] + ".mediaopt-project.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(record, out, indent=1)
    return path


def _write(path: str, value: Any) -> None:
    if path:
        with open(bpy.path.abspath(path), "w", encoding="utf-8") as out:
            json.dump(value, out, indent=1)


class MEDIAOPT_OT_media(bpy.types.Operator):
    """List this file's external media with sizes and missing files"""

    bl_idname = "mediaopt.media"
    bl_label = "External Media"
    bl_options = {"REGISTER"}

    report_path: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Report Path", description="Also write the answer as JSON here", options={"SKIP_SAVE"}
    )

    def execute(self, context: Any) -> set:
        report = media.media_report(collect.project(bpy))
        RESULTS["media"] = report
        _write(self.report_path, report)
        self.report({"INFO"}, media.media_lines(report)[0])
        return {"FINISHED"}


class _Background:
    """Runs the steps `steps()` returns as a client Job; `finish()` reads its results."""

    report_path: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Report Path", description="Also write the answer as JSON here", options={"SKIP_SAVE"}
    )
    root: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Project Folder", subtype="DIR_PATH", options={"SKIP_SAVE"}
    )
    key = ""

    _timer = None
    _job = None  # type: Optional[client.Job]

    def steps(self, context: Any) -> Sequence[Tuple[str, List[str]]]:
        raise NotImplementedError

    def finish(self, context: Any, job: "client.Job") -> Any:
        raise NotImplementedError

    def execute(self, context: Any) -> set:
        if not bpy.data.filepath:
            self.report({"ERROR"}, "mediaopt: save the file first (its folder is the project)")
            return {"CANCELLED"}
        running = RESULTS.get("job")
        if running is not None and not running.done:
            self.report({"WARNING"}, "mediaopt is still working: " + running.status)
            return {"CANCELLED"}
        try:
            steps = self.steps(context)
            job_client = make_client(context)
            if not job_client.in_process:
                job_client.command()  # says clearly, now, when the command is missing
        except (client.CommandNotFound, ValueError) as exc:
            self.report({"ERROR"}, str(exc))
            RESULTS["status"] = str(exc)
            return {"CANCELLED"}
        self._job = job_client.start(steps)
        RESULTS["job"] = self._job
        if bpy.app.background:
            self._job.wait()
            return self._done(context)
        wm = context.window_manager
        self._timer = wm.event_timer_add(0.25, window=context.window)
        wm.progress_begin(0, 100)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context: Any, event: Any) -> set:
        job = self._job
        if event.type == "ESC":
            job.cancel()
        if event.type != "TIMER" and event.type != "ESC":
            return {"PASS_THROUGH"}
        context.window_manager.progress_update(int(job.progress * 100))
        RESULTS["status"] = job.status
        for area in context.screen.areas:
            if area.type == "PROPERTIES":
                area.tag_redraw()
        if not job.done:
            return {"PASS_THROUGH"}
        context.window_manager.event_timer_remove(self._timer)
        context.window_manager.progress_end()
        return self._done(context)

    def _done(self, context: Any) -> set:
        job = self._job
        RESULTS["status"] = job.status
        if job.cancelled or job.error:
            self.report({"WARNING"} if job.cancelled else {"ERROR"}, job.status)
            return {"CANCELLED"}
        answer = self.finish(context, job)
        RESULTS[self.key] = answer
        _write(self.report_path, answer)
        self.report({"INFO"}, job.status)
        return {"FINISHED"}


class MEDIAOPT_OT_orphans(_Background, bpy.types.Operator):
    """Find media in the project folder that no project uses"""

    bl_idname = "mediaopt.orphans"
    bl_label = "Orphans in Project Folder"
    key = "orphans"

    def steps(self, context: Any) -> Sequence[Tuple[str, List[str]]]:
        root = project_root(context, self.root)
        project = save_project(collect.project(bpy))
        return [
            ("cataloguing " + root, ["scan", root]),
            ("finding orphans", ["orphans", "--root", root, "--project", project]),
        ]

    def finish(self, context: Any, job: "client.Job") -> Any:
        return job.results["finding orphans"].data


class MEDIAOPT_OT_render_what_if(_Background, bpy.types.Operator):
    """Measure what the scene's renders would cost with other output settings"""

    bl_idname = "mediaopt.render_what_if"
    bl_label = "Render What-If"
    key = "what_if"

    quality: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Quality", default=DEFAULT_QUALITY, description="lossless, psnr:DB or ssim:V"
    )

    def steps(self, context: Any) -> Sequence[Tuple[str, List[str]]]:
        output = collect.render_output(bpy, context.scene)
        if output is None:
            raise ValueError("mediaopt: the scene has no render output path")
        folder = os.path.dirname(output[0]["path"])
        if not os.path.isdir(folder):
            raise ValueError("mediaopt: nothing rendered yet: {} does not exist".format(folder))
        project = save_project(collect.project(bpy))
        settings = ["render", "settings", project, "--what-if", self.quality or DEFAULT_QUALITY]
        return [("cataloguing the renders", ["scan", folder]), ("measuring settings", settings)]

    def finish(self, context: Any, job: "client.Job") -> Any:
        data = job.results["measuring settings"].data or []
        # `render settings --json` is a report: {"outputs": [...], "problems": [...]}
        outputs = data.get("outputs", []) if isinstance(data, dict) else data
        return [o for o in outputs if o["node"] == context.scene.name]


class MEDIAOPT_OT_apply_render_settings(bpy.types.Operator):
    """Set the scene's output settings to the what-if's recommendation"""

    bl_idname = "mediaopt.apply_render_settings"
    bl_label = "Apply Recommended Settings"
    bl_options = {"REGISTER", "UNDO"}

    def execute(self, context: Any) -> set:
        done = []
        for output in RESULTS.get("what_if") or []:
            done += collect.apply_changes(context.scene, output.get("changes", {}))
        if not done:
            self.report({"INFO"}, "mediaopt: nothing to change")
            return {"CANCELLED"}
        self.report({"INFO"}, "mediaopt: " + "; ".join(done))
        return {"FINISHED"}


class MEDIAOPT_OT_report(_Background, bpy.types.Operator):
    """Write the HTML storage report of the project folder and open it"""

    bl_idname = "mediaopt.report"
    bl_label = "HTML Report"
    key = "report"

    open_browser: bpy.props.BoolProperty(default=True, options={"SKIP_SAVE"})  # type: ignore[valid-type]

    def steps(self, context: Any) -> Sequence[Tuple[str, List[str]]]:
        root = project_root(context, self.root)
        self._html = os.path.join(tempfile.gettempdir(), "mediaopt-blender", "report.html")
        os.makedirs(os.path.dirname(self._html), exist_ok=True)
        return [
            ("cataloguing " + root, ["scan", root]),
            ("writing the report", ["report", "-o", self._html, "--under", root, "--no-json"]),
        ]

    def finish(self, context: Any, job: "client.Job") -> Any:
        if self.open_browser and not bpy.app.background:
            webbrowser.open("file://" + self._html)
        return {"path": self._html, "exists": os.path.isfile(self._html)}


class MEDIAOPT_OT_cancel(bpy.types.Operator):
    """Stop the running mediaopt work"""

    bl_idname = "mediaopt.cancel"
    bl_label = "Cancel"

    def execute(self, context: Any) -> set:
        job = RESULTS.get("job")
        if job is not None and not job.done:
            job.cancel()
        return {"FINISHED"}


class MEDIAOPT_OT_open_report(bpy.types.Operator):
    """Open the last HTML report in the browser"""

    bl_idname = "mediaopt.open_report"
    bl_label = "Open Report"

    def execute(self, context: Any) -> set:
        report = RESULTS.get("report")
        if not report:
            return {"CANCELLED"}
        bpy.ops.wm.url_open(url="file://" + report["path"])
        return {"FINISHED"}


class MediaoptPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    command: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="mediaopt command",
        description="Full path or command line; empty: MEDIAOPT_COMMAND, then PATH",
    )
    catalog: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Catalog", subtype="FILE_PATH", description="Empty: mediaopt's default catalog"
    )
    project_root: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Project folder", subtype="DIR_PATH", description="Empty: the .blend's folder"
    )
    force_command: bpy.props.BoolProperty(  # type: ignore[valid-type]
        name="Always use the command", description="Even when mediaopt imports in Blender"
    )

    def draw(self, context: Any) -> None:
        for name in ("command", "catalog", "project_root", "force_command"):
            self.layout.prop(self, name)
        self.layout.label(text="Runs as: " + make_client(context).describe())


CLASSES = (
    MediaoptPreferences,
    MEDIAOPT_OT_media,
    MEDIAOPT_OT_orphans,
    MEDIAOPT_OT_render_what_if,
    MEDIAOPT_OT_apply_render_settings,
    MEDIAOPT_OT_report,
    MEDIAOPT_OT_open_report,
    MEDIAOPT_OT_cancel,
)


def register() -> None:
    for cls in CLASSES:
        bpy.utils.register_class(cls)


def unregister() -> None:
    job = RESULTS.get("job")
    if job is not None and not job.done:
        job.cancel()
    for cls in reversed(CLASSES):
        bpy.utils.unregister_class(cls)
