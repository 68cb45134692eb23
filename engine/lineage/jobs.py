"""Lineage a render farm states: the job that wrote an output names the scene it rendered.

A job record (`mediaopt farm post-job`) is explicit evidence scene -> output. Where the
scene is a project mediaopt reads (a Nuke script, a .blend), what the scene reads fed the
output too. The job's output is used rather than the scene's Write path: farms override
the output path (Deadline's OutputDirectory, a Flamenco job's render_output_path), and
the job record says where the frames really went.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from mediaopt.engine.model import LineageEdge, LineageKind, Project, RenderJob
from mediaopt.engine.refs.resolve import Resolution

SceneReader = Callable[[str], tuple[Project, list[Resolution]] | None]
"""The scene file as read and resolved, or None when it is not a project mediaopt reads."""


def job_edges(jobs: Iterable[RenderJob], read_scene: SceneReader) -> Iterator[LineageEdge]:
    for job in jobs:
        output, scene = job.output_asset, job.scene_file
        if not output or not scene:
            continue
        what = f"farm job {job.farm} {job.job_id}" + (f" ({job.name})" if job.name else "")
        yield LineageEdge(
            source=scene,
            derivative=output,
            kind=LineageKind.RENDER,
            confidence=1.0,
            evidence=f"{what}: rendered {scene}",
        )
        read = read_scene(scene)
        if read is None:
            continue
        project, resolutions = read
        for ref, res in zip(project.references, resolutions, strict=True):
            if ref.role != "read":
                continue
            for source in res.assets:
                if source != output:
                    yield LineageEdge(
                        source=source,
                        derivative=output,
                        kind=LineageKind.RENDER,
                        confidence=1.0,
                        evidence=f"{what}: {project.kind} {project.path} "
                        f"{ref.owner or 'read'} {ref.name or ''}".rstrip(),
                    )
