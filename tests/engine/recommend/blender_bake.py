"""Runs inside Blender (`blender -b --factory-startup --python blender_bake.py -- OUT.blend`):
saves OUT.blend, then bakes a tiny smoke simulation and a cloth point cache to disk, so
that the caches are where and as Blender itself names them."""

import sys

import bpy

out = sys.argv[-1]
bpy.ops.wm.save_as_mainfile(filepath=out)
scene = bpy.context.scene
scene.frame_start, scene.frame_end = 1, 3
# A gas domain with a smoke flow: the fluid cache (cache_fluid_*).
bpy.ops.mesh.primitive_cube_add(size=2)
domain = bpy.context.active_object
fluid = domain.modifiers.new("Fluid", "FLUID")
fluid.fluid_type = "DOMAIN"
settings = fluid.domain_settings
settings.resolution_max = 8
settings.cache_frame_start, settings.cache_frame_end = 1, 3
bpy.ops.mesh.primitive_ico_sphere_add(radius=0.3)
flow = bpy.context.active_object
f = flow.modifiers.new("Fluid", "FLUID")
f.fluid_type = "FLOW"
# A cloth on a plane, its point cache baked to disk (blendcache_<file>).
bpy.ops.mesh.primitive_plane_add(size=1, location=(0, 0, 3))
plane = bpy.context.active_object
cloth = plane.modifiers.new("Cloth", "CLOTH")
cloth.point_cache.use_disk_cache = True
cloth.point_cache.frame_start, cloth.point_cache.frame_end = 1, 3
bpy.ops.wm.save_mainfile()
with bpy.context.temp_override(scene=scene, active_object=domain, object=domain):
    bpy.ops.fluid.bake_all()
bpy.ops.ptcache.bake_all(bake=True)
bpy.ops.wm.save_mainfile()
