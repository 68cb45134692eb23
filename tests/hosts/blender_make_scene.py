"""Runs inside Blender (`blender -b --factory-startup --python blender_make_scene.py --
SHOT_FOLDER`): saves the test shot's .blend files, written by that Blender, pointing at
the media the test generated beforehand under SHOT_FOLDER.

lib/props.blend holds an object whose material uses textures/wood.png; shot.blend links
that object, uses the plate sequence as an image and as a sequencer strip, a texture that
does not exist, a sound, and renders 32-bit ZIP EXR frames to //renders/beauty.####."""

import os
import sys

import bpy

shot = sys.argv[sys.argv.index("--") + 1]


def material_with(image):
    material = bpy.data.materials.new("mat_" + image.name)
    material.use_nodes = True
    node = material.node_tree.nodes.new("ShaderNodeTexImage")
    node.image = image
    return material


def save(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=path, relative_remap=True)


# The library: saved first, so its image path is relative to lib/.
bpy.ops.wm.read_factory_settings(use_empty=True)
wood = bpy.data.images.load(os.path.join(shot, "textures", "wood.png"))
mesh = bpy.data.meshes.new("prop")
prop = bpy.data.objects.new("prop", mesh)
mesh.materials.append(material_with(wood))
bpy.context.scene.collection.objects.link(prop)
save(os.path.join(shot, "lib", "props.blend"))
bpy.ops.file.make_paths_relative()
save(os.path.join(shot, "lib", "props.blend"))

# The shot.
bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
with bpy.data.libraries.load(os.path.join(shot, "lib", "props.blend"), link=True) as (src, dst):
    dst.objects = ["prop"]
for obj in dst.objects:
    scene.collection.objects.link(obj)
plate = bpy.data.images.load(os.path.join(shot, "plates", "plate.1001.exr"))
plate.source = "SEQUENCE"
missing = bpy.data.images.new("missing.png", 4, 4)
missing.source = "FILE"
missing.filepath = os.path.join(shot, "textures", "missing.png")
holder = bpy.data.objects.new("holder", bpy.data.meshes.new("holder"))
holder.data.materials.append(material_with(plate))
holder.data.materials.append(material_with(missing))
scene.collection.objects.link(holder)
bpy.data.sounds.load(os.path.join(shot, "audio", "temp.wav")).use_fake_user = True
editor = scene.sequence_editor_create()
strip = editor.sequences.new_image("plate", os.path.join(shot, "plates", "plate.1001.exr"), 1, 1)
for frame in (1002, 1003, 1005, 1006):
    strip.elements.append(f"plate.{frame}.exr")
render = scene.render
render.filepath = "//renders/beauty.####.exr"
render.resolution_x, render.resolution_y, render.resolution_percentage = 96, 54, 100
render.image_settings.file_format = "OPEN_EXR"
render.image_settings.color_depth = "32"
render.image_settings.exr_codec = "ZIP"
render.image_settings.color_mode = "RGBA"
scene.frame_start, scene.frame_end = 1, 4
save(os.path.join(shot, "shot.blend"))
bpy.ops.file.make_paths_relative()
save(os.path.join(shot, "shot.blend"))
