"""What a project or a set of media needs under each workflow.

A timeline's need is its curve: at each moment the clips playing, plus the workflow's
extra angles of the heaviest video clip, everything times its speed and overhead; the
workflow's need is that curve's peak (`workflows.formula` says it in words).
Media judged without a timeline (an asset, a folder) has no edit to say what plays
together, so the workflow's `streams` copies of its heaviest asset play at once: the
worst case an editor can build from it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import opentimelineio as otio

from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.bandwidth.profile import Profiles
from mediaopt.engine.bandwidth.rates import asset_need
from mediaopt.engine.bandwidth.timeline import timecode_at, timeline_curve
from mediaopt.engine.bandwidth.workflows import formula, load_workflows, select
from mediaopt.engine.catalog import Catalog
from mediaopt.engine.model import (
    Asset,
    AssetKind,
    AssetStatus,
    BandwidthNeed,
    CurveSegment,
    NeedReport,
    TimelineCurve,
    Workflow,
    WorkflowNeed,
    notation,
)
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.refs.pathmap import PathMap
from mediaopt.engine.scan import describe as probe_now

_PLAYABLE = (AssetKind.VIDEO, AssetKind.AUDIO, AssetKind.SEQUENCE)


def is_timeline(path: str | os.PathLike[str]) -> bool:
    """A file OpenTimelineIO has a reader for (.otio, .edl, .xml, .fcpxml, .aaf ...)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return Path(path).is_file() and suffix in otio.adapters.suffixes_with_defined_adapters(
        read=True
    )


def describer(catalog: Catalog | None) -> Callable[[str], Asset]:
    """Path -> Asset: the catalog's record when it has one, else probed now (headers only;
    nothing is written to the catalog)."""

    def describe(path: str) -> Asset:
        # `%04d`, `@@@@`, `$F4`: the catalog holds the `####` spelling.
        found = catalog.get(notation.hashes(path)) if catalog is not None else None
        return found if found is not None else probe_now(path)

    return describe


def need(
    path: str | os.PathLike[str],
    *,
    catalog: Catalog | None = None,
    workflows: list[str] | None = None,
    workflows_file: str | os.PathLike[str] | None = None,
    fps: float | None = None,
    read_index: bool = True,
    progress: Progress | None = None,
    path_map: PathMap | None = None,
) -> NeedReport:
    """What `path` needs from storage: a timeline file (its curve), one asset (a file or a
    `####` pattern), or a folder (its cataloged media, else the files probed now).
    `progress` hears of each asset whose data rate is read; `path_map` maps a timeline's
    media paths written on another machine."""
    progress = progress or NullProgress()
    profiles = select(load_workflows(workflows_file), workflows)
    text = os.path.abspath(os.fspath(path))
    if is_timeline(text):
        progress.phase("reading the timeline's media")
        with Profiles(catalog) as rates:
            curve = timeline_curve(
                text,
                describer(catalog),
                read_index=read_index,
                profiles=rates,
                path_map=path_map,
            )
        return NeedReport(
            subject=text,
            timeline=curve,
            workflows=[timeline_need(curve, w) for w in profiles],
            problems=curve.problems,
        )
    problems: list[str] = []
    with Profiles(catalog) as rates:
        progress.phase("finding media")
        assets = list(_assets(text, catalog, problems))
        progress.phase("reading data rates", total=len(assets))
        needs = list(_needs(_counted(assets, progress), fps, read_index, rates, problems))
    if not needs and not problems:
        raise BandwidthError(f"{text}: no playable media (video, audio or image sequence)")
    return NeedReport(
        subject=text,
        assets=needs,
        workflows=[assets_need(text, needs, w) for w in profiles] if needs else [],
        problems=problems,
    )


def timeline_need(curve: TimelineCurve, workflow: Workflow) -> WorkflowNeed:
    """The curve's peak under a workflow, and what plays there."""
    best = None
    weighted = 0.0
    for seg in curve.segments:
        movie, sequence, opens, streams, average = segment_need(curve, seg, workflow)
        weighted += average * (seg.end_s - seg.start_s)
        if best is None or movie + sequence > best[0] + best[1]:
            best = (movie, sequence, opens, streams, seg)
    s = timeline_scale(workflow)
    if best is None:
        return WorkflowNeed(
            workflow=workflow.name,
            subject=curve.path,
            formula=formula(workflow, timeline=True),
            bytes_per_s=0,
            average_bytes_per_s=0,
            movie_bytes_per_s=0,
            sequence_bytes_per_s=0,
            file_opens_per_s=0,
            streams=0,
        )
    movie, sequence, opens, streams, seg = best
    heaviest = max(
        (curve.clips[i] for i in seg.clips if curve.clips[i].file_opens_per_s > 0),
        key=lambda c: c.peak_bytes_per_s,
        default=None,
    )
    return WorkflowNeed(
        workflow=workflow.name,
        subject=curve.path,
        formula=formula(workflow, timeline=True),
        bytes_per_s=(movie + sequence) * s,
        average_bytes_per_s=weighted / curve.duration_s * s if curve.duration_s else 0.0,
        movie_bytes_per_s=movie * s,
        sequence_bytes_per_s=sequence * s,
        file_opens_per_s=opens * s,
        streams=streams,
        write_bytes_per_s=(movie + sequence) * s if workflow.writes else 0.0,
        peak_timecode=timecode_at(curve, seg.start_s),
        peak_clips=[
            f"{c.track}: {c.name}"
            for c in (curve.clips[i] for i in seg.clips)
            if _plays(workflow, c.file_opens_per_s > 0)
        ],
        heaviest_sequence=heaviest.path if heaviest else None,
    )


def segment_need(
    curve: TimelineCurve, seg: CurveSegment, workflow: Workflow
) -> tuple[float, float, float, int, float]:
    """(movie peak, sequence peak, file opens, streams, average) at 1x for one stretch of
    the timeline under a workflow's media and angles; multiply by `timeline_scale`."""
    played = [
        curve.clips[i] for i in seg.clips if _plays(workflow, curve.clips[i].file_opens_per_s > 0)
    ]
    video = [c for c in played if c.kind == "video"]
    # The extra angles of a multicam group are not on the timeline: the heaviest video
    # clip playing stands for each of them (angles of one shoot share a codec and size).
    extra = [max(video, key=lambda c: c.peak_bytes_per_s)] * (workflow.angles - 1) if video else []
    movie = sequence = opens = average = 0.0
    for clip in played + extra:
        average += clip.average_bytes_per_s
        opens += clip.file_opens_per_s
        if clip.file_opens_per_s > 0:
            sequence += clip.peak_bytes_per_s
        else:
            movie += clip.peak_bytes_per_s
    return movie, sequence, opens, len(played) + len(extra), average


def timeline_scale(workflow: Workflow) -> float:
    """What a timeline's 1x need is multiplied by under a workflow."""
    return workflow.speed * workflow.overhead


def assets_need(subject: str, needs: Iterable[BandwidthNeed], workflow: Workflow) -> WorkflowNeed:
    """`streams` copies of the heaviest asset the workflow plays, at its speed."""
    chosen = [n for n in needs if _plays(workflow, n.kind == AssetKind.SEQUENCE)]
    s, k = workflow.speed, workflow.streams
    if not chosen:
        return WorkflowNeed(
            workflow=workflow.name,
            subject=subject,
            formula=formula(workflow, timeline=False),
            bytes_per_s=0,
            average_bytes_per_s=0,
            movie_bytes_per_s=0,
            sequence_bytes_per_s=0,
            file_opens_per_s=0,
            streams=0,
        )
    top = max(chosen, key=lambda n: n.peak_bytes_per_s)
    is_seq = top.kind == AssetKind.SEQUENCE
    peak = top.peak_bytes_per_s * s * k
    return WorkflowNeed(
        workflow=workflow.name,
        subject=subject,
        formula=formula(workflow, timeline=False),
        bytes_per_s=peak,
        average_bytes_per_s=sum(n.average_bytes_per_s for n in chosen) / len(chosen) * s * k,
        movie_bytes_per_s=0.0 if is_seq else peak,
        sequence_bytes_per_s=peak if is_seq else 0.0,
        file_opens_per_s=top.file_opens_per_s * s * k,
        streams=k,
        write_bytes_per_s=peak if workflow.writes else 0.0,
        peak_clips=[top.path],
        heaviest_sequence=top.path if is_seq else None,
    )


def _plays(workflow: Workflow, is_sequence: bool) -> bool:
    if workflow.media == "sequences":
        return is_sequence
    if workflow.media == "movies":
        return not is_sequence
    return True


def _assets(text: str, catalog: Catalog | None, problems: list[str]) -> Iterator[Asset]:
    if os.path.isdir(text):
        found = False
        if catalog is not None:
            for asset in catalog.find(under=text):
                found = True
                yield asset
        if not found:
            yield from _probe_folder(text, problems)
        return
    yield describer(catalog)(text)


def _probe_folder(folder: str, problems: list[str]) -> Iterator[Asset]:
    """A folder not in the catalog: each file and sequence probed now, headers only."""
    from mediaopt.engine.scan.sequences import group_sequences
    from mediaopt.engine.scan.walk import Walker

    for listing in Walker([folder], threads=1):
        if listing.error:
            problems.append(f"{listing.path}: {listing.error}")
            continue
        singles, groups = group_sequences(e for e in listing.files if not e.problem)
        for target in [g.pattern for g in groups] + [e.path for e in singles]:
            try:
                yield probe_now(target)
            except Exception as exc:  # one unreadable file must not stop the folder
                problems.append(f"{target}: {exc}")


def _counted(assets: list[Asset], progress: Progress) -> Iterator[Asset]:
    for asset in assets:
        yield asset
        progress.advance(1, asset.bytes)


def _needs(
    assets: Iterable[Asset],
    fps: float | None,
    read_index: bool,
    profiles: Profiles,
    problems: list[str],
) -> Iterator[BandwidthNeed]:
    for asset in assets:
        if asset.kind not in _PLAYABLE:
            continue
        if asset.status is AssetStatus.ERROR:
            problems.append(f"{asset.path}: {asset.reason or 'unreadable'}")
            continue
        try:
            yield asset_need(asset, fps=fps, read_index=read_index, profiles=profiles)
        except BandwidthError as exc:
            problems.append(str(exc))
