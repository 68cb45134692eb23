"""`mediaopt demo` is the first thing a new user runs: it must build, scan and report."""

from pathlib import Path

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.cli import main
from mediaopt.engine.model import AssetKind, AssetStatus


def test_demo_builds_scans_and_writes_a_report(tmp_path: Path, capsys):
    assert main(["demo", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "Will it work" in out
    # Printed at 80 columns (not a terminal): every table fits without cutting a cell.
    assert "…" not in out
    # It ends with the savings plan and its dry run, which changes nothing.
    assert "Savings plan" in out and "Dry run: nothing was changed" in out
    assert (tmp_path / "plan.json").exists() and not (tmp_path / "archive").exists()
    # It ends by writing the whole report, with the plan's overview, and saying where.
    assert out.rstrip().splitlines()[-1] == f"HTML report: {tmp_path / 'report.html'}"
    report = (tmp_path / "report.html").read_text()
    assert "Bandwidth: will it work" in report
    for section in ("overview", "plan", "treemap", "growth", "lineage", "formats"):
        assert f'<section id="sec-{section}">' in report
    with Catalog(tmp_path / "catalog.sqlite") as catalog:
        plate = next(a for a in catalog.find(kind=AssetKind.SEQUENCE) if "plate" in a.path)
        assert plate.sequence is not None and plate.sequence.missing_frames == [1012]
        broken = {Path(a.path).name: a.reason for a in catalog.find(status=AssetStatus.ERROR)}
    assert set(broken) == {
        "empty_export.mov",
        "interrupted_copy.mov",
        "actually_a_still.mov",
        "random.bin",
    }
    assert broken["interrupted_copy.mov"].startswith("truncated")
    # The catalog and report live beside the production, never inside the scanned root.
    assert not list((tmp_path / "production").rglob("*.sqlite*"))
