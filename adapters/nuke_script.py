"""The syntax of a Nuke .nk script, read as text and never evaluated.

A script is a list of TCL commands, one per line: `Read { knobs }` makes a node, `clone
$Cxxx { knobs }` a clone, `set Cxxx [stack 0]` names the last node, `end_group` closes a
Group. A node's knobs are themselves command lines (`file /a/b.####.exr`). Words are TCL
words: balanced `{...}` (kept verbatim), `"..."` (backslash escapes undone) or bare.

Scanning jumps between braces and quotes with regular expressions, so the 49,000-character
lines and ~1 MB scripts Nuke writes for trackers and OFX blobs are read in C, not per
character in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["Knob", "Word", "commands", "knobs", "unescape"]


class Word(NamedTuple):
    text: str
    """Inside of braces or quotes, or the bare word."""
    quoted: bool
    braced: bool
    line: int
    """1-based line the word starts on."""


class Knob(NamedTuple):
    value: str
    """The knob's value, escapes undone for quoted values; several words joined by spaces."""
    line: int
    braced: bool


_BRACES = re.compile(r"\\.|[{}]", re.S)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)
_BARE = re.compile(r"(?:\\.|[^\s\\])+|\\", re.S)
_BLANK = re.compile(r"[ \t\r]+|\\\n")
_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def unescape(text: str) -> str:
    """TCL backslash substitution: `\\[` -> `[`, `\\"` -> `"`, `\\n` -> newline."""
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def commands(text: str, first_line: int = 1) -> Iterator[list[Word]]:
    """The commands of a script (or of a node's body), each as its list of words.
    Comments (`#` at the start of a command, e.g. `#! nuke` and `#write_info`) are
    skipped. Unbalanced braces or quotes end the text there (the part read is kept)."""
    i, n, line = 0, len(text), first_line
    words: list[Word] = []
    while i < n:
        blank = _BLANK.match(text, i)
        if blank:
            line += text.count("\n", i, blank.end())
            i = blank.end()
            continue
        char = text[i]
        if char == "\n" or char == ";":
            if words:
                yield words
                words = []
            line += char == "\n"
            i += 1
            continue
        if char == "#" and not words:
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        start, start_line = i, line
        if char == "{":
            end = _closing_brace(text, i)
            if end < 0:
                raise ValueError(f"line {start_line}: unbalanced '{{'")
            word = Word(text[i + 1 : end], False, True, start_line)
            i = end + 1
        elif char == '"':
            match = _QUOTED.match(text, i)
            if not match:
                raise ValueError(f"line {start_line}: unterminated quoted string")
            word = Word(unescape(match.group(1)), True, False, start_line)
            i = match.end()
        else:
            match = _BARE.match(text, i)
            word = Word(match.group(0), False, False, start_line)
            i = match.end()
        line += text.count("\n", start, i)
        words.append(word)
    if words:
        yield words


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for match in _BRACES.finditer(text, start):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return match.start()
    return -1


def knobs(body: Word) -> dict[str, Knob]:
    """A node body's knobs by name (the last one wins, as in Nuke)."""
    found: dict[str, Knob] = {}
    for words in commands(body.text, body.line):
        if len(words) < 2:
            continue
        values = words[1:]
        value = values[0].text if len(values) == 1 else " ".join(w.text for w in values)
        found[words[0].text] = Knob(value, words[0].line, values[0].braced)
    return found
