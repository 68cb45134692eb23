"""Near-duplicate search sees numbered photographs and the frames of image sequences.

Real JPEGs with camera EXIF (`name_00.jpg` ...) and their edited copies; a scene-linear
EXR plate and a PNG render with stills exported from one frame of each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from mediaopt.engine import api
from mediaopt.engine.cli import main
from mediaopt.engine.dedup import find_duplicates
from mediaopt.engine.dedup.compare import compare
from mediaopt.engine.fingerprint.picture import load_picture
from mediaopt.fixtures import dupes, photos


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("stills_and_plates")
    originals = photos.write_numbered_photos(root / "photos")
    copies = photos.write_edited_copies(originals, root / "edits")
    photos.write_plate(root / "plates" / "exr", ext="exr")
    photos.write_plate(root / "plates" / "png", ext="png", photo="immunohistochemistry")
    review = root / "review"
    review.mkdir()
    # A still exported for a review: frame 1005 of the EXR plate, display-referred JPEG;
    # frame 1003 of the PNG render, graded.
    Image.fromarray(load_picture(root / "plates/exr/plate.1005.exr")).save(
        review / "plate_still.jpg", quality=85
    )
    dupes._grade(Image.open(root / "plates/png/plate.1003.png").convert("RGB")).save(
        review / "graded_still.png"
    )
    # A web export whose names form a numbered run and whose EXIF was stripped: the scan
    # can only call it a sequence, `web_##.jpg`.
    export = root / "export"
    export.mkdir()
    for number, original in enumerate(originals):
        with Image.open(original) as opened:
            opened.convert("RGB").resize((96, 96)).save(export / f"web_{number:02d}.jpg")
    catalog = tmp_path_factory.mktemp("cat") / "catalog.sqlite"
    api.scan([root], catalog, workers=0)
    return {"root": root, "copies": copies, "catalog": catalog}


@pytest.fixture(scope="module")
def near(production):
    return find_duplicates(production["catalog"], near=True, kind="image")


def test_edited_copies_of_numbered_photographs_are_found(production, near) -> None:
    grouped = [{m.path for m in g.members} for g in near.groups if g.kind == "near"]
    pairs = [(o, c) for o, cs in production["copies"].items() for c in cs]
    found = sum(any({str(o), str(c)} <= g for g in grouped) for o, c in pairs)
    assert found / len(pairs) >= 0.95, f"recall {found / len(pairs):.2f}"
    # The camera's original keeps, whatever its copies' bytes (a slate adds some).
    originals = {str(o) for o in production["copies"]}
    kept = {g.keep for g in near.groups if any(m.path in originals for m in g.members)}
    assert kept == originals


def _group_with(near, name: str):
    return next(g for g in near.groups if any(Path(m.path).name == name for m in g.members))


def test_a_still_from_an_exr_frame_is_a_near_duplicate_of_that_frame(production, near) -> None:
    group = _group_with(near, "plate_still.jpg")
    keeper = group.members[0]
    plates = production["root"] / "plates"
    assert keeper.path == str(plates / "exr" / "plate.1005.exr")
    assert (keeper.sequence, keeper.frame) == (str(plates / "exr" / "plate.####.exr"), 1005)
    assert [Path(m.path).name for m in group.members[1:]] == ["plate_still.jpg"]
    assert group.reclaimable_bytes == (production["root"] / "review/plate_still.jpg").stat().st_size


def test_a_graded_still_from_a_png_frame_names_that_frame(production, near) -> None:
    keeper = _group_with(near, "graded_still.png").members[0]
    assert (Path(keeper.sequence).name, keeper.frame) == ("plate.####.png", 1003)


def test_frames_are_never_grouped_with_frames(near) -> None:
    for group in near.groups:
        assert sum(m.frame is not None for m in group.members) <= 1


def test_compare_takes_one_frames_path(production, capsys) -> None:
    root = production["root"]
    result = compare(root / "plates/exr/plate.1005.exr", root / "review/plate_still.jpg")
    assert result.same_content and result.media == "image"
    code = main(
        ["compare", str(root / "plates/png/plate.1003.png"), str(root / "review/plate_still.jpg")]
    )
    assert code == 0
    assert "different content" in capsys.readouterr().out


def test_info_takes_one_frames_path_from_the_catalog(production, capsys) -> None:
    root = production["root"]
    frame = root / "plates/exr/plate.1005.exr"
    code = main(["info", str(frame), "--catalog", str(production["catalog"]), "--json"])
    record = json.loads(capsys.readouterr().out)
    assert code == 0
    assert record["path"] == str(root / "plates/exr/plate.####.exr")
    assert record["sequence"]["frame_count"] == 8


def test_a_camera_original_is_never_the_copy_of_a_numbered_export(production, near) -> None:
    originals = {str(o) for o in production["copies"]}
    export = str(production["root"] / "export" / "web_##.jpg")
    with_export = [g for g in near.groups if any(m.sequence == export for m in g.members)]
    assert len(with_export) == len(originals)
    for group in with_export:
        assert group.keep in originals
        frames = [m for m in group.members[1:] if m.frame is not None]
        assert frames and group.reclaimable_bytes == sum(
            m.bytes for m in group.members[1:] if m.frame is None
        )
