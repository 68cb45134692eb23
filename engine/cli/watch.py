"""mediaopt watch ROOT...: keep the catalog current and say what happens, as JSON lines.

File-system events (inotify) mark what changed; a periodic reconcile of size, mtime and
inode catches what events miss, and is all there is on network file systems (NFS, SMB,
sshfs and other FUSE mounts), where this machine's kernel does not see other machines'
writes. A root that disappears (an unmounted share) is reported offline and nothing under
it changes in the catalog until it is back. Runs at idle CPU and I/O priority.
"""

from __future__ import annotations

import argparse
import signal
import threading

from mediaopt.engine.catalog import parse_size
from mediaopt.engine.cli.output import add_catalog_option, errors
from mediaopt.engine.cli.project_options import roots_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="keep the catalog current; events as JSON lines")
    p.description = __doc__
    p.add_argument(
        "roots", nargs="*", metavar="ROOT", help="default: the roots the catalog has scanned"
    )
    p.add_argument(
        "--events",
        metavar="FILE",
        default="-",
        help="append JSON-lines events to FILE ('-', the default: stdout)",
    )
    p.add_argument(
        "--reconcile",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="walk the roots for what events missed every SECONDS (300)",
    )
    p.add_argument(
        "--no-events",
        action="store_true",
        help="reconcile only: do not use file-system events",
    )
    p.add_argument(
        "--render-budget",
        type=parse_size,
        metavar="SIZE",
        help="report image sequences whose frames average more than SIZE (e.g. 20M)",
    )
    p.add_argument(
        "--analysis-interval",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="run the orphan, duplicate and project analyses at most this often (60)",
    )
    p.add_argument("--config", metavar="FILE", help="settings file (path maps, grace days)")
    add_catalog_option(p)
    # Events on stdout are a JSON stream: nothing a library prints may land between them.
    p.set_defaults(run=run, json=True)


def run(args: argparse.Namespace) -> int:
    import msgspec

    from mediaopt.engine import api
    from mediaopt.engine.refs.config import load_settings
    from mediaopt.engine.scan.lowimpact import be_gentle

    be_gentle()  # beside editing and rendering, all the time: never in their way
    settings = load_settings(args.config)
    with api.Catalog(args.catalog) as catalog:
        roots = roots_from(args.roots, catalog)
        path = str(catalog.path)
    encode = msgspec.json.Encoder().encode
    from mediaopt.engine.cli.stdout import json_stream

    to_stdout = args.events == "-"
    out = json_stream() if to_stdout else open(args.events, "ab")  # noqa: SIM115
    lock = threading.Lock()

    def emit(event) -> None:
        with lock:
            out.write(encode(event) + b"\n")
            out.flush()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    errors.print(f"watching {', '.join(roots)} into {path}", markup=False, highlight=False)
    try:
        api.watch(
            roots,
            path,
            emit,
            events=not args.no_events,
            reconcile_seconds=args.reconcile,
            render_budget=args.render_budget,
            settings=settings,
            analysis_interval=args.analysis_interval,
            stop=stop,
        )
    except KeyboardInterrupt:
        pass  # the way a watch is ended: not an error
    finally:
        if not to_stdout:
            out.close()
    return 0
