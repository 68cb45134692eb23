"""Runs inside Blender with a window (under Xvfb: `xvfb-run blender --factory-startup
shot.blend --python blender_panel_screenshot.py`, SHOT_PNG=where to save): presses each
button of the mediaopt panel in turn, as a user would, waits for the background work,
then saves a screenshot of the Properties editor showing the panel."""

import json
import os
import sys

import addon_utils
import bpy

addon_utils.enable("mediaopt_blender", default_set=True, handle_error=None)
from mediaopt_blender import ops  # noqa: E402

OUT = os.environ["SHOT_PNG"]
state = {"step": 0, "statuses": []}


def busy():
    job = ops.RESULTS.get("job")
    if job is not None and not job.done:
        # What the panel and the status bar show while the job runs (the modal timer
        # copies it into RESULTS["status"]).
        state["statuses"].append(ops.RESULTS.get("status", ""))
        return True
    return False


def tick():
    win = bpy.context.window_manager.windows[0]
    area = max(win.screen.areas, key=lambda a: a.width * a.height)
    step = state["step"]
    try:
        if step == 0:
            area.type = "PROPERTIES"
        elif step == 1:  # the editor's tabs exist once it has been drawn
            area.spaces.active.context = "OUTPUT"
            with bpy.context.temp_override(window=win, area=area):
                bpy.ops.mediaopt.media()
                bpy.ops.mediaopt.orphans("EXEC_DEFAULT")
        elif step in (2, 3):
            if busy():
                return 0.5
            with bpy.context.temp_override(window=win, area=area):
                if step == 2:
                    bpy.ops.mediaopt.render_what_if("EXEC_DEFAULT")
                else:
                    bpy.ops.mediaopt.report("EXEC_DEFAULT", open_browser=False)
        elif step == 4 and busy():
            return 0.5
        elif step == 5:
            with bpy.context.temp_override(window=win, area=area):
                bpy.ops.screen.screenshot_area(filepath=OUT)
            answers = {k: v is not None for k, v in ops.RESULTS.items() if k != "job"}
            with open(OUT + ".json", "w", encoding="utf-8") as out:
                json.dump({"statuses": state["statuses"], "answers": answers}, out)
            bpy.ops.wm.quit_blender()
            return None
    except Exception:
        import traceback

        traceback.print_exc()
        sys.stdout.flush()
        os._exit(1)
    state["step"] += 1
    return 1.0


bpy.app.timers.register(tick, first_interval=2.0)
