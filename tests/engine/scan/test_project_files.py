"""Every project file a production holds is cataloged as a project, whichever application
wrote it: the real files in ../shared/realworld/projects, probed as the scan probes them,
are never "content mediaopt does not recognise"."""

from __future__ import annotations

from pathlib import Path

from mediaopt.engine.model import AssetKind, AssetStatus
from mediaopt.engine.production.readers import project_extensions
from mediaopt.engine.scan.probe import probe_file


def test_every_real_project_file_is_cataloged_as_a_project(realworld: Path):
    known = set(project_extensions())
    files = [
        p
        for p in sorted((realworld / "projects").rglob("*"))
        if p.is_file() and p.suffix.lower().lstrip(".") in known
    ]
    kinds = {p.suffix.lower() for p in files}
    # The native formats the readers were written for are all here.
    assert {".aep", ".aepx", ".comp", ".ntp", ".prproj", ".avb", ".drp", ".hip"} <= kinds
    wrong = []
    for path in files:
        asset = probe_file(str(path))
        if asset.status is not AssetStatus.OK or asset.kind is not AssetKind.OTHER:
            wrong.append(f"{path.relative_to(realworld)}: {asset.status} {asset.reason}")
    assert wrong == []
