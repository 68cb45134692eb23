"""File names come from untrusted storage: shown in a table or a message they must read
as named, never as rich markup or terminal control sequences."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main, output
from mediaopt.engine.demo import media

NAMES = [  # in a folder named `markup_[`: the first path holds `markup_[/bold]`
    "bold]take.wav",
    "[red]x.wav",
    "[link=https:example.com]y.wav",
    "clear\x1b[2Jscreen.wav",
    "title\x1b]0;owned.wav",
]


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch) -> tuple[Path, str]:
    monkeypatch.setattr(output.console, "width", 1000)  # one line per row, names unbroken
    root = tmp_path / "media" / "markup_["
    first = root / NAMES[0]
    media.write_audio(first, codec="pcm_s16le", layout="mono", seconds=0.02)
    for name in NAMES[1:]:
        shutil.copyfile(first, root / name)  # exact duplicates of each other
    catalog = tmp_path / "catalog.sqlite"
    with Catalog(catalog) as opened:
        api.scan([tmp_path / "media"], opened, workers=0)
    return root, str(catalog)


@pytest.mark.parametrize("command", [["find"], ["dupes"], ["dupes", "--kind", "audio"]])
def test_find_and_dupes_show_hostile_names_as_named(hostile, command, capsys):
    root, catalog = hostile
    assert main([*command, "--catalog", catalog]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    for name in NAMES:  # below the scanned root, as tables show paths
        assert output.shown(str((root / name).relative_to(root.parent))) in out, name
    assert "clear\\x1b[2Jscreen.wav" in out


def test_shown_escapes_control_characters_and_bad_bytes():
    assert output.shown("a\x1b]0;b\x07c\x9bd") == "a\\x1b]0;b\\x07c\\x9bd"
    assert output.shown("caf\udce9.mov") == "caf\\udce9.mov"
    assert output.shown("[bold]x", markup=True) == "\\[bold]x"
    assert output.shown("tab\tand\nnewline") == "tab\tand\nnewline"  # a message's own
