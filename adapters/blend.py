"""Blender .blend files -> Project, read without Blender through blender-asset-tracer.

BAT's `trace.deps` walks the file's datablocks (and those of the libraries it links),
yielding one usage per image, movie clip, sound, font, library, cache and volume. The
file's scenes give the render output path and format. Nothing in the file runs: BAT reads
the DNA structures and never evaluates Python (auto-run scripts stay text).
"""

from __future__ import annotations

import os
from pathlib import Path

from blender_asset_tracer import blendfile, trace
from blender_asset_tracer.blendfile import exceptions as blend_errors

from mediaopt.adapters.registry import reader
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["read_blend"]

# Block codes (DNA_ID_enums.h) and what a user calls them.
_OWNERS = {
    "IM": "image",
    "MC": "movie clip",
    "SO": "sound",
    "VF": "font",
    "LI": "library",
    "CF": "cache file",
    "VO": "volume",
    "ME": "mesh",
    "OB": "object",
    "SC": "scene",
}
# R_IMF_IMTYPE_* in DNA_scene_types.h: the render output's file format.
_IMTYPES = {
    0: "TARGA",
    1: "IRIS",
    4: "JPEG",
    7: "IRIZ",
    14: "TARGA_RAW",
    15: "AVI_RAW",
    16: "AVI_JPEG",
    17: "PNG",
    20: "BMP",
    21: "HDR",
    22: "TIFF",
    23: "OPEN_EXR",
    24: "FFMPEG",
    26: "CINEON",
    27: "DPX",
    28: "OPEN_EXR_MULTILAYER",
    29: "DDS",
    30: "JPEG2000",
    34: "PSD",
    35: "WEBP",
}
# R_IMF_PLANES_* and R_IMF_EXR_CODEC_* (DNA_scene_types.h), as Blender's Python API
# names them (`image_settings.color_mode`, `image_settings.exr_codec`).
_PLANES = {8: "BW", 24: "RGB", 32: "RGBA"}
_EXR_CODECS = {
    0: "NONE",
    1: "PXR24",
    2: "ZIP",
    3: "PIZ",
    4: "RLE",
    5: "ZIPS",
    6: "B44",
    7: "B44A",
    8: "DWAA",
    9: "DWAB",
    10: "HTJ2K",
}
# FFMPEG_* container types (BKE_writeffmpeg.hh) -> the extension Blender appends.
_CONTAINERS = {
    0: ".mpg",
    1: ".dvd",
    2: ".mp4",
    3: ".avi",
    4: ".mov",
    7: ".dv",
    8: ".avi",
    9: ".avi",
    11: ".flv",
    12: ".mkv",
    13: ".ogv",
    15: ".webm",
}
_MOVIE_TYPES = {"FFMPEG", "AVI_RAW", "AVI_JPEG"}
# R_IMF_CHAN_DEPTH_* bit flags -> bits per channel.
_DEPTHS = {1: 1, 2: 8, 4: 10, 8: 12, 16: 16, 32: 24, 64: 32}
_EXTENSIONS = {
    "TARGA": ".tga",
    "TARGA_RAW": ".tga",
    "JPEG": ".jpg",
    "PNG": ".png",
    "BMP": ".bmp",
    "HDR": ".hdr",
    "TIFF": ".tif",
    "OPEN_EXR": ".exr",
    "OPEN_EXR_MULTILAYER": ".exr",
    "CINEON": ".cin",
    "DPX": ".dpx",
    "JPEG2000": ".jp2",
    "WEBP": ".webp",
}


@reader("blend", ["blend"])
def read_blend(path: Path) -> Project:
    """Every external file the .blend uses, its libraries' included, and where it
    renders to."""
    project = Project(path=str(path), kind="blend", name=path.stem)
    try:
        _dependencies(path, project)
        _render_outputs(path, project)
    except blend_errors.NoDNA1Block:
        project.errors.append(f"{path}: not a valid .blend file (no DNA1 block: truncated?)")
    except (blend_errors.BlendFileError, OSError) as exc:
        project.errors.append(f"{path}: could not be read as a .blend file: {exc}")
    finally:
        blendfile.close_all_cached()
    return project


def _dependencies(path: Path, project: Project) -> None:
    top = path.resolve()
    for usage in trace.deps(path):
        code = usage.block.code.decode("ascii", "replace")
        written = usage.asset_path.decode("utf-8", "replace")
        blend = Path(usage.block.bfile.filepath).resolve()
        notes = []
        try:
            resolved = str(usage.abspath)
        except (ValueError, OSError):
            resolved = None
        if resolved and resolved != written:
            notes.append(f"resolves to {resolved}")
        if blend != top:
            notes.append(f"used by linked library {blend}")
        role = "library" if code == "LI" else "read"
        block_name = usage.block_name.decode("utf-8", "replace")
        owner = _OWNERS.get(code, code)
        if code == "DATA":
            # Modifier caches are named after their object (`OBPlane.modifiers[0]`);
            # sequencer strips are unnamed.
            owner = "modifier" if block_name.startswith("OB") else "sequencer strip"
        target = ReferenceTarget.SEQUENCE if usage.is_sequence else ReferenceTarget.FILE
        if usage.is_sequence:
            notes.append(_sequence_note(written))
        project.references.append(
            Reference(
                target=target,
                path=written,
                name=block_name[2:] if block_name[:2] == code else block_name,
                role=role,
                owner=owner,
                location=f"{code} block {block_name}",
                note="; ".join(notes) or None,
            )
        )


def _sequence_note(written: str) -> str:
    if "<UDIM>" in written or "1001" in os.path.basename(written):
        return "UDIM tiles or a sequence: every matching file is used"
    if "*" in written:
        return "every file matching the pattern is used"
    return "a sequence starting at this file (or every file in this folder)"


def _render_outputs(path: Path, project: Project) -> None:
    bfile = blendfile.open_cached(path)
    for scene in bfile.find_blocks_from_code(b"SC"):
        name = scene.id_name.decode("utf-8", "replace")[2:]
        output = scene.get((b"r", b"pic"), default=b"")
        if isinstance(output, bytes):
            output = output.decode("utf-8", "replace")
        if not output:
            continue
        imtype = scene.get((b"r", b"im_format", b"imtype"), default=None)
        depth = scene.get((b"r", b"im_format", b"depth"), default=None)
        first = scene.get((b"r", b"sfra"), default=1)
        last = scene.get((b"r", b"efra"), default=first)
        fmt = _IMTYPES.get(imtype, f"imtype {imtype}")
        settings = {"format": fmt}
        if depth in _DEPTHS:
            settings["depth"] = str(_DEPTHS[depth])
        settings.update(_image_settings(scene, fmt))
        for key, value in settings.items():
            project.render_settings[f"{name}.{key}"] = value
        container = scene.get((b"r", b"ffcodecdata", b"type"), default=None)
        pattern, target = _output_pattern(output, fmt, first, last, container)
        project.references.append(
            Reference(
                target=target,
                path=pattern,
                name=name,
                role="write",
                owner="scene",
                frames=(first, last),
                location=f"SC block {name} render output",
                note=f"written as {output}; " + " ".join(f"{k}={v}" for k, v in settings.items()),
            )
        )


def _image_settings(scene, fmt: str) -> dict[str, str]:
    """The size-driving image settings beyond format and depth, by their Python API names."""
    found = {}
    planes = scene.get((b"r", b"im_format", b"planes"), default=None)
    if planes in _PLANES:
        found["color_mode"] = _PLANES[planes]
    if fmt.startswith("OPEN_EXR"):
        codec = scene.get((b"r", b"im_format", b"exr_codec"), default=None)
        if codec in _EXR_CODECS:
            found["exr_codec"] = _EXR_CODECS[codec]
    elif fmt == "PNG":
        compress = scene.get((b"r", b"im_format", b"compress"), default=None)
        if isinstance(compress, int):
            found["compression"] = str(compress)
    return found


def _output_pattern(
    output: str, fmt: str, first: int, last: int, container: int | None
) -> tuple[str, ReferenceTarget]:
    """The files Blender writes for `r.pic`: `#` runs are the frame number; with none, it
    appends four digits (and for movies the range, `0001-0250`, and the container's
    extension)."""
    if fmt in _MOVIE_TYPES:
        if "#" not in output:
            output = f"{output}{first:04d}-{last:04d}"
        extension = ".avi" if fmt != "FFMPEG" else _CONTAINERS.get(container, "")
        if not os.path.splitext(output)[1]:
            output += extension
        return output, ReferenceTarget.FILE
    if "#" not in output:
        output += "####"
    if not os.path.splitext(output)[1] and fmt in _EXTENSIONS:
        output += _EXTENSIONS[fmt]
    return output, ReferenceTarget.SEQUENCE
