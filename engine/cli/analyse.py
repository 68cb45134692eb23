"""mediaopt analyse [--root R ...]: analyse a production (catalog, projects, orphans,
lineage, duplicates, renders, bandwidth) into one record; `--json` prints it, for
pipelines, host add-ons and `mediaopt report`.

With no --root, the roots the catalog scanned are analysed (never `/`)."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from mediaopt.engine.cli.output import (
    BarProgress,
    add_catalog_option,
    add_json_option,
    console,
    errors,
    human_bytes,
    interactive,
    open_catalog,
    print_json,
)
from mediaopt.engine.cli.project_options import (
    add_project_options,
    add_scope_depth_option,
    settings_from,
)
from mediaopt.engine.production.record import AnalysisOptions, ProductionRecord

if TYPE_CHECKING:
    from mediaopt.engine.model import Plan

EXIT_OK = 0
EXIT_PROBLEMS = 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyse", help="analyse a production into one record", description=__doc__)
    add_analysis_options(p)
    add_json_option(p)
    p.set_defaults(run=run)


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    """Roots, project options and the costly extras, shared with `mediaopt report`."""
    p.add_argument(
        "--root",
        action="append",
        default=[],
        dest="roots",
        metavar="ROOT",
        help="a folder of the production (repeatable; default: the roots the catalog scanned)",
    )
    p.add_argument("--grace-days", type=float, metavar="N", help="recent files are never orphans")
    add_scope_depth_option(p)
    p.add_argument(
        "--near",
        action="store_true",
        help="also find near-duplicates (decodes sampled frames of pictures and movies)",
    )
    p.add_argument(
        "--what-if",
        action="store_true",
        help="re-encode sample frames of the largest EXR render to measure cheaper settings",
    )
    p.add_argument(
        "--measure-bandwidth",
        action="store_true",
        help="read from each root's storage (2 s, 200 MB at most) and judge each workflow",
    )
    add_project_options(p)
    add_catalog_option(p)


def analyse_from(args: argparse.Namespace) -> ProductionRecord:
    """The production record the arguments ask for, with a progress bar for a person."""
    return _analysed(args, plan=False)[0]


def analyse_and_plan_from(args: argparse.Namespace) -> tuple[ProductionRecord, Plan]:
    """The production record and its savings plan from one read of the project files
    (what `mediaopt report` shows). The plan is for reading: its files carry no content
    hash (see `recommend(hashes=False)`); `mediaopt recommend -o` writes one to apply."""
    record, plan = _analysed(args, plan=True)
    assert plan is not None
    return record, plan


def _analysed(args: argparse.Namespace, *, plan: bool) -> tuple[ProductionRecord, Plan | None]:
    from mediaopt.engine.production.analyse import analyse, outermost, production_roots

    options = AnalysisOptions(
        near_duplicates=args.near,
        render_what_if=args.what_if,
        measure_bandwidth=args.measure_bandwidth,
    )
    settings = settings_from(args)
    projects = args.project or None
    with open_catalog(args) as catalog:
        roots = args.roots or production_roots(catalog)
        if not roots:
            raise ValueError(
                f"{catalog.path}: the catalog has scanned no folder yet; "
                "give --root or run `mediaopt scan` first"
            )
        roots = outermost([os.path.abspath(r) for r in roots])
        progress = BarProgress() if interactive(args) else None
        if plan:  # one read of the projects, for the record and the plan
            from mediaopt.engine.recommend.analysed import analyse_and_plan

            return analyse_and_plan(
                catalog, roots, settings, options=options, projects=projects, progress=progress
            )
        record = analyse(
            catalog, roots, settings, options=options, projects=projects, progress=progress
        )
        return record, None


def run(args: argparse.Namespace) -> int:
    record = analyse_from(args)
    if args.json:
        print_json(record)
    else:
        show_record(record)
    return exit_status(record)


def exit_status(record: ProductionRecord) -> int:
    """1 when something could not be read or analysed (each is in `problems`), else 0."""
    return EXIT_PROBLEMS if record.problems else EXIT_OK


def show_record(record: ProductionRecord) -> None:
    """The record's headline figures for a person."""
    c, o = record.catalog, record.orphans
    lines = [
        f"roots: {', '.join(record.roots)}",
        f"catalog: {c.assets} assets, {human_bytes(c.bytes)}, {len(c.unreadable)} unreadable",
        f"projects: {len(record.projects.projects)}",
        f"orphans: {len(o.orphans)} ({human_bytes(o.orphan_bytes)}), {len(o.uncertain)} uncertain",
        f"lineage: {len(record.lineage.edges)} links",
        f"duplicates: {len(record.duplicates.groups)} groups, "
        f"{human_bytes(record.duplicates.reclaimable_bytes)} reclaimable",
        f"renders: {sum(r.renders for r in record.render)} "
        f"({human_bytes(sum(r.bytes for r in record.render))})",
        f"bandwidth: {len(record.bandwidth)} needs, {len(record.bandwidth_checks)} checks",
    ]
    for line in lines:
        console.print(line, highlight=False, markup=False)
    for problem in record.problems:
        errors.print(f"problem: {problem}", highlight=False, markup=False)
