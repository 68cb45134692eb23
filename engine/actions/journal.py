"""The journal of an apply: one JSON line per step, fsynced before the step it announces
(intent) or after the step it records, so that whatever moment the process dies at, a
second run (or `undo`) knows what happened to every file."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import msgspec

from mediaopt.engine.model import JournalEntry, StepKind

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(JournalEntry).decode


class JournalError(Exception):
    pass


def default_journal(plan_path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(plan_path)}.journal")


def read_journal(path: str | os.PathLike[str]) -> list[JournalEntry]:
    """Every complete entry. A torn last line (the process died mid-write) is dropped: the
    step it announced had not started, since each step waits for its entry's fsync."""
    entries = []
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entries.append(_decode(line))
        except msgspec.DecodeError as exc:
            if number == len(lines):  # the last line, cut short
                break
            raise JournalError(f"{path}: line {number} is not a journal entry: {exc}") from exc
    return entries


class Journal:
    """Appends entries; each `write` returns once the entry is on disk."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        existing = read_journal(self.path)
        self.seq = existing[-1].seq if existing else 0
        self.entries = existing
        """Every entry, those of earlier runs first."""
        self.last_intent: dict[tuple[str, str], JournalEntry] = {}
        for entry in existing:
            self._note(entry)
        self._lock = threading.Lock()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        if not existing:
            _fsync_dir(self.path.parent)  # the journal's own name must survive a crash
        else:
            self._truncate_torn(existing)

    def _truncate_torn(self, existing: list[JournalEntry]) -> None:
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            os.ftruncate(self._fd, data.rfind(b"\n") + 1)
            os.fsync(self._fd)

    def write(self, step: StepKind, **fields: object) -> JournalEntry:
        with self._lock:  # files are carried two at a time: one line, one fsync each
            self.seq += 1
            entry = JournalEntry(seq=self.seq, step=step, time=time.time(), **fields)  # type: ignore[arg-type]
            os.write(self._fd, _encode(entry) + b"\n")
            os.fsync(self._fd)
            self.entries.append(entry)
            self._note(entry)
        return entry

    def _note(self, entry: JournalEntry) -> None:
        if entry.step in (StepKind.INTENT_COPY, StepKind.INTENT_LINK) and entry.action:
            self.last_intent[entry.action, entry.path or ""] = entry

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def last_steps(entries: list[JournalEntry]) -> Iterator[tuple[str, str, list[JournalEntry]]]:
    """(action, path, that file's entries) in the order files were first touched."""
    by_file: dict[tuple[str, str], list[JournalEntry]] = {}
    for entry in entries:
        if entry.action and entry.path:
            by_file.setdefault((entry.action, entry.path), []).append(entry)
    for (action, path), steps in by_file.items():
        yield action, path, steps
