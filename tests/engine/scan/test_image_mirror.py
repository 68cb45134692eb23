"""Still-image headers are read from a mirror of the bytes OpenImageIO needs, never from
the media by OpenImageIO itself; the mirror must hold every byte the header depends on."""

from __future__ import annotations

import os
from pathlib import Path

import OpenImageIO as oiio
import pytest
from PIL import Image, PngImagePlugin

from mediaopt.engine.demo.media import (
    srgb_icc_profile,
    write_image_oiio,
    write_image_pillow,
    write_multipart_exr,
)
from mediaopt.engine.scan.probe import probe_file
from mediaopt.engine.scan.probe.mirror import PAGE, Mirror, header_pages
from mediaopt.engine.scan.probe.signature import HEAD_BYTES, sniff
from mediaopt.engine.scan.reader import MediaReader

_LONG = "long text " * 3000
"""30 KB: a header or metadata record that spans several pages."""

_XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>'
    + "x" * 20000
    + '</dc:description></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()


def _exif(make: str, model: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = make, model, "2021:02:03 04:05:06"
    exif[0x010E] = _LONG
    return exif


def _png_text() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", _LONG)
    info.add_itxt("XML:com.adobe.xmp", _XMP.decode())
    return info


_CAMERA = {"Make": "ARRI", "Model": "ALEXA 35", "DateTime": "2024:05:06 07:08:09"}
_HEAVY_EXR = {
    "compression": "zip",
    "comments": _LONG,
    "reelName": "A002R1",
    **_CAMERA,
    **{f"nuke/node{i}": f"Read{i} " * 10 for i in range(100)},
}

STILLS = {
    "zip-half.exr": (write_image_oiio, dict(attributes={"compression": "zip"})),
    "dwaa-float.exr": (
        write_image_oiio,
        dict(pixel_type="float", attributes={"compression": "dwaa:60"}),
    ),
    "heavy-header-2k.exr": (
        write_image_oiio,
        dict(width=2048, height=1080, attributes=_HEAVY_EXR),
    ),
    "aov-datawindow.exr": (
        write_image_oiio,
        dict(
            channels=("R", "G", "B", "A", "Z"),
            channel_types=("half",) * 4 + ("float",),
            data_window=(8, 4, 32, 24),
        ),
    ),
    "multipart.exr": (
        write_multipart_exr,
        dict(parts=[("beauty", ("R", "G", "B", "A")), ("depth", ("Z",))], pixel_type="float"),
    ),
    "10bit.dpx": (
        write_image_oiio,
        dict(
            pixel_type="uint16",
            attributes={"oiio:BitsPerSample": 10, "dpx:Transfer": "Printing density"},
        ),
    ),
    "16bit-lzw.tif": (
        write_image_oiio,
        dict(
            width=1024,
            height=512,
            pixel_type="uint16",
            attributes={"compression": "lzw", "ImageDescription": _LONG, **_CAMERA},
        ),
    ),
    "bigtiff.tif": (
        write_image_oiio,
        dict(pixel_type="uint16", attributes={"tiff:bigtiff": 1, "compression": "zip"}),
    ),
    "icc-exif-xmp.tif": (
        write_image_pillow,
        dict(
            width=320,
            height=240,
            icc_profile=srgb_icc_profile(),
            exif=_exif("Nikon", "Z9"),
            compression="tiff_adobe_deflate",
            tiffinfo={700: _XMP},
        ),
    ),
    "rgb16.png": (write_image_oiio, dict(pixel_type="uint16")),
    "icc-text-exif.png": (
        write_image_pillow,
        dict(
            pnginfo=_png_text(),
            icc_profile=srgb_icc_profile(),
            exif=_exif("Apple", "iPhone"),
            dpi=(300, 150),
        ),
    ),
    "icc-exif-xmp.jpg": (
        write_image_pillow,
        dict(
            width=1024,
            height=768,
            icc_profile=srgb_icc_profile(),
            exif=_exif("Sony", "FX6"),
            xmp=_XMP,
            comment=b"c" * 20000,
            quality=92,
        ),
    ),
    "progressive.jpg": (
        write_image_pillow,
        dict(width=1024, height=768, progressive=True, quality=90),
    ),
    "lossy.webp": (write_image_pillow, dict(quality=80)),
    "lossless-alpha.webp": (write_image_pillow, dict(mode="RGBA", lossless=True)),
    "icc-exif-xmp.webp": (
        write_image_pillow,
        dict(
            width=640,
            height=480,
            icc_profile=srgb_icc_profile(),
            exif=_exif("Google", "Pixel"),
            xmp=_XMP,
            quality=80,
        ),
    ),
    "rgba8.tga": (write_image_oiio, dict(pixel_type="uint8", channels=("R", "G", "B", "A"))),
    "rgb8-rle.tga": (write_image_oiio, dict(pixel_type="uint8", attributes={"compression": "rle"})),
    "rgb8.bmp": (write_image_oiio, dict(pixel_type="uint8")),
    "palette.gif": (write_image_pillow, dict(mode="P")),
    "float.hdr": (write_image_oiio, dict(pixel_type="float")),
    "rgb8.jp2": (write_image_oiio, dict(pixel_type="uint8")),
}


@pytest.fixture(scope="module")
def stills(cached_media) -> dict[str, Path]:
    return {
        name: cached_media(f"mirror-{name}", writer, **kwargs)
        for name, (writer, kwargs) in STILLS.items()
    }


def _header(path: str | Path) -> list[str]:
    """Everything OpenImageIO reports for the header: every attribute of the spec of the
    first subimage, and of every part of an EXR (the parts the probe reads)."""
    inp = oiio.ImageInput.open(str(path))
    assert inp is not None, oiio.geterror()
    specs = []
    try:
        while True:
            specs.append(inp.spec().serialize("xml", "detailedhuman"))
            if inp.format_name() != "openexr" or not inp.seek_subimage(len(specs), 0):
                return specs
    finally:
        inp.close()


def _copy_with_holes_filled(source: Path, fill: bytes, out: Path) -> Path:
    """The mirror's bytes as a file, with what it leaves out filled with `fill`."""
    with MediaReader(source) as reader:
        pages, size = header_pages(reader, sniff(reader.read_at(0, HEAD_BYTES), source.name).format)
    data = bytearray(fill * size)
    for index, page in pages.items():
        data[index * PAGE : index * PAGE + len(page)] = page[: max(0, size - index * PAGE)]
    out.write_bytes(bytes(data[:size]))
    return out


@pytest.mark.parametrize("name", list(STILLS))
def test_openimageio_reads_the_same_header_from_the_mirror_whatever_fills_its_holes(
    name: str, stills: dict[str, Path], tmp_path: Path
) -> None:
    # A header value that depended on a byte the mirror leaves out would come out
    # differently from holes of zeros (the real mirror) and of 0xA5 or 0xFF.
    source = stills[name]
    direct = _header(source)
    sniffed = sniff(source.read_bytes()[:HEAD_BYTES], name).format
    with Mirror(str(source), sniffed, source.suffix[1:]) as mirror:
        assert _header(mirror.path) == direct
    for fill in (b"\xa5", b"\xff"):
        copy = _copy_with_holes_filled(source, fill, tmp_path / f"{fill.hex()}-{name}")
        assert _header(copy) == direct, f"{name} with holes filled with {fill!r}"


def test_progressive_jpeg_is_not_read_to_its_end(stills: dict[str, Path]) -> None:
    # OpenImageIO on its own reads every scan of a progressive JPEG when opening it.
    source = stills["progressive.jpg"]
    asset = probe_file(str(source))
    assert asset.video is not None and (asset.video.width, asset.video.height) == (1024, 768)
    assert asset.probed_bytes is not None and asset.probed_bytes <= 2 * PAGE


def test_an_image_probe_leaves_no_descriptor_or_file_behind(
    stills: dict[str, Path], tmp_path: Path
) -> None:
    # Probes run by the thousand in long-lived workers: a leaked memfd would hold RAM.
    before = sorted(os.listdir("/proc/self/fd"))
    links = set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()
    for source in stills.values():
        probe_file(str(source))
    assert sorted(os.listdir("/proc/self/fd")) == before
    if os.path.isdir("/dev/shm"):
        assert set(os.listdir("/dev/shm")) <= links


def test_a_corrupt_header_is_reported_by_its_format_reader_naming_the_file(
    stills: dict[str, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "shot.exr"
    data = bytearray(stills["zip-half.exr"].read_bytes())
    data[8:40] = b"\xff" * 32  # the first attribute's name and type
    bad.write_bytes(bytes(data))

    asset = probe_file(str(bad))

    assert asset.status.value == "error"
    assert "/dev/shm" not in (asset.reason or "") and "/proc/" not in (asset.reason or "")
