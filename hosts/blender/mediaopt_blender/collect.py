"""The open .blend file's external files and render outputs, read through `bpy`, as the
same Project record (plain JSON data) the offline .blend reader produces.

It covers the datablocks blender-asset-tracer traces (images, movie clips, sounds, fonts,
libraries, cache files, volumes, sequencer strips, modifier and point caches, IES
lights) and each scene's render output, so the offline reader and this one can be checked
against each other on the same files. Paths are written absolute, resolved the way
Blender resolves them (`//` against the .blend or the linked library holding the block);
the path as written is kept in the note.

Standard library only, and `bpy` is passed in: this module also loads in tests without
Blender.
"""

import os
from typing import Any, Dict, Iterator, List, Optional, Tuple

# Point cache files (pointcache.cc: PTCACHE_PATH, PTCACHE_EXT, PTCACHE_EXT_VDB).
_PTCACHE_FOLDER = "blendcache_"
_CACHE_EXTENSIONS = {"POINTCACHE": ".bphys", "OPENVDB": ".vdb"}
_MOVIE_FORMATS = ("FFMPEG", "AVI_RAW", "AVI_JPEG")
# The extension Blender's movie writer appends by container (writeffmpeg: the first of
# ffmpeg_filepath_get's list); `render.file_extension` gives an image extension here.
_CONTAINER_EXTENSIONS = {
    "MPEG1": ".mpg",
    "MPEG2": ".dvd",
    "MPEG4": ".mp4",
    "AVI": ".avi",
    "H264": ".avi",
    "XVID": ".avi",
    "QUICKTIME": ".mov",
    "DV": ".dv",
    "FLASH": ".flv",
    "MKV": ".mkv",
    "OGG": ".ogv",
    "WEBM": ".webm",
}
# R_IMF_CHAN_DEPTH_* as the Python API spells color_depth; the offline reader stores bits.
_DEPTH_BITS = {"1": "1", "8": "8", "10": "10", "12": "12", "16": "16", "24": "24", "32": "32"}


def project(bpy: Any) -> Dict[str, Any]:
    """The open file as a Project record (`kind` `blend`): every external file with its
    datablock, and each scene's render output with its settings."""
    blend = bpy.data.filepath
    record = {
        "path": blend or "(unsaved file)",
        "kind": "blend",
        "name": os.path.splitext(os.path.basename(blend))[0] if blend else "untitled",
        "references": [],
        "render_settings": {},
        "notes": ["read live from Blender {}".format(bpy.app.version_string)],
    }  # type: Dict[str, Any]
    if not blend:
        record["notes"].append("the file is not saved: relative (//) paths cannot be resolved")
    seen = set()  # type: set
    for reference in _references(bpy):
        key = (reference["path"], reference.get("location"))
        if key not in seen:
            seen.add(key)
            record["references"].append(reference)
    for scene in bpy.data.scenes:
        output = render_output(bpy, scene)
        if output is not None:
            reference, settings = output
            record["references"].append(reference)
            for key, value in settings.items():
                record["render_settings"]["{}.{}".format(scene.name, key)] = value
    return record


def _references(bpy: Any) -> Iterator[Dict[str, Any]]:
    data = bpy.data
    for image in data.images:
        if image.source in ("FILE", "SEQUENCE", "MOVIE", "TILED") and not image.packed_file:
            sequence = image.source in ("SEQUENCE", "TILED")
            yield _reference(bpy, image, image.filepath, "image", "IM", sequence)
    for clip in data.movieclips:
        yield _reference(bpy, clip, clip.filepath, "movie clip", "MC", False)
    for sound in data.sounds:
        if not sound.packed_file:
            yield _reference(bpy, sound, sound.filepath, "sound", "SO", False)
    for font in data.fonts:
        if font.filepath != "<builtin>" and not font.packed_file:
            yield _reference(bpy, font, font.filepath, "font", "VF", False)
    for library in data.libraries:
        if not library.packed_file:
            yield _reference(bpy, library, library.filepath, "library", "LI", False, "library")
    for cache in data.cache_files:
        yield _reference(bpy, cache, cache.filepath, "cache file", "CF", bool(cache.is_sequence))
    for volume in getattr(data, "volumes", ()):
        if not volume.packed_file:
            sequence = bool(volume.is_sequence)
            yield _reference(bpy, volume, volume.filepath, "volume", "VO", sequence)
    for light in data.lights:
        yield from _ies_files(bpy, light)
    for scene in data.scenes:
        yield from _strips(bpy, scene)
    for obj in data.objects:
        yield from _modifier_caches(bpy, obj)


def _reference(
    bpy: Any,
    block: Any,
    written: str,
    owner: str,
    code: str,
    sequence: bool,
    role: str = "read",
    name: Optional[str] = None,
    location: Optional[str] = None,
) -> Dict[str, Any]:
    full = absolute(bpy, written, block)
    notes = []
    if full != written:
        notes.append("written as " + written)
    library = getattr(block, "library", None)
    if library is not None:
        notes.append("used by linked library " + absolute(bpy, library.filepath, library))
    name = name if name is not None else block.name
    reference = {
        "target": "sequence" if sequence else "file",
        "path": full,
        "name": name,
        "role": role,
        "owner": owner,
        "location": location or "{} block {}{}".format(code, code, name),
    }
    if notes:
        reference["note"] = "; ".join(notes)
    return reference


def absolute(bpy: Any, written: str, block: Any = None) -> str:
    """`written` as Blender resolves it: `//` is the folder of the file (or linked library)
    the block comes from. Libraries, even indirectly linked ones, are kept relative to the
    open file (Blender rewrites their paths so when it reads and saves a file)."""
    base = None
    if block is not None and block.rna_type.identifier != "Library":
        base = getattr(block, "library", None)
    if not written.startswith("//"):
        return os.path.normpath(written) if written else written
    full = bpy.path.abspath(written, library=base)
    return full if full.startswith("//") else os.path.normpath(full)


def _ies_files(bpy: Any, light: Any) -> Iterator[Dict[str, Any]]:
    tree = getattr(light, "node_tree", None)
    if tree is None:
        return
    for node in tree.nodes:
        if node.bl_idname == "ShaderNodeTexIES" and node.mode == "EXTERNAL" and node.filepath:
            yield _reference(
                bpy, light, node.filepath, "light", "LA", False, name=light.name + "." + node.name
            )


def _strips(bpy: Any, scene: Any) -> Iterator[Dict[str, Any]]:
    editor = scene.sequence_editor
    if editor is None:
        return
    for strip in editor.sequences_all:
        location = "SC block SC{} strip {}".format(scene.name, strip.name)
        if strip.type == "IMAGE" and len(strip.elements):
            written = _join(strip.directory, strip.elements[0].filename)
            yield _strip(bpy, scene, strip, written, True, location)
        elif strip.type == "MOVIE":
            yield _strip(bpy, scene, strip, strip.filepath, False, location)
        elif strip.type == "SOUND" and strip.sound is not None and not strip.sound.packed_file:
            yield _strip(bpy, scene, strip, strip.sound.filepath, False, location)


def _strip(bpy, scene, strip, written, sequence, location) -> Dict[str, Any]:
    return _reference(
        bpy, scene, written, "sequencer strip", "SC", sequence, name=strip.name, location=location
    )


def _join(directory: str, name: str) -> str:
    # Blender keeps strip folders with a trailing slash; `//` must survive the join.
    if not directory:
        return name
    return directory.rstrip("/\\") + "/" + name


def _modifier_caches(bpy: Any, obj: Any) -> Iterator[Dict[str, Any]]:
    for index, modifier in enumerate(obj.modifiers):
        label = "OB{}.modifiers[{}]".format(obj.name, index)

        def found(written, sequence=True, owner="modifier", label=label) -> Dict[str, Any]:
            return _reference(
                bpy, obj, written, owner, "OB", sequence, name=label, location="OB block " + label
            )

        kind = modifier.type
        if kind == "MULTIRES" and modifier.is_external:
            # The displacement lives in the mesh's external CustomData file (`.btx`).
            yield found(modifier.filepath, False, owner="mesh")
        elif kind == "MESH_CACHE" and modifier.filepath:
            yield found(modifier.filepath, False)
        elif kind == "MESH_SEQUENCE_CACHE" and modifier.cache_file is not None:
            cache = modifier.cache_file
            yield _reference(
                bpy, cache, cache.filepath, "cache file", "CF", bool(cache.is_sequence)
            )
        elif kind == "OCEAN" and modifier.is_cached:
            yield found(modifier.filepath)
        elif kind == "FLUID" and modifier.fluid_type == "DOMAIN":
            yield found(modifier.domain_settings.cache_directory)
        elif kind in ("CLOTH", "PARTICLE_SYSTEM", "SMOKE"):
            cache = _point_cache(modifier)
            if cache is not None:
                yield from _point_cache_files(bpy, obj, cache, ".bphys", found)
        elif kind == "DYNAMIC_PAINT" and modifier.canvas_settings is not None:
            for surface in modifier.canvas_settings.canvas_surfaces:
                yield from _point_cache_files(bpy, obj, surface.point_cache, ".bphys", found)


def _point_cache(modifier: Any) -> Any:
    if modifier.type == "CLOTH":
        return modifier.point_cache
    if modifier.type == "PARTICLE_SYSTEM":
        return modifier.particle_system.point_cache
    return None


def _point_cache_files(bpy, obj, cache, extension, found) -> Iterator[Dict[str, Any]]:
    if cache.use_external:
        yield found(cache.filepath)
    elif cache.use_disk_cache:
        # ptcache_path()/ptcache_filename(): a nameless cache is named after the object
        # name's bytes in upper-case hex.
        name = cache.name or obj.name.encode("utf-8").hex().upper()
        stem = os.path.splitext(os.path.basename(bpy.data.filepath))[0]
        yield found("//{}{}/{}_*{}".format(_PTCACHE_FOLDER, stem, name, extension))


def render_output(bpy: Any, scene: Any) -> Optional[Tuple[Dict[str, Any], Dict[str, str]]]:
    """The scene's render output as a `write` reference (the `####` pattern it renders
    to) and its size-driving settings under the names the offline reader uses."""
    render = scene.render
    written = render.filepath
    if not written:
        return None
    image = render.image_settings
    fmt = image.file_format
    settings = {"format": fmt}
    if image.color_depth in _DEPTH_BITS:
        settings["depth"] = _DEPTH_BITS[image.color_depth]
    if image.color_mode:  # empty when the codec's menu lacks the saved mode (RGBA in AVI)
        settings["color_mode"] = image.color_mode
    if fmt.startswith("OPEN_EXR"):
        settings["exr_codec"] = image.exr_codec
    elif fmt == "PNG":
        settings["compression"] = str(image.compression)
    first, last = scene.frame_start, scene.frame_end
    pattern, sequence = _output_pattern(written, fmt, first, last, render)
    reference = {
        "target": "sequence" if sequence else "file",
        "path": absolute(bpy, pattern),
        "name": scene.name,
        "role": "write",
        "owner": "scene",
        "frames": [first, last],
        "location": "SC block {} render output".format(scene.name),
        "note": "written as {}; ".format(written)
        + " ".join("{}={}".format(k, v) for k, v in settings.items()),
    }
    return reference, settings


def _output_pattern(written: str, fmt: str, first: int, last: int, render: Any) -> Tuple[str, bool]:
    # Blender appends four frame digits when the path has no `#` (movies: the range), and
    # the format's extension when `use_file_extension` is on.
    extension = render.file_extension if render.use_file_extension else ""
    if fmt in _MOVIE_FORMATS:
        if "#" not in written:
            written = "{}{:04d}-{:04d}".format(written, first, last)
        if fmt == "FFMPEG":
            extension = _CONTAINER_EXTENSIONS.get(render.ffmpeg.format, "")
        else:
            extension = ".avi"
        if not os.path.splitext(written)[1]:
            written += extension
        return written, False
    if "#" not in written:
        written += "####"
    # Blender appends the extension unless the name already ends with it: `beauty.####`
    # renders beauty.0001.exr.
    if extension and not written.lower().endswith(extension.lower()):
        written += extension
    return written, True


def apply_changes(scene: Any, changes: Dict[str, str]) -> List[str]:
    """Set the recommendation's property values (`scene.render.image_settings.exr_codec`:
    `DWAB`) on `scene`; returns the lines that were set."""
    done = []
    for key, value in changes.items():
        parts = key.split(".")
        if parts[0] != "scene":
            continue
        owner = scene
        for part in parts[1:-1]:
            owner = getattr(owner, part)
        current = getattr(owner, parts[-1])
        new = int(value) if isinstance(current, int) and not isinstance(current, bool) else value
        setattr(owner, parts[-1], new)
        done.append("{} = {!r}".format(key, new))
    return done
