"""Frame sequences collapse into one asset whatever their naming; versions and numbered
movies do not; each sequence costs at most two header probes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import Asset, AssetKind, AssetStatus, ScanSummary
from mediaopt.engine.scan import scan
from mediaopt.fixtures import scantrees


def _frames(source: Path, folder: Path, template: str, frames) -> None:
    """Copies of one real image under frame names (`template` takes the frame number)."""
    for frame in frames:
        scantrees.copy(source, folder / template.format(frame))


@pytest.fixture(scope="module")
def sequence_tree(cached_media, tmp_path_factory) -> tuple[Path, ScanSummary, dict[str, Asset]]:
    sources = scantrees.source_media(cached_media)
    exr, png, mov = sources["exr"], sources["png"], sources["mov"]
    root = tmp_path_factory.mktemp("sequences")
    _frames(exr, root / "padded", "plate.{:04d}.exr", range(1001, 1011))
    _frames(png, root / "unpadded", "frame.{}.png", range(1, 121))
    _frames(exr, root / "dot", "beauty.{:03d}.exr", range(1, 4))
    _frames(exr, root / "underscore", "beauty_{:03d}.exr", range(1, 4))
    _frames(exr, root / "hyphen", "beauty-{:03d}.exr", range(1, 4))
    _frames(exr, root / "none", "beauty{:03d}.exr", range(1, 4))
    _frames(exr, root / "gaps", "bg.{:04d}.exr", [1, 2, 3, 5, 6, 8, 9, 10])
    _frames(exr, root / "versions", "comp_v{:03d}.exr", [1, 2, 3])
    _frames(mov, root / "clips", "A001C{:03d}.mov", [1, 2, 3])
    _frames(exr, root / "two", "fg.{:04d}.exr", range(1, 6))
    _frames(png, root / "two", "matte.{:04d}.png", range(1, 6))
    with Catalog(root.parent / f"{root.name}.sqlite") as catalog:
        summary = scan([root], catalog, workers=2)
        assets = {str(Path(a.path).relative_to(root)): a for a in catalog.find()}
    return root, summary, assets


def _sequences(assets: dict[str, Asset], folder: str) -> dict[str, Asset]:
    return {
        name: a
        for name, a in assets.items()
        if name.startswith(folder + "/") and a.kind is AssetKind.SEQUENCE
    }


def test_padded_frames_collapse_into_one_sequence(sequence_tree) -> None:
    _, _, assets = sequence_tree
    seq = assets["padded/plate.####.exr"].sequence
    assert (seq.first_frame, seq.last_frame, seq.padding, seq.frame_count) == (1001, 1010, 4, 10)
    assert seq.missing_frames == []
    assert len(seq.frame_bytes) == 10


def test_unpadded_frames_1_to_120_are_one_sequence(sequence_tree) -> None:
    _, _, assets = sequence_tree
    assert list(_sequences(assets, "unpadded")) == ["unpadded/frame.#.png"]
    seq = assets["unpadded/frame.#.png"].sequence
    assert (seq.first_frame, seq.last_frame, seq.frame_count) == (1, 120, 120)
    assert seq.frame_path(7).endswith("/unpadded/frame.7.png")
    assert [n for n in assets if n.startswith("unpadded/")] == ["unpadded/frame.#.png"]


@pytest.mark.parametrize(
    ("folder", "pattern"),
    [
        ("dot", "beauty.###.exr"),
        ("underscore", "beauty_###.exr"),
        ("hyphen", "beauty-###.exr"),
        ("none", "beauty###.exr"),
    ],
)
def test_any_separator_before_the_frame_number_collapses(sequence_tree, folder, pattern) -> None:
    _, _, assets = sequence_tree
    assert sorted(n for n in assets if n.startswith(folder + "/")) == [f"{folder}/{pattern}"]
    seq = assets[f"{folder}/{pattern}"].sequence
    assert (seq.first_frame, seq.last_frame, seq.frame_count) == (1, 3, 3)


def test_gaps_are_reported_as_missing_frames(sequence_tree) -> None:
    _, _, assets = sequence_tree
    seq = assets["gaps/bg.####.exr"].sequence
    assert (seq.first_frame, seq.last_frame, seq.frame_count) == (1, 10, 8)
    assert seq.missing_frames == [4, 7]


def test_versions_are_not_collapsed(sequence_tree) -> None:
    _, _, assets = sequence_tree
    names = sorted(n for n in assets if n.startswith("versions/"))
    assert names == [f"versions/comp_v00{i}.exr" for i in (1, 2, 3)]
    assert {assets[n].kind for n in names} == {AssetKind.IMAGE}


def test_numbered_movies_are_separate_clips(sequence_tree) -> None:
    _, _, assets = sequence_tree
    names = sorted(n for n in assets if n.startswith("clips/"))
    assert names == [f"clips/A001C00{i}.mov" for i in (1, 2, 3)]
    assert {assets[n].kind for n in names} == {AssetKind.VIDEO}


def test_two_sequences_in_one_folder_stay_apart(sequence_tree) -> None:
    _, _, assets = sequence_tree
    assert sorted(_sequences(assets, "two")) == ["two/fg.####.exr", "two/matte.####.png"]
    assert assets["two/fg.####.exr"].format == "OpenEXR"
    assert assets["two/matte.####.png"].format == "PNG"


def test_each_sequence_costs_at_most_two_header_probes(sequence_tree) -> None:
    _, summary, assets = sequence_tree
    sequences = [a for a in assets.values() if a.kind is AssetKind.SEQUENCE]
    singles = [a for a in assets.values() if a.kind is not AssetKind.SEQUENCE]
    assert len(sequences) == 9
    assert all(1 <= a.probe_count <= 2 for a in sequences)
    assert all(a.status is AssetStatus.OK for a in assets.values())
    assert summary.probed == sum(a.probe_count for a in sequences) + len(singles)
    assert summary.probed <= 2 * len(sequences) + len(singles)
    assert summary.files_seen == 10 + 120 + 4 * 3 + 8 + 3 + 3 + 5 + 5


def test_a_hyphen_sequence_that_starts_at_frame_zero_collapses(cached_media, tmp_path) -> None:
    exr = scantrees.source_media(cached_media)["exr"]
    _frames(exr, tmp_path / "media", "shot-{:04d}.exr", range(0, 4))
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([tmp_path / "media"], catalog, workers=0)
        assets = list(catalog.find())
    assert [a.path for a in assets] == [str(tmp_path / "media" / "shot-####.exr")]
    seq = assets[0].sequence
    assert (seq.first_frame, seq.last_frame, seq.frame_count) == (0, 3, 4)
    assert seq.frame_path(0).endswith("shot-0000.exr")


def test_negative_frames_after_a_dot_keep_their_sign(cached_media, tmp_path) -> None:
    exr = scantrees.source_media(cached_media)["exr"]
    for frame in (-2, -1, 0, 1):
        scantrees.copy(exr, tmp_path / "media" / f"sim.{frame:04d}.exr")
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        scan([tmp_path / "media"], catalog, workers=0)
        assets = list(catalog.find())
    assert len(assets) == 1
    seq = assets[0].sequence
    assert (seq.first_frame, seq.last_frame, seq.frame_count) == (-2, 1, 4)


def test_names_that_do_not_form_a_sequence_stay_single_files(cached_media, tmp_path) -> None:
    exr = scantrees.source_media(cached_media)["exr"]
    for name in ("b-001.exr", "b0001.exr", "b-2.exr", "b3.exr", "lone.0001.exr"):
        scantrees.copy(exr, tmp_path / "media" / name)
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        summary = scan([tmp_path / "media"], catalog, workers=0)
    assert (summary.files_seen, summary.assets, summary.sequences) == (5, 5, 0)
    assert summary.problems == []


def test_decimal_numbers_in_names_are_not_frame_numbers(cached_media, tmp_path) -> None:
    png = scantrees.source_media(cached_media)["png"]
    for name in ("still_gamma_0.85.png", "still_gamma_0.90.png", "still_gamma_1.15.png"):
        scantrees.copy(png, tmp_path / "graded" / name)
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        summary = scan([tmp_path / "graded"], catalog, workers=0)
    assert (summary.assets, summary.sequences) == (3, 0)
