"""mediaopt for Blender: this file's external media (sizes, missing files, sequences,
libraries), unused media in the project folder, the render what-if on the scene's output
settings with the properties to change, and the HTML report.

Installs as a Blender 4.2+ extension (blender_manifest.toml) and as a legacy add-on for
Blender 3.x (bl_info); `mediaopt hosts install blender` copies it with the shared client.
The panel is in Properties > Output > mediaopt; the entries are also in File > External
Data > mediaopt. Headless: `blender -b file.blend --python-expr "import bpy;
bpy.ops.mediaopt.media(report_path='media.json')"` (every operator takes report_path).
"""

bl_info = {
    "name": "mediaopt",
    "author": "mediaopt",
    "version": (0, 1, 0),
    "blender": (3, 0, 0),
    "location": "Properties > Output > mediaopt; File > External Data > mediaopt",
    "description": "External media sizes, orphans, and the render what-if for this file",
    "category": "Pipeline",
}

from . import ops, ui  # noqa: E402 - bl_info must stay a literal at the top for Blender 3.x

_MODULES = (ops, ui)


def register() -> None:
    for module in _MODULES:
        module.register()


def unregister() -> None:
    for module in reversed(_MODULES):
        module.unregister()
