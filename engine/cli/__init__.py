"""The `mediaopt` command: one module per subcommand, each a thin layer over the API.

Start-up is paid on every call (a farm's post-job hook, a host add-on, a cron job), so
nothing here imports an engine: commands are a table of module names, and only the module
of the command being run is imported, to build its arguments and run it. Command modules
keep their engine imports inside the functions that use them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from mediaopt.engine.cli.status import ExitStatus, status_of, status_of_error

COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("scan", "catalog the media under storage roots"),
    "info": ("info", "one file's or sequence's technical record"),
    "find": ("find", "query the catalog"),
    "stats": ("stats", "where the bytes are"),
    "refs": ("refs", "what project files reference, and whether it resolved"),
    "projects": ("projects", "projects, their size and activity"),
    "orphans": ("orphans", "media no active project needs"),
    "lineage": ("lineage", "what was made from what"),
    "dupes": ("dupes", "find duplicate and near-duplicate media"),
    "compare": ("compare", "compare two media files visually"),
    "render": ("render", "render storage: analyze, what-if, settings, chart"),
    "farm": ("farm", "render farm hooks"),
    "bandwidth": ("bandwidth", "storage bandwidth: need, measure, check"),
    "recommend": ("recommend", "a ranked savings plan, with evidence for every line"),
    "apply": ("apply", "carry out a plan: dry run unless --execute, journaled, undoable"),
    "undo": ("undo", "restore what an apply did, from its journal"),
    "analyse": ("analyse", "analyse a production into one record (every section)"),
    "report": ("report", "write an HTML report of the catalog"),
    "demo": ("demo", "build a sample production and analyse it"),
    "schema": ("schema", "JSON Schema of a command's --json output"),
    "hosts": ("hosts", "install the add-ons for Blender, Nuke, Resolve and Deadline"),
    "watch": ("watch", "keep the catalog current; events as JSON lines"),
    "serve": ("mediaopt.engine.serve.command", "read-only HTTP API over the catalog"),
}
"""command -> (module under mediaopt.engine.cli, or a full module name for a console that
lives in its own package, such as serve; one-line help for `mediaopt --help`)."""

log = logging.getLogger("mediaopt")


def command_module(name: str):
    """The module that defines and runs one command (imported now, not at start-up)."""
    module = COMMANDS[name][0]
    return importlib.import_module(module if "." in module else f"{__name__}.{module}")


EVERY = "*"


def build_parser(command: str | None = EVERY) -> argparse.ArgumentParser:
    """The argument parser. With a `command`, only that command's module is imported and
    its arguments defined; the others (all of them for None) are listed by name and help
    only. By default every command is built, for tests and documentation that walk the
    whole parser."""
    parser = argparse.ArgumentParser(
        prog="mediaopt",
        description="Where a media production's storage goes, and how to get it back.",
        epilog="Exit status: 0 everything was read; 1 the command ran but some inputs "
        "could not be read (each listed with a reason); 2 usage error.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log what mediaopt does on stderr (-vv: in detail)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="detailed logging, and tracebacks for errors"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        if command in (EVERY, name):
            command_module(name).add_parser(sub)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def _command_in(argv: list[str]) -> str | None:
    """The command named on the command line: the first word that is not an option (the
    top-level options take no values)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    """Run one command and decide the process's exit status (see status.py)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    _configure_logging(args.verbose, args.debug)
    from mediaopt.engine.cli.stdout import json_only_stdout

    try:
        with json_only_stdout(bool(getattr(args, "json", False))):
            status = status_of(args.run(args))
    except BrokenPipeError:
        from mediaopt.engine.cli.failures import closed_pipe

        return closed_pipe()
    except KeyboardInterrupt:
        _say("interrupted")
        status = ExitStatus.INTERRUPTED
    except Exception as exc:
        known = status_of_error(exc)
        if known is None:
            raise  # a defect: its traceback is the report
        if args.debug:
            import traceback

            traceback.print_exc()
        _say(f"mediaopt {_command_name(args)}: {exc}")
        status = known
    log.debug("exit status %d (%s)", status, status.name)
    return int(status)


def _command_name(args: argparse.Namespace) -> str:
    """`render what-if`, `bandwidth need`: the command as typed, for messages."""
    action = getattr(args, "action", None) or getattr(args, "verb", None)
    return f"{args.command} {action}" if action else args.command


def _say(message: str) -> None:
    from mediaopt.engine.cli.output import errors

    errors.print(message, markup=False, highlight=False, soft_wrap=True)


def _configure_logging(verbose: int, debug: bool) -> None:
    """-v: what mediaopt does (INFO); -vv or --debug: in detail (DEBUG), every library's
    too. Without either only warnings reach stderr."""
    level = logging.DEBUG if debug or verbose >= 2 else logging.INFO if verbose else None
    root = logging.getLogger()
    if level is None:
        quiet_libraries(root)
        return
    if not any(h.get_name() == "mediaopt-cli" for h in root.handlers):  # main() run again
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name("mediaopt-cli")
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        root.addHandler(handler)
    # -v is about mediaopt; --debug opens everything (OTIO adapters, PIL, ...).
    (root if level == logging.DEBUG else log).setLevel(level)


def quiet_libraries(root: logging.Logger) -> None:
    """mediaopt's warnings reach stderr as plain lines; a library's only from ERROR up.
    A library calling `logging.warning()` (pyaaf2 on every 0/0 rate in an AAF) would
    otherwise install Python's default handler and print `WARNING:root:...` lines
    between the tables; -v or --debug shows them."""
    if any(h.get_name() == "mediaopt-quiet" for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name("mediaopt-quiet")
    handler.setLevel(logging.WARNING)
    handler.addFilter(lambda r: r.name.startswith("mediaopt") or r.levelno >= logging.ERROR)
    root.addHandler(handler)


class _VersionAction(argparse.Action):
    """--version, read from the installed distribution only when asked for."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version"
        )

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("mediaopt")
        except PackageNotFoundError:
            number = "unknown"
        sys.stdout.write(f"mediaopt {number}\n")
        parser.exit()
