"""The panel (Properties > Output > mediaopt) and the File > External Data > mediaopt menu.

`panel_lines()` is the panel's text without Blender's drawing, so the same words can be
printed headless (Blender 3.4 cannot draw its UI in background mode) and shown in the
README.
"""

from typing import Any, List, Tuple

import bpy

from . import media
from .ops import RESULTS

# Panel sections: (result key, title, the operator that fills it).
SECTIONS = (
    ("media", "External media", "mediaopt.media"),
    ("orphans", "Orphans in the project folder", "mediaopt.orphans"),
    ("what_if", "Render what-if", "mediaopt.render_what_if"),
    ("report", "Report", "mediaopt.report"),
)


def panel_lines() -> List[Tuple[str, List[str]]]:
    """Each section's title and the lines the panel shows under it."""
    found = []
    for key, title, _ in SECTIONS:
        value = RESULTS.get(key)
        if value is None:
            lines = ["(not run yet)"]
        elif key == "media":
            lines = media.media_lines(value)
        elif key == "orphans":
            lines = media.orphan_lines(value)
        elif key == "what_if":
            lines = media.what_if_lines(value)
        else:
            lines = ["{} ({})".format(value["path"], "written" if value["exists"] else "missing")]
        found.append((title, lines))
    return found


class MEDIAOPT_PT_panel(bpy.types.Panel):
    bl_label = "mediaopt"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "output"

    def draw(self, context: Any) -> None:
        layout = self.layout
        job = RESULTS.get("job")
        if job is not None and not job.done:
            row = layout.row()
            row.label(text=job.status, icon="TIME")
            row.operator("mediaopt.cancel", icon="CANCEL")
        elif RESULTS.get("status"):
            layout.label(text=RESULTS["status"])
        sections = dict((title, lines) for title, lines in panel_lines())
        for key, title, operator in SECTIONS:
            box = layout.box()
            box.operator(operator)
            for line in sections[title]:
                box.label(text=line)
            if key == "what_if" and any(o.get("changes") for o in RESULTS.get("what_if") or []):
                box.operator("mediaopt.apply_render_settings", icon="CHECKMARK")
            if key == "report" and RESULTS.get("report"):
                box.operator("mediaopt.open_report", icon="URL")


class MEDIAOPT_MT_menu(bpy.types.Menu):
    bl_label = "mediaopt"
    bl_idname = "MEDIAOPT_MT_menu"

    def draw(self, context: Any) -> None:
        for _, _, operator in SECTIONS:
            self.layout.operator(operator)
        self.layout.operator("mediaopt.apply_render_settings")


def _menu_entry(self: Any, context: Any) -> None:
    self.layout.separator()
    self.layout.menu(MEDIAOPT_MT_menu.bl_idname)


def register() -> None:
    bpy.utils.register_class(MEDIAOPT_PT_panel)
    bpy.utils.register_class(MEDIAOPT_MT_menu)
    bpy.types.TOPBAR_MT_file_external_data.append(_menu_entry)


def unregister() -> None:
    bpy.types.TOPBAR_MT_file_external_data.remove(_menu_entry)
    bpy.utils.unregister_class(MEDIAOPT_MT_menu)
    bpy.utils.unregister_class(MEDIAOPT_PT_panel)
