"""Runs inside Blender (`blender -b --python blender_driver.py -- JOBS.json`): enables the
installed add-on, then for each job opens its .blend and calls the named operators the
way a headless user would, each writing its answer to the job's JSON files. Whatever
fails is written as the job's `error`, so the test names the file."""

import json
import sys
import traceback

import addon_utils
import bpy

jobs_file = sys.argv[sys.argv.index("--") + 1]
with open(jobs_file, encoding="utf-8") as f:
    jobs = json.load(f)
module = addon_utils.enable("mediaopt_blender", default_set=True, handle_error=None)
if module is None:
    raise SystemExit("the mediaopt add-on did not register")
done = {"registered": sorted(n for n in dir(bpy.ops.mediaopt) if not n.startswith("_"))}
for job in jobs["jobs"]:
    outcome = {}
    try:
        bpy.ops.wm.open_mainfile(filepath=job["blend"], load_ui=False)
        for call in job["calls"]:
            operator = getattr(bpy.ops.mediaopt, call["operator"])
            outcome[call["operator"]] = sorted(operator(**call.get("args", {})))
        if job.get("panel"):
            from mediaopt_blender import ui

            outcome["panel"] = ui.panel_lines()
        if job.get("scene_after"):
            s = bpy.context.scene.render.image_settings
            outcome["scene_after"] = {"exr_codec": s.exr_codec, "color_depth": s.color_depth}
    except Exception:
        outcome["error"] = traceback.format_exc()
    done[job["blend"]] = outcome
with open(jobs["out"], "w", encoding="utf-8") as f:
    json.dump(done, f, indent=1)
# Unregistering is part of the add-on's life too: do it here, where a failure is seen.
addon_utils.disable("mediaopt_blender", default_set=True, handle_error=None)
done["unregistered"] = not hasattr(bpy.types, "MEDIAOPT_PT_panel")
with open(jobs["out"], "w", encoding="utf-8") as f:
    json.dump(done, f, indent=1)
