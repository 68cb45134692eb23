"""Candidate image settings and the OpenImageIO encode/decode that measures them.

Frames are read into float32, which holds half, float, uint8 and uint16 values exactly, so
comparing a decoded original with a decoded re-encode is a bit-exact test for those types.
"""

from __future__ import annotations

import functools
import os
import tempfile

import msgspec
import numpy as np
import OpenImageIO as oiio

from mediaopt.engine.render.quality import is_data_channel
from mediaopt.engine.scan.probe.image import oiio_error
from mediaopt.engine.scan.probe.mirror import whole_copy


class Part(msgspec.Struct):
    """One part (subimage) of a frame: its header and its pixels as float32."""

    spec: oiio.ImageSpec
    pixels: np.ndarray


class Candidate(msgspec.Struct, kw_only=True, frozen=True):
    """One setting to try; `name` is what users pass to `--candidates`."""

    name: str
    compression: str | None = None
    """EXR/TIFF compression as OpenImageIO names it (`dwab:45`, `zip:9`, `lzw`)."""
    half_colour: bool = False
    """Store colour passes that are float as half; data passes keep their type."""
    bits: int | None = None
    """DPX bits per sample."""
    png_level: int | None = None

    @property
    def settings(self) -> dict[str, str]:
        out = {}
        if self.compression:
            out["compression"] = self.compression
        if self.half_colour:
            out["colour passes"] = "half"
        if self.bits:
            out["bit depth"] = str(self.bits)
        if self.png_level is not None:
            out["png compression level"] = str(self.png_level)
        return out


# The default EXR ladder: every codec the issue names, at the levels that differ in
# practice. Pruned because each candidate costs an encode and a decode of every sample
# frame (about 0.5 s for a 2K float frame): RLE never beats ZIP on renders, HTJ2K32 is
# HTJ2K256 with smaller blocks, and DWA and B44 already store colour as half, so their
# float variants measure the same thing twice. Any of them can still be asked for by name.
_EXR_LOSSLESS = ["zip", "zip:9", "zips", "piz"]
_EXR_HALF = ["zip", "zips", "piz"]
_EXR_LOSSY = ["pxr24", "dwaa:45", "dwab:25", "dwab:45", "dwab:100"]


def candidates_for(format_name: str, parts: list[Part]) -> list[Candidate]:
    """The settings worth trying for a sequence of this format."""
    if format_name == "OpenEXR":
        htj2k = htj2k_compressions()[:1]
        found = [Candidate(name=c, compression=c) for c in _EXR_LOSSLESS + htj2k + _EXR_LOSSY]
        if any(_float_colour(p) for p in parts):
            found += [
                Candidate(name=f"{c}+half", compression=c, half_colour=True)
                for c in _EXR_HALF + htj2k + ["b44a"]
            ]
        else:
            found.append(Candidate(name="b44a", compression="b44a"))
        return found
    if format_name == "DPX":
        bits = parts[0].spec.get_int_attribute("oiio:BitsPerSample", 0) or 16
        return [Candidate(name=f"dpx{b}", bits=b) for b in (16, 12, 10) if b <= bits]
    if format_name == "TIFF":
        return [Candidate(name=f"tiff:{c}", compression=c) for c in ("none", "lzw", "zip")]
    if format_name == "PNG":
        return [Candidate(name=f"png:{n}", png_level=n) for n in (1, 6, 9)]
    return []


def candidate_named(name: str, format_name: str) -> Candidate:
    """A candidate from its `--candidates` name, for any format the name makes sense in."""
    text = name.strip().lower()
    if format_name == "OpenEXR":
        compression, half, _ = text.partition("+half")
        return Candidate(name=text, compression=compression, half_colour=bool(half))
    if format_name == "DPX" and text.startswith("dpx") and text[3:].isdigit():
        return Candidate(name=text, bits=int(text[3:]))
    if format_name == "TIFF" and text.startswith("tiff:"):
        return Candidate(name=text, compression=text[5:])
    if format_name == "PNG" and text.startswith("png:") and text[4:].isdigit():
        return Candidate(name=text, png_level=int(text[4:]))
    raise ValueError(f"candidate {name!r} does not apply to {format_name} frames")


@functools.cache
def htj2k_compressions() -> list[str]:
    """HTJ2K codecs this OpenEXR build writes (OpenEXR 3.4 added them), found by writing a
    tiny file and reading its compression back: OpenImageIO silently falls back to zip
    for a compression the library lacks."""
    found = []
    with tempfile.TemporaryDirectory(prefix="mediaopt-htj2k-") as tmp:
        for name in ("htj2k256", "htj2k32"):
            path = os.path.join(tmp, f"{name}.exr")
            spec = oiio.ImageSpec(16, 16, 3, "half")
            spec.attribute("compression", name)
            try:
                write_frame(path, [Part(spec=spec, pixels=np.zeros((16, 16, 3), np.float32))])
                back = oiio.ImageInput.open(path)
            except RuntimeError:
                continue
            if back is not None:
                if back.spec().get_string_attribute("compression") == name:
                    found.append(name)
                back.close()
    return found


# Codecs that give back exactly the values written (OpenEXR's lossless set; TIFF's zip).
LOSSLESS = frozenset({"none", "rle", "zip", "zips", "piz", "htj2k256", "htj2k32", "lzw"})


def predicted_decode(parts: list[Part], candidate: Candidate) -> list[Part] | None:
    """What a re-encode with a lossless codec decodes to, worked out without decoding: the
    same pixels, with float colour passes rounded to half when the candidate stores them
    as half (numpy and OpenEXR both round to nearest even). None for lossy codecs. The
    what-if checks the prediction against a real decode of one frame before trusting it."""
    codec = (candidate.compression or "").split(":")[0]
    if codec not in LOSSLESS:
        return None
    if not candidate.half_colour:
        return parts
    predicted = []
    for part in parts:
        names = [str(n) for n in part.spec.channelnames]
        types = _channel_types(part.spec)
        rounded = [
            c
            for c, (n, t) in enumerate(zip(names, types, strict=True))
            if t == "float" and not is_data_channel(n)
        ]
        pixels = part.pixels
        if rounded:
            pixels = pixels.copy()
            pixels[..., rounded] = pixels[..., rounded].astype(np.float16).astype(np.float32)
        predicted.append(Part(spec=part.spec, pixels=pixels))
    return predicted


def read_frame(path: str) -> list[Part]:
    """Every part of one frame, pixels as float32. Decoded from a copy read through
    MediaReader (O_NOATIME): OpenImageIO never opens the media itself."""
    if not hasattr(os, "memfd_create"):
        return _read_frame(path, path)
    with whole_copy(path, os.path.splitext(path)[1][1:].lower()) as copy:
        return _read_frame(copy, path)


def _read_frame(source: str, path: str) -> list[Part]:
    inp = oiio.ImageInput.open(source)
    if inp is None:
        why = " ".join(oiio_error().replace(source, path).split())
        raise RuntimeError(f"{path}: {why or 'cannot open'}")
    try:
        parts, index = [], 0
        while True:
            spec = oiio.ImageSpec(inp.spec())
            pixels = inp.read_image("float")
            if pixels is None:
                raise RuntimeError(f"{path}: part {index}: {inp.geterror() or 'cannot decode'}")
            pixels = np.asarray(pixels, np.float32).reshape(spec.height, spec.width, -1)
            parts.append(Part(spec=spec, pixels=pixels))
            index += 1
            if not inp.seek_subimage(index, 0):
                return parts
    finally:
        inp.close()


def encode(path: str, parts: list[Part], candidate: Candidate) -> None:
    write_frame(path, [Part(spec=_spec(p.spec, candidate), pixels=p.pixels) for p in parts])


def write_frame(path: str, parts: list[Part]) -> None:
    out = oiio.ImageOutput.create(path)
    if out is None:
        raise RuntimeError(f"{path}: {oiio.geterror()}")
    specs = tuple(p.spec for p in parts)
    opened = out.open(path, specs) if len(specs) > 1 else out.open(path, specs[0])
    if not opened:
        raise RuntimeError(f"{path}: {out.geterror()}")
    try:
        for i, part in enumerate(parts):
            if i and not out.open(path, part.spec, "AppendSubimage"):
                raise RuntimeError(f"{path}: part {i}: {out.geterror()}")
            if not out.write_image(part.pixels):
                raise RuntimeError(f"{path}: {out.geterror()}")
    finally:
        out.close()


def _spec(original: oiio.ImageSpec, candidate: Candidate) -> oiio.ImageSpec:
    spec = oiio.ImageSpec(original)
    types = _channel_types(original)
    if candidate.half_colour:
        names = [str(n) for n in original.channelnames]
        types = [
            "half" if t == "float" and not is_data_channel(n) else t
            for n, t in zip(names, types, strict=True)
        ]
    if len(set(types)) == 1:
        spec.set_format(oiio.TypeDesc(types[0]))
    else:
        spec.set_format(oiio.TypeDesc(max(types, key=types.count)))
        spec.channelformats = tuple(oiio.TypeDesc(t) for t in types)
    for stale in ("openexr:dwaCompressionLevel", "png:compressionLevel"):
        spec.erase_attribute(stale)
    if candidate.compression:
        spec.attribute("compression", candidate.compression)
    if candidate.bits:
        spec.attribute("oiio:BitsPerSample", candidate.bits)
    if candidate.png_level is not None:
        spec.attribute("png:compressionLevel", candidate.png_level)
    return spec


def _channel_types(spec: oiio.ImageSpec) -> list[str]:
    formats = [str(t) for t in spec.channelformats]
    return formats or [str(spec.format)] * spec.nchannels


def _float_colour(part: Part) -> bool:
    names = [str(n) for n in part.spec.channelnames]
    return any(
        t == "float" and not is_data_channel(n)
        for n, t in zip(names, _channel_types(part.spec), strict=True)
    )
