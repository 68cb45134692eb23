"""Project files are untrusted input: a FIFO named like a project, a timeline nested deep
enough to overflow a native stack, a bundle that inflates to gigabytes. Each is one
project that could not be read, with the reason; the run goes on, and what the bad
project could use is kept as uncertain."""

from __future__ import annotations

import json
import os
import threading
import zipfile
from pathlib import Path

import pytest

from mediaopt.adapters import otio as otio_adapter
from mediaopt.engine import api
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.demo import media
from mediaopt.engine.demo.timelines import write_cut
from mediaopt.engine.production import readers
from mediaopt.engine.production.analysis import find_orphans

OLD = 1_500_000_000.0


@pytest.fixture
def fresh_reader():
    """A reader worker forked after the test's settings are in place, and none left after."""
    _stop()
    yield
    _stop()


def _stop() -> None:
    if readers._worker is not None:
        readers._worker.stop()
        readers._worker = None


def _show(tmp_path: Path) -> tuple[Path, str, str]:
    root = tmp_path / "show"
    used, other = root / "sound" / "used.wav", root / "camera" / "A001.wav"
    for path in (used, other):
        media.write_audio(path, codec="pcm_s16le", layout="mono", seconds=0.02)
        os.utime(path, (OLD, OLD))
    write_cut(root / "edit" / "cut.otio", [used.as_uri()])
    return root, str(used), str(other)


def _within(seconds: float, fn, *args):
    """fn(*args) in a thread; fails the test when it has not returned in time (a hang)."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(fn(*args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn.__name__}{args} still running after {seconds} s"
    return result[0]


def _kept_because_of(bad: Path, catalog: Catalog, root: Path, used: str, other: str) -> None:
    report = find_orphans(catalog, [str(root)])
    assert report.failed_projects == [str(bad)]
    assert catalog.get(used) is not None and catalog.get(other) is not None
    assert report.referenced == 1 and report.orphans == []
    assert [u.path for u in report.uncertain] == [other]
    assert str(bad) in report.uncertain[0].reason


def test_a_fifo_named_like_a_project_is_a_problem_not_a_hang(
    tmp_path: Path, catalog: Catalog, capsys
):
    root, used, other = _show(tmp_path)
    fifo = root / "edit" / "cut_v2.otio"
    os.mkfifo(fifo)
    nk = root / "comp" / "comp.nk"
    os.makedirs(nk.parent)
    os.mkfifo(nk)
    api.scan([str(root)], catalog, workers=0)
    cat = ["--catalog", str(tmp_path / "catalog.sqlite")]
    for argv in (
        ["orphans", "--root", str(root), "--json", *cat],
        ["projects", str(root), "--json", *cat],
        ["refs", str(fifo), "--json", *cat],
        ["render", "settings", str(nk), "--json", *cat],
    ):
        _within(20, main, argv)
    out = capsys.readouterr().out
    assert f"{fifo}: a FIFO, not a regular file: not read" in out
    report = find_orphans(catalog, [str(root)])
    assert sorted(report.failed_projects) == sorted([str(fifo), str(nk)])
    assert report.referenced == 1 and report.orphans == []
    assert [u.path for u in report.uncertain] == [other]


def _nested(depth: int) -> str:
    stack = '{"OTIO_SCHEMA": "Stack.1", "name": "", "metadata": {}, "source_range": null, '
    return (
        '{"OTIO_SCHEMA": "Timeline.1", "name": "deep", "metadata": {}, "tracks": '
        + (stack + '"children": [') * depth
        + stack
        + '"children": []}'
        + "]}" * depth
        + "}"
    )


def test_a_timeline_nested_30000_deep_is_one_unreadable_project(
    tmp_path: Path, catalog: Catalog, fresh_reader
):
    root, used, other = _show(tmp_path)
    deep = root / "edit" / "deep.otio"
    deep.write_text(_nested(30_000))
    api.scan([str(root)], catalog, workers=0)
    _kept_because_of(deep, catalog, root, used, other)
    errors = readers.read_project(deep).errors
    assert errors and errors[0].startswith(f"{deep}: ")


def _bundle(path: Path, content_bytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
        with bundle.open("content.otio", "w", force_zip64=True) as out:
            chunk = b" " * 2**20
            for _ in range(content_bytes // len(chunk)):
                out.write(chunk)
        bundle.writestr("version.txt", "1.0.0")
    return path


def test_a_bundle_inflating_beyond_the_limit_is_refused_before_inflating(
    tmp_path: Path, catalog: Catalog, monkeypatch, fresh_reader
):
    monkeypatch.setattr(otio_adapter, "BUNDLE_CONTENT_LIMIT", 4 * 2**20)
    root, used, other = _show(tmp_path)
    bomb = _bundle(root / "edit" / "bomb.otioz", 16 * 2**20)
    api.scan([str(root)], catalog, workers=0)
    _kept_because_of(bomb, catalog, root, used, other)
    [error] = readers.read_project(bomb).errors
    assert "content.otio inflates to 16,777,216 bytes, beyond the 4,194,304" in error


def test_a_read_beyond_the_memory_limit_ends_in_an_error_and_the_next_read_works(
    tmp_path: Path, monkeypatch, fresh_reader
):
    monkeypatch.setattr(readers, "READ_MEMORY", 64 * 2**20)
    monkeypatch.setattr(otio_adapter, "BUNDLE_CONTENT_LIMIT", 2**40)
    bomb = _bundle(tmp_path / "bomb.otioz", 512 * 2**20)
    [error] = _within(60, readers.read_project, bomb).errors
    assert error.startswith(f"{bomb}: ")
    assert "memory" in error or "died" in error or "MemoryError" in error, error
    good = write_cut(tmp_path / "cut.otio", [(tmp_path / "x.wav").as_uri()])
    assert readers.read_project(good).errors == []
    assert json.loads(Path(good).read_text())["OTIO_SCHEMA"].startswith("Timeline")
