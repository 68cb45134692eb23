"""render what-if --json on a float EXR comp render, named in every frame notation."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from mediaopt.engine import api
from mediaopt.engine.cli import main
from mediaopt.engine.demo.renders import write_render_sequence
from mediaopt.engine.model import Recommendation


@pytest.fixture(scope="module")
def comp(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("comp")
    write_render_sequence(
        folder / "comp.####.exr",
        range(1001, 1009),
        compression="zip",
        pixel_type="float",
        noise=0.05,
        width=96,
        height=54,
    )
    return folder


def test_what_if_json_on_a_float_exr_render_prints_parseable_json(comp, capsys, tmp_path) -> None:
    pattern = str(comp / "comp.%04d.exr")
    catalog = str(tmp_path / "catalog.sqlite")
    code = main(["render", "what-if", pattern, "--samples", "3", "--catalog", catalog, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    record = msgspec.json.decode(out, type=Recommendation)
    assert record.sequence == str(comp / "comp.####.exr")
    assert record.recommended is not None and record.saved_fraction >= 0.2
    lossy = [c for c in json.loads(out)["candidates"] if c["psnr_db"] is not None]
    assert lossy and all(isinstance(c["psnr_db"], float) for c in lossy)


@pytest.mark.parametrize(
    "name", ["comp.%04d.exr", "comp.####.exr", "comp.@@@@.exr", "comp.$F4.exr", "comp.%d.exr"]
)
def test_every_frame_notation_names_the_sequence(comp, name, tmp_path) -> None:
    asset = api.info(comp / name, tmp_path / "absent.sqlite")
    assert asset.path == str(comp / "comp.####.exr")
    assert asset.sequence.frame_count == 8


def test_a_notation_that_matches_nothing_is_named(comp, tmp_path, capsys) -> None:
    code = main(["info", str(comp / "other.%04d.exr"), "--catalog", str(tmp_path / "c.sqlite")])
    assert code != 0
    assert "other.%04d.exr: no such file or sequence" in capsys.readouterr().err
