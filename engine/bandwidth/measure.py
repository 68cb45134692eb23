"""What storage delivers, measured on media already there: read-only and bounded.

Three read tests share the time and byte budget: large-block sequential reads of the
largest files, whole-file reads of an image sequence's frames (open, read, close: what a
player does 24 times a second), and N concurrent streams. Reads use O_DIRECT where the
filesystem allows it, so the figure is the storage and not memory; elsewhere (tmpfs, some
network filesystems) the file's cached pages are dropped with posix_fadvise before and
after each pass. Files are opened O_RDONLY|O_NOATIME: nothing about the media changes.

A write test runs only in a scratch folder the caller names, and removes what it wrote.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from mediaopt.engine.bandwidth.errors import BandwidthError
from mediaopt.engine.bandwidth.throttle import Pacer, Throttle
from mediaopt.engine.model import ReadTest, StorageMeasurement
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.scan.lowimpact import be_gentle
from mediaopt.engine.scan.reader import open_readonly
from mediaopt.engine.scan.sequences import group_sequences
from mediaopt.engine.scan.walk import Walker

BLOCK = 4 * 1024 * 1024
"""Sequential block: large enough that per-call overhead is noise on NVMe and 100 GbE."""
STREAM_BLOCK = 1024 * 1024
"""Per-stream block: NLEs read ahead in blocks of about this size per clip."""
LOW_IMPACT_RATE = 50e6
"""Low-impact mode's cap in bytes/s: a few percent of a shared SAN, so editors working on
it do not feel the test. The result then says only that the storage gives at least this."""
MAX_LISTED = 20_000
"""Files looked at when choosing what to read under a folder: enough to find large files
and a sequence, bounded so a petabyte tree is not walked."""
_DIRECT = getattr(os, "O_DIRECT", 0)
_ALIGN = 4096


def measure(
    path: str | os.PathLike[str],
    *,
    seconds: float = 6.0,
    max_bytes: int = 2_000_000_000,
    streams: int = 4,
    scratch: str | os.PathLike[str] | None = None,
    throttle: Throttle | None = None,
    low_impact: bool = False,
    progress: Progress | None = None,
) -> StorageMeasurement:
    """Measure the storage holding `path` (a file, a sequence frame or a folder of media)
    for at most `seconds` and `max_bytes` read in all."""
    root = Path(path).resolve()
    if not root.exists():
        raise BandwidthError(f"{root}: no such file or folder")
    if seconds <= 0 or max_bytes <= 0 or streams < 1:
        raise BandwidthError("--seconds and --max-bytes must be > 0, --streams >= 1")
    if low_impact:
        be_gentle()
        throttle = throttle or Throttle(bytes_per_s=LOW_IMPACT_RATE)
    problems: list[str] = []
    large, sequence = _choose_sources(root, problems)
    if not large and not sequence:
        raise BandwidthError(f"{root}: no non-empty readable file to measure")
    notes: list[str] = []
    plan = ["sequential", "streams"] + (["frames"] if sequence else [])
    if scratch is not None:
        plan.append("write")
    share_s, share_b = seconds / len(plan), max_bytes // len(plan)
    tests: list[ReadTest] = []
    started = time.perf_counter()
    progress = progress or NullProgress()
    progress.phase(f"measuring (at most {seconds:g} s)", total=len(plan))
    tests.append(sequential(large or sequence, share_s, share_b, throttle))
    progress.advance(1, tests[-1].bytes)
    tests.append(concurrent(large or sequence, streams, share_s, share_b, throttle))
    progress.advance(1, tests[-1].bytes)
    if sequence:
        tests.append(frames(sequence, share_s, share_b, throttle))
        progress.advance(1, tests[-1].bytes)
    else:
        notes.append(f"{root}: no image sequence found, frame-file rate not measured")
    if scratch is not None:
        tests.append(write_test(Path(scratch), share_s, share_b, throttle))
    return StorageMeasurement(
        path=str(root),
        tests=tests,
        bytes_read=sum(t.bytes for t in tests if t.name != "write"),
        bytes_written=sum(t.bytes for t in tests if t.name == "write"),
        seconds=time.perf_counter() - started,
        throttle_bytes_per_s=throttle.bytes_per_s if throttle else None,
        problems=problems,
        notes=notes,
    )


def sequential(
    files: list[str], seconds: float, max_bytes: int, throttle: Throttle | None = None
) -> ReadTest:
    """Large blocks front to back through the files, again from the first if time is left."""
    buf = mmap.mmap(-1, BLOCK)  # page-aligned, as O_DIRECT wants
    pacer = Pacer(throttle)
    total, mode = 0, "none"
    deadline = pacer.started + seconds
    with contextlib.closing(buf):
        for source in _cycle(files):
            with _ColdFile(source) as f:
                mode = f.mode
                offset = 0
                while offset < f.size and total < max_bytes and time.perf_counter() < deadline:
                    n = f.read_into(buf, offset, min(BLOCK, max_bytes - total))
                    if n <= 0:
                        break
                    offset += n
                    total += n
                    pacer.took(n)
            if total >= max_bytes or time.perf_counter() >= deadline:
                break
    elapsed = pacer.elapsed()
    return ReadTest(
        name="sequential",
        bytes=total,
        seconds=elapsed,
        bytes_per_s=total / elapsed,
        files=len(files),
        cache_bypass=mode,
        source=files[0],
    )


def frames(
    frame_files: list[str], seconds: float, max_bytes: int, throttle: Throttle | None = None
) -> ReadTest:
    """Whole frames, one file at a time: open, read, close, as a player of sequences does."""
    pacer = Pacer(throttle)
    buf = mmap.mmap(-1, BLOCK)
    total = count = 0
    mode = "none"
    deadline = pacer.started + seconds
    with contextlib.closing(buf):
        for source in _cycle(frame_files):
            with _ColdFile(source) as f:
                mode = f.mode
                n = f.read_all(buf)
            total += n
            count += 1
            pacer.took(n, files=1)
            if total >= max_bytes or time.perf_counter() >= deadline:
                break
    elapsed = pacer.elapsed()
    return ReadTest(
        name="frames",
        bytes=total,
        seconds=elapsed,
        bytes_per_s=total / elapsed,
        files=count,
        files_per_s=count / elapsed,
        cache_bypass=mode,
        source=frame_files[0],
    )


def concurrent(
    files: list[str],
    streams: int,
    seconds: float,
    max_bytes: int,
    throttle: Throttle | None = None,
) -> ReadTest:
    """N threads each reading its own file (or its own part of one file) in player-sized
    blocks; the figure is their sum. Threads suffice: reads release the GIL."""
    pacer = Pacer(throttle)
    deadline = pacer.started + seconds
    per_stream = max(1, max_bytes // streams)
    counts = [0] * streams
    modes = ["none"] * streams

    def run(k: int) -> None:
        source = files[k % len(files)]
        buf = mmap.mmap(-1, STREAM_BLOCK)
        with contextlib.closing(buf), _ColdFile(source) as f:
            modes[k] = f.mode
            # Streams sharing a file start at different places, as different clips would.
            sharing = (streams + len(files) - 1) // len(files)
            offset = f.size * (k // len(files)) // sharing // _ALIGN * _ALIGN
            while counts[k] < per_stream and time.perf_counter() < deadline:
                if offset >= f.size:
                    offset = 0
                    f.drop()
                n = f.read_into(buf, offset, min(STREAM_BLOCK, per_stream - counts[k]))
                if n <= 0:
                    offset = f.size
                    continue
                offset += n
                counts[k] += n
                pacer.took(n)

    threads = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = pacer.elapsed()
    total = sum(counts)
    return ReadTest(
        name="streams",
        bytes=total,
        seconds=elapsed,
        bytes_per_s=total / elapsed,
        files=min(streams, len(files)),
        streams=streams,
        cache_bypass=modes[0],
        source=files[0],
    )


def write_test(
    scratch: Path, seconds: float, max_bytes: int, throttle: Throttle | None = None
) -> ReadTest:
    """Sequential writes of a temporary file in `scratch`, synced to the device, then
    removed. Never anywhere else: the caller names the folder."""
    if not scratch.is_dir():
        raise BandwidthError(f"{scratch}: the scratch folder for the write test does not exist")
    target = scratch / f".mediaopt-bandwidth-{os.getpid()}-{threading.get_ident()}.tmp"
    buf = mmap.mmap(-1, BLOCK)
    buf.write(os.urandom(BLOCK))  # incompressible: some storage compresses zeros away
    pacer = Pacer(throttle)
    total, mode = 0, "fsync"
    deadline = pacer.started + seconds
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        try:
            fd = os.open(target, flags | _DIRECT, 0o600)
            mode = "O_DIRECT"
        except OSError:
            fd = os.open(target, flags, 0o600)
        try:
            while total < max_bytes and time.perf_counter() < deadline:
                n = os.pwritev(fd, [buf], total)
                total += n
                pacer.took(n)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise BandwidthError(f"{scratch}: write test failed ({exc.strerror or exc})") from None
    finally:
        buf.close()
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
    elapsed = pacer.elapsed()
    return ReadTest(
        name="write",
        bytes=total,
        seconds=elapsed,
        bytes_per_s=total / elapsed,
        cache_bypass=mode,
        source=str(scratch),
    )


class _ColdFile:
    """A file opened read-only whose reads come from the storage, not the page cache."""

    def __init__(self, path: str):
        self.path = path
        self.fd = -1
        self.mode = "none"
        if _DIRECT:
            with contextlib.suppress(OSError):
                self.fd = os.open(path, os.O_RDONLY | _DIRECT | getattr(os, "O_NOATIME", 0))
                self.mode = "O_DIRECT"
            if self.fd < 0:
                with contextlib.suppress(OSError):
                    self.fd = os.open(path, os.O_RDONLY | _DIRECT)
                    self.mode = "O_DIRECT"
        if self.fd < 0:
            self.fd = open_readonly(path)
            self.mode = "fadvise" if hasattr(os, "posix_fadvise") else "none"
        self.size = os.fstat(self.fd).st_size
        self.drop()

    def __enter__(self) -> _ColdFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop()
        os.close(self.fd)

    def drop(self) -> None:
        if self.mode == "fadvise":
            with contextlib.suppress(OSError):
                os.posix_fadvise(self.fd, 0, 0, os.POSIX_FADV_DONTNEED)

    def read_into(self, buf: mmap.mmap, offset: int, want: int) -> int:
        if self.mode == "O_DIRECT":
            # O_DIRECT reads whole aligned blocks; a short tail comes back short.
            want = min(len(buf), (want + _ALIGN - 1) // _ALIGN * _ALIGN)
            return os.preadv(self.fd, [memoryview(buf)[:want]], offset)
        return os.preadv(self.fd, [memoryview(buf)[:want]], offset)

    def read_all(self, buf: mmap.mmap) -> int:
        offset = 0
        while offset < self.size:
            n = self.read_into(buf, offset, len(buf))
            if n <= 0:
                break
            offset += n
        return offset


def _cycle(files: list[str]) -> Iterator[str]:
    while True:
        yield from files


def _choose_sources(root: Path, problems: list[str]) -> tuple[list[str], list[str]]:
    """(largest files, largest-first; frames of the longest sequence) under root, from at
    most MAX_LISTED files. Folders and files that cannot be read go to `problems`."""
    if root.is_file():
        listing = next(iter(Walker([str(root.parent)], threads=1)))
        _, groups = group_sequences(e for e in listing.files if not e.problem)
        for group in groups:
            if any(e.path == str(root) for _, e in group.frames):
                return [], [e.path for _, e in group.frames if e.size > 0]
        return [str(root)], []
    singles: list[tuple[int, str]] = []
    best_sequence: list[str] = []
    seen = 0
    for listing in Walker([str(root)], threads=1):
        if listing.error:
            problems.append(f"{listing.path}: {listing.error}")
        problems.extend(f"{e.path}: {e.problem}" for e in listing.files if e.problem)
        files = [e for e in listing.files if not e.problem and e.size > 0]
        seen += len(files)
        loose, groups = group_sequences(files)
        singles.extend((e.size, e.path) for e in loose)
        for group in groups:
            if len(group.frames) > len(best_sequence):
                best_sequence = [e.path for _, e in group.frames]
        if seen >= MAX_LISTED:
            break
    singles.sort(reverse=True)
    return [p for _, p in singles[:16]], best_sequence
