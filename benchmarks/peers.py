"""mediaopt beside the tools a user would otherwise run, on the same files, in one run.

    apt-get install -y mediainfo jdupes rdfind     # the peers, from Debian; installed by hand
    uv run python benchmarks/peers.py [--rounds 5] [--only start-up,scan,dupes,near]

Every command runs as a user would run it, mediaopt through its console script with its
start-up included, each peer through its own command line. The rounds are interleaved
(mediaopt, peer, mediaopt, peer, ...) and each figure is the median over the rounds, so a
shared machine's load falls on both sides alike; the load average is printed with them.

Each command runs under a sub-reaper (prctl PR_SET_CHILD_SUBREAPER) that waits for every
process it starts, scan workers and their fork server included, so:
- CPU is user + system time of the whole process tree;
- peak memory is the largest resident set of any one process in the tree;
- bytes read is the tree's `rchar` (Linux adds a reaped child's I/O counters to its
  reaper's): every read(2), Python's own imports included. For the scan, the bytes the
  header probes read are also given (mediaopt counts them itself), beside MediaInfo's
  reads of the same files (its `rchar` less that of `mediainfo --Version`).

The scan is timed on three corpora: 120 one-second clips in 8 codecs, four copies of
them (480), and the scan benchmark's mixed production corpus (benchmarks/corpus.py:
movies, sound, stills and frame sequences, 3,640 files) without its 12 sparse camera
files of 100-500 GB, on which `mediainfo` reads tens of GiB of zeros; mediaopt's time on
those alone is printed after. Scan CPU per file "after start-up" is the difference
between scanning the clips and four copies of them, divided by the extra files.

Bytecode: when PYTHONDONTWRITEBYTECODE is set (it is in some sandboxes) every start-up
compiles ~1,000 modules, which is nobody's real cost; the commands here run without it,
after one unmeasured warm-up that writes it. Corpora are built once under --cache (see
peer_corpora.py and corpus.py).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import msgspec

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402
import peer_corpora  # noqa: E402

MEDIAOPT = str(Path(sys.executable).with_name("mediaopt"))
API_SCAN = "import sys, mediaopt; mediaopt.scan([sys.argv[1]], catalog=sys.argv[2])"
API_DUPES = (
    "import sys; from mediaopt.engine.dedup import find_duplicates; "
    "print(find_duplicates(sys.argv[1]).reclaimable_bytes)"
)
API_NEAR = (
    "import sys; from mediaopt.engine.dedup import find_duplicates; "
    "find_duplicates(sys.argv[1], near=True, kind='image')"
)
"""The same work through the Python API in a fresh process: what the CLI costs once it
imports only what the command uses (engine/cli imports every command's libraries)."""
PHASH_PEER = str(HERE / "peer_imagehash.py")
PEERS = ("mediainfo", "jdupes", "rdfind")


class Run(msgspec.Struct):
    wall: float
    cpu: float
    rss_mb: float
    rchar: int
    stdout: bytes = b""


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd` under a fresh reaper; the tree's wall, CPU, peak RSS and rchar."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "run.json"
        with open(Path(folder) / "stdout", "w+b") as out:
            # The reaper is a bare interpreter (-S -I: ~9 MB): a child's peak RSS counts
            # what it held before exec, so forking this process would floor it at ours.
            reaper = [sys.executable, "-S", "-I", "-c", _REAPER, str(result), *cmd]
            subprocess.run(reaper, env=env, stdout=out, stderr=subprocess.DEVNULL, check=True)
            out.seek(0)
            stdout = out.read()
        run = msgspec.json.decode(result.read_bytes(), type=Run)
    run.stdout = stdout
    return run


_REAPER = """
import ctypes, json, os, resource, sys, time
def rchar():
    with open("/proc/self/io", "rb") as f:
        return next(int(l.split()[1]) for l in f if l.startswith(b"rchar:"))
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us
before, start = rchar(), time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "rss_mb": usage.ru_maxrss / 1024, "rchar": rchar() - before}, f)
"""


def user_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["COLUMNS"] = "200"
    return env


def interleaved(commands: dict[str, Callable[[], list[str]]], rounds: int) -> dict[str, Run]:
    """Each command once unmeasured (bytecode, page cache), then `rounds` times in turn;
    the run of median wall time per command (its other figures come with it)."""
    env = user_env()
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for make in commands.values():
        measure(make(), env)
    for _ in range(rounds):
        for name, make in commands.items():
            runs[name].append(measure(make(), env))
    return {name: _median(found) for name, found in runs.items()}


def _median(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.wall)
    middle = ordered[len(ordered) // 2]
    return Run(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        rss_mb=max(r.rss_mb for r in runs),
        rchar=int(statistics.median(r.rchar for r in runs)),
        stdout=middle.stdout,
    )


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, ours: str, peer: str, ratio: float | None) -> None:
        self.rows.append((what, ours, peer, "" if ratio is None else f"{ratio:.2f}x"))
        print(f"  {what:58s} {ours:>24s} {peer:>28s} {self.rows[-1][3]:>7s}", flush=True)


def _fresh_catalog(work: Path, source: Path | None = None) -> Path:
    target = work / "catalog.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    if source is not None:
        shutil.copyfile(source, target)
    return target


# -- start-up -------------------------------------------------------------------------


def start_up(cache: Path, work: Path, rounds: int, table: Table) -> None:
    one = work / "one"
    one.mkdir(exist_ok=True)
    wav = next((peer_corpora.clips(cache) / "wav").iterdir())
    shutil.copyfile(wav, one / wav.name)
    runs = interleaved(
        {
            "help": lambda: [MEDIAOPT, "--help"],
            "mi version": lambda: ["mediainfo", "--Version"],
            "info": lambda: [MEDIAOPT, "info", str(one / wav.name), "--json"],
            "mi one": lambda: ["mediainfo", "--Output=JSON", str(one / wav.name)],
            "scan one": lambda: [
                MEDIAOPT,
                "scan",
                str(one),
                "--catalog",
                str(_fresh_catalog(work)),
                "--json",
            ],
        },
        rounds,
    )
    table.add(
        "`mediaopt --help` / `mediainfo --Version`",
        _fig(runs["help"]),
        _fig(runs["mi version"]),
        runs["help"].wall / runs["mi version"].wall,
    )
    table.add(
        "`mediaopt info` one WAV / `mediainfo` it",
        _fig(runs["info"]),
        _fig(runs["mi one"]),
        runs["info"].wall / runs["mi one"].wall,
    )
    table.add(
        "scan of one WAV through the CLI / `mediainfo` it",
        _fig(runs["scan one"]),
        _fig(runs["mi one"]),
        runs["scan one"].wall / runs["mi one"].wall,
    )


def _fig(run: Run) -> str:
    return f"{run.wall:.2f} s, {run.cpu:.2f} s CPU, {run.rss_mb:.0f} MB"


# -- scan ---------------------------------------------------------------------------------


def scan(cache: Path, work: Path, rounds: int, table: Table) -> None:
    clips = peer_corpora.clips(cache)
    four = peer_corpora.replicated(cache, clips, 4)
    mixed = _mixed_without_sparse(cache)
    corpora = {
        "120 clips in 8 codecs": [clips],
        "480 clips (4 copies)": [four],
        f"mixed corpus, {sum(map(_count, mixed)):,} files": mixed,
    }
    runs: dict[tuple[str, str], Run] = {}
    for what, roots in corpora.items():
        commands = {
            "mediaopt": lambda roots=roots: [
                MEDIAOPT,
                "scan",
                *map(str, roots),
                "--catalog",
                str(_fresh_catalog(work)),
                "--json",
            ],
            "mediainfo": lambda roots=roots: ["mediainfo", "--Output=JSON", *map(str, roots)],
        }
        if roots != mixed:
            commands["api"] = lambda roots=roots: [
                sys.executable,
                "-c",
                API_SCAN,
                str(roots[0]),
                str(_fresh_catalog(work)),
            ]
        found = interleaved(commands, rounds)
        runs.update({(what, name): run for name, run in found.items()})
        print(f"  ({what}: load average {_load()})", flush=True)
    version = measure(["mediainfo", "--Version"])
    for what in corpora:
        ours, peer = runs[what, "mediaopt"], runs[what, "mediainfo"]
        table.add(
            f"scan through the CLI, {what}, fresh catalog: wall",
            _fig(ours),
            _fig(peer),
            ours.wall / peer.wall,
        )
        table.add(f"  CPU of the process tree ({what})", "", "", ours.cpu / peer.cpu)
        probed = json.loads(ours.stdout)["probed_bytes_read"]
        table.add(
            f"  bytes the probes read ({what}) / MediaInfo's reads of them",
            _mib(probed),
            _mib(peer.rchar - version.rchar),
            probed / max(1, peer.rchar - version.rchar),
        )
        table.add(
            f"  all bytes read, start-up included ({what})",
            _mib(ours.rchar),
            _mib(peer.rchar),
            ours.rchar / peer.rchar,
        )
    for what in list(corpora)[:2]:
        ours, peer = runs[what, "api"], runs[what, "mediainfo"]
        table.add(
            f"  the same through `mediaopt.scan` in a fresh process ({what})",
            _fig(ours),
            _fig(peer),
            ours.wall / peer.wall,
        )
    one, four_x = list(corpora)[:2]
    extra = _count(four) - _count(clips)
    ours = (runs[four_x, "mediaopt"].cpu - runs[one, "mediaopt"].cpu) / extra
    peer = (runs[four_x, "mediainfo"].cpu - runs[one, "mediainfo"].cpu) / extra
    table.add(
        "scan CPU per file after start-up (4x clips less 1x)",
        f"{ours * 1000:.2f} ms",
        f"{peer * 1000:.2f} ms",
        ours / peer,
    )
    sparse = Path(corpus.mixed_corpus(cache).root).resolve() / "show" / "camera_originals"
    alone = interleaved(
        {
            "mediaopt": lambda: [
                MEDIAOPT,
                "scan",
                str(sparse),
                "--catalog",
                str(_fresh_catalog(work)),
                "--json",
            ]
        },
        rounds,
    )["mediaopt"]
    table.add(
        f"  mediaopt alone on the corpus's {_count(sparse)} sparse camera files (100-500 GB each)",
        f"{_fig(alone)}, probes read {_mib(json.loads(alone.stdout)['probed_bytes_read'])}",
        "not run: reads tens of GiB of zeros",
        None,
    )


def _mixed_without_sparse(cache: Path) -> list[Path]:
    """The scan benchmark's mixed production corpus (benchmarks/corpus.py: movies, sound,
    stills, two 1,000-frame sequences and ten short ones), without its twelve sparse
    camera files of 100-500 GB: `mediainfo` reads their holes, tens of GiB of zeros each
    (an earlier run over the whole corpus used 4.5 minutes of CPU and had not finished),
    so the ratio would only measure that. mediaopt's time on them is printed apart."""
    show = Path(corpus.mixed_corpus(cache).root).resolve() / "show"
    return sorted(p for p in show.iterdir() if p.name != "camera_originals")


def _count(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root))


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


# -- exact duplicates ---------------------------------------------------------------------


def dupes(cache: Path, work: Path, rounds: int, table: Table) -> None:
    tree = peer_corpora.duplicate_tree(cache)
    scanned = work / "dupes-scanned.sqlite"
    measure(
        [MEDIAOPT, "scan", str(tree), "--catalog", str(_fresh_catalog(work)), "--json"], user_env()
    )
    shutil.copyfile(work / "catalog.sqlite", scanned)
    both = work / "scan_then_dupes.sh"
    both.write_text(
        f'"{MEDIAOPT}" scan "{tree}" --catalog "$1" --json >/dev/null && '
        f'exec "{MEDIAOPT}" dupes --catalog "$1" --json\n'
    )
    runs = interleaved(
        {
            "dupes": lambda: [
                MEDIAOPT,
                "dupes",
                "--catalog",
                str(_fresh_catalog(work, scanned)),
                "--json",
            ],
            "jdupes": lambda: ["jdupes", "-r", str(tree)],
            "rdfind": lambda: ["rdfind", "-dryrun", "true", "-makeresultsfile", "false", str(tree)],
            "scan+dupes": lambda: ["sh", str(both), str(_fresh_catalog(work))],
            "api": lambda: [sys.executable, "-c", API_DUPES, str(_fresh_catalog(work, scanned))],
        },
        rounds,
    )
    n, size = _count(tree), sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
    ours = json.loads(runs["dupes"].stdout)["reclaimable_bytes"]
    theirs = _jdupes_reclaimable(runs["jdupes"].stdout)
    what = f"{n:,} files, {size / 1e9:.2f} GB"
    table.add(
        f"`dupes` on the scanned tree / `jdupes -r` ({what})",
        _fig(runs["dupes"]),
        _fig(runs["jdupes"]),
        runs["dupes"].wall / runs["jdupes"].wall,
    )
    table.add(
        "`dupes` / `rdfind -dryrun true`",
        _fig(runs["dupes"]),
        _fig(runs["rdfind"]),
        runs["dupes"].wall / runs["rdfind"].wall,
    )
    table.add(
        "scan + `dupes` (fresh catalog) / `jdupes -r`",
        _fig(runs["scan+dupes"]),
        _fig(runs["jdupes"]),
        runs["scan+dupes"].wall / runs["jdupes"].wall,
    )
    table.add(
        "  the same through `find_duplicates` in a fresh process",
        _fig(runs["api"]),
        _fig(runs["jdupes"]),
        runs["api"].wall / runs["jdupes"].wall,
    )
    table.add(
        "  bytes read: `dupes` / `jdupes -r`",
        _mib(runs["dupes"].rchar),
        _mib(runs["jdupes"].rchar),
        runs["dupes"].rchar / runs["jdupes"].rchar,
    )
    table.add(
        "  reclaimable bytes found (must be equal)",
        f"{ours:,}",
        f"{theirs:,}",
        ours / max(1, theirs),
    )


def _jdupes_reclaimable(stdout: bytes) -> int:
    total = 0
    for block in stdout.decode().split("\n\n"):
        paths = [p for p in block.splitlines() if p]
        if len(paths) > 1:
            total += (len(paths) - 1) * os.stat(paths[0]).st_size
    return total


# -- near-duplicate images ----------------------------------------------------------------


def near(cache: Path, work: Path, rounds: int, table: Table) -> None:
    photos = peer_corpora.photographs(cache)
    scanned = work / "photos-scanned.sqlite"
    measure(
        [MEDIAOPT, "scan", str(photos), "--catalog", str(_fresh_catalog(work)), "--json"],
        user_env(),
    )
    shutil.copyfile(work / "catalog.sqlite", scanned)
    runs = interleaved(
        {
            "mediaopt": lambda: [
                MEDIAOPT,
                "dupes",
                "--near",
                "--kind",
                "image",
                "--catalog",
                str(_fresh_catalog(work, scanned)),
                "--json",
            ],
            "imagehash": lambda: [sys.executable, PHASH_PEER, str(photos)],
            "api": lambda: [sys.executable, "-c", API_NEAR, str(_fresh_catalog(work, scanned))],
        },
        rounds,
    )
    pictures = sorted(str(p) for p in photos.rglob("*") if p.is_file())
    n = len(pictures)
    ours, peer = runs["mediaopt"], runs["imagehash"]
    table.add(
        f"near-duplicate images, {n} photographs at 2560 px: per image",
        f"{ours.wall / n * 1000:.1f} ms ({ours.cpu / n * 1000:.1f} ms CPU)",
        f"{peer.wall / n * 1000:.1f} ms ({peer.cpu / n * 1000:.1f} ms CPU)",
        ours.wall / peer.wall,
    )
    table.add(
        "  the same through `find_duplicates` in a fresh process",
        f"{runs['api'].wall / n * 1000:.1f} ms ({runs['api'].cpu / n * 1000:.1f} ms CPU)",
        f"{peer.wall / n * 1000:.1f} ms ({peer.cpu / n * 1000:.1f} ms CPU)",
        runs["api"].wall / peer.wall,
    )
    groups = json.loads(ours.stdout)["groups"]
    said_ours = {
        frozenset(p)
        for g in groups
        for p in itertools.combinations([m["path"] for m in g["members"]], 2)
    }
    said_peer = {frozenset(p) for p in json.loads(peer.stdout)["pairs"]}
    for name, said in (("mediaopt", said_ours), ("imagehash pHash <= 10 bits", said_peer)):
        precision, recall = _accuracy(pictures, said)
        table.add(f"  precision / recall, {name}", f"{precision:.3f} / {recall:.3f}", "", None)


def _accuracy(pictures: list[str], said: set[frozenset[str]]) -> tuple[float, float]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(pictures, 2):
        truth = Path(a).parent == Path(b).parent
        found = frozenset((a, b)) in said
        tp, fp, fn = tp + (truth and found), fp + (found and not truth), fn + (truth and not found)
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


SECTIONS = {"start-up": start_up, "scan": scan, "dupes": dupes, "near": near}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/mediaopt-peers"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default=",".join(SECTIONS))
    args = parser.parse_args(argv)
    missing = [p for p in PEERS if shutil.which(p) is None]
    if missing:
        print(f"missing peers: {' '.join(missing)} (apt-get install -y {' '.join(PEERS)})")
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    print(
        f"cores {os.cpu_count()}, load average {_load()}, {args.rounds} interleaved rounds, medians"
    )
    print(f"  {'what':58s} {'mediaopt':>24s} {'peer':>28s} {'ratio':>7s}")
    table = Table()
    with tempfile.TemporaryDirectory(prefix="mediaopt-peers-") as work:
        for name in args.only.split(","):
            SECTIONS[name](args.cache, Path(work), args.rounds, table)
            print(f"  (load average after {name}: {_load()})", flush=True)
    return 0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
