"""Storage bandwidth: what media, timelines and workflows need, what storage delivers,
and whether it will work.

    report = need("cut_v003.otio", catalog=catalog)        # per workflow, peak and where
    storage = measure("/mnt/san/show", seconds=6)            # read-only, bounded
    verdicts = check(report, storage, load_workflows())      # pass/fail, headroom, advice

`will_it_work` does all three, measuring the storage the media lives on.
"""

from __future__ import annotations

import os

from mediaopt.engine.bandwidth.chart import curve_svg, write_chart
from mediaopt.engine.bandwidth.check import DEFAULT_HEADROOM, check, verdict
from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.bandwidth.measure import measure
from mediaopt.engine.bandwidth.need import need
from mediaopt.engine.bandwidth.rates import asset_need
from mediaopt.engine.bandwidth.throttle import Throttle
from mediaopt.engine.bandwidth.timeline import timeline_curve
from mediaopt.engine.bandwidth.workflows import DEFAULT_WORKFLOWS, load_workflows
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import CheckReport, NeedReport, StorageMeasurement
from mediaopt.engine.progress import Progress
from mediaopt.engine.refs.pathmap import PathMap

__all__ = [
    "DEFAULT_HEADROOM",
    "DEFAULT_WORKFLOWS",
    "BandwidthError",
    "Throttle",
    "asset_need",
    "check",
    "curve_svg",
    "load_workflows",
    "measure",
    "media_folder",
    "need",
    "timeline_curve",
    "verdict",
    "will_it_work",
    "write_chart",
]


def will_it_work(
    subject: str | os.PathLike[str],
    *,
    storage: str | os.PathLike[str] | StorageMeasurement | None = None,
    catalog: Catalog | None = None,
    workflows: list[str] | None = None,
    workflows_file: str | os.PathLike[str] | None = None,
    headroom: float = DEFAULT_HEADROOM,
    seconds: float = 6.0,
    max_bytes: int = 2_000_000_000,
    streams: int = 4,
    scratch: str | os.PathLike[str] | None = None,
    throttle: Throttle | None = None,
    low_impact: bool = False,
    chart: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    path_map: PathMap | None = None,
) -> CheckReport:
    """Need, measurement and verdicts for a timeline, asset or folder. `storage` is a
    path to measure or an earlier measurement; by default the folder holding the media.
    `path_map` maps a timeline's media paths as for every command (refs/pathmap.py)."""
    profiles = load_workflows(workflows_file)
    report = need(
        subject,
        catalog=catalog,
        workflows=workflows,
        workflows_file=workflows_file,
        progress=progress,
        path_map=path_map,
    )
    if not isinstance(storage, StorageMeasurement):
        storage = measure(
            storage or media_folder(report),
            seconds=seconds,
            max_bytes=max_bytes,
            streams=streams,
            scratch=scratch,
            throttle=throttle,
            low_impact=low_impact,
            progress=progress,
        )
    verdicts = check(report, storage, profiles, headroom=headroom)
    written = None
    if chart is not None and report.timeline is not None and verdicts:
        first = verdicts[0]
        written = str(write_chart(chart, report.timeline, profiles[first.workflow], first))
    return CheckReport(
        need=report,
        storage=storage,
        verdicts=verdicts,
        chart=written,
        problems=[*report.problems, *storage.problems],
    )


def media_folder(report: NeedReport) -> str:
    """The deepest folder holding all the media the report measured."""
    if report.timeline is not None:
        paths = [c.path for c in report.timeline.clips if c.path and not c.problem]
    else:
        paths = [n.path for n in report.assets]
    if not paths:
        raise BandwidthError(f"{report.subject}: no media found to measure the storage of")
    if len(paths) == 1 and os.path.isdir(report.subject):
        return report.subject
    return os.path.commonpath([os.path.dirname(p) for p in paths])
