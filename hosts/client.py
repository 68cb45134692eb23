"""The one client every host add-on uses to ask mediaopt something.

It needs nothing beyond the standard library and nothing newer than Python 3.6, because
it runs inside the hosts' own Pythons (Blender 3.4 to 5.x, Nuke 13 to 16, Resolve's
system Python, Deadline's), which carry their own numpy and usually cannot import the
engine. When the engine does import (`mediaopt` installed into that Python), commands run
in process; otherwise the `mediaopt` command runs with `--json` and its stdout is parsed.

The command is found through, in order: the host's own setting (passed in), the
`MEDIAOPT_COMMAND` environment variable (a command line: `uv run --project /opt/mediaopt
mediaopt` works), `mediaopt` on the PATH, then the places `uv tool install` and `pipx`
put it. When none holds it, `CommandNotFound` says where it looked and what to set.

Long work runs as a `Job`: a list of steps (each one mediaopt command) in a background
thread, each step in its own subprocess, so the host's UI keeps drawing; the host polls
`Job.progress` on its own timer and may `cancel()`, which ends the running command.
"""

import glob
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

__all__ = [
    "Client",
    "CommandNotFound",
    "Job",
    "Result",
    "find_command",
    "engine_importable",
]

COMMAND_ENV = "MEDIAOPT_COMMAND"
# Where `uv tool install mediaopt` and `pipx install mediaopt` put the command; a host
# started from a desktop menu often has a PATH without them.
_USER_BINS = (
    os.path.join("~", ".local", "bin"),
    os.path.join("~", ".cargo", "bin"),
    os.path.join("~", "AppData", "Roaming", "uv", "bin"),
)
# A cancelled command gets this long to end after SIGTERM before it is killed.
_TERMINATE_GRACE_SECONDS = 3.0


class CommandNotFound(RuntimeError):
    """The `mediaopt` command is neither set nor on the PATH (the message says where it
    looked and how to point the add-on at it)."""


def engine_importable() -> bool:
    """True when this Python can import the engine (mediaopt installed into the host)."""
    try:
        import mediaopt.engine.cli  # noqa: F401
    except Exception:  # any failure (missing, wrong numpy, old Python) means: use the command
        return False
    return True


def find_command(setting: Optional[str] = None) -> List[str]:
    """The mediaopt command line, from the host's setting, MEDIAOPT_COMMAND, the PATH or
    the usual user folders; raises CommandNotFound saying what was tried. A command that
    was set but does not exist is an error, not a reason to run another mediaopt."""
    sources = (("the add-on's setting", setting), (COMMAND_ENV, os.environ.get(COMMAND_ENV)))
    for label, value in sources:
        if not value or not value.strip():
            continue
        words = shlex.split(value, posix=os.name != "nt")
        if shutil.which(words[0]) or os.path.isfile(words[0]):
            return words
        raise CommandNotFound(
            "mediaopt: {} is {!r}, but there is no program {}: correct it or clear it to "
            "use `mediaopt` from the PATH".format(label, value, words[0])
        )
    found = shutil.which("mediaopt")
    if found:
        return [found]
    tried = ["`mediaopt` on PATH ({})".format(os.environ.get("PATH", ""))]
    for folder in _USER_BINS:
        for name in ("mediaopt", "mediaopt.exe"):
            candidate = os.path.join(os.path.expanduser(folder), name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return [candidate]
        tried.append(os.path.expanduser(folder))
    raise CommandNotFound(
        "mediaopt: cannot find the `mediaopt` command. Install it (`uv tool install mediaopt`"
        " or `pipx install mediaopt`), or set the add-on's command setting or the "
        "MEDIAOPT_COMMAND environment variable to its full path (a command line such as "
        "`uv run --project /path/to/mediaopt mediaopt` works too). Looked at: " + "; ".join(tried)
    )


class Result:
    """One command's outcome: its exit code (0 all read, 1 some inputs unreadable, 2 usage),
    its parsed JSON (`data`: one value, or a list for JSON-lines commands) and stderr."""

    def __init__(self, argv: Sequence[str], code: int, stdout: str, stderr: str):
        self.argv = list(argv)
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.data = _parse_json(stdout)

    @property
    def ok(self) -> bool:
        """The command ran (exit 0, or 1 with its answer: some inputs were listed as
        unreadable). A crash also exits 1, but with no JSON answer."""
        if self.code == 0:
            return True
        return self.code == 1 and ("--json" not in self.argv or self.data is not None)

    def error_text(self) -> str:
        """What to show when the command failed: its own message, or its exit code."""
        text = self.stderr.strip() or self.stdout.strip()
        return text or "mediaopt {} exited with {}".format(" ".join(self.argv[:2]), self.code)


def _parse_json(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    values = []  # JSON lines (`refs`, `find`)
    for line in text.splitlines():
        line = line.strip()
        if line:
            try:
                values.append(json.loads(line))
            except ValueError:
                return None  # not JSON: the caller shows stdout as text
    return values


class Client:
    """Runs mediaopt commands for a host: in process when the engine imports here (unless
    `in_process=False`), otherwise through the command."""

    def __init__(
        self,
        command: Optional[str] = None,
        in_process: Optional[bool] = None,
        catalog: Optional[str] = None,
    ):
        self.setting = command
        self.in_process = engine_importable() if in_process is None else in_process
        self.catalog = catalog or os.environ.get("MEDIAOPT_CATALOG") or None

    def command(self) -> List[str]:
        """The command line mediaopt runs as (raises CommandNotFound)."""
        return find_command(self.setting)

    def describe(self) -> str:
        """How commands run, for the host's panel: in process, or which command."""
        if self.in_process:
            return "mediaopt engine, in this program's Python"
        try:
            return " ".join(self.command())
        except CommandNotFound as exc:
            return str(exc)

    def argv(self, args: Sequence[str], json_out: bool = True) -> List[str]:
        """`args` with --json and --catalog added (catalog only for commands that take it)."""
        argv = list(args)
        if json_out and "--json" not in argv:
            argv.append("--json")
        if _takes_catalog(args) and self.catalog and "--catalog" not in argv:
            argv += ["--catalog", self.catalog]
        return argv

    def run(
        self,
        args: Sequence[str],
        json_out: bool = True,
        timeout: Optional[float] = None,
    ) -> Result:
        """Run one command to its end and return its Result."""
        argv = self.argv(args, json_out)
        if self.in_process:
            return _run_in_process(argv)
        process = self.spawn(argv)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            out, err = process.communicate()
            err += "\nmediaopt: stopped after {} s".format(timeout)
        return Result(argv, process.returncode, out, err)

    def spawn(self, argv: Sequence[str]) -> "subprocess.Popen[str]":
        """The command as a child process with stdout/stderr pipes (UTF-8 text)."""
        env = dict(os.environ)
        # The child must not inherit a host's Python settings (Blender and Nuke set
        # PYTHONHOME/PYTHONPATH for their own interpreter) or rich's terminal colours.
        for name in ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONEXECUTABLE"):
            env.pop(name, None)
        env.setdefault("NO_COLOR", "1")
        env["PYTHONIOENCODING"] = "utf-8"
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console flashing on Windows
        return subprocess.Popen(
            self.command() + list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            creationflags=flags,
        )

    def start(
        self,
        steps: Sequence[Tuple[str, Sequence[str]]],
        on_done: Optional[Callable[["Job"], None]] = None,
    ) -> "Job":
        """Run `steps` (label, args) one after another in a background thread."""
        job = Job(self, steps, on_done)
        job.thread.start()
        return job


def _run_in_process(argv: List[str]) -> Result:
    from mediaopt.engine.cli import main

    out, err = _CapturedText(), _CapturedText()
    with _Captured(out, err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return Result(argv, int(code or 0), out.getvalue(), err.getvalue())


class _CapturedText(io.StringIO):
    """A StringIO with a `.buffer`, because the CLI writes JSON as bytes to
    sys.stdout.buffer."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = _BytesInto(self)

    def isatty(self) -> bool:
        return False


class _BytesInto:
    def __init__(self, text: io.StringIO):
        self.text = text

    def write(self, data: bytes) -> int:
        self.text.write(data.decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        pass


class _Router:
    """sys.stdout/sys.stderr while in-process commands run: writes from a command's
    thread go to its capture, every other thread's to the real stream (a global
    redirect would swallow what the host prints meanwhile)."""

    def __init__(self, original: Any):
        self.original = original
        self.local = threading.local()

    def _target(self) -> Any:
        return getattr(self.local, "target", None) or self.original

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


_routing = threading.Lock()
_routed = [0]


class _Captured:
    def __init__(self, out: Any, err: Any):
        self.out, self.err = out, err

    def __enter__(self) -> None:
        with _routing:
            if _routed[0] == 0:
                sys.stdout, sys.stderr = _Router(sys.stdout), _Router(sys.stderr)
            _routed[0] += 1
            self.routers = (sys.stdout, sys.stderr)
        self.routers[0].local.target = self.out
        self.routers[1].local.target = self.err

    def __exit__(self, *exc: Any) -> None:
        self.routers[0].local.target = self.routers[1].local.target = None
        with _routing:
            _routed[0] -= 1
            if _routed[0] == 0 and sys.stdout is self.routers[0]:
                sys.stdout, sys.stderr = self.routers[0].original, self.routers[1].original


def _stop(process: "subprocess.Popen[str]") -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=_TERMINATE_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Job:
    """Steps running in the background. The host reads `progress` (a fraction), `status`
    (a line of text) and, when `done`, `results` and `error`; `cancel()` ends the running
    command and skips the rest."""

    def __init__(
        self,
        client: Client,
        steps: Sequence[Tuple[str, Sequence[str]]],
        on_done: Optional[Callable[["Job"], None]] = None,
    ):
        self.client = client
        self.steps = [(label, list(args)) for label, args in steps]
        self.on_done = on_done
        self.results = {}  # type: Dict[str, Result]
        self.error = None  # type: Optional[str]
        self.cancelled = False
        self.done = False
        self.started = time.monotonic()
        self._step = 0
        self._process = None  # type: Optional[subprocess.Popen[str]]
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="mediaopt", daemon=True)

    @property
    def progress(self) -> float:
        """Steps finished, as a fraction of all steps (1.0 when done)."""
        if self.done:
            return 1.0
        return self._step / max(1, len(self.steps))

    @property
    def status(self) -> str:
        """One line for the host's status bar."""
        seconds = int(time.monotonic() - self.started)
        if self.cancelled:
            return "mediaopt: cancelled"
        if self.error:
            return "mediaopt: " + self.error.splitlines()[0]
        if self.done:
            return "mediaopt: done in {} s".format(seconds)
        label = self.steps[min(self._step, len(self.steps) - 1)][0] if self.steps else ""
        return "mediaopt: {} ({}/{}, {} s)".format(label, self._step + 1, len(self.steps), seconds)

    def cancel(self) -> None:
        """Stop: the running command is ended, later steps do not start."""
        with self._lock:
            self.cancelled = True
            process = self._process
        if process is not None:
            _stop(process)

    def wait(self, timeout: Optional[float] = None) -> "Job":
        self.thread.join(timeout)
        return self

    def _run(self) -> None:
        try:
            for index, (label, args) in enumerate(self.steps):
                self._step = index
                if self.cancelled:
                    break
                result = self._one(args)
                if self.cancelled:
                    break
                self.results[label] = result
                if not result.ok:
                    self.error = "{} failed: {}".format(label, result.error_text())
                    break
        except CommandNotFound as exc:
            self.error = str(exc)
        except Exception as exc:  # the host must hear of it, never a silent dead thread
            self.error = "{}: {}".format(type(exc).__name__, exc)
        finally:
            self._step = len(self.steps)
            self.done = True
            if self.on_done is not None:
                self.on_done(self)

    def _one(self, args: List[str]) -> Result:
        client = self.client
        # `report` writes HTML and has no --json; a step says so with --no-json.
        argv = client.argv([a for a in args if a != "--no-json"], "--no-json" not in args)
        if client.in_process:
            return _run_in_process(argv)
        with self._lock:
            if self.cancelled:
                return Result(argv, 130, "", "cancelled")
            self._process = client.spawn(argv)
        out, err = self._process.communicate()
        with self._lock:
            process, self._process = self._process, None
        return Result(argv, process.returncode, out, err)


# Commands that do not open the catalog reject --catalog.
_NO_CATALOG = ("compare", "schema", "hosts", "demo")


def _takes_catalog(args: Sequence[str]) -> bool:
    return bool(args) and args[0] not in _NO_CATALOG


# What is on disk for a reference, stat'ed here so a host's panel answers at once without
# a catalog (the analyses run in mediaopt).
_LAST_DIGITS = re.compile(r"(\d+)(?!.*\d)")
_HASH_RUN = re.compile(r"#+")
_TILE_TOKENS = ("<UDIM>", "<UVTILE>")


def on_disk(
    path: str, sequence: bool = False, frames: Optional[Sequence[int]] = None
) -> Dict[str, Any]:
    """`bytes`, `files` and `missing` (nothing there) for a file, a folder, or a sequence
    (a `####` pattern, one of its frames, a `<UDIM>` or `*` pattern); for a numbered
    sequence also `missing_frames`: those of `frames` (first, last), or the gaps between
    the first and last found, with no file."""
    if os.path.isdir(path):
        total = count = 0
        for folder, _, names in os.walk(path):
            for name in names:
                size = _size(os.path.join(folder, name))
                if size is not None:
                    total, count = total + size, count + 1
        return {"bytes": total, "files": count, "missing": count == 0}
    if not sequence:
        size = _size(path)
        return {"bytes": size or 0, "files": int(size is not None), "missing": size is None}
    found, missing = sequence_files(path, frames)
    sizes = [s for s in (_size(f) for f in found) if s is not None]
    answer = {"bytes": sum(sizes), "files": len(sizes), "missing": not sizes}  # type: Dict[str, Any]
    if missing:
        answer["missing_frames"] = missing
    return answer


def _size(path: str) -> Optional[int]:
    try:
        return os.stat(path).st_size if os.path.isfile(path) else None
    except OSError:
        return None


def sequence_files(
    path: str, frames: Optional[Sequence[int]] = None
) -> Tuple[List[str], List[int]]:
    """The files of a sequence and its missing frame numbers (see on_disk)."""
    folder, name = os.path.split(path)
    for token in _TILE_TOKENS:
        name = name.replace(token, "[0-9][0-9][0-9][0-9]")
    if "*" in name or "[" in name:
        return sorted(glob.glob(os.path.join(glob.escape(folder), name))), []
    hashes = _HASH_RUN.search(name)
    match = hashes or _LAST_DIGITS.search(name)
    if match is None:
        return ([path] if os.path.isfile(path) else []), []
    head, tail = name[: match.start()], name[match.end() :]
    numbered = re.compile(re.escape(head) + r"(-?\d+)" + re.escape(tail) + "$")
    by_frame = {}
    try:
        names = os.listdir(folder or ".")
    except OSError:
        names = []
    for other in names:
        hit = numbered.match(other)
        # `####` means exactly four digits (or more for frames past 9999).
        if hit and (hashes is None or len(hit.group(1).lstrip("-")) >= len(hashes.group(0))):
            by_frame[int(hit.group(1))] = os.path.join(folder, other)
    if frames:
        wanted = range(int(frames[0]), int(frames[-1]) + 1)
        missing = [f for f in wanted if f not in by_frame]
        return [by_frame[f] for f in wanted if f in by_frame], missing
    if not by_frame:
        return [], []
    gaps = [f for f in range(min(by_frame), max(by_frame) + 1) if f not in by_frame]
    return [by_frame[f] for f in sorted(by_frame)], gaps


def human_bytes(count: float) -> str:
    """Bytes as a person reads them (1,000-based, as file browsers show them)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(count) < 1000 or unit == "TB":
            digits = 0 if unit == "B" else 1
            return "{:.{}f} {}".format(count, digits, unit)
        count /= 1000.0
    return str(count)
