"""mediaopt farm post-job: record a finished render job and what it wrote.

Meant to run as a farm's post-job hook: it reads only the job's own output, finishes in
seconds, and exits 0 even when something is wrong (the problem is logged on stderr and
stored on the job) unless --strict is given, so it can never fail a render.
"""

from __future__ import annotations

import argparse
import sys

import msgspec

from mediaopt.engine.cli.output import (
    add_catalog_option,
    add_json_option,
    console,
    errors,
    human_bytes,
    open_catalog,
    print_json,
)
from mediaopt.engine.cli.status import ExitStatus
from mediaopt.engine.model import RenderJob

FARMS = ("deadline", "opencue", "flamenco", "plain")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("farm", help="render farm hooks", description=__doc__)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    j = actions.add_parser("post-job", help="record a finished job and measure its output")
    j.add_argument("--from", dest="farm", choices=FARMS, default="plain")
    j.add_argument("--job-info", metavar="FILE", help="Deadline job info (key=value)")
    j.add_argument("--plugin-info", metavar="FILE", help="Deadline plugin info (key=value)")
    j.add_argument("--job-json", metavar="FILE", help="Flamenco job JSON, or a RenderJob JSON")
    j.add_argument("--job-id")
    j.add_argument("--name")
    j.add_argument("--user")
    j.add_argument("--show")
    j.add_argument("--renderer")
    j.add_argument("--scene")
    j.add_argument("--frames", help="e.g. 1001-1100")
    j.add_argument("--output", help="output pattern: beauty.####.exr, %%04d and @@@@ accepted")
    j.add_argument("--render-seconds", type=float)
    j.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE")
    j.add_argument("--strict", action="store_true", help="exit 1 when the job had problems")
    add_catalog_option(j)
    add_json_option(j)
    j.set_defaults(run=run_post_job)


def read_job(args: argparse.Namespace) -> RenderJob:
    """The job as the chosen farm describes it, with flags overriding."""
    from mediaopt.adapters import farm

    if args.farm == "deadline":
        job = farm.from_deadline(args.job_info, args.plugin_info)
    elif args.farm == "opencue":
        job = farm.from_opencue(output=args.output)
    elif args.farm == "flamenco":
        if not args.job_json:
            return RenderJob(
                job_id=args.job_id or "unknown",
                farm="flamenco",
                problems=["--job-json is needed for a Flamenco job"],
            )
        job = farm.from_flamenco(args.job_json)
    else:
        # The id given as a flag counts: without it the plain reader notes "no job id".
        job = farm.from_plain(args.job_json, job_id=args.job_id)
    overrides = {
        "job_id": args.job_id,
        "name": args.name,
        "user": args.user,
        "show": args.show,
        "renderer": args.renderer,
        "scene_file": args.scene,
        "frames": args.frames,
        "output_pattern": args.output,
        "render_seconds": args.render_seconds,
    }
    settings = dict(job.settings)
    for item in args.setting:
        key, _, value = item.partition("=")
        settings[key.strip()] = value.strip()
    return msgspec.structs.replace(
        job, settings=settings, **{k: v for k, v in overrides.items() if v is not None}
    )


def run_post_job(args: argparse.Namespace) -> ExitStatus:
    """Exits 0 whatever happened (a hook must never fail a render), unless --strict."""
    from mediaopt.engine.render.jobs import post_job

    try:
        job = read_job(args)
        with open_catalog(args) as catalog:
            job = post_job(job, catalog)
    except Exception as exc:  # never fail the farm job: say why and carry on
        errors.print(f"mediaopt farm post-job: {type(exc).__name__}: {exc}", markup=False)
        return ExitStatus.PROBLEMS if args.strict else ExitStatus.OK
    for problem in job.problems:
        errors.print(f"mediaopt farm post-job: job {job.job_id}: {problem}", markup=False)
    if args.json:
        print_json(job)
    else:
        console.print(
            f"job {job.job_id} ({job.farm}): {job.output_frames} frames, "
            f"{human_bytes(job.output_bytes)} at {job.output_asset or '(no output)'}",
            highlight=False,
        )
    sys.stdout.flush()
    return ExitStatus.PROBLEMS if args.strict and job.problems else ExitStatus.OK
