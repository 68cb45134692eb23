"""In `--json` mode stdout holds the JSON document and nothing else.

Project readers and the native libraries under them print (the AAF adapter writes `Unable
find slot_id: 0 in mob None creating Gap` for real Avid AAFs with several top-level mobs;
MediaInfo and OpenImageIO may write from C). While a `--json` command runs, Python's
`sys.stdout` is stderr and file descriptor 1 is a copy of stderr, so whatever anyone prints,
from Python or from native code, reaches stderr; the JSON alone goes to the real stdout,
kept aside. The CLI's main does this once around every command.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO

_json_out: BinaryIO | None = None
"""Where JSON goes while the guard is up: the real stdout, kept aside."""


def json_stream() -> BinaryIO:
    """The stream a command writes its JSON to."""
    return _json_out if _json_out is not None else sys.stdout.buffer


@contextlib.contextmanager
def json_only_stdout(enabled: bool = True) -> Iterator[None]:
    """Route everything printed to stdout (Python or native, fd 1) to stderr while the
    block runs; `json_stream()` is the real stdout."""
    global _json_out
    if not enabled or _json_out is not None or sys.stdout is None:  # None: fd 1 was closed
        yield
        return
    python_out = sys.stdout
    python_out.flush()
    saved_fd = _guard_fd1()
    real: BinaryIO
    if saved_fd is not None and _fileno(python_out) == 1:
        real = os.fdopen(saved_fd, "wb", closefd=False)
    else:
        # stdout is not fd 1 (pytest's capsys, an embedding host): write to it as it is.
        real = getattr(python_out, "buffer", None) or _TextAsBinary(python_out)
    _json_out = real
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        sys.stdout = python_out
        _json_out = None
        with contextlib.suppress(OSError, ValueError):
            real.flush()
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        _flush_c_stdio()  # what C code buffered goes to stderr too, not after the JSON
        if saved_fd is not None:
            os.dup2(saved_fd, 1)
            os.close(saved_fd)


def _guard_fd1() -> int | None:
    """Point fd 1 at stderr and return a copy of the old fd 1 (None when there is none)."""
    try:
        saved = os.dup(1)
    except OSError:
        return None
    try:
        os.dup2(2, 1)
    except OSError:
        os.close(saved)
        return None
    return saved


def _flush_c_stdio() -> None:
    """Flush C's stdio buffers: a native library's printf is buffered when stdout is not
    a terminal, and would otherwise reach fd 1 after it points at the real stdout again."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):
        pass


def _fileno(stream: object) -> int | None:
    try:
        return stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


class _TextAsBinary:
    """A text stream seen as a binary one (UTF-8), for stdouts without a `buffer`."""

    def __init__(self, text: object):
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.write(data.decode("utf-8"))  # type: ignore[attr-defined]
        return len(data)

    def flush(self) -> None:
        self._text.flush()  # type: ignore[attr-defined]
