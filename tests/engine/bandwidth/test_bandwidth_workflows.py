"""Workflow profiles: defaults in code, changed and extended by a user's TOML or JSON."""

from __future__ import annotations

import json

import pytest

from mediaopt.engine.bandwidth import BandwidthError, load_workflows
from mediaopt.engine.bandwidth.workflows import select


def test_defaults_cover_the_issue_workflows():
    names = set(load_workflows())
    assert {"playback", "edit", "multicam", "shuttle", "grade", "vfx_review", "ingest"} <= names
    assert load_workflows()["shuttle"].speed == 2.0


def test_toml_changes_one_field_and_adds_a_profile(tmp_path):
    path = tmp_path / "workflows.toml"
    path.write_text("[workflows.multicam]\nangles = 9\n\n[workflows.conform]\nstreams = 3\n")
    profiles = load_workflows(path)
    assert profiles["multicam"].angles == 9
    assert profiles["multicam"].streams == 4  # untouched fields keep their default
    assert profiles["conform"].streams == 3


def test_json_file_is_read_too(tmp_path):
    path = tmp_path / "workflows.json"
    path.write_text(json.dumps({"workflows": {"shuttle": {"speed": 4}}}))
    assert load_workflows(path)["shuttle"].speed == 4.0


@pytest.mark.parametrize(
    "text, reason",
    [
        ("[workflows.edit]\nstreams = 'two'\n", "edit"),
        ("[workflows.edit]\nspeed = 0\n", "speed"),
        ("[workflows.edit\n", "not valid toml"),
    ],
)
def test_bad_workflow_file_names_the_file_and_reason(tmp_path, text, reason):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(BandwidthError, match=rf"bad\.toml.*{reason}"):
        load_workflows(path)


def test_unknown_workflow_lists_the_known_ones():
    with pytest.raises(BandwidthError, match="unknown workflow colour.*grade"):
        select(load_workflows(), ["colour"])
