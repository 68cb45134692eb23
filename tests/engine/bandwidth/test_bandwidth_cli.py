"""mediaopt bandwidth need|measure|check from the command line, JSON and tables."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import msgspec
import pytest

from mediaopt.engine.bandwidth import DEFAULT_WORKFLOWS
from mediaopt.engine.bandwidth.workflows import formula
from mediaopt.engine.cli import main
from mediaopt.engine.demo.timelines import ClipSpec, write_timeline
from mediaopt.engine.model import CheckReport, NeedReport, StorageMeasurement


@pytest.fixture
def cut(tmp_path, h264, exr_sequence):
    return write_timeline(
        tmp_path / "cut.otio",
        {
            "V1": ("video", [ClipSpec(media=str(h264), duration=48)]),
            "V2": (
                "video",
                [ClipSpec(media=exr_sequence[0], duration=24, gap_before=12, source_start=1001)],
            ),
        },
        start_timecode="10:00:00:00",
    )


@pytest.fixture(autouse=True)
def own_catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIAOPT_CATALOG", str(tmp_path / "catalog.sqlite"))


def test_need_json_is_the_need_report(cut, capsys):
    assert main(["bandwidth", "need", str(cut), "--workflow", "playback", "--json"]) == 0
    report = msgspec.json.decode(capsys.readouterr().out, type=NeedReport)
    assert report.timeline.peak_timecode == "10:00:00:12"
    assert [w.workflow for w in report.workflows] == ["playback"]


def test_measure_then_check_against_the_saved_measurement_with_a_chart(cut, tmp_path, capsys):
    assert main(["bandwidth", "measure", str(cut.parent), "--seconds", "0.5", "--json"]) == 0
    measured = tmp_path / "storage.json"
    measured.write_text(capsys.readouterr().out)
    msgspec.json.decode(measured.read_bytes(), type=StorageMeasurement)
    chart = tmp_path / "curve.svg"
    code = main(
        [
            "bandwidth",
            "check",
            str(cut),
            "--measurement",
            str(measured),
            "--chart",
            str(chart),
            "--json",
        ]
    )
    report = msgspec.json.decode(capsys.readouterr().out, type=CheckReport)
    assert code == (0 if all(v.passes for v in report.verdicts) else 1)
    assert {v.workflow for v in report.verdicts} >= {"playback", "multicam", "ingest"}
    svg = ET.parse(chart).getroot()
    assert svg.tag.endswith("svg")
    assert "10:00:00:12" in chart.read_text()


def test_check_table_for_people(cut, capsys):
    main(["bandwidth", "check", str(cut), "--workflow", "edit", "--seconds", "0.5"])
    out = capsys.readouterr().out
    assert "Will it work" in out and "edit" in out


def test_bad_measurement_file_is_named(cut, tmp_path, capsys):
    bad = tmp_path / "storage.json"
    bad.write_text('{"path": 3}')
    assert main(["bandwidth", "check", str(cut), "--measurement", str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert "storage.json: not a storage measurement" in err


def test_need_help_states_each_workflows_formula(capsys):
    with pytest.raises(SystemExit):
        main(["bandwidth", "need", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for workflow in DEFAULT_WORKFLOWS:
        assert f"timeline: {formula(workflow, timeline=True)}" in text
        assert f"media alone: {formula(workflow, timeline=False)}" in text
    assert "edit: editing: the timeline's playback x 1.5" in text
