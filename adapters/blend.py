"""Blender .blend files -> Project, read without Blender through blender-asset-tracer.

BAT's `trace.deps` walks the file's datablocks (and those of the libraries it links),
yielding one usage per image, movie clip, sound, font, library, cache and volume. The
file's scenes give the render output path and format. Nothing in the file runs: BAT reads
the DNA structures and never evaluates Python (auto-run scripts stay text).
"""

from __future__ import annotations

import os
import re
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
# FFMPEG_* container types (BKE_writeffmpeg.h) -> the extensions Blender accepts for them,
# the first the one it appends (writeffmpeg.cc get_file_extensions).
_CONTAINERS = {
    0: (".mpg", ".mpeg"),
    1: (".dvd", ".vob", ".mpg", ".mpeg"),
    2: (".mp4", ".mpg", ".mpeg"),
    3: (".avi",),
    4: (".mov",),
    5: (".dv",),
    6: (".avi",),
    7: (".avi",),
    8: (".flv",),
    9: (".mkv",),
    10: (".ogv", ".ogg"),
    12: (".webm",),
    13: (".mp4", ".mkv"),
}
_MOVIE_TYPES = {"FFMPEG", "AVI_RAW", "AVI_JPEG"}
# R_IMF_CHAN_DEPTH_* bit flags -> bits per channel.
_DEPTHS = {1: 1, 2: 8, 4: 10, 8: 12, 16: 16, 32: 24, 64: 32}
# The extensions each image format accepts, the first the one Blender appends
# (image_format.cc do_ensure_image_extension), and every image extension it knows
# (imb_ext_image): a known one of another format is replaced, anything else appended.
_EXTENSIONS = {
    "TARGA": (".tga",),
    "TARGA_RAW": (".tga",),
    "IRIS": (".rgb",),
    "IRIZ": (".rgb",),
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "BMP": (".bmp",),
    "HDR": (".hdr",),
    "TIFF": (".tif", ".tiff"),
    "OPEN_EXR": (".exr",),
    "OPEN_EXR_MULTILAYER": (".exr",),
    "CINEON": (".cin",),
    "DPX": (".dpx",),
    "DDS": (".dds",),
    "JPEG2000": (".jp2",),
    "WEBP": (".webp",),
}
_IMAGE_EXTENSIONS = (
    ".png", ".tga", ".bmp", ".jpg", ".jpeg", ".sgi", ".rgb", ".rgba", ".tif", ".tiff",
    ".tx", ".jp2", ".j2c", ".hdr", ".dds", ".dpx", ".cin", ".exr", ".psd", ".pdd",
    ".psb", ".webp",
)  # fmt: skip
# RenderData.scemode's R_EXTENSION: "File Extensions" in the output panel.
_R_EXTENSION = 1 << 4
_FRAME_RUN = re.compile(r"#+")


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
        pattern, target = _output_pattern(output, fmt, first, last, _extensions(scene, fmt))
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


def _extensions(scene, fmt: str) -> tuple[str, ...] | None:
    """The extensions Blender accepts for this output, or None with "File Extensions" off."""
    scemode = scene.get((b"r", b"scemode"), default=_R_EXTENSION)
    if isinstance(scemode, int) and not scemode & _R_EXTENSION:
        return None
    if fmt == "FFMPEG":
        return _CONTAINERS.get(scene.get((b"r", b"ffcodecdata", b"type"), default=None), ())
    if fmt in _MOVIE_TYPES:
        return (".avi",)
    if fmt == "JPEG2000" and scene.get((b"r", b"im_format", b"jp2_codec"), default=0) == 1:
        return (".j2c",)
    return _EXTENSIONS.get(fmt, ())


def _output_pattern(
    output: str, fmt: str, first: int, last: int, extensions: tuple[str, ...] | None
) -> tuple[str, ReferenceTarget]:
    """The files Blender writes for `r.pic`, as its own `frame_path` names them (checked
    against Blender in tests/adapters/test_blend_output_paths.py)."""
    if fmt in _MOVIE_TYPES:
        return _movie_file(output, first, last, extensions), ReferenceTarget.FILE
    # Images: the last `#` run is the frame number; with none, four digits are appended.
    pattern = output if "#" in output else output + "####"
    if extensions:
        probe = _FRAME_RUN.sub(lambda run: "0" * len(run.group()), pattern).lower()
        if not probe.endswith(extensions):
            if probe.endswith(_IMAGE_EXTENSIONS):
                pattern = pattern[: pattern.rindex(".")]
            pattern += extensions[0]
    return pattern, ReferenceTarget.SEQUENCE


def _movie_file(output: str, first: int, last: int, extensions: tuple[str, ...] | None) -> str:
    """One file: an accepted extension is kept (in Blender's spelling, `#` left as typed);
    otherwise the frame range replaces the last `#` run, or is appended, then the
    container's extension. With "File Extensions" off only a `#` run is replaced."""
    if extensions is not None:
        for extension in extensions:
            if output.lower().endswith(extension):
                return output[: -len(extension)] + extension
    runs = list(_FRAME_RUN.finditer(output))
    if runs:
        run = runs[-1]
        width = len(run.group())
        output = f"{output[: run.start()]}{first:0{width}d}-{last:0{width}d}{output[run.end() :]}"
    elif extensions is not None:
        output += f"{first:04d}-{last:04d}"
    return output + (extensions[0] if extensions else "")
