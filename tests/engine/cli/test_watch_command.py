"""`mediaopt watch` as a process: JSON-lines events in a file as files change, the
catalog kept current, duplicates and renders over budget announced, SIGTERM ends it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import msgspec

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli.schema import output_type
from mediaopt.fixtures import scantrees


def _events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_for(path: Path, kind: str, target: str, proc, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for event in _events(path):
            if event["kind"] == kind and event["path"] == target:
                return event
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.1)
    raise AssertionError(f"no {kind} for {target}; events: {_events(path)}")


def test_watch_writes_events_and_keeps_the_catalog(cached_media, tmp_path):
    sources = scantrees.source_media(cached_media)
    root = tmp_path / "show"
    scantrees.copy(sources["png"], root / "stills" / "board.png")
    events, db = tmp_path / "events.jsonl", tmp_path / "catalog.sqlite"
    command = [sys.executable, "-m", "mediaopt.engine.cli", "watch", str(root)]
    options = ["--catalog", str(db), "--events", str(events), "--analysis-interval", "0.5"]
    proc = subprocess.Popen(
        [*command, *options, "--render-budget", "1K"], stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(events, "asset_added", str(root / "stills" / "board.png"), proc)
        copy = scantrees.copy(sources["png"], root / "stills" / "board_copy.png")
        for frame in (1, 2, 3):
            scantrees.copy(sources["exr"], root / "renders" / f"beauty.{frame:04d}.exr")
        _wait_for(events, "asset_added", str(copy), proc)
        duplicate = _wait_for(events, "new_duplicate", str(copy), proc)
        assert str(root / "stills" / "board.png") in duplicate["detail"]
        pattern = str(root / "renders" / "beauty.####.exr")
        over = _wait_for(events, "render_over_budget", pattern, proc)
        assert over["bytes"] == sources["exr"].stat().st_size
        with Catalog(db) as catalog:
            assert catalog.record(str(copy)) is not None
            assert catalog.record(pattern).sequence.frame_count == 3
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    assert os.path.getsize(events) > 0
    # Every line is the record `mediaopt schema watch` describes.
    schema = msgspec.json.schema(output_type("watch"))
    for event in _events(events):
        jsonschema.validate(event, schema)
