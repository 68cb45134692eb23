"""Render settings as hosts spell them: Nuke Write knobs and Blender output settings, to
and from the names the analysis uses (OpenImageIO compression names, `half`/`float`).

Only what the host's own UI can set is offered: a what-if for a Nuke Write measures only
candidates a Write node can render, so the recommendation is something an artist can
type in.
"""

from __future__ import annotations

from mediaopt.engine.render.codecs import candidate_named

# Nuke's Write (exr) `compression` menu, as the .nk file stores its values.
NUKE_EXR_COMPRESSION = {
    "none": "none",
    "zips": "Zip (1 scanline)",
    "zip": "Zip (16 scanlines)",
    "piz": "PIZ Wavelet (32 scanlines)",
    "rle": "RLE",
    "b44": "B44",
    "b44a": "B44A",
    "dwaa": "DWAA",
    "dwab": "DWAB",
}
# What a Write node omits because the knob is at its default (Nuke saves only changes).
NUKE_EXR_DEFAULTS = {"datatype": "16 bit half", "compression": "Zip (1 scanline)"}
_NUKE_FILE_TYPES = {"exr": "OpenEXR", "dpx": "DPX", "tiff": "TIFF", "tif": "TIFF", "png": "PNG"}
_NUKE_DATATYPES = {"16 bit half": "half", "32 bit float": "float"}
_NUKE_PRORES = {
    "prores-4444xq": "ProRes 4:4:4:4 XQ 12-bit",
    "prores-4444": "ProRes 4:4:4:4 12-bit",
    "prores-hq": "ProRes 4:2:2 HQ 10-bit",
    "prores-422": "ProRes 4:2:2 10-bit",
}
_NUKE_DNXHR = {"dnxhr-444": "DNxHR 444", "dnxhr-hqx": "DNxHR HQX", "dnxhr-hq": "DNxHR HQ"}

_BLEND_FORMATS = {
    "OPEN_EXR": "OpenEXR",
    "OPEN_EXR_MULTILAYER": "OpenEXR",
    "PNG": "PNG",
    "DPX": "DPX",
    "TIFF": "TIFF",
}
_BLEND_EXR_CODECS = ("NONE", "PXR24", "ZIP", "PIZ", "RLE", "ZIPS", "B44", "B44A", "DWAA", "DWAB")
_BLEND_PRORES = {
    "prores-4444xq": "4444_XQ",
    "prores-4444": "4444",
    "prores-hq": "422_HQ",
    "prores-422": "422_STD",
}

# Candidates a Write node / a Blender scene can render, by format. DWA levels: Nuke has a
# `dw_compression_level` knob; Blender writes DWA at OpenEXR's default level, 45.
_NUKE_EXR = [
    "zips", "zip", "piz", "rle", "b44a", "dwaa:45", "dwab:25", "dwab:45", "dwab:100",
    "zips+half", "zip+half", "piz+half", "b44a+half",
]  # fmt: skip
_BLEND_EXR = [
    "zips", "zip", "piz", "rle", "pxr24", "b44a", "dwaa:45", "dwab:45",
    "zips+half", "zip+half", "piz+half", "b44a+half",
]  # fmt: skip
_HALF_NOTE = (
    "{host}'s {knob} applies to every channel: write data passes (depth, position, normals, "
    "IDs) from a separate output at 32-bit float, or they are rounded too"
)


def host_candidates(host: str, format_name: str) -> list[str] | None:
    """Candidate names the host can render for this format; None means every default."""
    if format_name == "OpenEXR":
        return _NUKE_EXR if host == "nuke" else _BLEND_EXR
    return None


def declared_settings(host: str, own: dict[str, str], path: str) -> dict[str, str]:
    """What a Write node / scene declares (its own settings, `datatype` or `depth`), in the
    analysis' terms (`format`, `compression`, `pixel_type`), with the host's defaults
    filled in for knobs left at default."""
    if host == "nuke":
        return _nuke_declared(own, path)
    return _blend_declared(own)


def _nuke_declared(knobs: dict[str, str], path: str) -> dict[str, str]:
    file_type = knobs.get("file_type") or path.rsplit(".", 1)[-1].lower()
    fmt = _NUKE_FILE_TYPES.get(file_type, file_type)
    out = {"format": fmt}
    if fmt == "OpenEXR":
        datatype = knobs.get("datatype", NUKE_EXR_DEFAULTS["datatype"])
        out["pixel_type"] = _NUKE_DATATYPES.get(datatype, datatype)
        label = knobs.get("compression", NUKE_EXR_DEFAULTS["compression"])
        by_label = {v.lower(): k for k, v in NUKE_EXR_COMPRESSION.items()}
        out["compression"] = by_label.get(label.lower(), label.lower())
    elif "datatype" in knobs:
        bits = knobs["datatype"].split()[0]
        out["pixel_type"] = f"{bits}-bit" if bits.isdigit() else knobs["datatype"]
    return out


def _blend_declared(values: dict[str, str]) -> dict[str, str]:
    fmt = _BLEND_FORMATS.get(values.get("format", ""), values.get("format", ""))
    out = {"format": fmt}
    depth = values.get("depth")
    if fmt == "OpenEXR":
        out["pixel_type"] = {"16": "half", "32": "float"}.get(depth or "", depth or "")
        if "exr_codec" in values:
            out["compression"] = values["exr_codec"].lower()
    elif depth:
        out["pixel_type"] = f"{depth}-bit"
    return out


def host_changes(host: str, candidate: str, format_name: str) -> tuple[dict[str, str], list[str]]:
    """The knob / property values that render `candidate`, and notes on what they do
    beyond it. Empty when the host cannot render it."""
    if host == "nuke":
        return _nuke_changes(candidate, format_name)
    return _blend_changes(candidate, format_name)


def _nuke_changes(name: str, format_name: str) -> tuple[dict[str, str], list[str]]:
    if name in _NUKE_PRORES:
        return {"mov64_codec": "appr", "mov_prores_codec_profile": _NUKE_PRORES[name]}, []
    if name in _NUKE_DNXHR:
        return {"mov64_codec": "AVdh", "mov64_dnxhr_codec_profile": _NUKE_DNXHR[name]}, []
    if format_name == "DPX" and name.startswith("dpx"):
        return {"datatype": f"{name[3:]} bit"}, []
    if format_name != "OpenEXR":
        return {}, []
    candidate = candidate_named(name, format_name)
    codec, _, level = (candidate.compression or "").partition(":")
    if codec not in NUKE_EXR_COMPRESSION:
        return {}, []
    knobs = {"compression": NUKE_EXR_COMPRESSION[codec]}
    if codec.startswith("dwa") and level:
        knobs["dw_compression_level"] = level
    knobs["datatype"] = "16 bit half" if candidate.half_colour else "32 bit float"
    notes = [_HALF_NOTE.format(host="Nuke", knob="datatype")] if candidate.half_colour else []
    return knobs, notes


def _blend_changes(name: str, format_name: str) -> tuple[dict[str, str], list[str]]:
    settings = "scene.render.image_settings"
    if name in _BLEND_PRORES:
        return {
            "scene.render.ffmpeg.codec": "PRORES",
            "scene.render.ffmpeg.ffmpeg_prores_profile": _BLEND_PRORES[name],
        }, []
    if format_name == "PNG" and name.startswith("png:"):
        # Blender's PNG writer uses zlib level = compression % / 11.1111 (imbuf png.cc).
        return {f"{settings}.compression": str(min(100, round(int(name[4:]) * 100 / 9)))}, []
    if format_name == "DPX" and name.startswith("dpx"):
        return {f"{settings}.color_depth": name[3:]}, []
    if format_name != "OpenEXR":
        return {}, []
    candidate = candidate_named(name, format_name)
    codec = (candidate.compression or "").partition(":")[0].upper()
    if codec not in _BLEND_EXR_CODECS:
        return {}, []
    changes = {
        f"{settings}.exr_codec": codec,
        f"{settings}.color_depth": "16" if candidate.half_colour else "32",
    }
    notes = [_HALF_NOTE.format(host="Blender", knob="color depth")] if candidate.half_colour else []
    return changes, notes


def current_values(host: str, declared: dict[str, str], format_name: str) -> dict[str, str]:
    """The declared settings under the names host_changes uses, defaults filled in."""
    if host == "nuke":
        return {**(NUKE_EXR_DEFAULTS if format_name == "OpenEXR" else {}), **declared}
    settings = "scene.render.image_settings"
    names = {"exr_codec": "exr_codec", "depth": "color_depth", "compression": "compression"}
    return {f"{settings}.{names[k]}": v for k, v in declared.items() if k in names}


def as_text(host: str, node: str, changes: dict[str, str]) -> str:
    """The changes as a user types them: Nuke knob lines (`compression DWAB`,
    `datatype "16 bit half"`) or Blender Python assignments."""
    if host == "nuke":
        lines = [f"{k} {_tcl(v)}" for k, v in changes.items()]
        return f"{node}: " + "; ".join(lines)
    return "; ".join(f"{k} = {_python(k, v)}" for k, v in changes.items())


def _tcl(value: str) -> str:
    return value if value.replace("_", "").isalnum() else f'"{value}"'


def _python(key: str, value: str) -> str:
    # PNG compression is an int property; every other one here is an enum (a string).
    return value if key.endswith(".compression") else f"'{value}'"
