"""Near-duplicates on real photographs, generated footage and synthesised music, with
known derivatives and hard negatives (fixtures/dupes.py holds the transforms)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from mediaopt.engine import api
from mediaopt.engine.cli import main
from mediaopt.engine.dedup import find_duplicates
from mediaopt.fixtures import dupes as labelled


def _groups(report, media: str | None = None) -> set[frozenset[str]]:
    return {
        frozenset(Path(m.path).name for m in g.members)
        for g in report.groups
        if g.kind == "near" and (media is None or g.members[0].media == media)
    }


@pytest.fixture(scope="module")
def stills(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("stills")
    photos = {"astronaut": skimage.data.astronaut(), "coffee": skimage.data.coffee()}
    hubble = skimage.data.hubble_deep_field()
    photos["hubble_a"], photos["hubble_b"] = hubble[:400, :400], hubble[:400, 500:900]
    for name, array in photos.items():
        im = labelled._fit(Image.fromarray(array), 192)
        im.save(root / f"{name}.png")
        if name.startswith("hubble"):
            continue  # similar scenes, no copies: they must stay apart
        im.save(root / f"{name}_web.jpg", quality=40)
        labelled.IMAGE_TRANSFORMS["crop 10% corner"](im).save(root / f"crop_{name}.png")
        labelled._grade(im).save(root / f"graded_{name}.png")
        labelled._letterbox(im).save(root / f"letterbox_{name}.png")
        labelled._write_float(root / f"{name}_linear.exr", im, True, "half")
    (root / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated JPEG")
    return root


def test_image_copies_group_with_their_original_and_similar_scenes_stay_apart(stills, catalog):
    api.scan([stills], catalog, workers=0)
    report = find_duplicates(catalog, near=True, kind="image")
    expected = {
        frozenset(
            {
                f"{n}.png",
                f"{n}_web.jpg",
                f"crop_{n}.png",
                f"graded_{n}.png",
                f"letterbox_{n}.png",
                f"{n}_linear.exr",
            }
        )
        for n in ("astronaut", "coffee")
    }
    assert _groups(report) == expected
    coffee = next(
        g for g in report.groups if "coffee.png" in {Path(m.path).name for m in g.members}
    )
    relations = {Path(m.path).name: m.relation for m in coffee.members}
    assert "crop" in relations["crop_coffee.png"]
    assert "grade" in relations["graded_coffee.png"]
    assert "letterbox" in relations["letterbox_coffee.png"]


def test_corrupt_image_is_named_and_the_run_goes_on(stills, catalog):
    api.scan([stills], catalog, workers=0)
    report = find_duplicates(catalog, near=True, kind="image")
    assert [Path(p.path).name for p in report.problems] == ["corrupt.jpg"]
    assert len(report.groups) == 2


def test_second_run_decodes_nothing(stills, catalog):
    api.scan([stills], catalog, workers=0)
    first = find_duplicates(catalog, near=True, kind="image")
    again = find_duplicates(catalog, near=True, kind="image")
    assert first.hashed > 0 and again.hashed == 0
    assert _groups(again) == _groups(first)


def test_footage_matches_across_trim_rate_codec_and_its_image_sequence(tmp_path, catalog):
    photo = skimage.data.coffee()
    seconds = 2.0

    def shot_a(t: float) -> np.ndarray:
        return labelled.pan_frame(photo, t, (0.0, 0.1), 0.05)

    def shot_b(t: float) -> np.ndarray:  # the same location, another framing and move
        return labelled.pan_frame(photo, t, (0.5, 0.8), -0.04)

    write = labelled.write_footage
    write(tmp_path / "A.mov", shot_a, seconds=seconds)
    write(
        tmp_path / "A_trim.mp4", shot_a, codec="libx264", pix_fmt="yuv420p", start=0.5, seconds=1.25
    )
    write(
        tmp_path / "A_30fps.mp4",
        shot_a,
        codec="mpeg4",
        pix_fmt="yuv420p",
        rate=30,
        seconds=seconds,
        size=(128, 72),
    )
    write(tmp_path / "B.mov", shot_b, seconds=seconds)
    frames = tmp_path / "render"
    frames.mkdir()
    for i in range(int(seconds * 24)):
        Image.fromarray(shot_a(i / 24)).save(frames / f"A.{1001 + i:04d}.png")
    (tmp_path / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not a movie")
    api.scan([tmp_path], catalog, workers=0)
    report = find_duplicates(catalog, near=True, kind="video")
    assert _groups(report) == {frozenset({"A.mov", "A_trim.mp4", "A_30fps.mp4", "A.####.png"})}
    group = report.groups[0]
    assert Path(group.keep).name in ("A.mov", "A.####.png")
    relations = {Path(m.path).name: m.relation or "" for m in group.members}
    assert "trim" in relations["A_trim.mp4"]
    assert "frame-rate change" in relations["A_30fps.mp4"]


def test_audio_matches_after_re_encode_resample_and_gain(tmp_path, catalog):
    one, other = labelled.melody(0, seconds=4.0), labelled.melody(1, seconds=4.0)
    labelled.write_pcm(tmp_path / "take1.wav", one)
    labelled.write_pcm(tmp_path / "take1.mp3", one, codec="libmp3lame", bit_rate=128000)
    labelled.write_pcm(tmp_path / "take1.m4a", one * 0.5, codec="aac", bit_rate=96000)
    labelled.write_pcm(tmp_path / "take1_22k.wav", labelled._resample(one, 22050), rate=22050)
    labelled.write_pcm(tmp_path / "take2.wav", other)  # same instrument, another melody
    api.scan([tmp_path], catalog, workers=0)
    report = find_duplicates(catalog, near=True, kind="audio")
    assert _groups(report) == {frozenset({"take1.wav", "take1.mp3", "take1.m4a", "take1_22k.wav"})}
    assert Path(report.groups[0].keep).name == "take1.wav"


def test_cli_prints_groups_as_json_and_writes_comparison_pictures(stills, tmp_path, capsys):
    db = tmp_path / "c.sqlite"
    api.scan([stills], db, workers=0)
    sheets = tmp_path / "sheets"
    code = main(
        [
            "dupes",
            "--near",
            "--kind",
            "image",
            "--json",
            "--catalog",
            str(db),
            "--contact-sheet",
            str(sheets),
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # the corrupt file is a problem; the groups are still reported
    assert {g["kind"] for g in out["groups"]} == {"near"}
    assert all(g["keep"] == g["members"][0]["path"] for g in out["groups"])
    assert out["reclaimable_bytes"] == sum(g["reclaimable_bytes"] for g in out["groups"])
    pictures = sorted(sheets.glob("*.png"))
    assert len(pictures) == 2
    with Image.open(pictures[0]) as picture:
        assert picture.size[0] > 500 and picture.size[1] > 300


def test_compare_tells_a_copy_from_a_similar_scene(stills, tmp_path):
    out = tmp_path / "cmp.png"
    same = api_compare(stills / "coffee.png", stills / "crop_coffee.png", out)
    assert same.same_content and "crop" in same.relation and out.exists()
    different = api_compare(stills / "hubble_a.png", stills / "hubble_b.png", None)
    assert not different.same_content
    assert any(
        d.attribute == "format"
        for d in api_compare(stills / "coffee.png", stills / "coffee_linear.exr", None).differences
    )


def api_compare(a, b, out):
    from mediaopt.engine.dedup.compare import compare

    return compare(a, b, out)


def test_a_chain_of_matches_is_split_into_groups_around_each_keeper():
    from mediaopt.engine.dedup.near import stars

    # 0 ~ 1 and 1 ~ 2, but 0 looks nothing like 2: one group of 0 with 2 in it would
    # offer to delete 2 as a copy of a picture it does not resemble.
    pairs = {(0, 1): 0.9, (1, 2): 0.9}
    assert stars([0, 1, 2], pairs, keeper=min) == [[0, 1]]
    assert stars([0, 1, 2], pairs, keeper=lambda c: 1 if 1 in c else min(c)) == [[1, 0, 2]]
    # Each keeper takes only what matches it directly; 4 matched only 3, which went to
    # 2's group, so it is offered for removal in no group rather than as a copy of 2.
    pairs |= {(3, 4): 0.8, (2, 3): 0.85}
    assert stars([0, 1, 2, 3, 4], pairs, keeper=min) == [[0, 1], [2, 3]]
