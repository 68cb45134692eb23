"""A picture a person can judge at a glance: two files side by side, where they differ,
and a table of their technical differences. For video, a strip of aligned frames."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from mediaopt.engine.dedup.keeper import relation
from mediaopt.engine.fingerprint import audio, image, video
from mediaopt.engine.fingerprint.errors import MediaDecodeError
from mediaopt.engine.fingerprint.picture import graded, load_picture, thumbnail, trim_bars
from mediaopt.engine.model import (
    Asset,
    AssetKind,
    Comparison,
    DuplicateGroup,
    TechnicalDifference,
)
from mediaopt.engine.scan import describe

CELL = 240
MAX_STRIP = 6
_FONT = ImageFont.load_default(size=13)
_BG = (24, 24, 24)


_DECODABLE = (AssetKind.VIDEO, AssetKind.SEQUENCE, AssetKind.AUDIO, AssetKind.IMAGE)


def media_of(asset: Asset) -> str:
    if asset.kind in (AssetKind.VIDEO, AssetKind.SEQUENCE):
        return "video"
    return "audio" if asset.kind is AssetKind.AUDIO else "image"


def compare(
    a: str | os.PathLike[str], b: str | os.PathLike[str], out: str | os.PathLike[str] | None = None
) -> Comparison:
    """Compare two files (or sequences, in any frame notation); write the picture to
    `out` when given. One frame's path (`plate.1005.exr`) is that frame, compared as a
    picture. Raises MediaDecodeError naming the file that cannot be decoded."""
    asset_a = describe(os.fspath(a), frame=True)
    asset_b = describe(os.fspath(b), frame=True)
    for asset in (asset_a, asset_b):
        # Content of no known kind is the file's problem (exit 1), not a kind mismatch (a
        # usage error); a mislabelled file of a known kind (a JPEG named .mov) compares.
        if asset.status == "error" and asset.kind not in _DECODABLE:
            raise MediaDecodeError(asset.path, asset.reason or "cannot be read")
    media = media_of(asset_a)
    if media != media_of(asset_b):
        raise ValueError(f"cannot compare {media_of(asset_b)} {b} with {media} {a}")
    rows: list[list[Image.Image]]
    if media == "image":
        pa, pb = load_picture(asset_a.path), load_picture(asset_b.path)
        d, cropped = image.alignment(image.hash_picture(pa), image.hash_picture(pb))
        similarity, same = image.similarity(d), d <= image.SAME_PICTURE
        rows = [_pair(pa, pb)]
        grade = graded(thumbnail(pa), thumbnail(pb))
        boxed = trim_bars(pa)[1] != trim_bars(pb)[1]
    elif media == "video":
        va, _ = video.video_print(asset_a)
        vb, _ = video.video_print(asset_b)
        similarity = round(video.match_share(va, vb), 3)
        same = similarity >= video.SAME_FOOTAGE
        rows = [_pair(x, y) for x, y in _aligned_frames(asset_a, asset_b, va, vb)]
        grade = cropped = boxed = False
    else:
        xa = audio.fingerprint(audio.decode_mono(asset_a.path))
        xb = audio.fingerprint(audio.decode_mono(asset_b.path))
        offsets = audio.candidate_offsets([xa, xb]).get((0, 1), [0])
        ber = audio.same_sound(xa, xb, offsets)
        same = ber is not None
        similarity = round(1 - ber, 3) if same else 0.0
        rows = [_audio_panel(xa, xb, offsets[0] if offsets else 0)]
        grade = cropped = boxed = False
    result = Comparison(
        a=asset_a.path,
        b=asset_b.path,
        media=media,
        similarity=similarity,
        same_content=same,
        relation=(
            relation(asset_a, asset_b, graded=grade, boxed=boxed, cropped=cropped)
            if same
            else "different content"
        ),
        differences=differences(asset_a, asset_b),
    )
    if out is not None:
        title = f"{Path(asset_a.path).name}  vs  {Path(asset_b.path).name}"
        verdict = f"similarity {similarity:.3f}: " + (
            f"same content ({result.relation})" if same else "different content"
        )
        _compose(rows, [title, verdict], result.differences).save(out)
        result.picture = os.fspath(out)
    return result


def differences(a: Asset, b: Asset) -> list[TechnicalDifference]:
    def attrs(x: Asset) -> dict[str, str]:
        v, s = x.video, x.audio
        return {
            "format": x.format or "",
            "codec": " ".join(filter(None, [(v or s).codec if (v or s) else None])),
            "resolution": f"{v.width}x{v.height}" if v and v.width else "",
            "bit depth": str(v.bit_depth or "") if v else "",
            "frame rate": f"{v.frame_rate:g}" if v and v.frame_rate else "",
            "duration": f"{x.duration_s:.2f} s" if x.duration_s else "",
            "sample rate": str(s.sample_rate or "") if s else "",
            "bytes": f"{x.bytes:,}",
        }

    left, right = attrs(a), attrs(b)
    return [
        TechnicalDifference(attribute=k, a=left[k] or "-", b=right[k] or "-")
        for k in left
        if left[k] != right[k] or k in ("codec", "resolution")
    ]


def _aligned_frames(a: Asset, b: Asset, va, vb):
    """For each of a few samples of A, the sample of B that looks most alike."""
    fa = _frames(a)
    fb = _frames(b)
    step = max(1, len(fa) // MAX_STRIP)
    for i in range(0, len(fa), step)[:MAX_STRIP]:
        dist = [
            (va.phash[i] ^ vb.phash[j]).bit_count() + (va.dhash[i] ^ vb.dhash[j]).bit_count()
            for j in range(len(vb.phash))
        ]
        j = int(np.argmin(dist))
        if j < len(fb) and i < len(fa):
            yield fa[i][1], fb[j][1]


def _frames(asset: Asset):
    if asset.sequence:
        return video._sequence_frames(asset)
    return video._movie_frames(asset.path, False)


def _fit(rgb: np.ndarray, side: int = CELL) -> Image.Image:
    im = Image.fromarray(trim_bars(rgb)[0])
    im.thumbnail((side, side), Image.Resampling.LANCZOS)
    return im


def _pair(a: np.ndarray, b: np.ndarray) -> list[Image.Image]:
    ia, ib = _fit(a), _fit(b)
    # The heat map compares B resized onto A's frame: bright where pixels differ.
    fb = ib.resize(ia.size, Image.Resampling.BILINEAR)
    diff = np.abs(np.asarray(ia, np.int16) - np.asarray(fb, np.int16)).mean(axis=2)
    heat = Image.fromarray(np.clip(diff * 4, 0, 255).astype(np.uint8))
    heat = ImageOps.colorize(heat, black="black", white="yellow", mid="red")
    return [ia, ib, heat]


def _audio_panel(xa: np.ndarray, xb: np.ndarray, offset: int) -> list[Image.Image]:
    def bits(x: np.ndarray) -> np.ndarray:
        return ((x[:, None] >> np.arange(32, dtype=np.uint32)) & 1).astype(np.uint8).T * 255

    lo, hi = max(0, offset), min(xa.size, xb.size + offset)
    x, y = xa[lo:hi], xb[lo - offset : hi - offset]
    panels = [bits(x), bits(y), bits(x ^ y)]
    return [
        ImageOps.colorize(Image.fromarray(p).resize((CELL, 96)), black="black", white=c)
        for p, c in zip(panels, ("white", "white", "red"), strict=True)
    ]


def _compose(
    rows: list[list[Image.Image]], header: list[str], table: list[TechnicalDifference]
) -> Image.Image:
    row_h = max((im.size[1] for row in rows for im in row), default=CELL)
    width = 3 * (CELL + 10) + 10
    table_h = 20 * (len(table) + 1) + 10
    height = 52 + len(rows) * (row_h + 10) + table_h + 20
    sheet = Image.new("RGB", (width, height), _BG)
    draw = ImageDraw.Draw(sheet)
    for n, line in enumerate(header):
        draw.text((10, 6 + n * 18), line, fill="white", font=_FONT)
    for k, label in enumerate(("A", "B", "difference")):
        draw.text((10 + k * (CELL + 10), 34), label, fill="grey", font=_FONT)
    y = 52
    for row in rows:
        for k, im in enumerate(row):
            sheet.paste(im, (10 + k * (CELL + 10), y))
        y += row_h + 10
    for k, name in enumerate(("attribute", "A", "B")):
        draw.text((10 + k * (CELL + 10), y), name, fill="white", font=_FONT)
    for n, row in enumerate(table, 1):
        colour = "white" if row.a == row.b else "orange"
        for k, value in enumerate((row.attribute, row.a, row.b)):
            draw.text((10 + k * (CELL + 10), y + 20 * n), value[:34], fill=colour, font=_FONT)
    return sheet


def contact_sheet(group: DuplicateGroup, out: str | os.PathLike[str]) -> Path:
    """The keeper compared with each other copy (up to MAX_STRIP), one panel per copy."""
    panels = []
    for member in group.members[1 : MAX_STRIP + 1]:
        tmp = Path(out).with_suffix(f".{len(panels)}.png")
        try:
            compare(group.keep, member.path, tmp)
            panels.append(Image.open(tmp).convert("RGB"))
        finally:
            tmp.unlink(missing_ok=True)
    width = max(p.size[0] for p in panels)
    sheet = Image.new("RGB", (width, sum(p.size[1] for p in panels)), _BG)
    y = 0
    for panel in panels:
        sheet.paste(panel, (0, y))
        y += panel.size[1]
    sheet.save(out)
    return Path(out)
