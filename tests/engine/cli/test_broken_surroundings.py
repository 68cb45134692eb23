"""A catalog that cannot be used, a reader that closes the pipe: a clear message naming
the file and what to do (or nothing at all), never a traceback, and never a byte written
to a file that is not a mediaopt catalog."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo import media
from mediaopt.fixtures import scantrees


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_bytes(os.urandom(4096)), "not a mediaopt catalog (not an SQLite"),
        (lambda p: p.write_bytes(b""), None),  # empty: a new catalog, nothing to overwrite
        (
            lambda p: sqlite3.connect(p).executescript(
                "CREATE TABLE notes(x); INSERT INTO notes VALUES(1);"
            ),
            "an SQLite database of another program",
        ),
    ],
    ids=["garbage", "empty", "another-programs-database"],
)
def test_a_file_that_is_not_a_catalog_is_refused_and_left_as_it_is(tmp_path: Path, make, says):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "catalog.sqlite"
    make(path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, err = _run(["find", "--catalog", str(path)])
    if says is None:
        assert code == 0 and err == ""
        return
    assert code == 2, err
    assert str(path) in err and says in err and "--catalog" in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_truncated_catalog_says_it_is_damaged_and_what_to_do(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    root = tmp_path / "media"
    media.write_audio(root / "a.wav", codec="pcm_s16le", layout="mono", seconds=0.02)
    with Catalog(path) as catalog:
        api.scan([root], catalog, workers=0)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    code, err = _run(["find", "--catalog", str(path)])
    assert code == 2 and "Traceback" not in err
    assert f"{path}: the catalog is damaged" in err and "scan the roots again" in err


def test_a_catalog_in_a_read_only_folder_says_so(tmp_path: Path):
    shared = scantrees.shared_tmpdir("mediaopt-rocat-")
    try:
        media.write_audio(
            shared / "media" / "a.wav", codec="pcm_s16le", layout="mono", seconds=0.02
        )
        (shared / "media").chmod(0o755)
        (shared / "locked").mkdir(mode=0o755)  # root's: user 65534 cannot write in it
        path = shared / "locked" / "catalog.sqlite"

        def run() -> tuple[int, str]:
            return _run(["scan", str(shared / "media"), "--catalog", str(path), "--workers", "0"])

        try:
            code, err = scantrees.run_as_nobody(run)
        except scantrees.Unprivileged as exc:
            pytest.skip(str(exc))
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    assert code == 2 and "Traceback" not in err, err
    assert f"{path}: the catalog cannot be written here" in err
    assert "writable folder with --catalog" in err


def test_a_reader_closing_the_pipe_ends_the_command_quietly(tmp_path: Path):
    root = tmp_path / "media"
    first = root / "take_a.wav"
    media.write_audio(first, codec="pcm_s16le", layout="mono", seconds=0.02)
    for i in range(400):  # JSON lines well beyond a pipe's 64 KB buffer
        shutil.copyfile(first, root / f"take_{i}_x.wav")
    catalog = tmp_path / "catalog.sqlite"
    with Catalog(catalog) as opened:
        api.scan([root], opened, workers=0)
    command = (
        f"{sys.executable} -m mediaopt.engine.cli find --json --catalog {catalog} "
        f"2>{tmp_path / 'err'} | head -2; echo ${{PIPESTATUS[0]}}"
    )
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("{")
    assert lines[2] == "141"  # 128 + SIGPIPE, as `yes | head` ends
    assert (tmp_path / "err").read_text() == ""
